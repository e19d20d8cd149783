"""A fake token endpoint (pytest-httpserver on 127.0.0.2) and OAuth2 connections that use it.

The fixtures ``token_endpoint`` and ``make_oauth_connection`` (tests/conftest.py) build on these.
"""

import base64
import json
import threading
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl

from django.utils import timezone
from werkzeug import Request, Response

from connections.models import Connection
from connections.services import connection_create
from oauth.services import oauth_app_create

# Distinctive values, so a test can search every response, log line and event for them.
ACCESS = "at-PLAINTEXT-old-5b1e"
REFRESH = "rt-PLAINTEXT-old-9c2f"
NEW_ACCESS = "at-PLAINTEXT-new-7d3a"
NEW_REFRESH = "rt-PLAINTEXT-new-1e4b"
CLIENT_ID = "client-1234"
CLIENT_SECRET = "cs-PLAINTEXT-8f5c"
SECRETS = (ACCESS, REFRESH, NEW_ACCESS, NEW_REFRESH, CLIENT_SECRET)


def iso(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class TokenEndpoint:
    """Answers token requests as told and records each (form fields and client id)."""

    def __init__(self, httpserver):
        self.server = httpserver
        self.url = httpserver.url_for("/token")
        self.requests = []
        self.lock = threading.Lock()
        self.answer = {"access_token": NEW_ACCESS, "refresh_token": NEW_REFRESH, "expires_in": 3600}
        self.status = 200
        self.delay = 0.0
        self.on_request = None
        self.in_flight = 0
        self.idle = threading.Condition(self.lock)
        httpserver.expect_request("/token", method="POST").respond_with_handler(self.handle)

    def handle(self, request: Request) -> Response:
        form = dict(parse_qsl(request.get_data(as_text=True)))
        basic = request.headers.get("Authorization", "")
        if basic.startswith("Basic "):
            client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
            form.update(basic_client_id=client_id, basic_client_secret=secret)
        with self.lock:
            self.requests.append(form)
            self.in_flight += 1
        try:
            if self.on_request is not None:
                self.on_request(form)
            if self.delay:
                threading.Event().wait(self.delay)
            return Response(
                json.dumps(self.answer), status=self.status, content_type="application/json"
            )
        finally:
            with self.lock:
                self.in_flight -= 1
                self.idle.notify_all()

    def wait_idle(self, timeout=10.0):
        """Until no request is being answered: a late (delayed) answer must not be logged
        into the next test's server log."""
        with self.lock:
            self.idle.wait_for(lambda: self.in_flight == 0, timeout)

    @property
    def count(self):
        with self.lock:
            return len(self.requests)


def reload(conn):
    return Connection.objects.get(pk=conn.pk)


def value_of(conn):
    return reload(conn).decrypted_value()


def at(moment_text):
    return datetime.fromisoformat(moment_text.replace("Z", "+00:00"))


def oauth_connection(
    org,
    endpoint,
    *,
    expires_in=60,
    refresh_token=REFRESH,
    own_client=True,
    external_id=None,
    **value,
):
    oauth = {"type": "OAUTH2", "access_token": ACCESS, "token_url": endpoint.url}
    if refresh_token is not None:
        oauth["refresh_token"] = refresh_token
    if expires_in is not None:
        oauth["expires_at"] = iso(timezone.now() + timedelta(seconds=expires_in))
    if own_client:
        oauth.update(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    oauth.update(value)
    return connection_create(
        org_id=org.id,
        piece_name="slack",
        project_id=None,
        display_name="Acme Slack",
        external_id=external_id,
        value=oauth,
        actor="test",
    )


def slack_oauth_app(org, *, client_id="app-client", client_secret="app-secret"):
    """The org's OAuth app for slack, made through the service."""
    return oauth_app_create(
        org=org,
        piece_name="slack",
        client_id=client_id,
        client_secret=client_secret,
        scopes=[],
        actor="test",
    )
