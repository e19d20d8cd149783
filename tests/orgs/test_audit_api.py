import pytest

from orgs.audit import audit_record
from orgs.models import AuditEvent

pytestmark = pytest.mark.django_db


def _conn(api, external_id=None):
    body = {
        "pieceName": "openai",
        "displayName": "K",
        "value": {"type": "SECRET_TEXT", "secret_text": "sk-audit-secret"},
    }
    if external_id:
        body["externalId"] = external_id
    return api.post("/api/v1/connections", body, format="json").json()


def test_it_lists_the_orgs_events_newest_first_with_the_documented_shape(api, org):
    created = _conn(api)
    api.delete(f"/api/v1/connections/{created['id']}")
    body = api.get("/api/v1/audit-events").json()
    first = body["data"][0]
    assert set(first) == {"id", "action", "actor", "targetId", "createdAt", "metadata"}
    assert first["id"].startswith("evt_") and first["createdAt"].endswith("Z")
    assert [e["action"] for e in body["data"][:2]] == ["connection.deleted", "connection.created"]
    assert first["actor"].startswith("key_") and first["targetId"] == created["id"]


def test_it_filters_by_action_and_target(api):
    a = _conn(api)
    _conn(api)
    by_action = api.get("/api/v1/audit-events", {"action": "connection.created"}).json()["data"]
    assert len(by_action) == 2
    by_target = api.get("/api/v1/audit-events", {"targetId": a["id"]}).json()["data"]
    assert [e["targetId"] for e in by_target] == [a["id"]]


def test_an_event_without_a_target_has_a_null_target_id(api, org):
    audit_record(org_id=org.id, action="encryption.rotated", actor="command:x")
    event = api.get("/api/v1/audit-events", {"action": "encryption.rotated"}).json()["data"][0]
    assert event["targetId"] is None


def test_it_needs_the_audit_scope(make_api, org):
    response = make_api(org, scopes=["connections:read"]).get("/api/v1/audit-events")
    assert response.status_code == 403


def test_it_rejects_a_key_from_another_org(api, charlie):
    _conn(api)
    assert AuditEvent.objects.filter(action="connection.created").exists()
    assert all(
        e["action"] == "api_key.created"  # charlie's own key, made by the fixture
        for e in charlie.get("/api/v1/audit-events").json()["data"]
    )
    assert (
        charlie.get("/api/v1/audit-events", {"action": "connection.created"}).json()["data"] == []
    )


def test_no_event_holds_a_secret(api):
    created = _conn(api, external_id="u1")
    api.patch(
        f"/api/v1/connections/{created['id']}",
        {"value": {"type": "SECRET_TEXT", "secret_text": "sk-audit-secret-2"}},
        format="json",
    )
    api.get(f"/api/v1/connections/{created['id']}", {"include": "value"})
    text = api.get("/api/v1/audit-events", {"limit": 200}).content.decode()
    assert "sk-audit-secret" not in text and "enc:v2:" not in text and api.secret not in text


def test_the_audit_log_is_append_only(org):
    event = audit_record(org_id=org.id, action="x", actor="y")
    event.action = "changed"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
