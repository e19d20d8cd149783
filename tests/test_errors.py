"""Every error, whatever raised it, answers the one JSON envelope."""

import json

import pytest
from django.test import Client, RequestFactory

from orgs.views import ProjectViewSet
from weavz.api.errors import handler500

pytestmark = pytest.mark.django_db


def _error(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert body["error"]["requestId"] == response["X-Request-ID"]
    return body["error"]


def test_malformed_json_is_malformed_json(api):
    response = api.generic("POST", "/api/v1/projects", "{not json", content_type="application/json")
    _error(response, 400, "MALFORMED_JSON")


def test_a_wrong_content_type_is_415(api):
    response = api.generic("POST", "/api/v1/projects", "name=x", content_type="text/plain")
    _error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_an_oversized_body_is_413_before_parsing(api):
    body = json.dumps({"name": "x" * (1024 * 1024 + 1)})
    response = api.generic("POST", "/api/v1/projects", body, content_type="application/json")
    _error(response, 413, "PAYLOAD_TOO_LARGE")


def test_an_unknown_route_is_a_json_404():
    _error(Client().get("/api/v1/nope"), 404, "NOT_FOUND")
    _error(Client().get("/nothing/here"), 404, "NOT_FOUND")


def test_an_unknown_route_with_a_valid_key_is_a_json_404(api):
    _error(api.get("/api/v1/projects/proj_missing/extra"), 404, "NOT_FOUND")


def test_a_wrong_method_is_405(api):
    error = _error(api.delete("/api/v1/projects"), 405, "METHOD_NOT_ALLOWED")
    assert "DELETE" in error["message"]


def test_a_wrong_method_on_healthz_is_a_json_405():
    response = Client().post("/healthz")
    assert response.status_code == 405
    # Django's require_GET answers an empty 405; the envelope middleware makes it JSON.
    _error(response, 405, "METHOD_NOT_ALLOWED")


def test_an_html_accept_header_still_gets_json(api):
    response = api.get("/api/v1/projects/nope", HTTP_ACCEPT="text/html")
    _error(response, 404, "NOT_FOUND")


def test_an_unhandled_exception_is_a_500_envelope_without_a_stack_trace(api, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("secret-internal-detail")

    monkeypatch.setattr(ProjectViewSet, "list", boom)
    api.raise_request_exception = False
    response = api.get("/api/v1/projects")
    error = _error(response, 500, "INTERNAL_ERROR")
    assert "secret-internal-detail" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert error["requestId"]


def test_djangos_own_500_view_is_the_envelope():
    request = RequestFactory().get("/x")
    request.request_id = "rid-1"
    response = handler500(request)
    assert response.status_code == 500
    assert json.loads(response.content)["error"] == {
        "code": "INTERNAL_ERROR",
        "message": json.loads(response.content)["error"]["message"],
        "requestId": "rid-1",
    }


def test_an_incoming_request_id_is_honoured(api):
    response = api.get("/api/v1/projects/nope", HTTP_X_REQUEST_ID="trace-123")
    assert response["X-Request-ID"] == "trace-123"
    assert response.json()["error"]["requestId"] == "trace-123"


def test_an_unsafe_request_id_is_replaced(api):
    response = api.get("/api/v1/projects", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline"
    assert len(response["X-Request-ID"]) == 32


def test_a_malformed_content_length_is_a_400():
    response = Client().generic(
        "POST", "/api/v1/projects", b"{}", CONTENT_LENGTH="abc", content_type="application/json"
    )
    _error(response, 400, "VALIDATION_ERROR")


def test_a_disallowed_host_is_a_json_400():
    _error(Client(HTTP_HOST="evil.example").get("/healthz"), 400, "VALIDATION_ERROR")
