import pytest

from orgs.audit import audit_record
from tests.factories import ConnectionFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _walk(api, limit):
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        body = api.get("/api/v1/projects", params).json()
        assert set(body) == {"data", "next"}
        assert len(body["data"]) <= limit
        seen += [p["id"] for p in body["data"]]
        pages += 1
        cursor = body["next"]
        if cursor is None:
            return seen, pages


def test_pagination_walks_every_row_exactly_once_newest_first(api, org):
    ids = [ProjectFactory(org=org).id for _ in range(23)]
    seen, pages = _walk(api, 5)
    assert seen == list(reversed(ids))
    assert pages == 5


def test_the_default_page_is_50(api, org):
    for _ in range(51):
        ProjectFactory(org=org)
    body = api.get("/api/v1/projects").json()
    assert len(body["data"]) == 50 and body["next"]


def test_a_page_exactly_full_has_no_next_when_nothing_follows(api, org):
    for _ in range(5):
        ProjectFactory(org=org)
    assert api.get("/api/v1/projects", {"limit": 5}).json()["next"] is None


def test_rows_created_between_pages_do_not_shift_the_walk(api, org):
    old = [ProjectFactory(org=org).id for _ in range(6)]
    body = api.get("/api/v1/projects", {"limit": 3}).json()
    ProjectFactory(org=org)
    rest = api.get("/api/v1/projects", {"limit": 3, "cursor": body["next"]}).json()
    assert [p["id"] for p in body["data"] + rest["data"]] == list(reversed(old))


@pytest.mark.parametrize("limit", ["0", "201", "-1", "abc", "1.5", ""])
def test_a_bad_limit_is_a_validation_error(api, limit):
    response = api.get(f"/api/v1/projects?limit={limit}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert "limit" in response.json()["error"]["details"]


@pytest.mark.parametrize(
    "cursor",
    ["", "garbage!", "%%%", "cD0x", "bm90IGFuIGlk'", "proj_", "PROJ_01jh6x3k5bf4jr0q8z6g9m2c7d"],
)
def test_a_bad_cursor_is_a_validation_error(api, cursor):
    response = api.get("/api/v1/projects", {"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert "cursor" in response.json()["error"]["details"]


def test_limits_of_1_and_200_are_accepted(api):
    assert api.get("/api/v1/projects?limit=1").status_code == 200
    assert api.get("/api/v1/projects?limit=200").status_code == 200


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/connections", {"pieceName": ""}),
        ("/api/v1/connections", {"status": "BROKEN"}),
        ("/api/v1/connections", {"externalId": "x" * 256}),
        ("/api/v1/policies", {"projectId": ""}),
        ("/api/v1/audit-events", {"action": ""}),
    ],
)
def test_a_bad_filter_value_is_a_validation_error_naming_it(api, path, query):
    response = api.get(path, query)
    assert response.status_code == 400
    assert list(response.json()["error"]["details"]) == list(query)


def test_every_list_pages_the_same_way_with_the_last_id_as_cursor(api, org):
    for path, make in (
        ("/api/v1/projects", lambda: ProjectFactory(org=org)),
        ("/api/v1/connections", lambda: ConnectionFactory(org=org)),
        ("/api/v1/audit-events", lambda: audit_record(org_id=org.id, action="t", actor="t")),
    ):
        for _ in range(3):
            make()
        first = api.get(path, {"limit": 2}).json()
        assert first["next"] == first["data"][-1]["id"]
        rest = api.get(path, {"limit": 200, "cursor": first["next"]}).json()
        assert all(item["id"] < first["next"] for item in rest["data"])
