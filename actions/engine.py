"""One engine behind ``POST /actions/execute`` and ``/proxy/…``: resolve → load and decrypt →
(refresh) → inject → call → answer.

The hot path is two queries: the API key lookup (authentication) and resolution, which with
``for_call`` also brings the connection's ciphertext and the piece's row in its one statement.
The value is decrypted only here, right before the call, and lives only in this function's
frames. A third query, ``lastUsedAt``, runs at most once a minute per connection.

Token refresh is ``oauth.refresh``'s (README "Token refresh"), called at two points:
``credential_for_use`` before the call (an OAUTH2 token expiring within the margin is refreshed
first, single flight; from the loaded row's metadata, so no query when none is due), and
``credential_for_retry`` after an upstream 401 on an OAUTH2 value (one forced refresh, or the
newer token another caller already stored; one retry at most, never a loop). Refreshing writes
audit events as ``actor``, the calling API key.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, quote_plus, unquote, urlencode, urlsplit

from django.utils import timezone

from connections.catalog import (
    basic_credentials,
    connection_base_url,
    injection,
    render,
    template_values,
    url_problem,
)
from connections.models import Connection, Piece
from oauth.refresh import credential_for_retry, credential_for_use
from orgs.auth import LAST_USED_RESOLUTION
from orgs.models import Organization
from policies.resolution import resolve
from weavz import egress
from weavz.api.errors import ApiError
from weavz.api.logging import REDACTED, redacting

logger = logging.getLogger("weavz.actions")

# Fields of a value that are secret whatever the catalog says (CUSTOM_AUTH props say themselves).
SECRET_FIELDS = ("secret_text", "password", "access_token", "refresh_token", "client_secret")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# What a path may hold as it is: RFC 3986 pchar and "/" (percent-escapes included).
_PATH_CHARS = re.compile(r"^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$")
_REDACTED_BYTES = REDACTED.encode()


@dataclass(frozen=True)
class Target:
    """Which connection, chosen by the resolution rules."""

    piece_name: str
    project_id: str | None = None
    external_id: str | None = None
    connection_id: str | None = None


@dataclass(frozen=True)
class Outgoing:
    """What the caller asks to send, relative to the piece's base URL."""

    method: str
    path: str
    query: str = ""  # an encoded query string, forwarded as it is
    headers: Mapping[str, str] | None = None
    body: bytes | None = None


@dataclass(frozen=True)
class Outcome:
    connection_id: str
    status: int
    headers: list[tuple[str, str]]  # credential values redacted
    body: bytes  # credential values redacted
    duration_ms: int


class NotCallable(ApiError):
    default_detail = "This connection cannot be called."


def check_path(path: str) -> str:
    """``path`` if it stays under the base URL; a 400 for a scheme, an absolute or network URL,
    a query or fragment, a backslash, or any ``.``/``..`` segment (also percent-encoded)."""
    if _SCHEME.match(path) or path.startswith("//"):
        raise ApiError("The path must be relative to the piece's base URL, not a URL.")
    if not _PATH_CHARS.match(path):
        raise ApiError(
            "The path may hold only URL path characters (no spaces, backslashes, ? or #); "
            "pass the query separately."
        )
    if any(segment in (".", "..") for segment in unquote(path).split("/")):
        raise ApiError("The path may not contain . or .. segments.")
    return path


def quote_path(decoded: str) -> str:
    """A decoded path (as a WSGI server gives it) encoded again for the upstream URL."""
    return quote(decoded, safe="/:@!$&'()*+,;=-._~")


# --- The engine ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    url: str
    headers: dict[str, str]
    secrets: tuple[str, ...]


def call(*, org: Organization, target: Target, outgoing: Outgoing, actor: str) -> Outcome:
    """Runs one call with the resolved connection's credential; raises the API errors of
    resolution (POLICY_VIOLATION, CONNECTION_REQUIRED, …), of refresh (CONNECTION_NOT_ACTIVE
    when the token could not be refreshed, UPSTREAM_TIMEOUT) and of egress (EGRESS_DENIED, …).
    ``actor`` (the API key's id) is who the audit events of a refresh name."""
    check_path(outgoing.path)
    resolution = resolve(
        org=org,
        piece_name=target.piece_name,
        project_id=target.project_id,
        external_id=target.external_id,
        connection_id=target.connection_id,
        for_call=True,
    )
    piece = resolution.piece
    assert piece is not None  # for_call loads it; resolution has checked it exists
    connection, value = credential_for_use(connection=resolution.connection, actor=actor)
    prepared = _prepare(piece, value, outgoing)
    secrets = prepared.secrets
    with redacting(prepared.secrets):
        response = _send(outgoing, prepared)
        sent_token = value.get("access_token")
        if response.status == 401 and value.get("type") == "OAUTH2" and sent_token:
            renewed = credential_for_retry(
                connection_id=connection.id, actor=actor, sent_access_token=str(sent_token)
            )
            if renewed is not None:
                prepared = _prepare(piece, renewed, outgoing)
                # Both the old and the new credential are kept out of the answer.
                secrets = tuple(sorted({*secrets, *prepared.secrets}, key=len, reverse=True))
                with redacting(prepared.secrets):
                    response = _send(outgoing, prepared)
        _touch(connection)
        logger.info(
            "call %s %s %s %s",
            piece.name,
            outgoing.method,
            urlsplit(prepared.url).hostname,
            response.status,
            extra={
                "connectionId": connection.id,
                "pieceName": piece.name,
                "method": outgoing.method,
                "host": urlsplit(prepared.url).hostname,
                "path": outgoing.path,
                "upstreamStatus": response.status,
                "durationMs": response.duration_ms,
            },
        )
    return Outcome(
        connection_id=connection.id,
        status=response.status,
        headers=[(k, redact_text(v, secrets)) for k, v in response.headers],
        body=redact_bytes(response.body, secrets),
        duration_ms=response.duration_ms,
    )


def _send(outgoing: Outgoing, prepared: _Prepared) -> egress.EgressResponse:
    return egress.request(
        outgoing.method,
        prepared.url,
        headers=prepared.headers,
        body=outgoing.body,
        secrets=prepared.secrets,
    )


def _prepare(piece: Piece, value: Mapping[str, Any], outgoing: Outgoing) -> _Prepared:
    """The URL and headers with the credential injected, and every form of it to redact."""
    value_type = str(value.get("type"))
    base = connection_base_url(piece.base_url, value)
    if not base:
        raise NotCallable(
            f"Piece {piece.name} has no base URL, and this {value_type} connection carries "
            "none (a CUSTOM_AUTH prop base_url or instance_url): it cannot be called."
        )
    problem = url_problem(base)
    if problem:
        raise NotCallable(f"This connection's base URL cannot be called: {problem}")
    fields = template_values(value)
    entry = injection(piece.auth, value_type)
    secrets = _value_secrets(piece, value)

    def fill(template: str) -> str:
        text = render(template, fields)
        if text != template:  # it holds a credential field
            secrets.add(text)
        return text

    headers = dict(outgoing.headers or {})
    for name, template in (entry.get("headers") or {}).items():
        header, text = render(name, fields), fill(template)
        if header and text:
            headers[header] = text
    basic = entry.get("basic")
    if basic:
        # The user name is no secret (Jira's is an email the API answers with); the password
        # and the encoded pair are.
        token = basic_credentials(render(basic["username"], fields), fill(basic["password"]))
        headers["Authorization"] = token
        secrets.update((token, token.split(" ", 1)[1]))
    query = [q for q in (outgoing.query,) if q]
    auth_query = [(render(k, fields), fill(v)) for k, v in (entry.get("query") or {}).items()]
    auth_query = [(k, v) for k, v in auth_query if k and v]  # an optional prop left empty
    if auth_query:
        query.append(urlencode(auth_query))
    # The path's secret part is a value field, which is redacted already.
    prefix = quote_path(render(entry["path"], fields)) if entry.get("path") else ""
    url = base.rstrip("/") + prefix.rstrip("/") + "/" + outgoing.path.lstrip("/")
    if query:
        url += "?" + "&".join(query)
    return _Prepared(url=url, headers=headers, secrets=_spellings(secrets))


def _value_secrets(piece: Piece, value: Mapping[str, Any]) -> set[str]:
    found = {str(value[name]) for name in SECRET_FIELDS if value.get(name)}
    if value.get("type") == "CUSTOM_AUTH":
        props = value.get("props") or {}
        declared = piece.props or {}
        found |= {
            str(item)
            for name, item in props.items()
            if item not in (None, "") and (declared.get(name) or {}).get("secret")
        }
    return found


def _spellings(secrets: Iterable[str]) -> tuple[str, ...]:
    """Each secret as an upstream might echo it: as it is, URL-encoded, JSON-escaped.
    Longest first, so that a secret inside another is not redacted half-way."""
    out: set[str] = set()
    for secret in secrets:
        if not secret:
            continue
        out.update((secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]))
    return tuple(sorted(out, key=len, reverse=True))


def redact_text(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


def redact_bytes(body: bytes, secrets: Iterable[str]) -> bytes:
    for secret in secrets:
        body = body.replace(secret.encode(), _REDACTED_BYTES)
    return body


def _touch(connection: Connection) -> None:
    """``lastUsedAt``: one conditional UPDATE at most once a minute per connection, skipped
    outright (no query) when the loaded row says it was written within the minute."""
    now = timezone.now()
    last = connection.last_used_at
    if last is not None and now - last < LAST_USED_RESOLUTION:
        return
    Connection.objects.filter(pk=connection.pk).exclude(
        last_used_at__gte=now - LAST_USED_RESOLUTION
    ).update(last_used_at=now)
