from typing import Any

import pytest
from django.test import Client

from connect.models import AllowedRedirectUri
from orgs.models import Organization

SUCCESS_URI = "https://app.example.com/connected"
ERROR_URI = "https://app.example.com/connect-failed"


@pytest.fixture
def allowed(org: Organization) -> list[str]:
    """The org's allow-list holds the two redirect URIs the tests use."""
    for uri in (SUCCESS_URI, ERROR_URI):
        AllowedRedirectUri.objects.create(org=org, uri=uri)
    return [SUCCESS_URI, ERROR_URI]


@pytest.fixture
def start_session(api: Any) -> Any:
    """``start_session(pieceName=…, …)`` -> the 201 body of POST /connect/sessions."""

    def start(**body: Any) -> dict[str, Any]:
        body.setdefault("externalId", "user-42")
        response = api.post("/api/v1/connect/sessions", body, format="json")
        assert response.status_code == 201, response.json()
        created: dict[str, Any] = response.json()
        return created

    return start


def open_link(client: Client, token: str) -> str:
    """Opens the connect link like a browser's first load; the page's path, without the token."""
    response = client.get(f"/connect/{token}")
    assert response.status_code == 303, response.content
    location: str = response["Location"]
    assert token not in location
    return location


@pytest.fixture
def fake_provider(httpserver: Any, allow_provider: None, org: Organization) -> Any:
    """The fake OAuth provider, a piece calling it, and the org's OAuth app for that piece."""
    from tests.connect.fake_oauth import install

    return install(httpserver, org)
