"""The OpenAPI schema says exactly what the API does, in a shape a generated client can use."""

import json

import pytest
import yaml

from tests.factories import ConnectionFactory

pytestmark = pytest.mark.django_db

OPERATIONS = {
    ("get", "/api/v1/connections"): "listConnections",
    ("post", "/api/v1/connections"): "createConnection",
    ("get", "/api/v1/connections/{id}"): "getConnection",
    ("patch", "/api/v1/connections/{id}"): "updateConnection",
    ("delete", "/api/v1/connections/{id}"): "deleteConnection",
    ("post", "/api/v1/connections/resolve"): "resolveConnection",
    ("get", "/api/v1/policies"): "listPolicies",
    ("put", "/api/v1/policies"): "putPolicy",
    ("get", "/api/v1/policies/{id}"): "getPolicy",
    ("delete", "/api/v1/policies/{id}"): "deletePolicy",
    ("get", "/api/v1/projects"): "listProjects",
    ("post", "/api/v1/projects"): "createProject",
    ("get", "/api/v1/projects/{id}"): "getProject",
    ("get", "/api/v1/pieces"): "listPieces",
    ("get", "/api/v1/pieces/{name}"): "getPiece",
    ("get", "/api/v1/audit-events"): "listAuditEvents",
    ("get", "/api/v1/oauth-apps"): "listOAuthApps",
    ("post", "/api/v1/oauth-apps"): "createOAuthApp",
    ("get", "/api/v1/oauth-apps/{id}"): "getOAuthApp",
    ("patch", "/api/v1/oauth-apps/{id}"): "updateOAuthApp",
    ("delete", "/api/v1/oauth-apps/{id}"): "deleteOAuthApp",
    ("post", "/api/v1/connections/{id}/refresh"): "refreshConnection",
    ("post", "/api/v1/actions/execute"): "executeAction",
    ("post", "/api/v1/connect/sessions"): "createConnectSession",
    ("get", "/api/v1/connect/sessions/{id}"): "getConnectSession",
    ("post", "/api/v1/connect/sessions/{id}/cancel"): "cancelConnectSession",
    ("get", "/api/v1/webhook-endpoints"): "listWebhookEndpoints",
    ("post", "/api/v1/webhook-endpoints"): "createWebhookEndpoint",
    ("get", "/api/v1/webhook-endpoints/{id}"): "getWebhookEndpoint",
    ("patch", "/api/v1/webhook-endpoints/{id}"): "updateWebhookEndpoint",
    ("delete", "/api/v1/webhook-endpoints/{id}"): "deleteWebhookEndpoint",
    ("post", "/api/v1/webhook-endpoints/{id}/rotate-secret"): "rotateWebhookEndpointSecret",
    ("post", "/api/v1/webhook-endpoints/{id}/test"): "testWebhookEndpoint",
    ("get", "/api/v1/webhook-endpoints/{id}/deliveries"): "listWebhookDeliveries",
    ("post", "/api/v1/webhook-deliveries/{id}/retry"): "retryWebhookDelivery",
    **{
        (method, "/api/v1/proxy/{piece_name}/{path}"): f"proxy{method.capitalize()}"
        for method in ("get", "post", "put", "patch", "delete")
    },
}


@pytest.fixture
def schema(client):
    return client.get("/api/v1/schema").json()


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def _walk(node):
    if isinstance(node, dict):
        yield node
        for child in node.values():
            yield from _walk(child)
    elif isinstance(node, list):
        for child in node:
            yield from _walk(child)


def test_every_operation_has_a_readable_id_a_summary_and_a_description(schema):
    found = {(method, path): op["operationId"] for method, path, op in _operations(schema)}
    assert found == OPERATIONS
    for _method, _path, operation in _operations(schema):
        assert operation["summary"] and operation["description"], operation["operationId"]


def test_deletes_are_documented_as_200_success(schema):
    for path in ("/api/v1/connections/{id}", "/api/v1/policies/{id}"):
        responses = schema["paths"][path]["delete"]["responses"]
        assert "204" not in responses
        ref = responses["200"]["content"]["application/json"]["schema"]["$ref"]
        assert schema["components"]["schemas"][ref.rsplit("/", 1)[1]] == {
            "type": "object",
            "properties": {"success": {"type": "boolean"}},
            "required": ["success"],
        }


def test_the_value_is_one_schema_per_type_with_type_as_discriminator(schema):
    components = schema["components"]["schemas"]
    value = components["ConnectionValue"]
    assert value["discriminator"]["propertyName"] == "type"
    assert set(value["discriminator"]["mapping"]) == {
        "SECRET_TEXT",
        "BASIC_AUTH",
        "OAUTH2",
        "CUSTOM_AUTH",
        "NO_AUTH",
    }
    secret_text = components["SecretTextValue"]
    assert secret_text["required"] == ["type", "secret_text"]
    assert secret_text["additionalProperties"] is False
    ref = {"$ref": "#/components/schemas/ConnectionValue"}
    assert components["ConnectionCreateRequest"]["properties"]["value"] == ref
    assert ref["$ref"] in json.dumps(components["RevealedConnection"]["properties"]["value"])


def test_each_enum_is_one_shared_component(schema):
    components = schema["components"]["schemas"]
    for name in ("ConnectionStatus", "ValueType", "PolicyType", "ResolutionSource", "ErrorCode"):
        assert "enum" in components[name], name
    # No anonymous copy of an enum anywhere else (the value variants' one-value `type` aside).
    enums = [
        tuple(node["enum"])
        for name, component in components.items()
        if not name.endswith("Value")
        for node in _walk(component)
        if "enum" in node
    ]
    assert len(enums) == len(set(enums)), enums
    assert components["Connection"]["properties"]["status"] == {
        "$ref": "#/components/schemas/ConnectionStatus"
    }


def test_the_error_envelope_always_has_a_request_id_and_a_known_code(schema, api):
    error = schema["components"]["schemas"]["ErrorEnvelope"]["properties"]["error"]
    assert error["required"] == ["code", "message", "requestId"]
    codes = schema["components"]["schemas"]["ErrorCode"]["enum"]
    assert {"VALIDATION_ERROR", "NOT_FOUND", "CONFLICT", "CONNECTION_REQUIRED"} <= set(codes)
    body = api.get("/api/v1/connections/conn_nope").json()
    assert body["error"]["code"] in codes and body["error"]["requestId"]


def test_the_piece_path_parameter_is_its_name(schema):
    (parameter,) = schema["paths"]["/api/v1/pieces/{name}"]["get"]["parameters"]
    assert parameter["name"] == "name" and parameter["in"] == "path"


def test_the_description_needs_no_file_outside_the_repository(schema):
    text = json.dumps(schema)
    assert "See API.md" not in text and "../shared" not in text
    assert "docs/API.md" in schema["info"]["description"]


def test_the_schema_is_also_served_as_yaml(client, schema):
    for response in (
        client.get("/api/v1/schema?format=yaml"),
        client.get("/api/v1/schema", HTTP_ACCEPT="application/yaml"),
    ):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/yaml")
        assert yaml.safe_load(response.content) == schema
    assert client.get("/api/v1/schema", HTTP_ACCEPT="text/html").json() == schema


def test_every_request_example_is_accepted_by_the_api(schema, api, org):
    connection = ConnectionFactory(org=org)
    sent = 0
    for method, path, operation in _operations(schema):
        content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        for example in content.get("examples", {}).values():
            url = path.replace("{id}", connection.id)
            response = getattr(api, method)(url, example["value"], format="json")
            assert response.status_code in (200, 201), (operation["operationId"], response.json())
            sent += 1
    assert sent >= 5


def test_timestamps_are_documented_as_whole_seconds_utc(schema):
    created = schema["components"]["schemas"]["Connection"]["properties"]["createdAt"]
    assert created["pattern"] == r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"
