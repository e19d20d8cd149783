import functools
import importlib
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from django.apps import apps as django_apps
from pytest_httpserver import HTTPServer
from rest_framework.test import APIClient
from werkzeug import Request, Response

from connections.models import Piece
from orgs.models import ALL_SCOPES, Organization
from orgs.services import api_key_create
from tests.factories import OrganizationFactory
from tests.oauth.provider import TokenEndpoint, oauth_connection

ApiFactory = Callable[..., APIClient]

# The fake providers (pytest-httpserver) listen here, and only this address is let through the
# egress checks, so tests can also show that every other spelling of loopback is refused.
PROVIDER_HOST = "127.0.0.2"
_CATALOG = importlib.import_module("connections.migrations.0002_piece_catalog")
_CALLING = importlib.import_module("connections.migrations.0007_piece_calling")


@pytest.fixture(autouse=True)
def _piece_catalog(request: pytest.FixtureRequest, django_db_blocker: Any) -> None:
    """Puts back the migration-shipped piece catalog after a transactional test flushed it."""
    uses_db = {"db", "transactional_db"} & set(request.fixturenames)
    if request.node.get_closest_marker("django_db") is None and not uses_db:
        return
    with django_db_blocker.unblock():
        if not Piece.objects.exists():
            _CATALOG.load(django_apps, None)
            _CALLING.load(django_apps, None)


@pytest.fixture
def org(db: Any) -> Organization:
    return OrganizationFactory.create(name="Acme")


@pytest.fixture
def other_org(db: Any) -> Organization:
    """Charlie's org: every API test module checks that it sees nothing of ``org``'s."""
    return OrganizationFactory.create(name="Charlie")


@pytest.fixture
def make_api(db: Any) -> ApiFactory:
    """``make_api(org, scopes=[...])`` -> an APIClient sending a fresh key of that org."""

    def make(org: Organization, scopes: Iterable[str] | None = ALL_SCOPES) -> APIClient:
        _key, secret = api_key_create(org=org, name="test", actor="test", scopes=scopes)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        client.secret = secret  # type: ignore[attr-defined]
        return client

    return make


@pytest.fixture
def api(make_api: ApiFactory, org: Organization) -> APIClient:
    """A client holding every scope of ``org``, reveal included."""
    return make_api(org)


@pytest.fixture
def charlie(make_api: ApiFactory, other_org: Organization) -> APIClient:
    return make_api(other_org)


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """``later(2)``: from now on the clock reads 2 s ahead (timestamps are whole seconds)."""
    from datetime import timedelta

    from django.utils import timezone

    real_now = timezone.now

    def move(seconds: int) -> None:
        monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(seconds=seconds))

    return move


@pytest.fixture(scope="session")
def make_httpserver() -> Iterator[HTTPServer]:
    """pytest-httpserver's fake provider on 127.0.0.2, on an ephemeral port; threaded, so a
    kept-alive connection from one test does not hold the server from the next."""
    server = HTTPServer(host=PROVIDER_HOST, port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def allow_provider(settings: Any) -> None:
    """Egress lets through the fake provider's address, and nothing else of loopback."""
    settings.EGRESS_ALLOWED_NETWORKS = [f"{PROVIDER_HOST}/32"]


@pytest.fixture
def token_endpoint(httpserver: HTTPServer, allow_provider: None) -> Iterator[TokenEndpoint]:
    """A fake OAuth2 token endpoint (tests/oauth/provider.py) that egress lets through."""
    endpoint = TokenEndpoint(httpserver)
    yield endpoint
    endpoint.wait_idle()
    httpserver.clear()


@pytest.fixture
def make_oauth_connection(org: Organization, token_endpoint: TokenEndpoint) -> Callable[..., Any]:
    """``make_oauth_connection(expires_in=60, refresh_token=…, own_client=True, …)``: an OAUTH2
    connection of ``org`` whose token URL is ``token_endpoint``."""
    return functools.partial(oauth_connection, org, token_endpoint)


@pytest.fixture
def provider(httpserver: HTTPServer, allow_provider: None) -> HTTPServer:
    """The fake provider on 127.0.0.2, the only address egress lets through."""
    return httpserver


SlowAnswer = Callable[[float], Callable[[Request], Response]]


@pytest.fixture
def slow_answer() -> Iterator[SlowAnswer]:
    """``slow_answer(seconds)``: a provider handler that answers late. The test waits for every
    started one before it ends, so a late answer is never logged into a later test."""
    running: list[threading.Event] = []

    def make(seconds: float) -> Callable[[Request], Response]:
        def handler(request: Request) -> Response:
            done = threading.Event()
            running.append(done)
            try:
                time.sleep(seconds)
                return Response("late")
            finally:
                done.set()

        return handler

    yield make
    for done in running:
        done.wait(10)


@pytest.fixture
def receiver(httpserver: HTTPServer, allow_provider: None) -> HTTPServer:
    """A webhook receiver: the fake provider's server, let through the egress rules."""
    return httpserver
