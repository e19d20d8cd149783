"""API.md's "OAuth apps": CRUD, one app per piece, the write-only sealed secret, scopes, tenancy."""

import pytest
from django.test import override_settings

from oauth.models import OAuthApp
from oauth.serializers import OAUTH_APP, render_oauth_app
from orgs.models import AuditEvent, Scope
from tests.oauth.provider import slack_oauth_app

pytestmark = pytest.mark.django_db

APPS = "/api/v1/oauth-apps"
SECRET = "slack-client-secret-PLAINTEXT-8c1d"
FIELDS = {"id", "pieceName", "clientId", "scopes", "redirectUri", "createdAt", "updatedAt"}


def create(api, **body):
    payload = {
        "pieceName": "slack",
        "clientId": "1234.5678",
        "clientSecret": SECRET,
        "scopes": ["chat:write", "channels:read"],
        **body,
    }
    return api.post(APPS, payload, format="json")


def error_of(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    return response.json()["error"]


def test_it_creates_an_app_with_201_without_ever_returning_the_secret(api, org):
    response = create(api)
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == FIELDS
    assert body["id"].startswith("oapp_")
    assert body["pieceName"] == "slack" and body["clientId"] == "1234.5678"
    assert body["scopes"] == ["chat:write", "channels:read"]
    assert body["redirectUri"] == "http://127.0.0.1:8000/api/v1/connect/oauth/callback"
    assert SECRET not in response.content.decode()
    assert SECRET not in api.get(f"{APPS}/{body['id']}").content.decode()
    assert SECRET not in api.get(APPS).content.decode()


def test_the_secret_is_stored_sealed_and_decrypts_to_what_was_sent(api, org):
    app_id = create(api).json()["id"]
    stored = OAuthApp.objects.values_list("client_secret", flat=True).get(pk=app_id)
    assert stored.startswith("enc:v2:") and SECRET not in stored
    assert OAuthApp.objects.get(pk=app_id).decrypted_client_secret() == SECRET


@override_settings(PUBLIC_URL="https://weavz.example.com")
def test_the_redirect_uri_is_built_from_public_url(api, org):
    assert create(api).json()["redirectUri"] == (
        "https://weavz.example.com/api/v1/connect/oauth/callback"
    )


def test_creating_is_audited_without_the_secret(api, org):
    app_id = create(api).json()["id"]
    event = AuditEvent.objects.get(action="oauth_app.created", target_id=app_id)
    assert event.metadata == {"pieceName": "slack", "clientId": "1234.5678"}
    assert SECRET not in str(event.metadata)


def test_a_second_app_for_the_same_piece_is_a_conflict(api, org):
    assert create(api).status_code == 201
    error_of(create(api, clientId="other"), 409, "CONFLICT")
    assert OAuthApp.objects.filter(org=org).count() == 1


def test_another_org_may_register_the_same_piece(api, charlie, org, other_org):
    assert create(api).status_code == 201
    assert create(charlie).status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"pieceName": "nope"}, "pieceName"),
        ({"pieceName": "openai"}, "pieceName"),  # not an OAuth2 piece
        ({"clientId": ""}, "clientId"),
        ({"clientId": 1234}, "clientId"),
        ({"clientSecret": 42}, "clientSecret"),
        ({"clientSecret": ""}, "clientSecret"),
        ({"scopes": "chat:write"}, "scopes"),
        ({"scopes": [1]}, "scopes.0"),
        ({"extra": True}, "extra"),
    ],
)
def test_it_rejects_a_malformed_body_naming_the_field(api, body, field):
    error = error_of(create(api, **body), 400, "VALIDATION_ERROR")
    assert field in error["details"], error


def test_it_requires_the_secret_on_create(api):
    response = api.post(APPS, {"pieceName": "slack", "clientId": "x"}, format="json")
    assert "clientSecret" in error_of(response, 400, "VALIDATION_ERROR")["details"]


def test_patch_changes_the_client_and_replaces_the_secret(api, org):
    app_id = create(api).json()["id"]
    response = api.patch(
        f"{APPS}/{app_id}",
        {"clientId": "new-id", "clientSecret": "new-secret-value", "scopes": []},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["clientId"] == "new-id" and response.json()["scopes"] == []
    assert "new-secret-value" not in response.content.decode()
    assert OAuthApp.objects.get(pk=app_id).decrypted_client_secret() == "new-secret-value"
    event = AuditEvent.objects.get(action="oauth_app.updated", target_id=app_id)
    assert event.metadata == {"fields": ["client_id", "client_secret", "scopes"]}


def test_patch_cannot_change_the_piece(api, org):
    app_id = create(api).json()["id"]
    error = error_of(
        api.patch(f"{APPS}/{app_id}", {"pieceName": "github"}, format="json"),
        400,
        "VALIDATION_ERROR",
    )
    assert "pieceName" in error["details"]


def test_delete_answers_success_and_audits(api, org):
    app_id = create(api).json()["id"]
    response = api.delete(f"{APPS}/{app_id}")
    assert response.status_code == 200 and response.json() == {"success": True}
    assert not OAuthApp.objects.filter(pk=app_id).exists()
    assert AuditEvent.objects.filter(action="oauth_app.deleted", target_id=app_id).exists()


def test_it_lists_newest_first_in_pages(api, org):
    first = create(api, pieceName="slack").json()["id"]
    second = create(api, pieceName="github").json()["id"]
    page = api.get(APPS, {"limit": 1}).json()
    assert [a["id"] for a in page["data"]] == [second]
    rest = api.get(APPS, {"limit": 1, "cursor": page["next"]}).json()
    assert [a["id"] for a in rest["data"]] == [first] and rest["next"] is None


def test_it_rejects_a_key_from_another_org(api, charlie, org):
    app_id = create(api).json()["id"]
    assert charlie.get(APPS).json()["data"] == []
    error_of(charlie.get(f"{APPS}/{app_id}"), 404, "NOT_FOUND")
    error_of(charlie.patch(f"{APPS}/{app_id}", {"clientId": "x"}, format="json"), 404, "NOT_FOUND")
    error_of(charlie.delete(f"{APPS}/{app_id}"), 404, "NOT_FOUND")
    assert OAuthApp.objects.get(pk=app_id).client_id == "1234.5678"


def test_reading_and_changing_need_the_oauth_apps_scopes(make_api, org):
    reader = make_api(org, scopes=[Scope.OAUTH_APPS_READ])
    error_of(create(reader), 403, "FORBIDDEN")
    assert reader.get(APPS).status_code == 200
    nobody = make_api(org, scopes=[Scope.CONNECTIONS_READ])
    error_of(nobody.get(APPS), 403, "FORBIDDEN")


def test_new_keys_get_the_oauth_apps_scopes_by_default(make_api, org):
    assert create(make_api(org, scopes=None)).status_code == 201


def test_the_renderer_and_the_schema_serializer_describe_the_same_fields(org):
    app = slack_oauth_app(org)
    assert set(render_oauth_app(app)) == set(OAUTH_APP.serializer().fields) == FIELDS
