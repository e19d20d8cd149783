"""Structured request logs, and no secret in any log line whatever the request did."""

import io
import json
import logging
import re

import pytest
from django.test import Client

from connections import views as connection_views
from connections.models import Connection
from weavz.api.logging import REDACTED, JsonFormatter, RedactingFilter, redact_text

pytestmark = pytest.mark.django_db

CREDENTIAL = "correct-horse-battery-staple-4711"
PASSWORD = "hunter2-but-longer-0815"
ACCESS_TOKEN = "ya29.a0AfH6SMBx-live-access-token"
WRONG_KEY = "wvz_abcdefgh_ThisIsNotARealKeyButLooksLikeOne0123456789"


@pytest.fixture
def stream():
    """What the configured console handler writes (JSON lines), captured."""
    console = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    captured = io.StringIO()
    previous = console.setStream(captured)
    yield captured
    console.setStream(previous)


@pytest.fixture
def logs(caplog, stream):
    caplog.set_level(logging.DEBUG)

    def everything():
        records = "\n".join(
            f"{r.getMessage()} {r.exc_text or ''} {r.__dict__!r}" for r in caplog.records
        )
        return "\n".join([caplog.text, records, stream.getvalue()])

    return everything


def _json_lines(stream):
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def _access_lines(stream):
    return [line for line in _json_lines(stream) if line["logger"] == "weavz.request"]


def _secrets(api, envelope):
    return [api.secret, WRONG_KEY, envelope, CREDENTIAL, PASSWORD, ACCESS_TOKEN]


def test_no_secret_reaches_a_log_line_through_any_endpoint(api, make_api, org, logs, monkeypatch):
    created = api.post(
        "/api/v1/connections",
        {
            "pieceName": "openai",
            "displayName": "OpenAI",
            "value": {"type": "SECRET_TEXT", "secret_text": CREDENTIAL},
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    conn_id = created.json()["id"]
    envelope = str(Connection.objects.values_list("value", flat=True).get(pk=conn_id))
    assert envelope.startswith("enc:v2:")
    project = api.post("/api/v1/projects", {"name": "P"}, format="json").json()["id"]
    basic = {"type": "BASIC_AUTH", "username": "bob", "password": PASSWORD}
    oauth = {"type": "OAUTH2", "access_token": ACCESS_TOKEN, "refresh_token": CREDENTIAL}
    bad_key = Client(HTTP_AUTHORIZATION=f"Bearer {WRONG_KEY}")
    not_bearer = Client(HTTP_AUTHORIZATION=f"Basic {api.secret}")
    no_scope = make_api(org, scopes=["projects:read"])

    for client in (api, bad_key, not_bearer, no_scope):
        client.get("/api/v1/connections", {"externalId": api.secret})
        client.get(f"/api/v1/connections/{conn_id}", {"include": "value"})
        client.get(f"/api/v1/connections/{api.secret}")
        client.post(
            "/api/v1/connections",
            {"pieceName": "jira", "displayName": "J", "value": basic},
            format="json",
        )
        client.post(
            "/api/v1/connections",
            {"pieceName": "slack", "displayName": "S", "value": oauth, "externalId": "u1"},
            format="json",
        )
        client.post(  # invalid: a value type the piece does not take, an unknown key
            "/api/v1/connections",
            {"pieceName": "openai", "displayName": "x", "value": {**basic, "x": CREDENTIAL}},
            format="json",
        )
        client.generic(  # malformed JSON quoting a secret
            "POST", "/api/v1/connections", f'{{"value": "{CREDENTIAL}"', "application/json"
        )
        client.patch(f"/api/v1/connections/{conn_id}", {"value": oauth}, format="json")
        client.put("/api/v1/policies", {"pieceName": "openai", "connectionId": envelope})
        client.post("/api/v1/connections/resolve", {"pieceName": "openai", "externalId": "u1"})
        client.get("/api/v1/projects", {"cursor": envelope})
        client.get(f"/api/v1/projects/{project}")
        client.get("/api/v1/audit-events", {"targetId": envelope})
        client.get("/api/v1/pieces/openai")
        client.get(f"/api/v1/nowhere/{api.secret}")
        client.get("/healthz")
        client.get("/readyz")
    api.delete(f"/api/v1/connections/{conn_id}")

    # A crash whose exception quotes the credentials and the envelope it was handling.
    def explode(**kwargs):
        raise RuntimeError(f"could not store {kwargs['value']!r} as {envelope} for {api.secret}")

    monkeypatch.setattr(connection_views, "connection_create", explode)
    crashed = api.post(
        "/api/v1/connections",
        {
            "pieceName": "openai",
            "displayName": "x",
            "value": {"type": "SECRET_TEXT", "secret_text": CREDENTIAL},
        },
        format="json",
    )
    assert crashed.status_code == 500
    assert crashed.json()["error"]["code"] == "INTERNAL_ERROR"

    text = logs()
    assert "could not store" in text, "the crash must be logged, only without its secrets"
    for secret in _secrets(api, envelope):
        assert secret not in text
    assert not re.search(r"wvz_[A-Za-z0-9]{8}_", text)
    assert not re.search(r"enc:v2:", text)


def test_each_request_is_one_json_line_with_ids_status_and_duration(api, org, stream):
    response = api.get("/api/v1/projects", HTTP_X_REQUEST_ID="trace-abc.123")
    assert response["X-Request-ID"] == "trace-abc.123"
    [line] = _access_lines(stream)
    key_id = api.get("/api/v1/audit-events").json()["data"][-1]["targetId"]
    assert line["requestId"] == "trace-abc.123"
    assert line["orgId"] == org.id
    assert line["keyId"] == key_id and key_id.startswith("key_")
    assert (line["method"], line["path"], line["status"]) == ("GET", "/api/v1/projects", 200)
    assert isinstance(line["durationMs"], float | int) and line["durationMs"] >= 0
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")


def test_an_error_envelope_and_its_log_lines_carry_the_same_request_id(api, stream, monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(connection_views, "connection_create", explode)
    response = api.post(
        "/api/v1/connections",
        {
            "pieceName": "openai",
            "displayName": "x",
            "value": {"type": "SECRET_TEXT", "secret_text": "s"},
        },
        format="json",
        HTTP_X_REQUEST_ID="req-500",
    )
    assert response.status_code == 500
    assert response.json()["error"]["requestId"] == "req-500" == response["X-Request-ID"]
    lines = _json_lines(stream)
    crash = next(line for line in lines if line["logger"] == "weavz.errors")
    assert crash["requestId"] == "req-500" and "RuntimeError: boom" in crash["exception"]
    [access] = _access_lines(stream)
    assert access["requestId"] == "req-500" and access["status"] == 500
    assert access["level"] == "ERROR"


def test_an_unsafe_incoming_request_id_is_replaced(stream):
    response = Client().get("/api/v1/projects", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert response.json()["error"]["requestId"] == response["X-Request-ID"]
    [line] = _access_lines(stream)
    assert line["requestId"] == response["X-Request-ID"] and line["status"] == 401
    assert line["orgId"] is None and line["keyId"] is None


def test_the_access_line_leaves_the_query_string_out(api, stream):
    api.get("/api/v1/projects", {"limit": 5, "cursor": "secret-ish"})
    [line] = _access_lines(stream)
    assert line["path"] == "/api/v1/projects"
    assert "secret-ish" not in stream.getvalue()


def test_the_filter_scrubs_message_args_extra_and_traceback():
    record = logging.LogRecord(
        "t", logging.ERROR, __file__, 1, "key %s and %s", ("wvz_abcdefgh_S3cr3t", "x"), None
    )
    try:
        raise ValueError({"password": PASSWORD, "envelope": "enc:v2:k1:QUJD"})
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    record.__dict__["headers"] = {"Authorization": "Bearer abc", "Accept": "json"}
    record.__dict__["note"] = f"token was Bearer {ACCESS_TOKEN}"
    record.__dict__["client_secret"] = "plain"
    RedactingFilter().filter(record)
    line = JsonFormatter().format(record)
    assert json.loads(line)["headers"] == {"Authorization": REDACTED, "Accept": "json"}
    for secret in ("S3cr3t", PASSWORD, "enc:v2", "Bearer abc", ACCESS_TOKEN, "plain"):
        assert secret not in line
    assert "\n" not in line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("key wvz_abcdefgh_Zm9v-bar_baz end", f"key {REDACTED} end"),
        ("stored enc:v2:abc123:QUJDRA== here", f"stored {REDACTED} here"),
        ("Authorization: Bearer whatever.token", f"Authorization: {REDACTED}"),
        (
            "{'secret_text': 'abc', 'type': 'SECRET_TEXT'}",
            f"{{'secret_text': '{REDACTED}', 'type': 'SECRET_TEXT'}}",
        ),
        (
            '{"access_token": "ya29", "scope": "x"}',
            f'{{"access_token": "{REDACTED}", "scope": "x"}}',
        ),
        ("client_secret=abc&x=1", f"client_secret={REDACTED}&x=1"),
        ("GET /api/v1/projects 200", "GET /api/v1/projects 200"),
    ],
)
def test_redaction_patterns(text, expected):
    assert redact_text(text) == expected
    assert redact_text(expected) == expected  # idempotent


def test_a_record_logged_anywhere_is_scrubbed_before_any_handler_sees_it(caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("some.library").info("using %s", "wvz_abcdefgh_fromalibrary")
    assert "fromalibrary" not in caplog.text
    assert caplog.records[-1].getMessage() == f"using {REDACTED}"


def test_records_skip_what_no_formatter_prints():
    # The logging HOWTO's optimization switches, set when the logging config is loaded.
    assert logging._srcfile is None
    assert not (logging.logThreads or logging.logProcesses or logging.logMultiprocessing)
    record = logging.getLogger("weavz.test").makeRecord(
        "weavz.test", logging.INFO, "", 0, "msg", (), None
    )
    assert JsonFormatter().format(record).startswith('{"time"')


@pytest.mark.parametrize(
    "text",
    ["Authorization: BEARER abc.def", "x Api_Key=s3cr3t", "PASSWORD: 'hunter2'", "wvz_ab12cd34_zz"],
)
def test_the_marker_check_is_case_insensitive(text):
    assert "[REDACTED]" in redact_text(text)
