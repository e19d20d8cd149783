"""Every row of API.md's "Connection policies": PUT, list, get, delete, validation, audit."""

import pytest
from django.db import IntegrityError, transaction

from orgs.models import AuditEvent
from policies.models import ConnectionPolicy, PolicyType
from policies.serializers import POLICY, render_policy
from policies.services import eligible_connections, policy_errors
from tests.factories import ConnectionFactory, PolicyFactory, ProjectFactory

pytestmark = pytest.mark.django_db

POLICIES = "/api/v1/policies"
FIELDS = {"id", "pieceName", "projectId", "type", "connectionId", "createdAt", "updatedAt"}


@pytest.fixture
def project(org):
    return ProjectFactory(org=org)


@pytest.fixture
def shared(org):
    """An org-level slack connection (no external id): what ENFORCED_ORG points at."""
    return ConnectionFactory(org=org, piece_id="slack")


def _put(api, **body):
    return api.put(POLICIES, {"pieceName": "slack", "projectId": None, **body}, format="json")


def _error(response, status, code):
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code
    return error


def test_put_creates_a_policy_with_201_and_audits_it(api, org, shared):
    response = _put(api, type="ENFORCED_ORG", connectionId=shared.id)
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == FIELDS
    assert body["id"].startswith("pol_")
    assert body["pieceName"] == "slack" and body["projectId"] is None
    assert body["type"] == "ENFORCED_ORG" and body["connectionId"] == shared.id
    assert body["createdAt"].endswith("Z") and body["updatedAt"].endswith("Z")
    event = AuditEvent.objects.get(action="policy.created")
    assert event.org_id == org.id and event.target_id == body["id"]
    assert event.actor.startswith("key_")
    assert event.metadata["connectionId"] == shared.id


def test_put_replaces_the_policy_for_the_same_piece_and_project_with_200(api, org, project, later):
    created = _put(api, projectId=project.id, type="USER_REQUIRED").json()
    later(2)
    default = ConnectionFactory(org=org, piece_id="slack", project=project)
    response = _put(api, projectId=project.id, type="USER_WITH_DEFAULT", connectionId=default.id)
    assert response.status_code == 200, response.content
    replaced = response.json()
    assert replaced["id"] == created["id"]
    assert replaced["type"] == "USER_WITH_DEFAULT" and replaced["connectionId"] == default.id
    assert replaced["createdAt"] == created["createdAt"]
    assert replaced["updatedAt"] > created["updatedAt"]
    assert ConnectionPolicy.objects.count() == 1
    event = AuditEvent.objects.get(action="policy.updated")
    assert event.target_id == created["id"]
    assert event.metadata["fields"] == ["type", "connectionId"]


def test_an_identical_put_changes_nothing_and_audits_nothing(api, shared):
    first = _put(api, type="ENFORCED_ORG", connectionId=shared.id).json()
    again = _put(api, type="ENFORCED_ORG", connectionId=shared.id)
    assert again.status_code == 200
    assert again.json() == first
    assert not AuditEvent.objects.filter(action="policy.updated").exists()


def test_the_org_level_and_each_projects_policy_are_separate(api, org, project, shared):
    org_level = _put(api, type="ENFORCED_ORG", connectionId=shared.id)
    in_project = _put(api, projectId=project.id, type="USER_REQUIRED")
    elsewhere = _put(api, projectId=ProjectFactory(org=org).id, type="USER_REQUIRED")
    other_piece = _put(api, pieceName="github", type="USER_REQUIRED")
    assert [r.status_code for r in (org_level, in_project, elsewhere, other_piece)] == [201] * 4
    assert ConnectionPolicy.objects.count() == 4


@pytest.mark.parametrize("project_level", [False, True], ids=["org level", "project level"])
def test_the_database_allows_one_policy_per_org_project_and_piece(org, project, project_level):
    scope = {"org": org, "piece_id": "slack", "project": project if project_level else None}
    PolicyFactory(**scope)
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyFactory(**scope)


# API.md's table, row by row: (type, project?, connection kind, field named in the error).
INVALID = [
    ("ENFORCED_ORG", False, None, "connectionId"),
    ("ENFORCED_ORG", False, "project", "connectionId"),
    ("ENFORCED_ORG", False, "end user", "connectionId"),
    ("ENFORCED_ORG", True, "project", "connectionId"),
    ("ENFORCED_PROJECT", False, "org", "projectId"),
    ("ENFORCED_PROJECT", True, None, "connectionId"),
    ("ENFORCED_PROJECT", True, "org", "connectionId"),
    ("ENFORCED_PROJECT", True, "other project", "connectionId"),
    ("ENFORCED_PROJECT", True, "project end user", "connectionId"),
    ("USER_REQUIRED", False, "org", "connectionId"),
    ("USER_REQUIRED", True, "project", "connectionId"),
    ("USER_WITH_DEFAULT", False, None, "connectionId"),
    ("USER_WITH_DEFAULT", False, "project", "connectionId"),
    ("USER_WITH_DEFAULT", True, "other project", "connectionId"),
    ("USER_WITH_DEFAULT", True, "end user", "connectionId"),
    ("ENFORCED_ORG", False, "other piece", "connectionId"),
    ("USER_WITH_DEFAULT", False, "other org", "connectionId"),
]
VALID = [
    ("ENFORCED_ORG", False, "org"),
    ("ENFORCED_ORG", True, "org"),
    ("ENFORCED_PROJECT", True, "project"),
    ("USER_REQUIRED", False, None),
    ("USER_REQUIRED", True, None),
    ("USER_WITH_DEFAULT", False, "org"),
    ("USER_WITH_DEFAULT", True, "org"),
    ("USER_WITH_DEFAULT", True, "project"),
]


@pytest.fixture
def kinds(org, other_org, project):
    other_project = ProjectFactory(org=org)
    return {
        None: None,
        "org": ConnectionFactory(org=org, piece_id="slack"),
        "project": ConnectionFactory(org=org, piece_id="slack", project=project),
        "other project": ConnectionFactory(org=org, piece_id="slack", project=other_project),
        "end user": ConnectionFactory(org=org, piece_id="slack", external_id="u1"),
        "project end user": ConnectionFactory(
            org=org, piece_id="slack", project=project, external_id="u2"
        ),
        "other piece": ConnectionFactory(org=org, piece_id="github"),
        "other org": ConnectionFactory(org=other_org, piece_id="slack"),
    }


@pytest.mark.parametrize(("type_", "in_project", "kind", "field"), INVALID)
def test_put_rejects_a_connection_of_the_wrong_level_for_the_type(
    api, project, kinds, type_, in_project, kind, field
):
    connection = kinds[kind]
    response = _put(
        api,
        type=type_,
        projectId=project.id if in_project else None,
        connectionId=connection.id if connection else None,
    )
    error = _error(response, 400, "VALIDATION_ERROR")
    assert list(error["details"]) == [field]
    assert not ConnectionPolicy.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="policy.").exists()


@pytest.mark.parametrize(("type_", "in_project", "kind"), VALID)
def test_put_accepts_every_valid_combination(api, project, kinds, type_, in_project, kind):
    connection = kinds[kind]
    response = _put(
        api,
        type=type_,
        projectId=project.id if in_project else None,
        connectionId=connection.id if connection else None,
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(("type_", "in_project", "kind"), VALID)
def test_the_admins_chooser_offers_exactly_the_valid_connections(
    org, project, kinds, type_, in_project, kind
):
    scope_project = project if in_project else None
    offered = set(
        eligible_connections(org=org, piece=kinds["org"].piece, project=scope_project, type=type_)
    )
    valid = {
        c
        for c in kinds.values()
        if c is not None
        and not policy_errors(
            org=org, piece=kinds["org"].piece, project=scope_project, type=type_, connection=c
        )
    }
    assert offered == valid
    if kind is not None:
        assert kinds[kind] in offered


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "USER_REQUIRED"}, "pieceName"),
        ({"pieceName": "slack"}, "type"),
        ({"pieceName": "slack", "type": "SOMETIMES"}, "type"),
        ({"pieceName": "no-such-piece", "type": "USER_REQUIRED"}, "pieceName"),
        ({"pieceName": "slack", "type": "USER_REQUIRED", "projectId": "proj_nope"}, "projectId"),
        (
            {"pieceName": "slack", "type": "ENFORCED_ORG", "connectionId": "conn_nope"},
            "connectionId",
        ),
        ({"pieceName": "slack", "type": "USER_REQUIRED", "connectionID": None}, "connectionID"),
        ({"pieceName": ["slack"], "type": "USER_REQUIRED"}, "pieceName"),
    ],
)
def test_put_rejects_a_malformed_body(api, body, field):
    error = _error(api.put(POLICIES, body, format="json"), 400, "VALIDATION_ERROR")
    assert field in error["details"]


def test_put_rejects_a_project_of_another_org(api, other_org):
    theirs = ProjectFactory(org=other_org)
    error = _error(_put(api, projectId=theirs.id, type="USER_REQUIRED"), 400, "VALIDATION_ERROR")
    assert list(error["details"]) == ["projectId"]


def test_get_lists_policies_newest_first_with_filters_and_pages(api, org, project, other_org):
    first = PolicyFactory(org=org, piece_id="slack")
    second = PolicyFactory(org=org, piece_id="github")
    third = PolicyFactory(org=org, piece_id="slack", project=project)
    PolicyFactory(org=other_org, piece_id="slack")

    def ids(query=""):
        body = api.get(f"{POLICIES}{query}").json()
        return [p["id"] for p in body["data"]], body["next"]

    assert ids() == ([third.id, second.id, first.id], None)
    assert ids("?pieceName=slack") == ([third.id, first.id], None)
    assert ids(f"?projectId={project.id}") == ([third.id], None)
    page, cursor = ids("?limit=2")
    assert page == [third.id, second.id] and cursor
    assert ids(f"?limit=2&cursor={cursor}") == ([first.id], None)
    _error(api.get(f"{POLICIES}?limit=0"), 400, "VALIDATION_ERROR")


def test_listing_costs_the_same_queries_at_any_size(api, org, django_assert_max_num_queries):
    api.get(POLICIES)  # the key's last_used_at
    for _ in range(20):
        PolicyFactory(org=org, project=ProjectFactory(org=org))
    with django_assert_max_num_queries(2):
        assert len(api.get(POLICIES).json()["data"]) == 20


def test_get_one_policy(api, org):
    policy = PolicyFactory(org=org)
    response = api.get(f"{POLICIES}/{policy.id}")
    assert response.status_code == 200
    assert response.json() == render_policy(policy)
    _error(api.get(f"{POLICIES}/pol_nope"), 404, "NOT_FOUND")


def test_delete_answers_success_audits_and_forgets_the_policy(api, org):
    policy = PolicyFactory(org=org)
    response = api.delete(f"{POLICIES}/{policy.id}")
    assert response.status_code == 200
    assert response.json() == {"success": True}
    assert not ConnectionPolicy.objects.filter(pk=policy.id).exists()
    event = AuditEvent.objects.get(action="policy.deleted")
    assert event.target_id == policy.id and event.org_id == org.id
    _error(api.delete(f"{POLICIES}/{policy.id}"), 404, "NOT_FOUND")


def test_deleting_a_connection_nulls_the_policys_connection(api, org, shared):
    policy = PolicyFactory(org=org, type=PolicyType.ENFORCED_ORG, connection=shared)
    assert api.delete(f"/api/v1/connections/{shared.id}").status_code == 200
    body = api.get(f"{POLICIES}/{policy.id}").json()
    assert body["connectionId"] is None
    assert body["type"] == "ENFORCED_ORG"


def test_it_rejects_a_key_from_another_org(api, charlie, org, other_org, shared):
    policy = PolicyFactory(org=org, type=PolicyType.ENFORCED_ORG, connection=shared)
    _error(charlie.get(f"{POLICIES}/{policy.id}"), 404, "NOT_FOUND")
    _error(charlie.delete(f"{POLICIES}/{policy.id}"), 404, "NOT_FOUND")
    assert charlie.get(POLICIES).json() == {"data": [], "next": None}
    assert charlie.get(f"{POLICIES}?pieceName=slack").json() == {"data": [], "next": None}
    # Charlie cannot point a policy of his own at our connection, nor at our project.
    error = _error(
        _put(charlie, type="ENFORCED_ORG", connectionId=shared.id), 400, "VALIDATION_ERROR"
    )
    assert list(error["details"]) == ["connectionId"]
    ours = ProjectFactory(org=org)
    error = _error(_put(charlie, projectId=ours.id, type="USER_REQUIRED"), 400, "VALIDATION_ERROR")
    assert list(error["details"]) == ["projectId"]
    # And his PUT for the same piece creates his own policy, leaving ours alone.
    assert _put(charlie, type="USER_REQUIRED").status_code == 201
    policy.refresh_from_db()
    assert policy.org_id == org.id and policy.type == PolicyType.ENFORCED_ORG
    assert ConnectionPolicy.objects.filter(org=other_org).count() == 1


def test_reading_and_changing_need_the_policies_scopes(make_api, org):
    policy = PolicyFactory(org=org)
    reader = make_api(org, scopes=["policies:read"])
    assert reader.get(POLICIES).status_code == 200
    assert reader.get(f"{POLICIES}/{policy.id}").status_code == 200
    _error(_put(reader, type="USER_REQUIRED"), 403, "FORBIDDEN")
    _error(reader.delete(f"{POLICIES}/{policy.id}"), 403, "FORBIDDEN")
    writer = make_api(org, scopes=["policies:write"])
    _error(writer.get(POLICIES), 403, "FORBIDDEN")
    assert _put(writer, type="USER_REQUIRED").status_code == 200


def test_other_methods_are_refused_with_the_envelope(api, org):
    policy = PolicyFactory(org=org)
    _error(api.post(POLICIES, {}, format="json"), 405, "METHOD_NOT_ALLOWED")
    _error(api.patch(f"{POLICIES}/{policy.id}", {}, format="json"), 405, "METHOD_NOT_ALLOWED")


def test_the_fast_renderer_and_the_schema_serializer_describe_the_same_fields(org):
    assert set(render_policy(PolicyFactory(org=org))) == set(POLICY.serializer().fields) == FIELDS
