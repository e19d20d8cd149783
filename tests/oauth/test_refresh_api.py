"""POST /api/v1/connections/:id/refresh: a forced refresh answering the connection object."""

import json

import pytest
from django.test import override_settings

from connections.models import ConnectionStatus
from orgs.models import AuditEvent, Scope
from tests.factories import ConnectionFactory
from tests.oauth.provider import NEW_ACCESS, SECRETS, reload, value_of

pytestmark = pytest.mark.django_db


def url(conn):
    return f"/api/v1/connections/{conn.id}/refresh"


def error_of(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    return response.json()["error"]


def test_it_refreshes_a_token_that_is_not_expiring_and_answers_the_connection(
    api, make_oauth_connection, token_endpoint
):
    conn = make_oauth_connection(expires_in=86400)
    response = api.post(url(conn))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == conn.id and body["status"] == "ACTIVE"
    assert value_of(conn)["access_token"] == NEW_ACCESS and token_endpoint.count == 1
    assert AuditEvent.objects.get(action="connection.refreshed").actor.startswith("key_")


def test_a_rejected_refresh_answers_the_connection_now_in_error(
    api, make_oauth_connection, token_endpoint
):
    token_endpoint.status, token_endpoint.answer = 400, {"error": "invalid_grant"}
    response = api.post(url(make_oauth_connection()))
    assert response.status_code == 200 and response.json()["status"] == "ERROR"


def test_a_refresh_revives_a_connection_in_error(api, make_oauth_connection, token_endpoint):
    conn = make_oauth_connection()
    type(conn).objects.filter(pk=conn.pk).update(status=ConnectionStatus.ERROR)
    assert api.post(url(conn)).json()["status"] == "ACTIVE"
    event = AuditEvent.objects.get(action="connection.status_changed", target_id=conn.id)
    assert event.metadata == {"from": "ERROR", "to": "ACTIVE", "reason": "refreshed"}


def test_a_provider_failure_is_502_and_the_connection_stays_active(
    api, make_oauth_connection, token_endpoint
):
    token_endpoint.status = 503
    conn = make_oauth_connection()
    error = error_of(api.post(url(conn)), 502, "UPSTREAM_UNAVAILABLE")
    assert "503" in error["message"]
    assert reload(conn).status == ConnectionStatus.ACTIVE


@override_settings(REFRESH_TIMEOUT_SECONDS=0.3)
def test_a_token_endpoint_timeout_is_504(api, make_oauth_connection, token_endpoint):
    token_endpoint.delay = 1.0
    error_of(api.post(url(make_oauth_connection())), 504, "UPSTREAM_TIMEOUT")


def test_a_token_url_the_egress_rules_refuse_is_403(api, make_oauth_connection, settings):
    conn = make_oauth_connection()
    settings.EGRESS_ALLOWED_NETWORKS = []  # the fake provider is on loopback
    error_of(api.post(url(conn)), 403, "EGRESS_DENIED")
    assert reload(conn).status == ConnectionStatus.ACTIVE


def test_a_connection_that_cannot_be_refreshed_is_a_conflict(api, org, make_oauth_connection):
    error_of(api.post(url(ConnectionFactory(org=org))), 409, "CONFLICT")  # SECRET_TEXT
    no_refresh_token = make_oauth_connection(expires_in=3600, refresh_token=None)
    error = error_of(api.post(url(no_refresh_token)), 409, "CONFLICT")
    assert "refresh token" in error["message"]


def test_it_rejects_a_key_from_another_org(charlie, make_oauth_connection, token_endpoint):
    conn = make_oauth_connection()
    error_of(charlie.post(url(conn)), 404, "NOT_FOUND")
    assert token_endpoint.count == 0


def test_an_unknown_connection_is_404(api):
    error_of(api.post("/api/v1/connections/conn_nope/refresh"), 404, "NOT_FOUND")


def test_it_needs_the_connections_write_scope(make_api, org, make_oauth_connection):
    reader = make_api(org, scopes=[Scope.CONNECTIONS_READ])
    error_of(reader.post(url(make_oauth_connection())), 403, "FORBIDDEN")


def test_other_methods_are_refused_with_the_envelope(api, make_oauth_connection):
    error_of(api.get(url(make_oauth_connection())), 405, "METHOD_NOT_ALLOWED")


def test_no_response_holds_a_token_or_secret(api, make_oauth_connection, token_endpoint):
    conn = make_oauth_connection()
    bodies = [api.post(url(conn)).content.decode()]
    token_endpoint.status, token_endpoint.answer = 503, {"error": "x", "echo": SECRETS[0]}
    bodies.append(api.post(url(conn)).content.decode())
    bodies.append(api.get(f"/api/v1/audit-events?targetId={conn.id}").content.decode())
    bodies.append(api.get(f"/api/v1/connections/{conn.id}").content.decode())
    for secret in SECRETS:
        assert all(secret not in body for body in bodies), secret
    assert json.loads(bodies[2])["data"]
