"""The OAUTH2 flow of the connect page against a fake provider on 127.0.0.2: authorization code
with PKCE S256, a one-time state bound to the session, the code exchanged server-side."""

import json
import logging
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from connect.models import ConnectSession, OAuthAttempt
from connections.models import Connection
from orgs.models import AuditEvent
from tests.connect.conftest import ERROR_URI, SUCCESS_URI, open_link
from tests.connect.fake_oauth import CLIENT_SECRET, s256

pytestmark = pytest.mark.django_db
CALLBACK = "/api/v1/connect/oauth/callback"


def _begin(client: Client, path: str) -> str:
    response = client.post(f"{path}/oauth")
    assert response.status_code == 303, response.content
    location: str = response["Location"]
    return location


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def _back(client: Client, url: str):
    """The browser arriving at the callback (the fake provider's redirect)."""
    parts = urlsplit(url)
    return client.get(f"{parts.path}?{parts.query}")


@pytest.fixture
def browser(start_session, fake_provider, allowed):
    created = start_session(
        pieceName="acme", successRedirectUri=SUCCESS_URI, errorRedirectUri=ERROR_URI
    )
    client = Client()
    path = open_link(client, created["token"])
    return created, client, path


def test_the_page_offers_a_connect_button(browser):
    _created, client, path = browser
    response = client.get(path)
    html = response.content.decode()
    assert "Connect with Acme" in html
    assert f'action="{path}/oauth"' in html
    assert "form-action 'self' http://127.0.0.2:" in response["Content-Security-Policy"]


def test_the_button_starts_the_code_flow_with_pkce_s256(browser, fake_provider, settings):
    _created, client, path = browser
    location = _begin(client, path)
    assert location.startswith(fake_provider.url("/authorize") + "?")
    query = _query(location)
    assert query["response_type"] == "code"
    assert query["client_id"] == "fake-client-id"
    assert query["redirect_uri"] == f"{settings.PUBLIC_URL}{CALLBACK}"
    assert query["scope"] == "read write"
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert len(query["state"]) >= 43
    attempt = OAuthAttempt.objects.get()
    verifier = attempt.verifier()
    assert s256(verifier) == query["code_challenge"]
    assert verifier not in location  # the verifier never leaves the server but to the token URL
    stored = OAuthAttempt.objects.values_list("state_hash", "code_verifier").get()
    assert query["state"] not in stored[0] and verifier not in stored[1]


def test_an_end_user_completes_an_oauth2_session(browser, fake_provider, api):
    created, client, path = browser
    response = _back(client, fake_provider.approve(_begin(client, path)))
    assert response.status_code == 303
    assert response["Location"] == f"{SUCCESS_URI}?sessionId={created['id']}"

    (token_request,) = fake_provider.token_requests
    assert token_request["form"]["grant_type"] == "authorization_code"
    assert token_request["form"]["code_verifier"]
    session = api.get(f"/api/v1/connect/sessions/{created['id']}").json()
    assert session["status"] == "COMPLETED"
    connection = Connection.objects.get(pk=session["connectionId"])
    assert (connection.piece_id, connection.external_id) == ("acme", "user-42")
    value = connection.decrypted_value()
    assert value["type"] == "OAUTH2"
    assert value["access_token"] == fake_provider.access_tokens[0]
    assert value["refresh_token"].startswith("fake-refresh-")
    assert value["token_type"] == "Bearer" and value["scope"] == "read write"
    assert value["data"] == {"team": {"id": "T1"}}
    raw = Connection.objects.values_list("value", flat=True).get(pk=connection.pk)
    assert raw.startswith("enc:v2:") and fake_provider.access_tokens[0] not in raw


def test_a_reused_state_is_refused(browser, fake_provider):
    _created, client, path = browser
    back = fake_provider.approve(_begin(client, path))
    assert _back(client, back).status_code == 303
    again = _back(client, back)
    assert again.status_code == 410
    assert "already used or has expired" in again.content.decode()
    assert len(fake_provider.token_requests) == 1


def test_a_reused_state_is_refused_even_before_the_session_completed(browser, fake_provider):
    _created, client, path = browser
    back = fake_provider.approve(_begin(client, path))
    fake_provider.refuse_codes = True
    _back(client, back)  # consumed, then refused by the provider
    assert _back(client, back).status_code == 410
    assert len(fake_provider.token_requests) == 1


def test_a_tampered_state_is_refused(browser, fake_provider):
    _created, client, path = browser
    back = fake_provider.approve(_begin(client, path))
    state = _query(back)["state"]
    tampered = back.replace(state, state[:-2] + ("AA" if state[-2:] != "AA" else "BB"))
    response = _back(client, tampered)
    assert response.status_code == 400
    assert "This sign-in is not valid" in response.content.decode()
    assert fake_provider.token_requests == []
    assert ConnectSession.objects.get().status == "PENDING"


def test_a_callback_without_a_state_is_refused(db):
    response = Client().get(f"{CALLBACK}?code=abc")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_an_expired_state_is_refused(browser, fake_provider):
    _created, client, path = browser
    back = fake_provider.approve(_begin(client, path))
    OAuthAttempt.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _back(client, back).status_code == 410
    assert fake_provider.token_requests == []


def test_a_state_is_bound_to_the_browser_that_started_it(browser, fake_provider):
    _created, client, path = browser
    back = fake_provider.approve(_begin(client, path))
    response = _back(Client(), back)
    assert response.status_code == 403
    assert fake_provider.token_requests == []


def test_a_denied_consent_fails_the_session_and_goes_to_the_error_uri(browser, fake_provider, api):
    created, client, path = browser
    response = _back(client, fake_provider.deny(_begin(client, path)))
    assert response.status_code == 303
    assert response["Location"] == f"{ERROR_URI}?sessionId={created['id']}&error=access_denied"
    session = api.get(f"/api/v1/connect/sessions/{created['id']}").json()
    assert session["status"] == "FAILED"
    assert session["error"] == "Access to Acme was not granted."
    event = AuditEvent.objects.get(action="connect_session.failed")
    assert event.actor == created["id"] and event.metadata["reason"] == session["error"]
    assert not Connection.objects.exists()
    page = client.get(path)
    assert page.status_code == 410 and "Access to Acme was not granted." in page.content.decode()


def test_a_bad_code_fails_the_session_with_a_readable_reason(browser, fake_provider, api):
    created, client, path = browser
    back = fake_provider.approve(_begin(client, path))
    code = _query(back)["code"]
    response = _back(client, back.replace(code, "code-forged"))
    assert response["Location"].endswith("&error=invalid_grant")
    session = api.get(f"/api/v1/connect/sessions/{created['id']}").json()
    assert session["status"] == "FAILED"
    assert session["error"] == "Acme refused the sign-in (invalid_grant)."


def test_an_odd_provider_error_is_not_echoed(browser, fake_provider, api):
    created, client, path = browser
    state = _query(_begin(client, path))["state"]
    response = client.get(CALLBACK, {"state": state, "error": "<script>alert(1)</script>"})
    assert response["Location"].endswith("&error=provider_error")
    error = api.get(f"/api/v1/connect/sessions/{created['id']}").json()["error"]
    assert error == "Acme refused the sign-in (provider_error)."


def test_without_an_error_uri_a_failure_shows_the_failed_page(start_session, fake_provider):
    created = start_session(pieceName="acme")
    client = Client()
    path = open_link(client, created["token"])
    response = _back(client, fake_provider.deny(_begin(client, path)))
    assert response.status_code == 303 and response["Location"] == path
    page = client.get(path)
    assert page.status_code == 410
    assert "Connecting Acme failed" in page.content.decode()


def test_an_unreachable_provider_leaves_the_session_pending(browser, fake_provider, settings):
    _created, client, path = browser
    back = fake_provider.approve(_begin(client, path))
    settings.EGRESS_ALLOWED_NETWORKS = []  # the token endpoint is now refused by egress
    response = _back(client, back)
    assert response.status_code == 502
    assert "could not be reached" in response.content.decode()
    assert ConnectSession.objects.get().status == "PENDING"


def test_without_an_oauth_app_the_page_says_it_is_not_set_up(start_session, fake_provider):
    from oauth.models import OAuthApp

    OAuthApp.objects.all().delete()
    created = start_session(pieceName="acme")
    client = Client()
    path = open_link(client, created["token"])
    html = client.get(path).content.decode()
    assert "not available here yet" in html and "Connect with Acme" not in html
    assert client.post(f"{path}/oauth").status_code == 409


def test_the_button_needs_the_browsers_cookie(browser):
    _created, _client, path = browser
    assert Client().post(f"{path}/oauth").status_code == 403
    assert not OAuthAttempt.objects.exists()


def test_reconnect_through_oauth_keeps_the_id(start_session, fake_provider, org):
    from tests.factories import ConnectionFactory

    old = ConnectionFactory.create(
        org=org,
        piece_id="acme",
        external_id="user-42",
        status="EXPIRED",
        value_type="OAUTH2",
        value={"type": "OAUTH2", "access_token": "old-token"},
    )
    created = start_session(pieceName="acme", connectionId=old.id)
    client = Client()
    path = open_link(client, created["token"])
    _back(client, fake_provider.approve(_begin(client, path)))
    old.refresh_from_db()
    assert old.status == "ACTIVE"
    assert old.decrypted_value()["access_token"] == fake_provider.access_tokens[0]
    assert Connection.objects.count() == 1


def test_no_page_log_or_audit_event_holds_a_token(browser, fake_provider, caplog):
    created, client, path = browser
    with caplog.at_level(logging.DEBUG):
        location = _begin(client, path)
        back = fake_provider.approve(location)
        pages = [_back(client, back), _back(client, back), client.get(path)]
    from weavz.api.logging import JsonFormatter

    secrets = [
        fake_provider.access_tokens[0],
        _query(back)["code"],
        _query(back)["state"],
        OAuthAttempt.objects.get().verifier(),
        CLIENT_SECRET,
        created["token"],
    ]
    texts = [JsonFormatter().format(record) for record in caplog.records]
    texts += [page.content.decode() + json.dumps(dict(page.headers)) for page in pages]
    texts += [json.dumps(e.metadata) for e in AuditEvent.objects.all()]
    for text in texts:
        for secret in secrets:
            assert secret not in text
