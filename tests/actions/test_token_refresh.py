"""Token refresh through execute and the proxy, end to end: the fake provider and the fake token
endpoint (tests/oauth/provider.py) share the httpserver on 127.0.0.2; nothing is patched."""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection as db
from django.test import Client
from django.utils import timezone
from werkzeug import Request, Response

from connections.models import Connection, ConnectionStatus
from connections.services import connection_update
from orgs.models import ApiKey, AuditEvent
from tests.actions.conftest import echo, rebase
from tests.actions.test_execute import assert_nowhere, connection, execute
from tests.conftest import PROVIDER_HOST
from tests.oauth.provider import ACCESS, NEW_ACCESS, NEW_REFRESH, SECRETS, reload, value_of
from tests.postgres import only_postgres
from tests.workers import client_processes

pytestmark = pytest.mark.django_db

# Another caller's token, stored while our call is in flight.
OTHER_ACCESS = "at-PLAINTEXT-other-3f8a"


@dataclass(frozen=True)
class Answer:
    form: str
    response: Any
    status: int | None  # the upstream's status as the caller sees it; None for our own error
    error: str | None  # our error code (the envelope's; the proxy's Weavz-Error)


@pytest.fixture(params=["execute", "proxy"])
def call(request, api, provider) -> Callable[..., Answer]:
    """``call(connection_id)``: GET /echo of the slack piece (pointed at the fake provider)
    through execute or the proxy."""
    rebase("slack", provider)

    def run(connection_id: str, piece: str = "slack") -> Answer:
        if request.param == "execute":
            response = execute(api, piece=piece, connectionId=connection_id)
            body = response.json()
            if response.status_code != 200:
                return Answer("execute", response, None, body["error"]["code"])
            assert body["success"] is (200 <= body["output"]["status"] < 300)
            return Answer("execute", response, body["output"]["status"], None)
        response = Client().get(
            f"/api/v1/proxy/{piece}/echo",
            HTTP_AUTHORIZATION=f"Bearer {api.secret}",
            HTTP_WEAVZ_CONNECTION_ID=connection_id,
        )
        error = response.headers.get("Weavz-Error")
        return Answer("proxy", response, None if error else response.status_code, error)

    return run


def answers_only(token: str) -> Callable[[Request], Response]:
    """An upstream that echoes its request, with 401 unless it was sent ``Bearer <token>``."""

    def handler(request: Request) -> Response:
        response = echo(request)
        if request.headers.get("Authorization") != f"Bearer {token}":
            response.status_code = 401
        return response

    return handler


def sent_tokens(provider) -> list[str]:
    """The Authorization header of each call that reached the provider's API (not /token)."""
    return [r.headers.get("Authorization", "") for r, _ in provider.log if r.path == "/api/echo"]


def events(conn, action):
    return list(AuditEvent.objects.filter(target_id=conn.id, action=action))


def test_a_token_expiring_within_the_margin_is_refreshed_before_the_call(
    call, org, provider, make_oauth_connection, token_endpoint, caplog
):
    caplog.set_level(logging.DEBUG)
    conn = make_oauth_connection(expires_in=60)
    provider.expect_request("/api/echo").respond_with_handler(answers_only(NEW_ACCESS))

    answer = call(conn.id)

    assert answer.status == 200, answer.response.content
    assert sent_tokens(provider) == [f"Bearer {NEW_ACCESS}"]
    assert token_endpoint.count == 1
    assert value_of(conn)["access_token"] == NEW_ACCESS
    [refreshed] = events(conn, "connection.refreshed")
    assert refreshed.actor == ApiKey.objects.get(org=org).id  # the calling key
    assert "[REDACTED]" in answer.response.content.decode()  # the echo was there, and redacted
    for secret in SECRETS:
        assert_nowhere(secret, answer.response, caplog)


def test_a_token_not_due_is_sent_as_stored_at_the_cost_of_two_queries(
    call, org, api, provider, make_oauth_connection, token_endpoint, django_assert_num_queries
):
    conn = make_oauth_connection(expires_in=7200)
    Connection.objects.filter(pk=conn.pk).update(last_used_at=timezone.now())
    provider.expect_request("/api/echo").respond_with_handler(answers_only(ACCESS))
    call(conn.id)  # warm-up: the key's last_used_at is written once

    with django_assert_num_queries(2):
        answer = call(conn.id)

    assert answer.status == 200
    assert sent_tokens(provider) == [f"Bearer {ACCESS}"] * 2
    assert token_endpoint.count == 0


def test_a_401_to_a_token_without_expiry_is_refreshed_and_retried_once(
    call, org, provider, make_oauth_connection, token_endpoint, caplog
):
    caplog.set_level(logging.DEBUG)
    conn = make_oauth_connection(expires_in=None)
    provider.expect_request("/api/echo").respond_with_handler(answers_only(NEW_ACCESS))

    answer = call(conn.id)

    assert answer.status == 200, answer.response.content
    assert sent_tokens(provider) == [f"Bearer {ACCESS}", f"Bearer {NEW_ACCESS}"]
    assert token_endpoint.count == 1
    assert value_of(conn)["access_token"] == NEW_ACCESS
    assert len(events(conn, "connection.refreshed")) == 1
    for secret in SECRETS:
        assert_nowhere(secret, answer.response, caplog)


def test_a_401_after_the_retry_is_handed_back_and_never_loops(
    call, org, provider, make_oauth_connection, token_endpoint, caplog
):
    caplog.set_level(logging.DEBUG)
    conn = make_oauth_connection(expires_in=None)
    provider.expect_request("/api/echo").respond_with_handler(answers_only("never"))

    answer = call(conn.id)

    assert answer.status == 401 and answer.error is None
    if answer.form == "execute":
        assert answer.response.json()["success"] is False
    else:
        assert answer.response.status_code == 401
    assert sent_tokens(provider) == [f"Bearer {ACCESS}", f"Bearer {NEW_ACCESS}"]
    assert token_endpoint.count == 1
    # The echo of the retry carried the new token; neither token comes back.
    for secret in SECRETS:
        assert_nowhere(secret, answer.response, caplog)


@pytest.mark.django_db(transaction=True)
def test_a_401_when_another_caller_already_replaced_the_token_retries_with_the_newer_one(
    call, org, provider, make_oauth_connection, token_endpoint, caplog
):
    caplog.set_level(logging.DEBUG)
    conn = make_oauth_connection(expires_in=None)
    newer = {**value_of(conn), "access_token": OTHER_ACCESS}
    upstream = answers_only(OTHER_ACCESS)

    def replaced_meanwhile(request: Request) -> Response:
        # While our call waits for its answer, another caller stores a newer token.
        if request.headers.get("Authorization") == f"Bearer {ACCESS}":
            try:
                connection_update(connection=reload(conn), actor="someone-else", value=newer)
            finally:
                db.close()
        return upstream(request)

    provider.expect_request("/api/echo").respond_with_handler(replaced_meanwhile)

    answer = call(conn.id)

    assert answer.status == 200, answer.response.content
    assert sent_tokens(provider) == [f"Bearer {ACCESS}", f"Bearer {OTHER_ACCESS}"]
    assert token_endpoint.count == 0
    assert value_of(conn)["access_token"] == OTHER_ACCESS
    for secret in (*SECRETS, OTHER_ACCESS):
        assert_nowhere(secret, answer.response, caplog)


def test_a_401_to_another_value_type_is_not_retried(
    call, org, provider, fake_piece, token_endpoint
):
    conn = connection(org)  # SECRET_TEXT
    provider.expect_request("/api/echo").respond_with_data("no", status=401)

    answer = call(conn.id, piece="fake")

    assert answer.status == 401
    assert len(sent_tokens(provider)) == 1
    assert token_endpoint.count == 0


def test_a_refresh_refused_before_the_call_is_409_and_the_connection_is_error(
    call, org, provider, make_oauth_connection, token_endpoint, caplog
):
    caplog.set_level(logging.DEBUG)
    token_endpoint.status, token_endpoint.answer = 400, {"error": "invalid_grant"}
    conn = make_oauth_connection(expires_in=60)
    provider.expect_request("/api/echo").respond_with_handler(echo)

    answer = call(conn.id)

    assert answer.response.status_code == 409
    assert answer.error == "CONNECTION_NOT_ACTIVE"
    assert answer.response.json()["error"]["code"] == "CONNECTION_NOT_ACTIVE"
    assert sent_tokens(provider) == []  # the token was not sent
    assert token_endpoint.count == 1
    assert reload(conn).status == ConnectionStatus.ERROR
    [changed] = events(conn, "connection.status_changed")
    assert changed.metadata["to"] == "ERROR" and changed.metadata["reason"] == "invalid_grant"
    for secret in SECRETS:
        assert_nowhere(secret, answer.response, caplog)


# --- Single flight across processes (PostgreSQL) -------------------------------------------------


@only_postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_executes_in_two_processes_on_one_expiring_token_send_one_token_request(
    api, provider, make_oauth_connection, token_endpoint
):
    rebase("slack", provider)
    token_endpoint.delay = 1.0  # every call arrives while the one token request is in flight
    conn = make_oauth_connection(expires_in=30)
    provider.expect_request("/api/echo").respond_with_handler(answers_only(NEW_ACCESS))
    start = time.time() + 4  # both processes are up and connected by then
    results = client_processes(
        "tests.actions.execute_clients",
        conn.id,
        "10",
        str(start),
        EGRESS_ALLOWED_NETWORKS=f"{PROVIDER_HOST}/32",
        WEAVZ_TEST_API_KEY=api.secret,
    )

    answers = [a for r in results for a in r]
    assert len(answers) == 20
    assert [a["status"] for a in answers] == [200] * 20, answers
    assert all(a["success"] and a["upstream"] == 200 for a in answers), answers
    assert token_endpoint.count == 1
    assert sent_tokens(provider) == [f"Bearer {NEW_ACCESS}"] * 20
    assert value_of(conn)["refresh_token"] == NEW_REFRESH
    assert len(events(conn, "connection.refreshed")) == 1
