"""Floor (a): the same API work as a bare WSGI app on psycopg — no framework, no ORM.

    gunicorn -c gunicorn.conf.py bench.raw_app:application

Only for `make bench`; never installed, routed or imported by the app. Each endpoint does what
the real one must: find the key by its prefix, compare its hash, check the scope, run the row
query scoped to the org, render the same JSON. It is the physical limit of Python + PostgreSQL on
this machine, the yardstick the real API is measured against.

It reuses the app's pure-Python pieces that define the work (the value validator, the keyring),
so the floor does the same validation and encryption as the API, not less. Resolution's
precedence rules are re-implemented here on purpose (policies.resolution is the only real
home of them): a floor measures what the work costs without the app's code, and
tests/bench/test_floors.py pins its answers to the API's.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import psycopg
import requests
from psycopg.errors import UniqueViolation
from psycopg.types.json import Jsonb

from connections.crypto import Keyring
from connections.values import InvalidValue, validate_value
from weavz.api.ids import new_id

StartResponse = Callable[[str, list[tuple[str, str]]], Any]

_KEYRING = Keyring.from_config(
    os.environ["ENCRYPTION_KEY"], os.environ.get("ENCRYPTION_KEYS_PREVIOUS", "")
)
_LOCAL = threading.local()
_CONN_PATH = re.compile(r"^/api/v1/connections/(conn_[0-9a-z]{26})$")
_STATUS_TEXT = {
    200: "200 OK",
    201: "201 Created",
    400: "400 Bad Request",
    401: "401 Unauthorized",
    403: "403 Forbidden",
    404: "404 Not Found",
    409: "409 Conflict",
}
_CONN_COLUMNS = (
    "id, piece_id, display_name, external_id, project_id, status, created_at, updated_at,"
    " last_used_at"
)
_LAST_USED = timedelta(seconds=60)

_CURSOR = re.compile(r"^[a-z]{1,16}_[0-7][0-9a-hjkmnp-tv-z]{25}$")


class Fail(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        self.status, self.code, self.message = status, code, message


def db() -> psycopg.Connection[Any]:
    # One connection per worker thread, opened after the fork and kept (like CONN_MAX_AGE).
    conn: psycopg.Connection[Any] | None = getattr(_LOCAL, "conn", None)
    if conn is None or conn.closed:
        url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
        conn = psycopg.connect(url, autocommit=True, options="-c TimeZone=UTC")
        _LOCAL.conn = conn
    return conn


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def render(row: tuple[Any, ...]) -> dict[str, Any]:
    return {
        "id": row[0],
        "pieceName": row[1],
        "displayName": row[2],
        "externalId": row[3],
        "projectId": row[4],
        "status": row[5],
        "createdAt": iso(row[6]),
        "updatedAt": iso(row[7]),
        "lastUsedAt": iso(row[8]),
    }


def authenticate(environ: dict[str, Any], scope: str) -> str:
    """The org id of a valid key holding `scope`: one indexed query and a constant-time compare."""
    header = environ.get("HTTP_AUTHORIZATION", "")
    kind, _, token = header.partition(" ")
    prefix = token[4:12] if token.startswith("wvz_") and token[12:13] == "_" else ""
    if kind.lower() != "bearer" or not prefix:
        raise Fail(401, "UNAUTHENTICATED", "The API key is missing or malformed.")
    row = (
        db()
        .execute(
            "SELECT k.id, k.org_id, k.secret_hash, k.scopes, k.revoked_at, k.expires_at,"
            " k.last_used_at FROM orgs_apikey k WHERE k.prefix = %s",
            (prefix,),
        )
        .fetchone()
    )
    now = datetime.now(UTC)
    if (
        row is None
        or not hmac.compare_digest(hashlib.sha256(token.encode()).hexdigest(), row[2])
        or row[4] is not None
        or (row[5] is not None and row[5] <= now)
    ):
        raise Fail(401, "UNAUTHENTICATED", "The API key is unknown, revoked or expired.")
    if scope not in row[3]:
        raise Fail(403, "FORBIDDEN", f"This API key lacks the `{scope}` scope.")
    if row[6] is None or now - row[6] >= _LAST_USED:
        db().execute(
            "UPDATE orgs_apikey SET last_used_at = %s WHERE id = %s"
            " AND (last_used_at IS NULL OR last_used_at < %s)",
            (now, row[0], now - _LAST_USED),
        )
    org_id: str = row[1]
    return org_id


def get_connection(environ: dict[str, Any], pk: str) -> tuple[int, Any]:
    org = authenticate(environ, "connections:read")
    row = (
        db()
        .execute(
            f"SELECT {_CONN_COLUMNS} FROM connections_connection WHERE id = %s AND org_id = %s",
            (pk, org),
        )
        .fetchone()
    )
    if row is None:
        raise Fail(404, "NOT_FOUND", "No such connection.")
    return 200, render(row)


def list_connections(environ: dict[str, Any]) -> tuple[int, Any]:
    org = authenticate(environ, "connections:read")
    query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    raw_limit = query.get("limit", "50")
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= 200:
        raise Fail(400, "VALIDATION_ERROR", "limit must be 1-200.")
    limit = int(raw_limit)
    where, params = ["org_id = %s"], [org]
    for name, column in (
        ("pieceName", "piece_id"),
        ("projectId", "project_id"),
        ("externalId", "external_id"),
        ("status", "status"),
    ):
        if name in query:
            where.append(f"{column} = %s")
            params.append(query[name])
    if "cursor" in query:
        token = query["cursor"]
        position = token  # the cursor is the last id of the previous page
        if not _CURSOR.match(position):
            raise Fail(400, "VALIDATION_ERROR", "Invalid cursor.")
        where.append("id < %s")
        params.append(position)
    rows = (
        db()
        .execute(
            f"SELECT {_CONN_COLUMNS} FROM connections_connection WHERE {' AND '.join(where)}"
            " ORDER BY id DESC LIMIT %s",
            (*params, limit + 1),
        )
        .fetchall()
    )
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = rows[-1][0] if more else None
    return 200, {"data": [render(r) for r in rows], "next": cursor}


def read_json(environ: dict[str, Any]) -> dict[str, Any]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    try:
        body = json.loads(environ["wsgi.input"].read(length) or b"null")
    except ValueError:
        raise Fail(400, "MALFORMED_JSON", "The body is not JSON.") from None
    if not isinstance(body, dict):
        raise Fail(400, "VALIDATION_ERROR", "The body must be an object.")
    return body


def _text(body: dict[str, Any], name: str, *, required: bool) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not 1 <= len(value) <= 255:
        raise Fail(400, "VALIDATION_ERROR", f"{name} must be a string of 1-255 characters.")
    return value


def create_connection(environ: dict[str, Any]) -> tuple[int, Any]:
    org = authenticate(environ, "connections:write")
    body = read_json(environ)
    piece_name = _text(body, "pieceName", required=True)
    display_name = _text(body, "displayName", required=True)
    external_id = _text(body, "externalId", required=False)
    conn = db()
    piece = conn.execute(
        "SELECT auth_types, props FROM connections_piece WHERE name = %s", (piece_name,)
    ).fetchone()
    if piece is None:
        raise Fail(400, "VALIDATION_ERROR", "Unknown piece.")
    project_id = _text(body, "projectId", required=False)
    if (
        project_id is not None
        and not conn.execute(
            "SELECT 1 FROM orgs_project WHERE id = %s AND org_id = %s", (project_id, org)
        ).fetchone()
    ):
        raise Fail(400, "VALIDATION_ERROR", "No such project in this organization.")
    try:
        clean = validate_value(body.get("value"), auth_types=piece[0], props=piece[1])
    except InvalidValue:
        raise Fail(400, "VALIDATION_ERROR", "The value is invalid.") from None
    pk = new_id("conn")
    sealed = _KEYRING.encrypt(
        json.dumps(clean, separators=(",", ":"), ensure_ascii=False).encode(),
        f"connections.value:{org}:{pk}".encode(),  # v2 envelopes are bound to the org too
    )
    now = datetime.now(UTC)
    row = (pk, piece_name, display_name, external_id, project_id, "ACTIVE", now, now)
    try:
        with conn.transaction():
            conn.execute(
                "INSERT INTO connections_connection (id, piece_id, display_name, external_id,"
                " project_id, status, created_at, updated_at, org_id, value_type, value,"
                " refresh_failures, refresh_outcome)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 0, '')",
                (*row, org, clean["type"], sealed),
            )
            meta = {
                "pieceName": piece_name,
                "projectId": project_id,
                "externalId": external_id,
                "valueType": clean["type"],
            }
            conn.execute(
                "INSERT INTO orgs_auditevent (id, org_id, action, actor, target_id, metadata,"
                " created_at) VALUES (%s, %s, 'connection.created', %s, %s, %s, %s)",
                (new_id("evt"), org, "raw-floor", pk, Jsonb(meta), now),
            )
    except UniqueViolation:
        raise Fail(409, "CONFLICT", "That externalId is taken for this piece.") from None
    return 201, render((*row, None))


_RESOLVE_SQL = """
WITH pol AS (
    SELECT id, piece_id, project_id, type, connection_id, created_at, updated_at
    FROM policies_connectionpolicy
    WHERE org_id = %(org)s AND piece_id = %(piece)s
      AND (project_id IS NULL OR project_id = %(project)s)
    -- an org-level ENFORCED_ORG wins, then the project's policy, then the org's
    ORDER BY (project_id IS NULL AND type = 'ENFORCED_ORG') DESC, project_id NULLS LAST
    LIMIT 1
)
SELECT pol.id, pol.piece_id, pol.project_id, pol.type, pol.connection_id, pol.created_at,
       pol.updated_at, c.id, c.piece_id, c.display_name, c.external_id, c.project_id, c.status,
       c.created_at, c.updated_at, c.last_used_at
FROM (SELECT 1) AS one
LEFT JOIN pol ON true
LEFT JOIN connections_connection c
  ON c.org_id = %(org)s AND c.piece_id = %(piece)s
 AND (c.id = pol.connection_id
      OR (c.external_id = %(external)s AND (c.project_id IS NULL OR c.project_id = %(project)s)))
"""


def resolve(environ: dict[str, Any]) -> tuple[int, Any]:
    """The externalId / USER_WITH_DEFAULT / no-policy paths in one query (the bench's paths)."""
    org = authenticate(environ, "connections:read")
    body = read_json(environ)
    piece = _text(body, "pieceName", required=True)
    external_id = _text(body, "externalId", required=False)
    project_id = _text(body, "projectId", required=False)
    rows = (
        db()
        .execute(
            _RESOLVE_SQL,
            {"org": org, "piece": piece, "project": project_id, "external": external_id},
        )
        .fetchall()
    )
    policy_row = rows[0][:7] if rows and rows[0][0] else None
    policy = (
        None
        if policy_row is None
        else {
            "id": policy_row[0],
            "pieceName": policy_row[1],
            "projectId": policy_row[2],
            "type": policy_row[3],
            "connectionId": policy_row[4],
            "createdAt": iso(policy_row[5]),
            "updatedAt": iso(policy_row[6]),
        }
    )
    found = {r[7]: r[7:] for r in rows if r[7]}
    own = next((r for r in found.values() if external_id and r[3] == external_id), None)
    if policy is not None and policy["type"] in ("ENFORCED_ORG", "ENFORCED_PROJECT"):
        chosen, source = found.get(policy["connectionId"]), policy["type"]
    elif own is not None:
        chosen, source = own, "EXTERNAL_ID"
    elif policy is not None and policy["type"] == "USER_WITH_DEFAULT":
        chosen, source = found.get(policy["connectionId"]), "DEFAULT"
    else:
        chosen, source = None, ""
    if chosen is None:
        raise Fail(404, "CONNECTION_REQUIRED", "No connection for this piece and user.")
    if chosen[5] != "ACTIVE":
        raise Fail(409, "CONNECTION_NOT_ACTIVE", "The connection is not active.")
    return 200, {"connection": render(chosen), "policy": policy, "source": source}


class Relayed:
    """A proxied answer: the upstream's bytes and content type, sent as they are."""

    def __init__(self, body: bytes, content_type: str, connection_id: str) -> None:
        self.body, self.content_type, self.connection_id = body, content_type, connection_id


def _session() -> requests.Session:
    # One pooled session per worker thread (keep-alive to the provider), as the API's egress.
    session: requests.Session | None = getattr(_LOCAL, "session", None)
    if session is None:
        session = _LOCAL.session = requests.Session()
        session.trust_env = False
    return session


def _call(environ: dict[str, Any], connection_id: str, path: str) -> tuple[str, requests.Response]:
    """Key lookup, connection fetch, decrypt, one pooled call: the work both forms share."""
    org = authenticate(environ, "connections:use")
    row = (
        db()
        .execute(
            "SELECT id, status, value FROM connections_connection WHERE id = %s AND org_id = %s",
            (connection_id, org),
        )
        .fetchone()
    )
    if row is None:
        raise Fail(404, "NOT_FOUND", "No such connection.")
    if row[1] != "ACTIVE":
        raise Fail(409, "CONNECTION_NOT_ACTIVE", "The connection is not active.")
    value = json.loads(_KEYRING.decrypt(row[2], f"connections.value:{org}:{row[0]}".encode()))
    props = value["props"]
    upstream = _session().get(
        props["base_url"].rstrip("/") + path,
        headers={props["header_name"]: props["header_value"]},
        timeout=30,
        allow_redirects=False,
    )
    return row[0], upstream


def execute(environ: dict[str, Any]) -> tuple[int, Any]:
    body = json.loads(environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)))
    started = time.monotonic()
    connection_id, upstream = _call(environ, body["connectionId"], body["input"]["path"])
    return 200, {
        "success": 200 <= upstream.status_code < 300,
        "output": {
            "status": upstream.status_code,
            "headers": dict(upstream.headers),
            "body": upstream.json(),
        },
        "durationMs": round((time.monotonic() - started) * 1000),
        "connectionId": connection_id,
    }


def proxy(environ: dict[str, Any], path: str) -> tuple[int, Any]:
    connection_id, upstream = _call(environ, environ.get("HTTP_WEAVZ_CONNECTION_ID", ""), path)
    content_type = upstream.headers.get("Content-Type", "application/octet-stream")
    return upstream.status_code, Relayed(upstream.content, content_type, connection_id)


def route(environ: dict[str, Any]) -> tuple[int, Any]:
    path, method = environ.get("PATH_INFO", ""), environ["REQUEST_METHOD"]
    if path == "/api/v1/actions/execute" and method == "POST":
        return execute(environ)
    if path.startswith("/api/v1/proxy/http/"):
        return proxy(environ, path[len("/api/v1/proxy/http") :])
    if path == "/healthz" and method == "GET":
        return 200, {"status": "ok"}
    if path == "/api/v1/connections":
        if method == "GET":
            return list_connections(environ)
        if method == "POST":
            return create_connection(environ)
    if path == "/api/v1/connections/resolve" and method == "POST":
        return resolve(environ)
    match = _CONN_PATH.match(path)
    if match and method == "GET":
        return get_connection(environ, match.group(1))
    raise Fail(404, "NOT_FOUND", "No such endpoint.")


def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    try:
        status, body = route(environ)
    except Fail as fail:
        status, body = fail.status, {"error": {"code": fail.code, "message": fail.message}}
    if isinstance(body, Relayed):
        start_response(
            _STATUS_TEXT.get(status, f"{status} Upstream"),
            [
                ("Content-Type", body.content_type),
                ("Content-Length", str(len(body.body))),
                ("Weavz-Connection-Id", body.connection_id),
            ],
        )
        return [body.body]
    payload = json.dumps(body, separators=(",", ":")).encode()
    start_response(
        _STATUS_TEXT.get(status, f"{status} Error"),
        [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))],
    )
    return [payload]
