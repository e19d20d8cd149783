"""Every row of API.md's Connections section."""

import logging
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection as db

from connections.models import Connection
from orgs.models import AuditEvent
from tests.factories import ConnectionFactory, ProjectFactory

pytestmark = pytest.mark.django_db

OPENAI = {  # the seed document's first example, verbatim
    "pieceName": "openai",
    "displayName": "Production OpenAI Key",
    "value": {"type": "SECRET_TEXT", "secret_text": "sk-proj-abc123..."},
}
SLACK = {  # the seed document's second example, verbatim
    "pieceName": "slack",
    "displayName": "Acme Slack",
    "value": {
        "type": "OAUTH2",
        "access_token": "xoxb-...",
        "refresh_token": "xoxr-...",
        "token_type": "bot",
        "scope": "chat:write,channels:read",
    },
    "externalId": "user-42",
}
FIELDS = {
    "id",
    "pieceName",
    "displayName",
    "externalId",
    "projectId",
    "status",
    "createdAt",
    "updatedAt",
    "lastUsedAt",
}


def _create(api, body):
    response = api.post("/api/v1/connections", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def _error(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    return response.json()["error"]


def test_the_seeds_openai_example_gives_the_seeds_response_shape(api):
    body = _create(api, OPENAI)
    assert set(body) == FIELDS
    assert body["id"].startswith("conn_")
    assert body["pieceName"] == "openai" and body["displayName"] == "Production OpenAI Key"
    assert body["externalId"] is None and body["projectId"] is None
    assert body["status"] == "ACTIVE"
    assert body["createdAt"].endswith("Z") and body["updatedAt"].endswith("Z")


def test_the_seeds_slack_example_gives_the_seeds_response_shape(api):
    body = _create(api, SLACK)
    assert set(body) == FIELDS
    assert body["externalId"] == "user-42" and body["pieceName"] == "slack"


def test_list_never_includes_the_value(api):
    _create(api, OPENAI)
    _create(api, SLACK)
    response = api.get("/api/v1/connections")
    body = response.json()
    assert [set(c) for c in body["data"]] == [FIELDS, FIELDS]
    assert "sk-proj" not in response.content.decode() and "xoxb" not in response.content.decode()
    assert body["next"] is None


def test_get_returns_the_object_without_the_value(api):
    created = _create(api, OPENAI)
    response = api.get(f"/api/v1/connections/{created['id']}")
    assert response.json() == created


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"pieceName": "slack"}, {"slack-a", "slack-p"}),
        ({"projectId": "P"}, {"slack-p"}),
        ({"externalId": "user-1"}, {"slack-a"}),
        ({"status": "ERROR"}, {"openai-err"}),
        ({"pieceName": "slack", "projectId": "P"}, {"slack-p"}),
        ({"pieceName": "github"}, set()),
    ],
)
def test_list_filters(api, org, params, expected):
    project = ProjectFactory(org=org)
    ConnectionFactory(org=org, piece_id="slack", display_name="slack-a", external_id="user-1")
    ConnectionFactory(org=org, piece_id="slack", display_name="slack-p", project=project)
    ConnectionFactory(org=org, piece_id="openai", display_name="openai-err", status="ERROR")
    query = {k: (project.id if v == "P" else v) for k, v in params.items()}
    names = {c["displayName"] for c in api.get("/api/v1/connections", query).json()["data"]}
    assert names == expected


def test_an_unknown_status_filter_is_a_validation_error(api):
    error = _error(api.get("/api/v1/connections", {"status": "BROKEN"}), 400, "VALIDATION_ERROR")
    assert "status" in error["details"]


def test_cursor_pages_of_5_over_23_rows_see_each_row_once_newest_first(api, org):
    ids = [ConnectionFactory(org=org).id for _ in range(23)]
    seen, cursor = [], None
    for _ in range(10):
        params = {"limit": 5} | ({"cursor": cursor} if cursor else {})
        body = api.get("/api/v1/connections", params).json()
        seen += [c["id"] for c in body["data"]]
        cursor = body["next"]
        if not cursor:
            break
    assert seen == list(reversed(ids))


def test_list_query_count_is_constant_in_the_page_size(api, org, django_assert_num_queries):
    for _ in range(30):
        ConnectionFactory(org=org)
    api.get("/api/v1/connections")  # warm: last_used_at written
    for limit in (1, 10, 30):
        with django_assert_num_queries(2):  # the key lookup and the page
            assert len(api.get("/api/v1/connections", {"limit": limit}).json()["data"]) == limit


def test_get_is_two_queries(api, org, django_assert_num_queries):
    conn = ConnectionFactory(org=org)
    api.get("/api/v1/projects")
    with django_assert_num_queries(2):
        assert api.get(f"/api/v1/connections/{conn.id}").status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**OPENAI, "pieceName": "nope"}, "pieceName"),
        ({**OPENAI, "displayName": ""}, "displayName"),
        ({**OPENAI, "displayName": "x" * 256}, "displayName"),
        ({k: v for k, v in OPENAI.items() if k != "displayName"}, "displayName"),
        ({k: v for k, v in OPENAI.items() if k != "value"}, "value"),
        ({**OPENAI, "value": "sk-plain-string"}, "value"),
        ({**OPENAI, "value": {"type": "OAUTH2", "access_token": "x"}}, "value.type"),
        ({**OPENAI, "value": {"type": "SECRET_TEXT"}}, "value.secret_text"),
        ({**OPENAI, "value": {"type": "SECRET_TEXT", "secret_text": "s", "x": 1}}, "value.x"),
        ({**OPENAI, "projectId": "proj_nope"}, "projectId"),
        ({**OPENAI, "externalId": ""}, "externalId"),
        ({**OPENAI, "externalId": "x" * 256}, "externalId"),
        ({**OPENAI, "colour": "blue"}, "colour"),
        ({**OPENAI, "value": {"type": "SECRET_TEXT", "secret_text": "x" * 70000}}, "value"),
    ],
)
def test_bad_input_is_a_validation_error_naming_the_field(api, body, field):
    error = _error(api.post("/api/v1/connections", body, format="json"), 400, "VALIDATION_ERROR")
    assert field in error["details"], error
    assert not Connection.objects.exists()


def test_custom_auth_props_are_checked_against_the_piece(api):
    body = {
        "pieceName": "jira",
        "displayName": "J",
        "value": {"type": "CUSTOM_AUTH", "props": {"instance_url": "https://x", "email": "a@b"}},
    }
    error = _error(api.post("/api/v1/connections", body, format="json"), 400, "VALIDATION_ERROR")
    assert "value.props.api_token" in error["details"]
    body["value"]["props"]["api_token"] = "tok"
    assert api.post("/api/v1/connections", body, format="json").status_code == 201


def test_a_project_of_another_org_is_rejected(api, other_org):
    theirs = ProjectFactory(org=other_org)
    error = _error(
        api.post("/api/v1/connections", {**OPENAI, "projectId": theirs.id}, format="json"),
        400,
        "VALIDATION_ERROR",
    )
    assert "projectId" in error["details"]


def test_a_project_of_the_org_is_accepted(api, org):
    project = ProjectFactory(org=org)
    assert _create(api, {**OPENAI, "projectId": project.id})["projectId"] == project.id


def test_a_duplicate_external_id_is_a_conflict(api):
    _create(api, SLACK)
    _error(api.post("/api/v1/connections", SLACK, format="json"), 409, "CONFLICT")
    # the same external id on another piece is fine
    _create(api, {**OPENAI, "externalId": "user-42"})


def test_the_same_external_id_in_another_org_is_fine(api, charlie):
    _create(api, SLACK)
    _create(charlie, SLACK)


def test_reveal_round_trips_the_exact_value_and_is_audited(api):
    value = {**SLACK["value"], "data": {"team": {"id": "T1", "n": [1, 2.5]}}}
    created = _create(api, {**SLACK, "value": value})
    response = api.get(f"/api/v1/connections/{created['id']}", {"include": "value"})
    assert response.status_code == 200
    assert response.json() == {**created, "value": value}
    event = AuditEvent.objects.get(action="connection.revealed")
    assert event.target_id == created["id"]
    assert "xoxb" not in str(event.metadata)


def test_an_oauth2_expires_in_is_kept_as_the_expires_at_it_means(api):
    value = {**SLACK["value"], "expires_in": 3600}
    with time_machine.travel(datetime(2026, 1, 1, tzinfo=UTC), tick=False):
        created = _create(api, {**SLACK, "value": value})
    revealed = api.get(f"/api/v1/connections/{created['id']}", {"include": "value"}).json()
    assert revealed["value"] == {**value, "expires_at": "2026-01-01T01:00:00Z"}
    stored = Connection.objects.get(pk=created["id"])
    assert stored.token_expires_at == datetime(2026, 1, 1, 1, tzinfo=UTC)


def test_reveal_needs_the_scope(make_api, org):
    client = make_api(org, scopes=["connections:read", "connections:write"])
    created = _create(client, OPENAI)
    error = _error(
        client.get(f"/api/v1/connections/{created['id']}", {"include": "value"}), 403, "FORBIDDEN"
    )
    assert "connections:reveal" in error["message"]
    assert not AuditEvent.objects.filter(action="connection.revealed").exists()


def test_an_unknown_include_is_a_validation_error(api):
    created = _create(api, OPENAI)
    _error(
        api.get(f"/api/v1/connections/{created['id']}", {"include": "secrets"}),
        400,
        "VALIDATION_ERROR",
    )


def test_patch_updates_the_display_name_and_status(api):
    created = _create(api, OPENAI)
    response = api.patch(
        f"/api/v1/connections/{created['id']}",
        {"displayName": "Renamed", "status": "EXPIRED"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["displayName"] == "Renamed" and response.json()["status"] == "EXPIRED"
    event = AuditEvent.objects.get(action="connection.updated")
    assert sorted(event.metadata["fields"]) == ["display_name", "status"]


def test_patch_with_a_value_replaces_the_credentials_and_reactivates(api):
    created = _create(api, OPENAI)
    url = f"/api/v1/connections/{created['id']}"
    api.patch(url, {"status": "ERROR"}, format="json")
    new = {"type": "SECRET_TEXT", "secret_text": "sk-new"}
    response = api.patch(url, {"value": new}, format="json")
    assert response.json()["status"] == "ACTIVE"
    assert api.get(url, {"include": "value"}).json()["value"] == new


def test_patch_validates_the_value_like_create(api):
    created = _create(api, OPENAI)
    error = _error(
        api.patch(
            f"/api/v1/connections/{created['id']}",
            {"value": {"type": "SECRET_TEXT", "secret_text": ""}},
            format="json",
        ),
        400,
        "VALIDATION_ERROR",
    )
    assert "value.secret_text" in error["details"]
    _error(
        api.patch(f"/api/v1/connections/{created['id']}", {"status": "GONE"}, format="json"),
        400,
        "VALIDATION_ERROR",
    )
    _error(
        api.patch(f"/api/v1/connections/{created['id']}", {"pieceName": "slack"}, format="json"),
        400,
        "VALIDATION_ERROR",
    )


def test_delete_answers_success_and_is_permanent(api):
    created = _create(api, OPENAI)
    response = api.delete(f"/api/v1/connections/{created['id']}")
    assert response.status_code == 200 and response.json() == {"success": True}
    _error(api.get(f"/api/v1/connections/{created['id']}"), 404, "NOT_FOUND")
    assert AuditEvent.objects.filter(action="connection.deleted", target_id=created["id"]).exists()


def test_writes_are_audited_without_secrets(api):
    created = _create(api, SLACK)
    api.patch(
        f"/api/v1/connections/{created['id']}",
        {"value": {**SLACK["value"], "access_token": "xoxb-NEW"}},
        format="json",
    )
    api.get(f"/api/v1/connections/{created['id']}", {"include": "value"})
    api.delete(f"/api/v1/connections/{created['id']}")
    events = list(AuditEvent.objects.filter(target_id=created["id"]).values())
    assert [e["action"] for e in sorted(events, key=lambda e: e["id"])] == [
        "connection.created",
        "connection.updated",
        "connection.revealed",
        "connection.deleted",
    ]
    assert "xox" not in repr(events).replace("xoxb-", "")  # no token text at all
    assert "xoxb" not in repr(events)


@pytest.mark.parametrize("method", ["get", "patch", "delete", "reveal"])
def test_it_rejects_a_key_from_another_org(api, charlie, method):
    created = _create(api, OPENAI)
    url = f"/api/v1/connections/{created['id']}"
    if method == "reveal":
        response = charlie.get(url, {"include": "value"})
    elif method == "patch":
        response = charlie.patch(url, {"displayName": "mine"}, format="json")
    else:
        response = getattr(charlie, method)(url)
    _error(response, 404, "NOT_FOUND")
    assert charlie.get("/api/v1/connections").json()["data"] == []
    assert api.get(url).json()["displayName"] == "Production OpenAI Key"


def test_scopes_are_enforced(make_api, org):
    reader = make_api(org, scopes=["connections:read"])
    _error(reader.post("/api/v1/connections", OPENAI, format="json"), 403, "FORBIDDEN")
    nobody = make_api(org, scopes=["projects:read"])
    _error(nobody.get("/api/v1/connections"), 403, "FORBIDDEN")


def test_the_raw_column_holds_only_an_envelope(api):
    created = _create(api, OPENAI)
    with db.cursor() as cursor:
        cursor.execute("SELECT * FROM connections_connection WHERE id = %s", [created["id"]])
        row = cursor.fetchone()
        cursor.execute("SELECT value FROM connections_connection WHERE id = %s", [created["id"]])
        (stored,) = cursor.fetchone()
    assert stored.startswith("enc:v1:")
    assert "sk-proj-abc123" not in repr(row)


def test_two_writes_of_one_value_give_different_ciphertexts(api):
    a = _create(api, OPENAI)
    b = _create(api, OPENAI)
    values = dict(Connection.objects.values_list("id", "value"))
    assert values[a["id"]] != values[b["id"]]


def test_a_secret_sent_to_the_api_is_not_in_the_logs(api, caplog):
    caplog.set_level(logging.DEBUG)
    created = _create(api, {**OPENAI, "value": {"type": "SECRET_TEXT", "secret_text": "sk-LOGME"}})
    api.get(f"/api/v1/connections/{created['id']}", {"include": "value"})
    api.post(
        "/api/v1/connections",
        {**OPENAI, "value": {"type": "SECRET_TEXT", "secret_text": "sk-LOGME", "junk": 1}},
        format="json",
    )
    assert "sk-LOGME" not in caplog.text
    assert api.secret not in caplog.text


def test_pieces_are_listed_by_name_with_props_for_custom_auth(api):
    body = api.get("/api/v1/pieces").json()
    names = [p["name"] for p in body["data"]]
    assert names == sorted(names) and body["next"] is None
    for required in [
        "slack",
        "openai",
        "github",
        "gmail",
        "google-sheets",
        "notion",
        "hubspot",
        "stripe",
        "airtable",
        "discord",
        "telegram-bot",
        "jira",
        "postgres",
        "http",
    ]:
        assert required in names
    jira = api.get("/api/v1/pieces/jira").json()
    assert jira["props"]["api_token"] == {
        "displayName": "API token",
        "required": True,
        "secret": True,
    }
    assert "props" not in api.get("/api/v1/pieces/slack").json()
    _error(api.get("/api/v1/pieces/nope"), 404, "NOT_FOUND")


def test_a_new_connection_has_equal_timestamps_and_an_update_moves_updated_at(api):
    created = _create(api, OPENAI)
    assert created["createdAt"] == created["updatedAt"]
    updated = api.patch(
        f"/api/v1/connections/{created['id']}", {"displayName": "B"}, format="json"
    ).json()
    assert updated["createdAt"] == created["createdAt"]
    assert updated["updatedAt"] > created["updatedAt"]
