"""Every rule of API.md's "Resolution", through POST /api/v1/connections/resolve."""

from typing import Any

import pytest

from connections.models import ConnectionStatus
from connections.services import connection_delete
from policies.models import PolicyType
from policies.resolution import resolve
from tests.factories import ConnectionFactory, PolicyFactory, ProjectFactory

pytestmark = pytest.mark.django_db

RESOLVE = "/api/v1/connections/resolve"
EO, EP, UR, UWD = (
    PolicyType.ENFORCED_ORG,
    PolicyType.ENFORCED_PROJECT,
    PolicyType.USER_REQUIRED,
    PolicyType.USER_WITH_DEFAULT,
)


@pytest.fixture
def world(org):
    """One project and the slack connections every cell of the table picks from."""
    project = ProjectFactory(org=org)

    def conn(**kwargs):
        return ConnectionFactory(org=org, piece_id="slack", **kwargs)

    return {
        "org": org,
        "project": project,
        "org_shared": conn(display_name="org shared"),
        "org_shared2": conn(display_name="org shared 2"),
        "proj_shared": conn(display_name="project shared", project=project),
        "alice": conn(display_name="alice's", external_id="alice"),
        "bob": conn(display_name="bob's", external_id="bob"),
    }


# The connection each policy points at, by the level it is set on.
POLICY_CONNECTION = {
    ("org", EO): "org_shared",
    ("project", EO): "org_shared2",
    ("project", EP): "proj_shared",
    ("org", UR): None,
    ("project", UR): None,
    ("org", UWD): "org_shared",
    ("project", UWD): "proj_shared",
}
# Which policies exist, per placement. ENFORCED_PROJECT cannot be set on the org level, so its
# "both" pairs it with an org-level USER_WITH_DEFAULT.
PLACEMENTS = {
    "project": lambda t: [("project", t)],
    "org": lambda t: [("org", t)],
    "both": lambda t: [("org", UWD if t == EP else t), ("project", t)],
    "none": lambda t: [],
}
INPUTS = {
    "connectionId": {"connectionId": "bob"},
    "externalId matching": {"externalId": "alice"},
    "externalId without match": {"externalId": "nobody"},
    "neither": {},
}

VIOLATION = ("error", 403, "POLICY_VIOLATION")
REQUIRED = ("error", 404, "CONNECTION_REQUIRED")
NOT_FOUND = ("error", 404, "NOT_FOUND")
INVALID = ("error", 400, "VALIDATION_ERROR")


def ok(connection, source):
    return ("ok", connection, source)


# (type, placement) -> (the level of the policy in force, expected result per input in INPUTS'
# order: connectionId, externalId matching, externalId without match, neither). Always resolved
# with the project's projectId.
TABLE: dict[tuple[Any, str], tuple[Any, list[Any]]] = {
    (EO, "project"): ("project", [VIOLATION] + 3 * [ok("org_shared2", "ENFORCED_ORG")]),
    (EO, "org"): ("org", [VIOLATION] + 3 * [ok("org_shared", "ENFORCED_ORG")]),
    (EO, "both"): ("org", [VIOLATION] + 3 * [ok("org_shared", "ENFORCED_ORG")]),
    (EP, "project"): ("project", [VIOLATION] + 3 * [ok("proj_shared", "ENFORCED_PROJECT")]),
    (EP, "both"): ("project", [VIOLATION] + 3 * [ok("proj_shared", "ENFORCED_PROJECT")]),
    **{
        (UR, placement): (
            level,
            [ok("bob", "CONNECTION_ID"), ok("alice", "EXTERNAL_ID"), REQUIRED, REQUIRED],
        )
        for placement, level in [("project", "project"), ("org", "org"), ("both", "project")]
    },
    (UWD, "project"): (
        "project",
        [
            ok("bob", "CONNECTION_ID"),
            ok("alice", "EXTERNAL_ID"),
            ok("proj_shared", "DEFAULT"),
            ok("proj_shared", "DEFAULT"),
        ],
    ),
    (UWD, "org"): (
        "org",
        [
            ok("bob", "CONNECTION_ID"),
            ok("alice", "EXTERNAL_ID"),
            ok("org_shared", "DEFAULT"),
            ok("org_shared", "DEFAULT"),
        ],
    ),
    (UWD, "both"): (
        "project",
        [
            ok("bob", "CONNECTION_ID"),
            ok("alice", "EXTERNAL_ID"),
            ok("proj_shared", "DEFAULT"),
            ok("proj_shared", "DEFAULT"),
        ],
    ),
    (None, "none"): (
        None,
        [ok("bob", "CONNECTION_ID"), ok("alice", "EXTERNAL_ID"), NOT_FOUND, INVALID],
    ),
}
CELLS = [
    pytest.param(
        type_, placement, input_name, level, expected, id=f"{type_}-{placement}-{input_name}"
    )
    for (type_, placement), (level, results) in TABLE.items()
    for input_name, expected in zip(INPUTS, results, strict=True)
]


def test_the_table_covers_every_type_placement_and_input():
    possible = {(t, p) for t in PolicyType for p in ("project", "org", "both")} - {(EP, "org")}
    assert set(TABLE) == possible | {(None, "none")}
    assert len(CELLS) == 12 * 4


@pytest.mark.parametrize(("type_", "placement", "input_name", "level", "expected"), CELLS)
def test_resolution_table(api, world, type_, placement, input_name, level, expected):
    policies = {}
    for policy_level, policy_type in PLACEMENTS[placement](type_):
        connection_name = POLICY_CONNECTION[(policy_level, policy_type)]
        policies[policy_level] = PolicyFactory(
            org=world["org"],
            project=world["project"] if policy_level == "project" else None,
            type=policy_type,
            connection=world[connection_name] if connection_name else None,
        )
    body = {"pieceName": "slack", "projectId": world["project"].id}
    for key, name in INPUTS[input_name].items():
        body[key] = world[name].id if key == "connectionId" else name

    response = api.post(RESOLVE, body, format="json")

    if expected[0] == "error":
        _, status, code = expected
        assert response.status_code == status, response.content
        assert response.json()["error"]["code"] == code
        return
    _, connection_name, source = expected
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["connection"]["id"] == world[connection_name].id
    assert answer["source"] == source
    if level is None:
        assert answer["policy"] is None
    else:
        assert answer["policy"]["id"] == policies[level].id
        assert answer["policy"]["type"] == policies[level].type


def test_the_answer_has_the_contracts_shape(api, world):
    policy = PolicyFactory(org=world["org"], type=EO, connection=world["org_shared"])
    response = api.post(RESOLVE, {"pieceName": "slack"}, format="json")
    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {"connection", "policy", "source"}
    assert set(answer["connection"]) == {
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
    assert "value" not in answer["connection"]
    assert answer["policy"] == {
        "id": policy.id,
        "pieceName": "slack",
        "projectId": None,
        "type": "ENFORCED_ORG",
        "connectionId": world["org_shared"].id,
        "createdAt": answer["policy"]["createdAt"],
        "updatedAt": answer["policy"]["updatedAt"],
    }
    assert answer["policy"]["createdAt"].endswith("Z")


def test_an_org_enforced_policy_beats_the_projects_own_policy(api, world):
    enforced = PolicyFactory(org=world["org"], type=EO, connection=world["org_shared"])
    PolicyFactory(
        org=world["org"],
        project=world["project"],
        type=EP,
        connection=world["proj_shared"],
    )
    body = {"pieceName": "slack", "projectId": world["project"].id}
    answer = api.post(RESOLVE, body, format="json").json()
    assert answer["policy"]["id"] == enforced.id
    assert answer["connection"]["id"] == world["org_shared"].id
    assert answer["source"] == "ENFORCED_ORG"
    named = {**body, "connectionId": world["proj_shared"].id}
    response = api.post(RESOLVE, named, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "POLICY_VIOLATION"


def test_a_projects_policy_beats_the_orgs_non_enforced_policy(api, world):
    PolicyFactory(org=world["org"], type=UWD, connection=world["org_shared"])
    own = PolicyFactory(org=world["org"], project=world["project"], type=UR)
    body = {"pieceName": "slack", "projectId": world["project"].id}
    response = api.post(RESOLVE, body, format="json")
    assert response.status_code == 404
    assert own.id in response.json()["error"]["message"]
    # Outside the project the org's policy is the one in force.
    answer = api.post(RESOLVE, {"pieceName": "slack"}, format="json").json()
    assert answer["source"] == "DEFAULT"


@pytest.mark.parametrize(
    ("type_", "level", "connection_name", "project_id"),
    [
        (EO, "org", "org_shared", False),
        (EO, "project", "org_shared", True),
        (EP, "project", "proj_shared", True),
        (UWD, "org", "org_shared", False),
        (UWD, "project", "proj_shared", True),
    ],
)
def test_deleting_the_policys_connection_makes_resolution_ask_for_one(
    api, world, type_, level, connection_name, project_id
):
    connection = world[connection_name]
    policy = PolicyFactory(
        org=world["org"],
        project=world["project"] if level == "project" else None,
        type=type_,
        connection=connection,
    )
    connection_delete(connection=connection, actor="test")
    policy.refresh_from_db()
    assert policy.connection_id is None
    body = {"pieceName": "slack"}
    if project_id:
        body["projectId"] = world["project"].id
    response = api.post(RESOLVE, body, format="json")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "CONNECTION_REQUIRED"
    assert policy.id in error["message"]
    # The end user's own connection still wins under USER_WITH_DEFAULT; only the fallback is gone.
    if type_ == UWD:
        answer = api.post(RESOLVE, {**body, "externalId": "alice"}, format="json").json()
        assert answer["connection"]["id"] == world["alice"].id


def test_a_user_required_policy_names_the_piece_and_the_end_user(api, world):
    PolicyFactory(org=world["org"], type=UR)
    response = api.post(RESOLVE, {"pieceName": "slack", "externalId": "carol"}, format="json")
    error = response.json()["error"]
    assert (response.status_code, error["code"]) == (404, "CONNECTION_REQUIRED")
    assert "carol" in error["message"] and "slack" in error["message"]


def test_a_user_required_policy_refuses_a_shared_connection_by_id(api, world):
    PolicyFactory(org=world["org"], type=UR)
    body = {"pieceName": "slack", "connectionId": world["org_shared"].id}
    response = api.post(RESOLVE, body, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "POLICY_VIOLATION"


@pytest.mark.parametrize("with_policy", [False, True], ids=["no policy", "USER_WITH_DEFAULT"])
def test_a_connection_of_another_piece_org_or_project_never_resolves(
    api, world, other_org, with_policy
):
    project, other_project = world["project"], ProjectFactory(org=world["org"])
    if with_policy:
        PolicyFactory(org=world["org"], type=UWD, connection=world["org_shared"])
    strangers = {
        "other piece": ConnectionFactory(org=world["org"], piece_id="github"),
        "other org": ConnectionFactory(org=other_org, piece_id="slack"),
        "other project": ConnectionFactory(
            org=world["org"], piece_id="slack", project=other_project
        ),
    }
    for name, stranger in strangers.items():
        body = {"pieceName": "slack", "projectId": project.id, "connectionId": stranger.id}
        response = api.post(RESOLVE, body, format="json")
        assert response.status_code == 404, name
        assert response.json()["error"]["code"] == "NOT_FOUND", name
    # Without a projectId, only org-level connections are usable.
    body = {"pieceName": "slack", "connectionId": world["proj_shared"].id}
    assert api.post(RESOLVE, body, format="json").status_code == 404

    # By external id: the same end user id elsewhere is someone else.
    ConnectionFactory(org=other_org, piece_id="slack", external_id="dave")
    ConnectionFactory(org=world["org"], piece_id="github", external_id="dave")
    ConnectionFactory(org=world["org"], piece_id="slack", project=other_project, external_id="dave")
    body = {"pieceName": "slack", "projectId": project.id, "externalId": "dave"}
    answer = api.post(RESOLVE, body, format="json")
    if with_policy:
        assert answer.json()["source"] == "DEFAULT"
        assert answer.json()["connection"]["id"] == world["org_shared"].id
    else:
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "NOT_FOUND"


def test_a_projects_end_user_connection_resolves_in_that_project(api, world):
    mine = ConnectionFactory(
        org=world["org"], piece_id="slack", project=world["project"], external_id="erin"
    )
    body = {"pieceName": "slack", "projectId": world["project"].id, "externalId": "erin"}
    answer = api.post(RESOLVE, body, format="json").json()
    assert answer["connection"]["id"] == mine.id
    assert answer["source"] == "EXTERNAL_ID"


@pytest.mark.parametrize("status", [ConnectionStatus.ERROR, ConnectionStatus.EXPIRED])
@pytest.mark.parametrize("source", ["ENFORCED_ORG", "CONNECTION_ID", "EXTERNAL_ID", "DEFAULT"])
def test_a_connection_that_is_not_active_is_refused(api, world, status, source):
    target = {
        "ENFORCED_ORG": "org_shared",
        "CONNECTION_ID": "bob",
        "EXTERNAL_ID": "alice",
        "DEFAULT": "org_shared",
    }[source]
    world[target].status = status
    world[target].save()
    policy_type = EO if source == "ENFORCED_ORG" else UWD
    PolicyFactory(org=world["org"], type=policy_type, connection=world["org_shared"])
    body = {"pieceName": "slack"}
    if source == "CONNECTION_ID":
        body["connectionId"] = world["bob"].id
    if source == "EXTERNAL_ID":
        body["externalId"] = "alice"
    response = api.post(RESOLVE, body, format="json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "CONNECTION_NOT_ACTIVE"
    assert world[target].id in error["message"] and status in error["message"]


def test_a_project_of_another_org_is_a_validation_error(api, world, other_org):
    theirs = ProjectFactory(org=other_org)
    body = {"pieceName": "slack", "projectId": theirs.id, "externalId": "alice"}
    response = api.post(RESOLVE, body, format="json")
    assert response.status_code == 400
    assert "projectId" in response.json()["error"]["details"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "pieceName"),
        ({"pieceName": "no-such-piece", "externalId": "alice"}, "pieceName"),
        ({"pieceName": "slack", "externalId": ""}, "externalId"),
        ({"pieceName": "slack", "externalId": "x" * 256}, "externalId"),
        ({"pieceName": "slack", "connectionId": 5 * ["x"]}, "connectionId"),
        ({"pieceName": "slack", "externalId": "alice", "extra": 1}, "extra"),
        ({"pieceName": "slack"}, "connectionId"),
    ],
)
def test_it_rejects_a_bad_request(api, world, body, field):
    response = api.post(RESOLVE, body, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert field in error["details"]


def test_resolving_needs_the_connections_read_scope(make_api, org, world):
    reader = make_api(org, scopes=["connections:read"])
    body = {"pieceName": "slack", "externalId": "alice"}
    assert reader.post(RESOLVE, body, format="json").status_code == 200
    others = make_api(org, scopes=["policies:read", "connections:write"])
    response = others.post(RESOLVE, body, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"


def test_another_orgs_key_resolves_nothing_of_this_org(charlie, world):
    PolicyFactory(org=world["org"], type=EO, connection=world["org_shared"])
    response = charlie.post(
        RESOLVE, {"pieceName": "slack", "connectionId": world["org_shared"].id}, format="json"
    )
    assert response.status_code == 404
    response = charlie.post(RESOLVE, {"pieceName": "slack", "externalId": "alice"}, format="json")
    assert response.status_code == 404
    # The org's enforced policy does not reach another org either.
    assert charlie.post(RESOLVE, {"pieceName": "slack"}, format="json").status_code == 400


def _crowd(org, project, n):
    """Noise that an N+1 or a scan would pay for: more connections, projects and policies."""
    for i in range(n):
        other_project = ProjectFactory(org=org)
        ConnectionFactory(org=org, piece_id="slack", external_id=f"crowd-{n}-{i}")
        ConnectionFactory(org=org, piece_id="slack", project=other_project)
        PolicyFactory(org=org, project=other_project, piece_id="slack", type=UR)
        PolicyFactory(org=org, project=other_project, piece_id="github", type=UR)


@pytest.mark.parametrize(
    "input_name", ["connectionId", "externalId matching", "externalId without match", "neither"]
)
def test_a_resolve_request_costs_two_queries_whatever_the_data_size(
    api, world, django_assert_num_queries, input_name
):
    PolicyFactory(org=world["org"], type=UWD, connection=world["org_shared"])
    PolicyFactory(
        org=world["org"], project=world["project"], type=UWD, connection=world["proj_shared"]
    )
    body = {"pieceName": "slack", "projectId": world["project"].id}
    for key, name in INPUTS[input_name].items():
        body[key] = world[name].id if key == "connectionId" else name
    assert api.post(RESOLVE, body, format="json").status_code == 200  # the key's last_used_at
    for size in (1, 30):
        _crowd(world["org"], world["project"], size)
        # One for the API key, one for everything resolution needs.
        with django_assert_num_queries(2):
            assert api.post(RESOLVE, body, format="json").status_code == 200


def test_the_resolve_function_is_one_query_also_when_it_refuses(world, django_assert_num_queries):
    PolicyFactory(org=world["org"], type=EO, connection=world["org_shared"])
    with django_assert_num_queries(1), pytest.raises(Exception, match="enforces"):
        resolve(org=world["org"], piece_name="slack", connection_id=world["bob"].id)


def test_resolution_never_loads_the_ciphertext(world, django_assert_num_queries):
    PolicyFactory(org=world["org"], type=UWD, connection=world["org_shared"])
    with django_assert_num_queries(1) as captured:
        resolution = resolve(
            org=world["org"],
            piece_name="slack",
            project_id=world["project"].id,
            external_id="alice",
            connection_id=world["bob"].id,
        )
    assert '"value"' not in captured.captured_queries[0]["sql"]
    assert resolution.connection == world["bob"]
    # The caller that runs the action decrypts explicitly, when it needs to.
    assert resolution.connection.decrypted_value()["type"] == "SECRET_TEXT"
