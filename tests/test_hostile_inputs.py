"""Inputs that once reached a 500: each is now a 400 (or 405) in the one envelope."""

import json

import pytest

from tests.factories import ConnectionFactory

pytestmark = pytest.mark.django_db

LISTS = ["/api/v1/connections", "/api/v1/policies", "/api/v1/projects", "/api/v1/audit-events"]


def _error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"]["code"] == code
    return body["error"]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("limit", ["²", "①", "٣", "1²"])
def test_it_rejects_a_limit_of_non_ascii_digits(api, path, limit):
    error = _error(api.get(path, {"limit": limit}), 400, "VALIDATION_ERROR")
    assert "limit" in error["details"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/connections/conn%00",
        "/api/v1/connections/%00",
        "/api/v1/projects/p%00",
        "/api/v1/pieces/%00",
        "/api/v1/policies/pol%00",
    ],
)
def test_it_rejects_a_nul_character_in_a_path_id(api, path):
    error = _error(api.get(path), 400, "VALIDATION_ERROR")
    assert error["details"] == {"path": ["Must not contain a NUL character."]}


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/api/v1/connections", "pieceName"),
        ("/api/v1/connections", "externalId"),
        ("/api/v1/connections", "projectId"),
        ("/api/v1/policies", "pieceName"),
        ("/api/v1/audit-events", "action"),
        ("/api/v1/audit-events", "targetId"),
        ("/api/v1/connections/conn_x", "include"),
    ],
)
def test_it_rejects_a_nul_character_in_a_query_parameter(api, path, param):
    error = _error(api.get(f"{path}?{param}=a%00b"), 400, "VALIDATION_ERROR")
    assert error["details"] == {param: ["Must not contain a NUL character."]}


def test_it_rejects_a_nul_character_in_a_write_path_too(api, org):
    ConnectionFactory.create(org=org)
    _error(api.patch("/api/v1/connections/conn%00", {}, format="json"), 400, "VALIDATION_ERROR")
    _error(api.delete("/api/v1/policies/%00"), 400, "VALIDATION_ERROR")


def _nested(levels: int, leaf: str = "1") -> str:
    return "[" * levels + leaf + "]" * levels


def test_it_rejects_a_body_nested_5000_levels_deep(api):
    response = api.generic(
        "POST", "/api/v1/connections", _nested(5000), content_type="application/json"
    )
    error = _error(response, 400, "VALIDATION_ERROR")
    assert "nested deeper than 32 levels" in json.dumps(error["details"])


def test_it_rejects_oauth2_data_nested_600_levels_deep(api):
    body = (
        '{"pieceName": "slack", "displayName": "Deep", "value": {"type": "OAUTH2", '
        '"access_token": "xoxb", "data": {"x": ' + _nested(600) + "}}}"
    )
    response = api.generic("POST", "/api/v1/connections", body, content_type="application/json")
    _error(response, 400, "VALIDATION_ERROR")


def test_it_accepts_oauth2_data_up_to_32_levels_deep(api):
    # body (1) > value (2) > data (3) > 29 arrays: 32 levels in all.
    body = (
        '{"pieceName": "slack", "displayName": "Deep", "value": {"type": "OAUTH2", '
        '"access_token": "xoxb", "data": {"x": ' + _nested(29) + "}}}"
    )
    response = api.generic("POST", "/api/v1/connections", body, content_type="application/json")
    assert response.status_code == 201, response.content
    one_more = body.replace(_nested(29), _nested(30))
    response = api.generic("POST", "/api/v1/connections", one_more, content_type="application/json")
    _error(response, 400, "VALIDATION_ERROR")


def test_it_rejects_a_deep_body_on_every_write(api):
    for method, path in [
        ("PUT", "/api/v1/policies"),
        ("POST", "/api/v1/connections/resolve"),
        ("POST", "/api/v1/projects"),
        ("PATCH", "/api/v1/connections/conn_x"),
    ]:
        response = api.generic(method, path, _nested(5000), content_type="application/json")
        _error(response, 400, "VALIDATION_ERROR")


def test_put_on_a_policy_is_405_not_500(api):
    error = _error(api.put("/api/v1/policies/pol_x", {}, format="json"), 405, "METHOD_NOT_ALLOWED")
    assert "PUT" in error["message"]


def test_it_rejects_a_content_length_of_non_ascii_digits(api):
    response = api.generic(
        "POST", "/api/v1/projects", "{}", content_type="application/json", CONTENT_LENGTH="²"
    )
    _error(response, 400, "VALIDATION_ERROR")
