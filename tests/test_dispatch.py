"""API requests leave the middleware chain at ``ApiDispatchMiddleware`` for their view: the
site's middleware after it (static files, sessions, CSRF, users, messages) never sees them,
while Django's host check, Content-Length and the security headers still apply."""

from collections.abc import Callable

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

SEEN: list[str] = []


class Recorder:
    """Stands for the site's middleware: notes every request that reaches it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        SEEN.append(request.path)
        return self.get_response(request)


@pytest.fixture
def recorded():
    SEEN.clear()
    with override_settings(MIDDLEWARE=[*settings.MIDDLEWARE, "tests.test_dispatch.Recorder"]):
        yield SEEN


def test_api_requests_skip_the_sites_middleware_and_site_requests_do_not(api, org, recorded):
    project = ProjectFactory(org=org)
    assert api.get(f"/api/v1/projects/{project.id}").status_code == 200
    assert api.get("/api/v1/projects/proj_missing").status_code == 404
    assert api.get("/api/v1/no-such-route").status_code == 404
    assert api.get("/healthz").status_code == 200
    assert api.get("/connect/cst_unknown").status_code in (404, 410)
    assert recorded == ["/healthz", "/connect/cst_unknown"]


def test_an_api_response_is_finished_like_a_site_response(api):
    response = api.get("/api/v1/projects")
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(response.content))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in response and "Cookie" not in response.get("Vary", "")


def test_an_unknown_api_route_is_the_envelope(api):
    response = api.get("/api/v1/connections/conn_x/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


def test_the_host_check_applies_to_api_requests(api):
    response = api.get("/api/v1/projects", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


def _routes(resolver: URLResolver, prefix: str = "") -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLPattern):
            found.append((prefix + str(entry.pattern), entry.callback))
        elif isinstance(entry, URLResolver):
            found += _routes(entry, prefix + str(entry.pattern))
    return found


def test_the_api_routes_are_the_root_urlconfs_api_routes():
    api = [(route, view) for route, view in _routes(get_resolver()) if route.startswith("api/v1/")]
    assert api and len(api) == len(_routes(get_resolver(settings.API_URLCONF)))
    assert resolve("/api/v1/connections/resolve").url_name == "connection-resolve"
