"""POST /api/v1/actions/execute against a fake provider on loopback (pytest-httpserver)."""

import base64
import json
import logging
import socket
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from django.utils import timezone

from connections.models import Connection, ConnectionStatus, Piece
from orgs.models import DEFAULT_SCOPES, AuditEvent, Scope
from policies.models import PolicyType
from tests.actions.conftest import echo, rebase
from tests.conftest import PROVIDER_HOST
from tests.factories import ConnectionFactory, PolicyFactory, ProjectFactory

pytestmark = pytest.mark.django_db

EXECUTE = "/api/v1/actions/execute"


def execute(api, piece="fake", **kwargs: Any):
    body = {
        "pieceName": piece,
        "actionName": "http_request",
        "input": kwargs.pop("input", {"method": "GET", "path": "/echo"}),
        **kwargs,
    }
    return api.post(EXECUTE, body, format="json")


def connection(org, piece="fake", value=None, **kwargs: Any) -> Connection:
    value = value or {"type": "SECRET_TEXT", "secret_text": "sk-live-0123456789"}
    created: Connection = ConnectionFactory.create(
        org=org, piece_id=piece, value_type=value["type"], value=value, **kwargs
    )
    return created


def assert_nowhere(secret: str, response, caplog) -> None:
    """Not in the answer (in any spelling), not in a log line of ours, not in the audit log."""
    text = response.content.decode()
    for spelling in (secret, quote(secret, safe=""), json.dumps(secret)[1:-1]):
        assert spelling not in text
    ours = [r.getMessage() + str(r.__dict__) for r in caplog.records if r.name != "werkzeug"]
    assert not [line for line in ours if secret in line]
    assert not [e for e in AuditEvent.objects.all() if secret in json.dumps(e.metadata)]


# Value type -> (value, what the provider must receive, the secret it must not leak).
INJECTIONS = {
    "SECRET_TEXT": (
        {"type": "SECRET_TEXT", "secret_text": "sk-live-0123456789"},
        ("Authorization", "Bearer sk-live-0123456789"),
        "sk-live-0123456789",
    ),
    "OAUTH2": (
        {"type": "OAUTH2", "access_token": "xoxb-access-42", "refresh_token": "xoxr-refresh-42"},
        ("Authorization", "Bearer xoxb-access-42"),
        "xoxb-access-42",
    ),
    "BASIC_AUTH": (
        {"type": "BASIC_AUTH", "username": "ada", "password": "pa55-w0rd!"},
        ("Authorization", "Basic " + base64.b64encode(b"ada:pa55-w0rd!").decode()),
        "pa55-w0rd!",
    ),
    "CUSTOM_AUTH": (
        {"type": "CUSTOM_AUTH", "props": {"token": "tok/with+chars&="}},
        ("query", "api_key=tok%2Fwith%2Bchars%26%3D"),
        "tok/with+chars&=",
    ),
}


@pytest.mark.parametrize("value_type", sorted(INJECTIONS))
def test_the_provider_receives_exactly_the_injected_credential_and_it_leaks_nowhere(
    value_type, org, api, provider, fake_piece, caplog
):
    value, (where, expected), secret = INJECTIONS[value_type]
    conn = connection(org, value=value)
    provider.expect_request("/api/echo").respond_with_handler(echo)
    caplog.set_level(logging.DEBUG)

    response = execute(api, connectionId=conn.id)

    assert response.status_code == 200, response.content
    ((request, _),) = provider.log
    if where == "query":
        assert request.query_string.decode() == expected
    else:
        assert request.headers[where] == expected
    body = response.json()
    assert body["success"] is True
    assert body["connectionId"] == conn.id
    assert body["output"]["status"] == 200
    assert "[REDACTED]" in json.dumps(body["output"])  # the echo was there, and redacted
    assert_nowhere(secret, response, caplog)
    if value_type == "BASIC_AUTH":
        assert_nowhere(expected.split()[1], response, caplog)


def test_no_auth_sends_no_credential(org, api, provider, fake_piece):
    conn = connection(org, value={"type": "NO_AUTH"})
    provider.expect_request("/api/echo").respond_with_handler(echo)

    response = execute(api, connectionId=conn.id)

    assert response.status_code == 200
    ((request, _),) = provider.log
    assert "Authorization" not in request.headers


def test_a_piece_template_puts_the_credential_where_the_provider_wants_it(
    org, api, provider, caplog
):
    rebase("telegram-bot", provider, "/tg")
    token = "123456:AAE-bot-token"
    conn = connection(
        org, piece="telegram-bot", value={"type": "SECRET_TEXT", "secret_text": token}
    )
    provider.expect_request(f"/tg/bot{token}/getMe").respond_with_handler(echo)

    response = execute(
        api, piece="telegram-bot", connectionId=conn.id, input={"method": "GET", "path": "getMe"}
    )

    assert response.status_code == 200, response.content
    assert response.json()["output"]["body"]["path"] == "/tg/bot[REDACTED]/getMe"
    assert_nowhere(token, response, caplog)


def test_notion_gets_its_version_header_with_the_bearer_token(org, api, provider):
    rebase("notion", provider, "/v1")
    conn = connection(org, piece="notion", value={"type": "SECRET_TEXT", "secret_text": "secret_n"})
    provider.expect_request("/v1/users/me").respond_with_handler(echo)

    execute(api, piece="notion", connectionId=conn.id, input={"method": "GET", "path": "users/me"})

    ((request, _),) = provider.log
    assert request.headers["Notion-Version"] == "2022-06-28"
    assert request.headers["Authorization"] == "Bearer secret_n"


def test_jira_calls_the_connections_own_site_with_basic_email_and_token(org, api, provider):
    value = {
        "type": "CUSTOM_AUTH",
        "props": {
            "instance_url": provider.url_for("/jira"),
            "email": "a@b.co",
            "api_token": "at-1",
        },
    }
    conn = connection(org, piece="jira", value=value)
    provider.expect_request("/jira/rest/api/3/myself").respond_with_handler(echo)

    response = execute(
        api,
        piece="jira",
        connectionId=conn.id,
        input={"method": "GET", "path": "/rest/api/3/myself"},
    )

    assert response.status_code == 200, response.content
    ((request, _),) = provider.log
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"a@b.co:at-1").decode()


def test_the_http_piece_calls_the_base_url_prop_with_the_named_header(org, api, provider):
    value = {
        "type": "CUSTOM_AUTH",
        "props": {
            "base_url": provider.url_for("/svc"),
            "header_name": "X-Api-Key",
            "header_value": "hk-1",
        },
    }
    conn = connection(org, piece="http", value=value)
    provider.expect_request("/svc/items", method="POST").respond_with_handler(echo)

    response = execute(
        api,
        piece="http",
        connectionId=conn.id,
        input={
            "method": "POST",
            "path": "items",
            "query": {"a": ["1", "2"], "b": "x y"},
            "headers": {"X-Trace": "t1"},
            "body": {"name": "n"},
        },
    )

    assert response.status_code == 200, response.content
    echoed = response.json()["output"]["body"]
    assert echoed["query"] == "a=1&a=2&b=x+y"
    assert echoed["headers"]["X-Api-Key"] == "[REDACTED]"
    assert echoed["headers"]["X-Trace"] == "t1"
    assert echoed["headers"]["Content-Type"] == "application/json"
    assert json.loads(echoed["body"]) == {"name": "n"}


def test_a_piece_without_a_base_url_cannot_be_called(org, api):
    value = {"type": "BASIC_AUTH", "username": "u", "password": "p"}
    conn = connection(org, piece="jira", value=value)

    response = execute(api, piece="jira", connectionId=conn.id)

    assert response.status_code == 400
    assert "cannot be called" in response.json()["error"]["message"]


def test_an_upstream_error_is_answered_200_with_success_false(org, api, provider, fake_piece):
    conn = connection(org)
    provider.expect_request("/api/echo").respond_with_json({"error": "nope"}, status=404)

    response = execute(api, connectionId=conn.id)

    assert response.status_code == 200
    assert response.json()["success"] is False
    assert response.json()["output"] == {
        "status": 404,
        "headers": response.json()["output"]["headers"],
        "body": {"error": "nope"},
    }


def test_a_text_body_comes_back_as_text(org, api, provider, fake_piece):
    conn = connection(org)
    provider.expect_request("/api/echo").respond_with_data("plain", content_type="text/plain")

    assert execute(api, connectionId=conn.id).json()["output"]["body"] == "plain"


def test_it_writes_no_audit_event_and_one_log_line_without_the_query(
    org, api, provider, fake_piece, caplog
):
    conn = connection(org)
    provider.expect_request("/api/echo").respond_with_data("ok")
    before = AuditEvent.objects.count()
    caplog.set_level(logging.INFO, logger="weavz.actions")

    execute(
        api,
        connectionId=conn.id,
        input={"method": "GET", "path": "/echo", "query": {"q": "private"}},
    )

    assert AuditEvent.objects.count() == before
    (line,) = [r for r in caplog.records if r.name == "weavz.actions"]
    assert line.connectionId == conn.id
    assert line.pieceName == "fake"
    assert line.method == "GET"
    assert line.host == PROVIDER_HOST
    assert line.path == "/echo"
    assert line.upstreamStatus == 200
    assert "private" not in line.getMessage() + str(line.__dict__)


# --- The policies, through execute (the same rules as resolution) -------------------------------


def test_an_enforced_policy_refuses_another_connection(org, api, provider, fake_piece):
    enforced, other = connection(org), connection(org)
    PolicyFactory(org=org, piece_id="fake", type=PolicyType.ENFORCED_ORG, connection=enforced)

    response = execute(api, connectionId=other.id)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "POLICY_VIOLATION"
    assert provider.log == []


def test_user_required_without_the_users_connection_is_connection_required(
    org, api, provider, fake_piece
):
    PolicyFactory(org=org, piece_id="fake", type=PolicyType.USER_REQUIRED)

    response = execute(api, externalId="user-42")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "CONNECTION_REQUIRED"
    assert "user-42" in response.json()["error"]["message"]


def test_user_with_default_falls_back_to_the_default(org, api, provider, fake_piece):
    default = connection(org, value={"type": "SECRET_TEXT", "secret_text": "default-key"})
    PolicyFactory(org=org, piece_id="fake", type=PolicyType.USER_WITH_DEFAULT, connection=default)
    provider.expect_request("/api/echo").respond_with_data("ok")

    response = execute(api, externalId="user-without-one")

    assert response.status_code == 200
    assert response.json()["connectionId"] == default.id
    ((request, _),) = provider.log
    assert request.headers["Authorization"] == "Bearer default-key"


def test_the_end_users_own_connection_is_used_by_external_id(org, api, provider, fake_piece):
    project = ProjectFactory(org=org)
    own = connection(org, external_id="user-7", value={"type": "SECRET_TEXT", "secret_text": "u7"})
    provider.expect_request("/api/echo").respond_with_data("ok")

    response = execute(api, externalId="user-7", projectId=project.id)

    assert response.json()["connectionId"] == own.id


def test_a_connection_in_error_is_not_active(org, api, provider, fake_piece):
    broken = connection(org, status=ConnectionStatus.ERROR)

    response = execute(api, connectionId=broken.id)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "CONNECTION_NOT_ACTIVE"
    assert provider.log == []


def test_another_orgs_connection_is_not_found(api, other_org, provider, fake_piece):
    theirs = connection(other_org)

    response = execute(api, connectionId=theirs.id)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
    assert provider.log == []


# --- Egress refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "base_url",
    [
        "http://169.254.169.254/latest",
        "http://0.0.0.0",
        "http://[::1]",
        "http://[::ffff:127.0.0.1]",
        "http://2130706433",
        "http://10.0.0.1",
        "http://localhost",
        "http://127.0.0.1",
    ],
)
def test_it_refuses_destinations_that_are_not_public(base_url, org, api, provider):
    value = {"type": "CUSTOM_AUTH", "props": {"base_url": base_url}}
    conn = connection(org, piece="http", value=value)

    response = execute(api, piece="http", connectionId=conn.id)

    assert response.status_code == 403, response.content
    assert response.json()["error"]["code"] == "EGRESS_DENIED"


@pytest.mark.parametrize(
    "path",
    [
        "https://evil.example/steal",
        "//evil.example/steal",
        "../admin",
        "/v1/../../admin",
        "/v1/%2e%2e/admin",
        "javascript:alert(1)",
        "/echo?x=1",
        "/a b",
        "\\evil",
    ],
)
def test_it_refuses_a_path_that_leaves_the_base_url(path, org, api, provider, fake_piece):
    conn = connection(org)

    response = execute(api, connectionId=conn.id, input={"method": "GET", "path": path})

    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert provider.log == []


@pytest.mark.parametrize(
    "header",
    [
        "Authorization",
        "authorization",
        "Cookie",
        "Host",
        "Proxy-Authorization",
        "Connection",
        "Transfer-Encoding",
        "Weavz-Connection-Id",
    ],
)
def test_it_refuses_a_caller_header_that_is_not_the_callers_to_set(
    header, org, api, provider, fake_piece
):
    conn = connection(org)

    response = execute(
        api,
        connectionId=conn.id,
        input={"method": "GET", "path": "/echo", "headers": {header: "Bearer mine"}},
    )

    assert response.status_code == 400
    assert f"input.headers.{header}" in response.json()["error"]["details"]
    assert provider.log == []


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("pieceName", 7),
        ("connectionId", 1),
        ("input.path", 3),
        ("input.method", "TRACE"),
        ("input.query.q", 1),
        ("input.headers.X-A", 2),
        ("actionName", "send_message"),
    ],
)
def test_it_rejects_wrong_types_naming_the_field(field, bad, org, api, fake_piece):
    conn = connection(org)
    body = {
        "pieceName": "fake",
        "actionName": "http_request",
        "connectionId": conn.id,
        "input": {"method": "GET", "path": "/x"},
    }
    parts = field.split(".")
    target = body
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = bad

    response = api.post(EXECUTE, body, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["details"]


def test_loopback_is_refused_unless_listed(org, api, provider, fake_piece, settings):
    settings.EGRESS_ALLOWED_NETWORKS = []
    conn = connection(org)

    response = execute(api, connectionId=conn.id)

    assert response.json()["error"]["code"] == "EGRESS_DENIED"
    assert provider.log == []


def test_a_redirect_comes_back_as_it_came_and_is_not_followed(org, api, provider, fake_piece):
    conn = connection(org)
    provider.expect_request("/api/echo").respond_with_data(
        "", status=302, headers={"Location": provider.url_for("/elsewhere")}
    )
    provider.expect_request("/elsewhere").respond_with_handler(echo)

    response = execute(api, connectionId=conn.id)

    output = response.json()["output"]
    assert output["status"] == 302
    assert output["headers"]["Location"] == provider.url_for("/elsewhere")
    assert [r.path for r, _ in provider.log] == ["/api/echo"]


def test_a_slow_provider_is_a_gateway_timeout(
    org, api, provider, fake_piece, settings, slow_answer
):
    settings.EGRESS_TIMEOUT_SECONDS = 0.2
    conn = connection(org)
    provider.expect_request("/api/echo").respond_with_handler(slow_answer(1.0))

    response = execute(api, connectionId=conn.id)

    assert response.status_code == 504
    assert response.json()["error"]["code"] == "UPSTREAM_TIMEOUT"


def test_a_closed_port_is_upstream_unavailable(org, api, provider, fake_piece):
    with socket.socket() as probe:
        probe.bind((PROVIDER_HOST, 0))
        port = probe.getsockname()[1]
    fake_piece.base_url = f"http://{PROVIDER_HOST}:{port}/api"
    fake_piece.save()
    conn = connection(org)

    response = execute(api, connectionId=conn.id)

    assert response.status_code == 502
    assert response.json()["error"]["code"] == "UPSTREAM_UNAVAILABLE"


def test_an_oversized_answer_is_refused(org, api, provider, fake_piece, settings):
    settings.EGRESS_MAX_RESPONSE_BYTES = 100
    conn = connection(org)
    provider.expect_request("/api/echo").respond_with_data(b"x" * 101)

    response = execute(api, connectionId=conn.id)

    assert response.status_code == 502
    assert response.json()["error"]["code"] == "UPSTREAM_RESPONSE_TOO_LARGE"


# --- Scope, lastUsedAt, cost -------------------------------------------------------------------


def test_a_key_without_connections_use_is_forbidden(org, make_api, provider, fake_piece):
    conn = connection(org)
    scopes = [s for s in DEFAULT_SCOPES if s != Scope.CONNECTIONS_USE]

    response = execute(make_api(org, scopes=scopes), connectionId=conn.id)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"
    assert provider.log == []


def test_new_keys_get_connections_use_by_default():
    assert Scope.CONNECTIONS_USE in DEFAULT_SCOPES


def test_last_used_at_moves_once_a_minute_not_per_call(org, api, provider, fake_piece):
    conn = connection(org)
    provider.expect_request("/api/echo").respond_with_data("ok")
    assert api.get(f"/api/v1/connections/{conn.id}").json()["lastUsedAt"] is None

    execute(api, connectionId=conn.id)
    first = Connection.objects.get(pk=conn.pk).last_used_at
    execute(api, connectionId=conn.id)
    second = Connection.objects.get(pk=conn.pk).last_used_at
    Connection.objects.filter(pk=conn.pk).update(last_used_at=first - timedelta(seconds=61))
    execute(api, connectionId=conn.id)
    third = Connection.objects.get(pk=conn.pk).last_used_at

    assert first is not None and second == first
    assert third > first - timedelta(seconds=61) and third >= first
    assert api.get(f"/api/v1/connections/{conn.id}").json()["lastUsedAt"] is not None


def test_a_call_costs_the_key_lookup_and_one_resolve_and_load(
    org, api, provider, fake_piece, django_assert_num_queries
):
    conn = connection(org)
    PolicyFactory(org=org, piece_id="fake", type=PolicyType.USER_WITH_DEFAULT, connection=conn)
    Connection.objects.filter(pk=conn.pk).update(last_used_at=timezone.now())
    provider.expect_request("/api/echo").respond_with_data("ok")
    execute(api, externalId="nobody")  # warm-up: the key's last_used_at is written once

    with django_assert_num_queries(2):
        response = execute(api, externalId="nobody")

    assert response.status_code == 200


def test_the_first_call_in_a_minute_adds_one_update(
    org, api, provider, fake_piece, django_assert_num_queries
):
    conn = connection(org)
    provider.expect_request("/api/echo").respond_with_data("ok")
    execute(api, connectionId=connection(org).id)  # warm-up of the key

    with django_assert_num_queries(3):
        execute(api, connectionId=conn.id)


def test_the_catalog_shows_how_each_piece_is_called(api):
    pieces = {p["name"]: p for p in api.get("/api/v1/pieces").json()["data"]}

    assert pieces["slack"]["baseUrl"] == "https://slack.com/api"
    assert pieces["slack"]["oauth2"]["tokenUrl"] == "https://slack.com/api/oauth.v2.access"
    assert pieces["telegram-bot"]["auth"] == {"SECRET_TEXT": {"path": "/bot{secret_text}"}}
    assert pieces["http"]["baseUrl"] is None
    assert "base_url" in pieces["http"]["props"]
    assert pieces["openai"]["oauth2"] is None
    assert all(set(p) >= {"baseUrl", "auth", "oauth2"} for p in pieces.values())
    assert Piece.objects.filter(base_url__isnull=False).count() >= 11


def test_an_optional_header_prop_left_out_sends_no_header(org, api, provider):
    value = {"type": "CUSTOM_AUTH", "props": {"base_url": provider.url_for("/open")}}
    conn = connection(org, piece="http", value=value)
    provider.expect_request("/open/x").respond_with_handler(echo)

    response = execute(
        api, piece="http", connectionId=conn.id, input={"method": "GET", "path": "x"}
    )

    assert response.status_code == 200
    sent = response.json()["output"]["body"]["headers"]
    assert "" not in sent and "Authorization" not in sent


@pytest.mark.parametrize(
    "base_url", ["ftp://files.example", "http://user:pw@127.0.0.2", "http://127.0.0.2/?x=1"]
)
def test_a_base_url_prop_that_is_not_an_api_root_cannot_be_called(base_url, org, api, provider):
    conn = connection(
        org, piece="http", value={"type": "CUSTOM_AUTH", "props": {"base_url": base_url}}
    )

    response = execute(api, piece="http", connectionId=conn.id)

    assert response.status_code == 400
    assert "cannot be called" in response.json()["error"]["message"]
    assert provider.log == []


def test_a_basic_user_name_is_not_redacted_but_the_password_and_pair_are(
    org, api, provider, caplog
):
    value = {
        "type": "CUSTOM_AUTH",
        "props": {
            "instance_url": provider.url_for("/jira"),
            "email": "ada@example.com",
            "api_token": "at-secret-1",
        },
    }
    conn = connection(org, piece="jira", value=value)
    provider.expect_request("/jira/myself").respond_with_handler(echo)

    response = execute(
        api, piece="jira", connectionId=conn.id, input={"method": "GET", "path": "myself"}
    )

    assert response.json()["output"]["body"]["headers"]["Authorization"] == "[REDACTED]"
    assert_nowhere("at-secret-1", response, caplog)
    assert_nowhere(base64.b64encode(b"ada@example.com:at-secret-1").decode(), response, caplog)
