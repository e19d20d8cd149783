"""API.md's "Token refresh": when a token is refreshed, what is stored, and every outcome."""

import base64
import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection as db
from django.test import override_settings

from connections.models import Connection, ConnectionStatus, Piece
from connections.services import connection_update
from oauth import transport
from oauth.refresh import (
    Outcome,
    _rejected,
    credential_for_retry,
    due_connections,
    force_refresh,
    is_due,
    refresh_if_expiring,
    refresh_sweep,
)
from orgs.models import AuditEvent
from tests.oauth.provider import (
    ACCESS,
    CLIENT_ID,
    CLIENT_SECRET,
    NEW_ACCESS,
    NEW_REFRESH,
    REFRESH,
    SECRETS,
    reload,
    slack_oauth_app,
    value_of,
)
from weavz.api.errors import NotFound

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def refresh(conn):
    return refresh_if_expiring(connection=reload(conn), actor="key_test")


def events(conn, action):
    return list(AuditEvent.objects.filter(target_id=conn.id, action=action).order_by("id"))


def test_a_token_expiring_within_the_margin_is_refreshed_and_stored(
    make_oauth_connection, token_endpoint
):
    with time_machine.travel(T0, tick=False):
        conn = make_oauth_connection(expires_in=600)  # inside the 900 s margin
        result = refresh(conn)
    assert result.outcome == Outcome.REFRESHED
    value = value_of(conn)
    assert value["access_token"] == NEW_ACCESS
    assert value["refresh_token"] == NEW_REFRESH  # rotated: the new one is stored
    assert value["expires_in"] == 3600 and value["expires_at"] == "2026-03-01T13:00:00Z"
    stored = reload(conn)
    assert stored.token_expires_at == T0 + timedelta(hours=1)
    assert stored.refresh_outcome == "REFRESHED" and stored.refreshed_at == T0
    assert stored.status == ConnectionStatus.ACTIVE
    [sent] = token_endpoint.requests
    assert sent == {
        "grant_type": "refresh_token",
        "refresh_token": REFRESH,
        # Slack's catalog entry says client_secret_post: the client goes in the form.
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    [event] = events(conn, "connection.refreshed")
    assert event.metadata == {"expiresAt": "2026-03-01T13:00:00Z", "refreshTokenRotated": True}
    assert event.actor == "key_test"


def test_a_token_outside_the_margin_is_not_refreshed_and_costs_no_query(
    make_oauth_connection, token_endpoint, django_assert_num_queries
):
    conn = reload(make_oauth_connection(expires_in=3600))
    with django_assert_num_queries(0):
        result = refresh_if_expiring(connection=conn, actor="key_test")
    assert result.outcome == Outcome.NOT_DUE and token_endpoint.count == 0


@override_settings(REFRESH_MARGIN_SECONDS=60)
def test_the_margin_is_a_setting(make_oauth_connection, token_endpoint):
    assert refresh(make_oauth_connection(expires_in=120)).outcome == Outcome.NOT_DUE
    assert refresh(make_oauth_connection(expires_in=30, external_id="u2")).outcome == (
        Outcome.REFRESHED
    )


def test_an_answer_without_a_refresh_token_keeps_the_old_one(make_oauth_connection, token_endpoint):
    token_endpoint.answer = {"access_token": NEW_ACCESS, "expires_in": 60}
    conn = make_oauth_connection()
    assert refresh(conn).outcome == Outcome.REFRESHED
    assert value_of(conn)["refresh_token"] == REFRESH
    assert events(conn, "connection.refreshed")[0].metadata["refreshTokenRotated"] is False


def test_an_answer_without_expires_in_leaves_a_token_without_expiry(
    make_oauth_connection, token_endpoint
):
    token_endpoint.answer = {"access_token": NEW_ACCESS}
    conn = make_oauth_connection()
    refresh(conn)
    value = value_of(conn)
    assert "expires_at" not in value and "expires_in" not in value
    assert reload(conn).token_expires_at is None and not is_due(reload(conn))


def test_a_token_with_no_expiry_is_refreshed_when_forced_after_a_401(
    make_oauth_connection, token_endpoint
):
    conn = make_oauth_connection(expires_in=None)
    assert refresh(conn).outcome == Outcome.NOT_DUE
    result = force_refresh(connection_id=conn.id, actor="key_test", sent_access_token=ACCESS)
    assert result.outcome == Outcome.REFRESHED
    assert result.connection.decrypted_value()["access_token"] == NEW_ACCESS


def test_a_forced_refresh_with_a_token_already_replaced_sends_nothing(
    make_oauth_connection, token_endpoint
):
    conn = make_oauth_connection(expires_in=None)
    force_refresh(connection_id=conn.id, actor="key_test")
    # A second caller whose request failed with the old token: it gets the new one, no request.
    result = force_refresh(connection_id=conn.id, actor="key_test", sent_access_token=ACCESS)
    assert result.outcome == Outcome.ALREADY_CHANGED
    assert result.connection.decrypted_value()["access_token"] == NEW_ACCESS
    assert token_endpoint.count == 1


def test_the_orgs_oauth_app_supplies_the_client_when_the_value_has_none(
    org, make_oauth_connection, token_endpoint
):
    slack_oauth_app(org)
    conn = make_oauth_connection(own_client=False)
    assert refresh(conn).outcome == Outcome.REFRESHED
    [sent] = token_endpoint.requests
    assert (sent["client_id"], sent["client_secret"]) == ("app-client", "app-secret")


def test_a_piece_asking_for_client_secret_basic_gets_the_client_in_the_header(
    make_oauth_connection, token_endpoint
):
    Piece.objects.filter(pk="slack").update(
        oauth2={**Piece.objects.get(pk="slack").oauth2, "tokenAuthMethod": "client_secret_basic"}
    )
    conn = make_oauth_connection(expires_in=600)
    assert refresh(conn).outcome == Outcome.REFRESHED
    [sent] = token_endpoint.requests
    assert (sent["basic_client_id"], sent["basic_client_secret"]) == (CLIENT_ID, CLIENT_SECRET)
    assert "client_secret" not in sent


@pytest.mark.parametrize("error", ["invalid_grant", "invalid_client"])
def test_a_rejected_refresh_token_marks_the_connection_error_and_audits_it(
    make_oauth_connection, token_endpoint, error
):
    token_endpoint.status, token_endpoint.answer = 400, {"error": error}
    conn = make_oauth_connection()
    result = refresh(conn)
    assert result.outcome == Outcome.REJECTED
    assert reload(conn).status == ConnectionStatus.ERROR
    [event] = events(conn, "connection.status_changed")
    assert event.metadata == {"from": "ACTIVE", "to": "ERROR", "reason": error}
    assert value_of(conn)["refresh_token"] == REFRESH


def test_invalid_grant_for_a_token_another_caller_already_rotated_is_not_an_error(
    make_oauth_connection,
):
    conn = make_oauth_connection()
    connection_update(
        connection=reload(conn),
        actor="test",
        value={**value_of(conn), "refresh_token": NEW_REFRESH},
    )
    # The answer to a request that carried the old refresh token arrives after the rotation.
    result = _rejected(
        conn.id, now=T0, sent_refresh_token=REFRESH, error="invalid_grant", actor="key_test"
    )
    assert result.outcome == Outcome.SUPERSEDED
    assert reload(conn).status == ConnectionStatus.ACTIVE
    assert events(conn, "connection.status_changed") == []


@pytest.mark.skipif(
    db.vendor == "postgresql",
    reason="on PostgreSQL the row lock is held across the token request, so no other caller "
    "can rotate meanwhile (the single-flight test covers it); SQLite sends it unlocked",
)
def test_without_row_locks_a_rotation_during_the_request_is_not_an_error(
    transactional_db, make_oauth_connection, token_endpoint
):
    conn = make_oauth_connection()

    def another_caller_rotates(_form):
        connection_update(
            connection=reload(conn),
            actor="test",
            value={**value_of(conn), "access_token": "at-other", "refresh_token": "rt-other"},
        )

    token_endpoint.on_request = another_caller_rotates
    token_endpoint.status, token_endpoint.answer = 400, {"error": "invalid_grant"}
    assert refresh(conn).outcome == Outcome.SUPERSEDED
    assert reload(conn).status == ConnectionStatus.ACTIVE
    assert value_of(conn)["refresh_token"] == "rt-other"


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_provider_failure_keeps_the_connection_active_and_backs_off(
    make_oauth_connection, token_endpoint, status
):
    token_endpoint.status, token_endpoint.answer = status, {"error": "temporarily_unavailable"}
    with time_machine.travel(T0, tick=False):
        conn = make_oauth_connection()
        assert refresh(conn).outcome == Outcome.FAILED
        stored = reload(conn)
        assert stored.status == ConnectionStatus.ACTIVE
        assert stored.refresh_failing_since == T0 and stored.refresh_failures == 1
        assert stored.refresh_retry_at == T0 + timedelta(minutes=1)
        assert not is_due(stored) and stored not in due_connections()
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        assert refresh(conn).outcome == Outcome.FAILED
        assert reload(conn).refresh_retry_at == T0 + timedelta(minutes=3)  # 2 minutes later
    [_, second] = events(conn, "connection.refresh_failed")
    assert second.metadata["failures"] == 2 and second.metadata["final"] is False
    assert events(conn, "connection.status_changed") == []


def test_a_provider_failing_for_the_give_up_window_marks_the_connection_error(
    make_oauth_connection, token_endpoint
):
    token_endpoint.status = 500
    with time_machine.travel(T0, tick=False):
        conn = make_oauth_connection()
        refresh(conn)
    with time_machine.travel(T0 + timedelta(hours=71), tick=False):
        assert refresh(conn).outcome == Outcome.FAILED
        assert reload(conn).status == ConnectionStatus.ACTIVE
    with time_machine.travel(T0 + timedelta(hours=72), tick=False):
        assert refresh(conn).outcome == Outcome.GAVE_UP
    assert reload(conn).status == ConnectionStatus.ERROR
    [event] = events(conn, "connection.status_changed")
    assert event.metadata == {"from": "ACTIVE", "to": "ERROR", "reason": "refresh_failing"}


def test_a_success_after_failures_clears_them(make_oauth_connection, token_endpoint):
    token_endpoint.status = 502
    with time_machine.travel(T0, tick=False):
        conn = make_oauth_connection()
        refresh(conn)
    token_endpoint.status = 200
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        assert refresh(conn).outcome == Outcome.REFRESHED
    stored = reload(conn)
    assert (stored.refresh_failures, stored.refresh_failing_since, stored.refresh_retry_at) == (
        0,
        None,
        None,
    )


@override_settings(REFRESH_TIMEOUT_SECONDS=0.3)
def test_a_token_endpoint_timeout_is_a_failure_to_retry(make_oauth_connection, token_endpoint):
    token_endpoint.delay = 1.0
    conn = make_oauth_connection()
    result = refresh(conn)
    assert result.outcome == Outcome.FAILED and result.error.code == "UPSTREAM_TIMEOUT"
    assert reload(conn).status == ConnectionStatus.ACTIVE


def test_an_expired_token_without_a_refresh_token_becomes_expired(
    make_oauth_connection, token_endpoint
):
    conn = make_oauth_connection(expires_in=-5, refresh_token=None)
    assert refresh(conn).outcome == Outcome.EXPIRED
    assert reload(conn).status == ConnectionStatus.EXPIRED and token_endpoint.count == 0
    [event] = events(conn, "connection.status_changed")
    assert event.metadata == {
        "from": "ACTIVE",
        "to": "EXPIRED",
        "reason": "expired_without_refresh_token",
    }


def test_an_expiring_token_without_a_refresh_token_waits_for_its_expiry(
    make_oauth_connection, token_endpoint
):
    with time_machine.travel(T0, tick=False):
        conn = make_oauth_connection(expires_in=300, refresh_token=None)
        assert refresh(conn).outcome == Outcome.NOT_REFRESHABLE
        assert reload(conn).status == ConnectionStatus.ACTIVE
        assert reload(conn) not in due_connections()
    with time_machine.travel(T0 + timedelta(seconds=301), tick=False):
        assert [c.id for c in due_connections()] == [conn.id]
        assert refresh(conn).outcome == Outcome.EXPIRED


def test_the_sweep_refreshes_idle_expiring_connections_only(make_oauth_connection, token_endpoint):
    expiring = make_oauth_connection(expires_in=60, external_id="a")
    fresh = make_oauth_connection(expires_in=7200, external_id="b")
    assert refresh_sweep() == 1
    assert value_of(expiring)["access_token"] == NEW_ACCESS
    assert value_of(fresh)["access_token"] == ACCESS
    assert events(expiring, "connection.refreshed")[0].actor == "job:refresh_sweep"


def test_the_client_secret_post_method_sends_the_client_in_the_body(token_endpoint):
    client = transport.OAuthClient(
        token_endpoint.url, CLIENT_ID, CLIENT_SECRET, "client_secret_post"
    )
    answer = transport.token_request(
        client=client, grant_type="refresh_token", timeout=5, refresh_token=REFRESH
    )
    assert answer.ok
    assert token_endpoint.requests[0] == {
        "grant_type": "refresh_token",
        "refresh_token": REFRESH,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    assert CLIENT_SECRET not in repr(client) and NEW_ACCESS not in repr(answer)


def test_no_token_or_secret_reaches_a_log_line_or_an_audit_event(
    make_oauth_connection, token_endpoint, caplog
):
    caplog.set_level(logging.DEBUG)
    with time_machine.travel(T0, tick=False):
        conn = make_oauth_connection()
        refresh(conn)  # success
        token_endpoint.status, token_endpoint.answer = 503, {"error": "x"}
        force_refresh(connection_id=conn.id, actor="key_test")  # failure
        token_endpoint.status, token_endpoint.answer = 400, {"error": "invalid_grant"}
        force_refresh(connection_id=conn.id, actor="key_test")  # rejection
    logged = "\n".join(
        f"{r.getMessage()} {json.dumps(r.__dict__, default=str)}" for r in caplog.records
    )
    audited = json.dumps([e.metadata for e in AuditEvent.objects.all()])
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    for secret in (*SECRETS, basic):
        assert secret not in logged and secret not in audited


def test_a_provider_error_that_is_not_an_oauth_code_is_not_repeated(
    make_oauth_connection, token_endpoint
):
    token_endpoint.status, token_endpoint.answer = 400, {"error": f"bad token {ACCESS}"}
    conn = make_oauth_connection()
    result = refresh(conn)
    assert result.outcome == Outcome.FAILED and ACCESS not in result.detail
    [event] = events(conn, "connection.refresh_failed")
    assert event.metadata["reason"] == "http_400"


@pytest.mark.parametrize(
    "use",
    [force_refresh, credential_for_retry],
    ids=["its refresh", "the retry after a 401"],
)
def test_a_connection_deleted_before_it_is_used_is_not_found(
    use, make_oauth_connection, token_endpoint
):
    conn = make_oauth_connection(expires_in=None)
    Connection.objects.filter(pk=conn.pk).delete()

    with pytest.raises(NotFound):
        use(connection_id=conn.id, actor="key_test", sent_access_token=ACCESS)
    assert token_endpoint.count == 0
