"""The Connect sessions API: create, get and cancel (API.md, "Connect sessions")."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from connect.models import ConnectSession
from orgs.keys import hash_key
from orgs.models import AuditEvent
from tests.connect.conftest import ERROR_URI, SUCCESS_URI
from tests.factories import ConnectionFactory, PolicyFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_it_creates_a_session_with_a_one_time_link(api, org, settings):
    settings.PUBLIC_URL = "https://weavz.example.com"
    response = api.post(
        "/api/v1/connect/sessions", {"pieceName": "openai", "externalId": "user-42"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "token", "connectUrl", "status", "expiresAt"}
    assert body["id"].startswith("cs_") and body["status"] == "PENDING"
    assert re.fullmatch(r"cst_[A-Za-z0-9_-]{43}", body["token"])  # 256 bits
    assert body["connectUrl"] == f"https://weavz.example.com/connect/{body['token']}"
    session = ConnectSession.objects.get(pk=body["id"])
    assert session.token_hash == hash_key(body["token"])
    expires = session.expires_at - timezone.now()
    assert timedelta(seconds=1790) < expires <= timedelta(seconds=1800)
    assert body["expiresAt"].startswith(session.expires_at.strftime("%Y-%m-%dT%H:%M:%S"))


def test_it_shows_the_token_once_and_stores_only_its_hash(api, start_session):
    created = start_session(pieceName="openai")
    row = ConnectSession.objects.filter(pk=created["id"]).values().get()
    assert created["token"] not in str(row)
    body = api.get(f"/api/v1/connect/sessions/{created['id']}").json()
    assert created["token"] not in str(body)
    event = AuditEvent.objects.get(action="connect_session.created")
    assert created["token"] not in str(event.metadata)


def test_it_reads_a_session_with_connections_read(make_api, org, start_session):
    created = start_session(pieceName="openai", ttlSeconds=60)
    reader = make_api(org, scopes=["connections:read"])
    response = reader.get(f"/api/v1/connect/sessions/{created['id']}")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "id": created["id"],
        "status": "PENDING",
        "pieceName": "openai",
        "externalId": "user-42",
        "projectId": None,
        "connectionId": None,
        "error": None,
        "expiresAt": body["expiresAt"],
        "completedAt": None,
    }


def test_it_needs_the_connect_write_scope_to_create_or_cancel(make_api, org, start_session):
    reader = make_api(org, scopes=["connections:read", "connections:write"])
    response = reader.post(
        "/api/v1/connect/sessions", {"pieceName": "openai", "externalId": "u"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"
    created = start_session(pieceName="openai")
    response = reader.post(f"/api/v1/connect/sessions/{created['id']}/cancel")
    assert response.status_code == 403


def test_it_needs_connections_read_to_read(make_api, org, start_session):
    created = start_session(pieceName="openai")
    writer = make_api(org, scopes=["connect:write"])
    assert writer.get(f"/api/v1/connect/sessions/{created['id']}").status_code == 403


def test_new_keys_get_the_connect_write_scope_by_default():
    from orgs.models import DEFAULT_SCOPES

    assert "connect:write" in DEFAULT_SCOPES


def test_it_hides_another_orgs_session(charlie, start_session):
    created = start_session(pieceName="openai")
    response = charlie.get(f"/api/v1/connect/sessions/{created['id']}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
    assert charlie.post(f"/api/v1/connect/sessions/{created['id']}/cancel").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"pieceName": "nope", "externalId": "u"}, "pieceName"),
        ({"pieceName": "openai"}, "externalId"),
        ({"pieceName": "openai", "externalId": ""}, "externalId"),
        ({"pieceName": "openai", "externalId": "u", "ttlSeconds": 59}, "ttlSeconds"),
        ({"pieceName": "openai", "externalId": "u", "ttlSeconds": 14401}, "ttlSeconds"),
        ({"pieceName": "openai", "externalId": "u", "projectId": "proj_nope"}, "projectId"),
        ({"pieceName": "openai", "externalId": "u", "surprise": 1}, "surprise"),
        (
            {"pieceName": "openai", "externalId": "u", "successRedirectUri": "nope"},
            "successRedirectUri",
        ),
    ],
)
def test_it_rejects_a_malformed_body(api, body, field):
    response = api.post("/api/v1/connect/sessions", body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert field in error["details"]


def test_it_rejects_a_project_of_another_org(api, other_org):
    project = ProjectFactory.create(org=other_org)
    response = api.post(
        "/api/v1/connect/sessions",
        {"pieceName": "openai", "externalId": "u", "projectId": project.id},
        format="json",
    )
    assert response.status_code == 400
    assert "projectId" in response.json()["error"]["details"]


def test_it_accepts_redirect_uris_on_the_allow_list(start_session, allowed):
    created = start_session(
        pieceName="openai", successRedirectUri=SUCCESS_URI, errorRedirectUri=ERROR_URI
    )
    session = ConnectSession.objects.get(pk=created["id"])
    assert (session.success_redirect_uri, session.error_redirect_uri) == (SUCCESS_URI, ERROR_URI)


@pytest.mark.parametrize(
    "uri",
    [
        "https://evil.example.com/connected",
        SUCCESS_URI + "/",
        SUCCESS_URI + "?next=https://evil.example.com",
        "http://app.example.com/connected",
    ],
)
def test_it_rejects_a_redirect_uri_not_on_the_allow_list(api, allowed, uri):
    for field in ("successRedirectUri", "errorRedirectUri"):
        response = api.post(
            "/api/v1/connect/sessions",
            {"pieceName": "openai", "externalId": "u", field: uri},
            format="json",
        )
        assert response.status_code == 400
        assert list(response.json()["error"]["details"]) == [field]


def test_it_rejects_another_orgs_allowed_redirect_uri(charlie, allowed):
    response = charlie.post(
        "/api/v1/connect/sessions",
        {"pieceName": "openai", "externalId": "u", "successRedirectUri": SUCCESS_URI},
        format="json",
    )
    assert response.status_code == 400


def test_it_refuses_a_piece_under_an_enforced_org_policy(api, org):
    shared = ConnectionFactory.create(org=org, piece_id="openai")
    PolicyFactory.create(org=org, piece_id="openai", type="ENFORCED_ORG", connection=shared)
    response = api.post(
        "/api/v1/connect/sessions", {"pieceName": "openai", "externalId": "u"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "POLICY_VIOLATION"


def test_an_enforced_org_policy_wins_over_a_projects_user_policy(api, org):
    project = ProjectFactory.create(org=org)
    shared = ConnectionFactory.create(org=org, piece_id="openai")
    PolicyFactory.create(org=org, piece_id="openai", type="ENFORCED_ORG", connection=shared)
    PolicyFactory.create(org=org, project=project, piece_id="openai", type="USER_REQUIRED")
    response = api.post(
        "/api/v1/connect/sessions",
        {"pieceName": "openai", "externalId": "u", "projectId": project.id},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "POLICY_VIOLATION"


def test_it_refuses_a_piece_under_an_enforced_project_policy_only_in_that_project(api, org):
    project = ProjectFactory.create(org=org)
    shared = ConnectionFactory.create(org=org, project=project, piece_id="openai")
    PolicyFactory.create(
        org=org, project=project, piece_id="openai", type="ENFORCED_PROJECT", connection=shared
    )
    body = {"pieceName": "openai", "externalId": "u", "projectId": project.id}
    response = api.post("/api/v1/connect/sessions", body, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "POLICY_VIOLATION"
    elsewhere = {"pieceName": "openai", "externalId": "u"}
    assert api.post("/api/v1/connect/sessions", elsewhere, format="json").status_code == 201


@pytest.mark.parametrize("policy_type", ["USER_REQUIRED", "USER_WITH_DEFAULT"])
def test_it_allows_a_piece_under_a_user_policy(api, org, policy_type):
    default = ConnectionFactory.create(org=org, piece_id="openai")
    PolicyFactory.create(
        org=org,
        piece_id="openai",
        type=policy_type,
        connection=default if policy_type == "USER_WITH_DEFAULT" else None,
    )
    response = api.post(
        "/api/v1/connect/sessions", {"pieceName": "openai", "externalId": "u"}, format="json"
    )
    assert response.status_code == 201


def test_it_accepts_a_reconnect_of_the_end_users_own_connection(start_session, org):
    own = ConnectionFactory.create(org=org, piece_id="openai", external_id="user-42")
    created = start_session(pieceName="openai", connectionId=own.id)
    assert ConnectSession.objects.get(pk=created["id"]).connection_id == own.id


@pytest.mark.parametrize(
    "kind", ["another end user", "a shared connection", "another piece", "another org"]
)
def test_it_rejects_a_reconnect_of_a_connection_that_is_not_the_end_users(
    api, org, other_org, kind
):
    connection = {
        "another end user": lambda: ConnectionFactory.create(org=org, external_id="user-7"),
        "a shared connection": lambda: ConnectionFactory.create(org=org),
        "another piece": lambda: ConnectionFactory.create(
            org=org, piece_id="stripe", external_id="user-42"
        ),
        "another org": lambda: ConnectionFactory.create(org=other_org, external_id="user-42"),
    }[kind]()
    response = api.post(
        "/api/v1/connect/sessions",
        {"pieceName": "openai", "externalId": "user-42", "connectionId": connection.id},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == ["connectionId"]


def test_it_refuses_an_end_user_whose_connection_is_in_another_project(api, org):
    ConnectionFactory.create(org=org, piece_id="openai", external_id="user-42")
    project = ProjectFactory.create(org=org)
    response = api.post(
        "/api/v1/connect/sessions",
        {"pieceName": "openai", "externalId": "user-42", "projectId": project.id},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "CONFLICT"


def test_it_cancels_a_pending_session_once_and_harmlessly_again(api, start_session):
    created = start_session(pieceName="openai")
    url = f"/api/v1/connect/sessions/{created['id']}/cancel"
    first = api.post(url)
    assert first.status_code == 200 and first.json()["status"] == "CANCELLED"
    assert api.post(url).json()["status"] == "CANCELLED"
    events = AuditEvent.objects.filter(action="connect_session.cancelled", target_id=created["id"])
    assert events.count() == 1
    assert events.get().actor.startswith("key_")


def test_it_refuses_to_cancel_an_expired_session(api, start_session):
    created = start_session(pieceName="openai")
    ConnectSession.objects.filter(pk=created["id"]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = api.post(f"/api/v1/connect/sessions/{created['id']}/cancel")
    assert response.status_code == 409
    assert "EXPIRED" in response.json()["error"]["message"]


def test_a_pending_session_past_its_expiry_reads_as_expired(api, start_session):
    created = start_session(pieceName="openai")
    ConnectSession.objects.filter(pk=created["id"]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert api.get(f"/api/v1/connect/sessions/{created['id']}").json()["status"] == "EXPIRED"


def test_it_audits_the_creation_as_the_api_key(api, start_session):
    created = start_session(pieceName="openai", externalId="user-9")
    event = AuditEvent.objects.get(action="connect_session.created")
    assert event.actor.startswith("key_") and event.target_id == created["id"]
    assert event.metadata == {
        "pieceName": "openai",
        "externalId": "user-9",
        "projectId": None,
        "connectionId": None,
    }
