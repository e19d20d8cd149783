"""The hosted connect page, driven with Django's test client (the browser tests drive chromium)."""

import json
import logging
import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.utils import timezone

from connect.models import ConnectSession
from connections.models import Connection
from orgs.models import AuditEvent
from tests.connect.conftest import SUCCESS_URI, open_link
from tests.factories import ConnectionFactory, ProjectFactory

pytestmark = pytest.mark.django_db
SECRET = "sk-end-user-plaintext-7f3a9c"


def _rates(connect: str):
    from django.conf import settings

    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "connect": connect}
    return override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    )


def _expire(session_id: str) -> None:
    ConnectSession.objects.filter(pk=session_id).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )


def _html(response) -> str:
    return response.content.decode()


def test_the_link_becomes_a_cookie_and_the_token_leaves_the_url(start_session):
    created = start_session(pieceName="openai")
    client = Client()
    response = client.get(f"/connect/{created['token']}")
    assert response.status_code == 303
    assert response["Location"] == f"/connect/{created['id']}"
    cookie = response.cookies[f"connect_{created['id']}"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
    assert created["token"] not in cookie.value
    assert response["Referrer-Policy"] == "no-referrer"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Connect your OpenAI account" in _html(page)


def test_a_link_opened_a_second_time_is_gone(start_session):
    created = start_session(pieceName="openai")
    open_link(Client(), created["token"])
    again = Client().get(f"/connect/{created['token']}")
    assert again.status_code == 410
    assert again["Content-Type"].startswith("text/html")
    assert "already opened" in _html(again)


def test_an_unknown_link_is_a_404_page(db):
    response = Client().get("/connect/cst_" + "x" * 43)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "This link is not valid" in _html(response)
    assert "Traceback" not in _html(response)


def test_a_malformed_connect_path_is_a_404_page(db):
    response = Client().get("/connect/../../etc/passwd")
    assert response.status_code == 404
    assert "This link is not valid" in _html(response)


def test_an_expired_link_is_a_410_page(start_session):
    created = start_session(pieceName="openai")
    _expire(created["id"])
    response = Client().get(f"/connect/{created['token']}")
    assert response.status_code == 410
    assert "expired" in _html(response)


def test_a_cancelled_link_is_a_410_page(api, start_session):
    created = start_session(pieceName="openai")
    api.post(f"/api/v1/connect/sessions/{created['id']}/cancel")
    response = Client().get(f"/connect/{created['token']}")
    assert response.status_code == 410
    assert "cancelled" in _html(response)


def test_a_page_cancelled_after_it_was_opened_is_a_410_page(api, start_session):
    created = start_session(pieceName="openai")
    client = Client()
    path = open_link(client, created["token"])
    api.post(f"/api/v1/connect/sessions/{created['id']}/cancel")
    assert client.get(path).status_code == 410
    assert client.post(path, {"type": "SECRET_TEXT", "secret_text": SECRET}).status_code == 410
    assert not Connection.objects.filter(external_id="user-42").exists()


def test_the_page_refuses_a_browser_without_the_cookie(start_session):
    created = start_session(pieceName="openai")
    open_link(Client(), created["token"])
    stranger = Client()
    response = stranger.get(f"/connect/{created['id']}")
    assert response.status_code == 403
    assert "Open the link you were sent" in _html(response)
    stranger.cookies[f"connect_{created['id']}"] = created["id"]  # unsigned: forged
    assert stranger.post(f"/connect/{created['id']}", {"secret_text": SECRET}).status_code == 403
    assert not Connection.objects.filter(external_id="user-42").exists()


def test_an_end_user_completes_a_secret_text_session(api, start_session, org, allowed):
    project = ProjectFactory.create(org=org)
    created = start_session(
        pieceName="openai",
        externalId="user-77",
        projectId=project.id,
        successRedirectUri=SUCCESS_URI,
    )
    client = Client()
    path = open_link(client, created["token"])
    response = client.post(path, {"type": "SECRET_TEXT", "secret_text": SECRET})
    assert response.status_code == 303
    assert response["Location"] == f"{SUCCESS_URI}?sessionId={created['id']}"

    session = api.get(f"/api/v1/connect/sessions/{created['id']}").json()
    assert session["status"] == "COMPLETED" and session["completedAt"]
    connection = Connection.objects.get(pk=session["connectionId"])
    assert (connection.external_id, connection.project_id, connection.piece_id) == (
        "user-77",
        project.id,
        "openai",
    )
    assert connection.display_name == "OpenAI (user-77)"
    assert connection.decrypted_value() == {"type": "SECRET_TEXT", "secret_text": SECRET}
    listed = api.get("/api/v1/connections", {"externalId": "user-77"}).json()["data"]
    assert [c["id"] for c in listed] == [connection.id]
    answers = [session, listed, api.get(f"/api/v1/connections/{connection.id}").json()]
    assert SECRET not in json.dumps(answers) and created["token"] not in json.dumps(answers)


def test_completion_is_audited_as_the_session_without_the_secret(start_session):
    created = start_session(pieceName="openai")
    client = Client()
    client.post(open_link(client, created["token"]), {"secret_text": SECRET})
    completed = AuditEvent.objects.get(action="connect_session.completed")
    assert completed.actor == created["id"] and completed.target_id == created["id"]
    assert completed.metadata["externalId"] == "user-42"
    assert completed.metadata["connectionId"]
    made = AuditEvent.objects.get(action="connection.created")
    assert made.actor == created["id"]
    for event in AuditEvent.objects.all():
        assert SECRET not in json.dumps(event.metadata)
        assert created["token"] not in json.dumps(event.metadata)


def test_without_a_success_uri_the_end_user_sees_a_done_page(start_session):
    created = start_session(pieceName="openai")
    client = Client()
    path = open_link(client, created["token"])
    response = client.post(path, {"secret_text": SECRET}, follow=True)
    assert response.status_code == 200
    assert "OpenAI is connected" in _html(response)
    assert SECRET not in _html(response)


def test_a_completed_session_cannot_complete_again(start_session):
    created = start_session(pieceName="openai")
    client = Client()
    path = open_link(client, created["token"])
    client.post(path, {"secret_text": SECRET})
    from connect.services import connect_session_complete
    from weavz.api.errors import Gone

    with pytest.raises(Gone):
        connect_session_complete(
            session_id=created["id"], value={"type": "SECRET_TEXT", "secret_text": "second"}
        )
    assert Connection.objects.get(external_id="user-42").decrypted_value()["secret_text"] == SECRET


def test_posting_the_form_again_after_completion_is_gone(start_session):
    created = start_session(pieceName="openai")
    client = Client()
    path = open_link(client, created["token"])
    assert client.post(path, {"secret_text": SECRET}).status_code == 303

    again = client.post(path, {"secret_text": "sk-second-PLAINTEXT"})

    assert again.status_code == 410
    assert "sk-second-PLAINTEXT" not in _html(again)
    assert Connection.objects.get(external_id="user-42").decrypted_value()["secret_text"] == SECRET
    assert client.get(path).status_code == 200  # reloading the done page still shows it


def test_an_expired_page_refuses_the_form(start_session):
    created = start_session(pieceName="openai")
    client = Client()
    path = open_link(client, created["token"])
    _expire(created["id"])
    response = client.post(path, {"secret_text": SECRET})
    assert response.status_code == 410
    assert not Connection.objects.filter(external_id="user-42").exists()


def test_a_custom_auth_form_keeps_what_was_typed_except_secrets(start_session):
    created = start_session(pieceName="jira", externalId="user-5")
    client = Client()
    path = open_link(client, created["token"])
    page = client.get(path)
    html = _html(page)
    for label in ("Instance URL", "Email", "API token"):
        assert label in html
    assert re.search(r'<input type="password" name="prop-api_token"', html)

    response = client.post(
        path,
        {
            "type": "CUSTOM_AUTH",
            "prop-instance_url": "https://acme.atlassian.net",
            "prop-email": "",
            "prop-api_token": SECRET,
        },
    )
    assert response.status_code == 400
    html = _html(response)
    assert "Please enter your email." in html
    assert 'value="https://acme.atlassian.net"' in html
    assert SECRET not in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_prop-email-error"' in html
    assert ConnectSession.objects.get(pk=created["id"]).status == "PENDING"


def test_an_end_user_completes_a_custom_auth_session(start_session):
    created = start_session(pieceName="postgres", externalId="user-6")
    client = Client()
    path = open_link(client, created["token"])
    response = client.post(
        path,
        {
            "type": "CUSTOM_AUTH",
            "prop-host": "db.example.com",
            "prop-port": "",
            "prop-database": "app",
            "prop-user": "reader",
            "prop-password": SECRET,
            "prop-ssl": "",
        },
    )
    assert response.status_code == 303
    value = Connection.objects.get(external_id="user-6").decrypted_value()
    # Optional props left empty are not stored.
    assert value == {
        "type": "CUSTOM_AUTH",
        "props": {
            "host": "db.example.com",
            "database": "app",
            "user": "reader",
            "password": SECRET,
        },
    }


def test_a_piece_with_several_types_lets_the_end_user_choose(start_session):
    created = start_session(pieceName="jira")
    client = Client()
    path = open_link(client, created["token"])
    html = _html(client.get(path))
    assert 'href="?type=BASIC_AUTH"' in html and 'aria-current="page"' in html
    html = _html(client.get(path, {"type": "BASIC_AUTH"}))
    assert 'name="username"' in html and 'type="password" name="password"' in html
    response = client.post(path, {"type": "BASIC_AUTH", "username": "ann", "password": SECRET})
    assert response.status_code == 303
    value = Connection.objects.get(external_id="user-42").decrypted_value()
    assert value == {"type": "BASIC_AUTH", "username": "ann", "password": SECRET}


def test_a_type_the_piece_does_not_accept_falls_back_to_one_it_does(start_session):
    created = start_session(pieceName="openai")
    client = Client()
    path = open_link(client, created["token"])
    response = client.post(path, {"type": "NO_AUTH"})
    assert response.status_code == 400
    assert "Please enter your OpenAI API key." in _html(response)
    assert not Connection.objects.exists()


def test_an_empty_secret_is_refused_with_a_readable_message(start_session):
    created = start_session(pieceName="openai")
    client = Client()
    response = client.post(open_link(client, created["token"]), {"secret_text": ""})
    assert response.status_code == 400
    assert "Please enter your OpenAI API key." in _html(response)


def test_reconnect_keeps_the_id_and_returns_the_connection_to_active(start_session, org, api):
    old = ConnectionFactory.create(
        org=org, piece_id="openai", external_id="user-42", status="ERROR"
    )
    created = start_session(pieceName="openai", connectionId=old.id, displayName="Ann's key")
    client = Client()
    client.post(open_link(client, created["token"]), {"secret_text": SECRET})
    assert Connection.objects.count() == 1
    old.refresh_from_db()
    assert old.status == "ACTIVE" and old.display_name == "Ann's key"
    assert old.decrypted_value()["secret_text"] == SECRET
    body = api.get(f"/api/v1/connect/sessions/{created['id']}").json()
    assert body["connectionId"] == old.id
    assert AuditEvent.objects.get(action="connection.updated").actor == created["id"]


def test_connecting_again_replaces_the_end_users_own_connection(start_session, org):
    old = ConnectionFactory.create(org=org, piece_id="openai", external_id="user-42")
    created = start_session(pieceName="openai")
    client = Client()
    client.post(open_link(client, created["token"]), {"secret_text": SECRET})
    assert list(Connection.objects.values_list("id", flat=True)) == [old.id]


def test_the_form_needs_its_csrf_token(start_session):
    created = start_session(pieceName="openai")
    client = Client(enforce_csrf_checks=True)
    path = open_link(client, created["token"])
    response = client.post(path, {"secret_text": SECRET})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert "Please try again" in _html(response)
    assert not Connection.objects.exists()
    page = client.get(path)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', _html(page)).group(1)
    response = client.post(path, {"secret_text": SECRET, "csrfmiddlewaretoken": token})
    assert response.status_code == 303


def test_pages_forbid_scripts_and_framing(start_session, allowed):
    created = start_session(pieceName="openai", successRedirectUri=SUCCESS_URI)
    client = Client()
    response = client.get(open_link(client, created["token"]))
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src" not in csp and "unsafe-inline" not in csp
    assert "form-action 'self' https://app.example.com" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cache-Control"] == "no-store"
    assert "<script" not in _html(response) and "style=" not in _html(response)
    assert 'href="/static/connect/connect.css"' in _html(response)
    assert "http" not in _html(response).replace("https://app.example.com", "")


def test_error_pages_carry_the_same_headers(db):
    response = Client().get("/connect/cst_unknown")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_the_pages_are_rate_limited_per_client_ip(start_session):
    created = start_session(pieceName="openai")
    client = Client()
    path = open_link(client, created["token"])
    caches["default"].clear()  # earlier tests counted this IP's requests in this window
    with _rates("3/min"):
        statuses = [client.get(path).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = client.post(path, {"secret_text": SECRET})
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert "Too many attempts" in _html(limited)
    assert not Connection.objects.exists()


def test_no_log_line_holds_the_token_or_the_secret(start_session, caplog):
    created = start_session(pieceName="openai")
    client = Client()
    with caplog.at_level(logging.DEBUG):
        path = open_link(client, created["token"])
        client.post(path, {"secret_text": SECRET})
        client.get(f"/connect/{created['token']}")
    from weavz.api.logging import JsonFormatter

    lines = [JsonFormatter().format(record) for record in caplog.records]
    assert any("/connect/[REDACTED]" in line for line in lines)
    for line in lines:
        assert created["token"] not in line and SECRET not in line


def test_a_success_uri_with_a_query_keeps_it(start_session, org):
    from connect.models import AllowedRedirectUri

    uri = "https://app.example.com/connected?from=weavz"
    AllowedRedirectUri.objects.create(org=org, uri=uri)
    created = start_session(pieceName="openai", successRedirectUri=uri)
    client = Client()
    response = client.post(open_link(client, created["token"]), {"secret_text": SECRET})
    assert response["Location"] == f"{uri}&sessionId={created['id']}"
