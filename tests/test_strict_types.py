"""Strict JSON types (API.md): a wrong type is 400 VALIDATION_ERROR naming the field, never
converted. Driven by the schema, so every string, integer and boolean field of every write
endpoint is covered, the value types' fields included."""

import pytest

from tests.factories import ConnectionFactory, ProjectFactory
from tests.oauth.provider import slack_oauth_app
from webhooks.services import endpoint_create

pytestmark = pytest.mark.django_db

WRONG = {"string": 5, "integer": "5", "boolean": "true", "number": "5"}
# A piece that accepts each value type, for the value types' own fields.
PIECE_OF = {"SECRET_TEXT": "openai", "OAUTH2": "slack", "BASIC_AUTH": "jira"}


@pytest.fixture
def schema(api):
    return api.get("/api/v1/schema").json()


def _component(schema, ref):
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def _typed_fields(schema, body_schema):
    """(field, JSON type) for every string, integer, boolean or number property."""
    for name, prop in body_schema["properties"].items():
        if prop.get("type") in WRONG:
            yield name, prop["type"]


@pytest.fixture
def writes(api, org, allow_provider):
    """Each write operation: (method, path, a valid body)."""
    project = ProjectFactory(org=org)
    app = slack_oauth_app(org)
    endpoint, _secret = endpoint_create(
        org=org, url="http://127.0.0.2:9/hook", events=["*"], actor="test"
    )
    connection = ConnectionFactory(org=org)
    ConnectionFactory(org=org, piece_id="slack", project=None, external_id=None)
    return {
        "createConnection": ("post", "/api/v1/connections", {**_OPENAI}),
        "updateConnection": ("patch", f"/api/v1/connections/{connection.id}", {"status": "ERROR"}),
        "resolveConnection": ("post", "/api/v1/connections/resolve", {"pieceName": "openai"}),
        "putPolicy": (
            "put",
            "/api/v1/policies",
            {"pieceName": "slack", "projectId": project.id, "type": "USER_REQUIRED"},
        ),
        "createProject": ("post", "/api/v1/projects", {"name": "P"}),
        "createOAuthApp": ("post", "/api/v1/oauth-apps", {**_SLACK_APP}),
        "updateOAuthApp": ("patch", f"/api/v1/oauth-apps/{app.id}", {"clientId": "c"}),
        "createWebhookEndpoint": (
            "post",
            "/api/v1/webhook-endpoints",
            {"url": "http://127.0.0.2:9/hook", "events": ["*"]},
        ),
        "updateWebhookEndpoint": (
            "patch",
            f"/api/v1/webhook-endpoints/{endpoint.id}",
            {"enabled": False},
        ),
        "createConnectSession": (
            "post",
            "/api/v1/connect/sessions",
            {"pieceName": "openai", "externalId": "user-42"},
        ),
        "executeAction": (
            "post",
            "/api/v1/actions/execute",
            {
                "pieceName": "openai",
                "actionName": "http_request",
                "connectionId": connection.id,
                "input": {"method": "GET", "path": "models"},
            },
        ),
    }


_SLACK_APP = {"pieceName": "slack", "clientId": "1234.5678", "clientSecret": "s3cret"}
_OPENAI = {
    "pieceName": "openai",
    "displayName": "Production OpenAI Key",
    "value": {"type": "SECRET_TEXT", "secret_text": "sk-proj-abc123..."},
}


def _send(api, method, path, body):
    return getattr(api, method)(path, body, format="json")


def _assert_names(response, field):
    assert response.status_code == 400, (field, response.content)
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert field in error["details"], (field, error)


def test_every_write_operation_of_the_schema_is_covered(schema, writes):
    operations = {
        operation["operationId"]
        for item in schema["paths"].values()
        for method, operation in item.items()
        if method in ("post", "put", "patch")
        and "application/json" in operation.get("requestBody", {}).get("content", {})
    }
    assert operations == set(writes)


def test_it_rejects_a_wrong_json_type_in_every_field_of_every_write(api, schema, writes):
    checked = 0
    for item in schema["paths"].values():
        for operation in item.values():
            if "application/json" not in operation.get("requestBody", {}).get("content", {}):
                continue  # no body, or the proxy's bytes passed through as they are
            ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            verb, path, valid = writes[operation["operationId"]]
            for field, json_type in _typed_fields(schema, _component(schema, ref)):
                _assert_names(_send(api, verb, path, {**valid, field: WRONG[json_type]}), field)
                checked += 1
    assert checked >= 12


def test_it_rejects_a_wrong_json_type_in_every_field_of_a_value(api, schema):
    checked = 0
    for variant in _component(schema, "ConnectionValue")["oneOf"]:
        value_schema = _component(schema, variant["$ref"])
        value_type = value_schema["properties"]["type"]["enum"][0]
        if value_type not in PIECE_OF:
            continue
        valid = {"type": value_type} | {
            name: "x" for name in value_schema["required"] if name != "type"
        }
        for field, json_type in _typed_fields(schema, value_schema):
            if field == "type":
                continue
            body = {
                "pieceName": PIECE_OF[value_type],
                "displayName": "D",
                "value": {**valid, field: WRONG[json_type]},
            }
            _assert_names(_send(api, "post", "/api/v1/connections", body), f"value.{field}")
            checked += 1
    assert checked >= 10


def test_a_number_is_not_stored_as_a_display_name(api):
    response = _send(api, "post", "/api/v1/connections", {**_OPENAI, "displayName": 5})
    _assert_names(response, "displayName")
    assert response.json()["error"]["details"]["displayName"] == ["Must be a string."]
    assert api.get("/api/v1/connections").json()["data"] == []


def test_a_number_is_not_a_project_name(api):
    _assert_names(_send(api, "post", "/api/v1/projects", {"name": 0}), "name")
