"""The console's OAuth apps: a write-only client secret, validated and audited like the API."""

import pytest

from oauth.models import OAuthApp
from orgs.models import AuditEvent

pytestmark = pytest.mark.django_db
SECRET = "console-oauth-secret-PLAINTEXT-3e4f"


def add(console, org, **fields):
    data = {
        "org": org.pk,
        "piece": "slack",
        "client_id": "console-client",
        "new_client_secret": SECRET,
        "scopes": "chat:write channels:read",
        **fields,
    }
    return console.post("/admin/oauth/oauthapp/add/", data)


def test_an_operator_registers_an_app_whose_secret_is_sealed_and_audited(console, org):
    console.forbid(SECRET)
    response = add(console, org)
    assert response.status_code == 302, response.content
    app = OAuthApp.objects.get(org=org)
    assert app.decrypted_client_secret() == SECRET
    assert app.scopes == ["chat:write", "channels:read"]
    event = AuditEvent.objects.get(action="oauth_app.created", target_id=app.id)
    assert event.actor == "admin:alice"
    page = console.get(f"/admin/oauth/oauthapp/{app.pk}/change/").content.decode()
    assert "Never displayed" in page and "/api/v1/connect/oauth/callback" in page


def test_an_empty_secret_field_keeps_the_current_secret(console, org):
    console.forbid(SECRET)
    add(console, org)
    app = OAuthApp.objects.get(org=org)
    response = console.post(
        f"/admin/oauth/oauthapp/{app.pk}/change/",
        {"client_id": "renamed", "new_client_secret": "", "scopes": ""},
    )
    assert response.status_code == 302, response.content
    app.refresh_from_db()
    assert app.client_id == "renamed" and app.scopes == []
    assert app.decrypted_client_secret() == SECRET


def test_the_console_refuses_a_piece_without_oauth2_and_a_second_app(console, org):
    response = add(console, org, piece="openai")
    assert response.status_code == 200 and "does not use OAuth2" in response.content.decode()
    add(console, org)
    response = add(console, org, client_id="again")
    assert response.status_code == 200
    assert OAuthApp.objects.filter(org=org).count() == 1
