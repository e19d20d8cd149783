import pytest

from orgs.models import AuditEvent
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_it_creates_a_project(api, org):
    response = api.post("/api/v1/projects", {"name": "Website"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "name", "createdAt"}
    assert body["id"].startswith("proj_")
    assert body["name"] == "Website"
    assert body["createdAt"].endswith("Z")
    event = AuditEvent.objects.get(action="project.created")
    assert event.target_id == body["id"] and event.org_id == org.id


def test_it_gets_a_project(api, org):
    project = ProjectFactory(org=org)
    response = api.get(f"/api/v1/projects/{project.id}")
    assert response.status_code == 200
    assert response.json()["id"] == project.id


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "x" * 256}, {"name": 5 * [1]}])
def test_it_rejects_a_bad_name(api, body):
    response = api.post("/api/v1/projects", body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert "name" in error["details"]


def test_it_rejects_a_key_from_another_org(api, charlie, org):
    project = ProjectFactory(org=org)
    response = charlie.get(f"/api/v1/projects/{project.id}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
    assert charlie.get("/api/v1/projects").json() == {"data": [], "next": None}


def test_it_lists_newest_first(api, org):
    first = ProjectFactory(org=org)
    second = ProjectFactory(org=org)
    ids = [p["id"] for p in api.get("/api/v1/projects").json()["data"]]
    assert ids == [second.id, first.id]
