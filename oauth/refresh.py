"""OAuth2 token refresh: the one function that execute/proxy, ``POST /connections/:id/refresh``
and the periodic sweep all call (API.md "Token refresh"; README "Token refresh").

Single flight: a check without a lock (metadata only, no decryption) lets the common case through
at no cost; a connection that needs a refresh is locked (``SELECT … FOR UPDATE`` with a
``lock_timeout``), re-checked, and refreshed while the lock is held, so however many requests,
processes or machines find it expiring, one token request is sent and the others, once the lock
is theirs, find a fresh token and use it. The lock lives in PostgreSQL: no process keeps one, and
none can lapse mid-call. The token request is built with authlib and sent through the egress
module; storage, status and audit are ours, in the same transaction.

On SQLite (the quick start) there are no row locks, and holding SQLite's single write lock across
an HTTP call would stall every write: the token request is sent without a lock and the answer
stored only if the row still holds what was sent. That works for one user at a time, with no
single-flight guarantee.

Outcomes: success → ``ACTIVE``; ``invalid_grant``/``invalid_client`` while the stored refresh token
is still the one sent → ``ERROR``; 5xx, 429, a timeout or any other failure → stays ``ACTIVE``,
retried with back-off, ``ERROR`` once failures have lasted ``REFRESH_GIVE_UP_HOURS``; expired with
nothing to refresh it with → ``EXPIRED``. Every status change is audited
(``connection.status_changed``), as is every refresh (``connection.refreshed``) and failure
(``connection.refresh_failed``); no event, log line or error holds a token or secret.
"""

from __future__ import annotations

import logging
import re
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from connections.models import Connection, ConnectionStatus
from connections.values import token_expiry
from oauth import transport
from oauth.selectors import oauth_app_for_piece
from orgs.audit import audit_record
from weavz.api.errors import (
    NO_SUCH_CONNECTION,
    ApiError,
    ConnectionNotActive,
    NotFound,
    UpstreamTimeout,
)

logger = logging.getLogger("weavz.oauth")

SWEEP_ACTOR = "job:refresh_sweep"
REJECTING_ERRORS = frozenset({"invalid_grant", "invalid_client"})
# Back-off after the n-th failure in a row: 1, 2, 4, … minutes, at most an hour.
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=1)
# How much longer than a token request a caller waits for another caller's refresh.
LOCK_GRACE_SECONDS = 5.0
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE when lock_timeout lapses
# An OAuth error code as RFC 6749 spells them; anything else a provider sends is not repeated.
_ERROR_CODE = re.compile(r"^[a-z_]{1,64}$")


class Outcome(StrEnum):
    REFRESHED = "REFRESHED"  # a new token is stored; the connection is ACTIVE
    NOT_DUE = "NOT_DUE"  # not expiring (another caller may just have refreshed it)
    ALREADY_CHANGED = "ALREADY_CHANGED"  # forced, but the stored token is no longer the one sent
    REJECTED = "REJECTED"  # invalid_grant / invalid_client: the connection is ERROR
    SUPERSEDED = "SUPERSEDED"  # rejected, but another caller had rotated the token meanwhile
    FAILED = "FAILED"  # no usable answer (5xx, 429, timeout, …): stays ACTIVE, retried later
    GAVE_UP = "GAVE_UP"  # failures lasted REFRESH_GIVE_UP_HOURS: the connection is ERROR
    EXPIRED = "EXPIRED"  # expired and nothing to refresh it with: the connection is EXPIRED
    NOT_REFRESHABLE = "NOT_REFRESHABLE"  # no refresh token, token URL or client credentials


@dataclass(frozen=True)
class RefreshResult:
    outcome: Outcome
    # The row as stored after the attempt (its value sealed; ``decrypted_value()`` to use it).
    connection: Connection
    # Why a FAILED attempt failed, as a sentence without secrets; the error when no answer came.
    detail: str = ""
    error: ApiError | None = None


def _now() -> datetime:
    return timezone.now()


def _margin() -> timedelta:
    return timedelta(seconds=settings.REFRESH_MARGIN_SECONDS)


def is_due(conn: Connection, now: datetime | None = None) -> bool:
    """Whether an OAUTH2 connection's token should be refreshed before use: from metadata only."""
    now = now or _now()
    expires_at = conn.token_expires_at
    return (
        conn.value_type == "OAUTH2"
        and conn.status == ConnectionStatus.ACTIVE
        and expires_at is not None
        and expires_at <= now + _margin()
        and (conn.refresh_retry_at is None or conn.refresh_retry_at <= now)
    )


def due_connections(now: datetime | None = None) -> QuerySet[Connection]:
    """What the sweep refreshes: ACTIVE tokens expiring within the margin, not backing off."""
    now = now or _now()
    return Connection.objects.filter(
        Q(refresh_retry_at__isnull=True) | Q(refresh_retry_at__lte=now),
        status=ConnectionStatus.ACTIVE,
        value_type="OAUTH2",
        token_expires_at__lte=now + _margin(),
    )


def refresh_if_expiring(*, connection: Connection, actor: str) -> RefreshResult:
    """Before sending an OAUTH2 credential: refresh it first when it expires within the margin.

    Costs nothing (no query, no decryption) when the token is not due. Send the credential of
    ``result.connection``; if its status is no longer ACTIVE, do not send it.
    """
    if not is_due(connection):
        return RefreshResult(Outcome.NOT_DUE, connection)
    return _refresh(connection.pk, force=False, sent_access_token=None, actor=actor)


def force_refresh(
    *, connection_id: str, actor: str, sent_access_token: str | None = None
) -> RefreshResult:
    """Refresh now, whatever the expiry (``POST /connections/:id/refresh``, or after a 401).

    With ``sent_access_token`` (the token the provider just refused), nothing is requested when
    the stored token is already another one: someone refreshed it meanwhile
    (``ALREADY_CHANGED``), so retry once with ``result.connection``'s credential.
    """
    return _refresh(connection_id, force=True, sent_access_token=sent_access_token, actor=actor)


# --- the execute/proxy hook ---------------------------------------------------------------------


def credential_for_use(*, connection: Connection, actor: str) -> tuple[Connection, dict[str, Any]]:
    """The connection and decrypted value to send, refreshed first if its token is expiring.

    Raises ConnectionNotActive when the refresh left the connection ERROR or EXPIRED. A refresh
    that failed for now (provider down) sends the current token, which may still work.
    """
    if connection.value_type == "OAUTH2":
        connection = refresh_if_expiring(connection=connection, actor=actor).connection
        if connection.status != ConnectionStatus.ACTIVE:
            raise ConnectionNotActive(
                f"The connection {connection.id} is {connection.status}: its token could not be "
                "refreshed."
            )
    return connection, connection.decrypted_value()


def credential_for_retry(
    *, connection_id: str, actor: str, sent_access_token: str
) -> dict[str, Any] | None:
    """After the provider answered 401 to ``sent_access_token``: the value to retry with once,
    or None (do not retry; hand back the 401). Never loops: call it at most once per call.

    Refreshes only if the stored token is still the one sent; if another caller already
    replaced it, that newer token is returned without a token request.
    """
    try:
        result = force_refresh(
            connection_id=connection_id, actor=actor, sent_access_token=sent_access_token
        )
    except UpstreamTimeout:  # another caller's refresh is stuck: do not wait longer
        return None
    retry = result.outcome in (Outcome.REFRESHED, Outcome.ALREADY_CHANGED, Outcome.SUPERSEDED)
    if not retry or result.connection.status != ConnectionStatus.ACTIVE:
        return None
    value = result.connection.decrypted_value()
    return value if value.get("access_token") != sent_access_token else None


def refresh_sweep(*, limit: int = 500) -> int:
    """The periodic job: refreshes up to ``limit`` due connections; returns how many it tried.

    Each row is taken with ``FOR UPDATE SKIP LOCKED`` in its own transaction, so sweeps running
    side by side (and requests refreshing on their own) never work on one row at once, and a
    row refreshed meanwhile no longer matches when the next sweep looks.
    """
    tried: set[str] = set()
    locks = connection.features.has_select_for_update_skip_locked
    while len(tried) < limit:
        with transaction.atomic() if locks else nullcontext():
            due = due_connections().exclude(pk__in=tried).order_by("token_expires_at")
            if locks:
                due = due.select_for_update(skip_locked=True)
            pk = due.values_list("pk", flat=True).first()
            if pk is None:
                break
            tried.add(pk)
            if locks:
                _attempt(_locked(pk), force=False, sent_access_token=None, actor=SWEEP_ACTOR)
            else:
                _refresh(pk, force=False, sent_access_token=None, actor=SWEEP_ACTOR)
    return len(tried)


# --- the locked attempt ------------------------------------------------------------------------


def _refresh(pk: str, *, force: bool, sent_access_token: str | None, actor: str) -> RefreshResult:
    if not connection.features.has_select_for_update:
        return _attempt(_locked(pk), force=force, sent_access_token=sent_access_token, actor=actor)
    with transaction.atomic():
        wait = settings.REFRESH_TIMEOUT_SECONDS + LOCK_GRACE_SECONDS
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{wait * 1000:.0f}"])
        try:
            locked = _locked(pk)
        except OperationalError as exc:
            if getattr(exc.__cause__, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
            raise UpstreamTimeout(
                "Another refresh of this connection is still running; retry shortly."
            ) from None
        return _attempt(locked, force=force, sent_access_token=sent_access_token, actor=actor)


def _locked(pk: str) -> Connection:
    """The row, locked until the transaction ends (on PostgreSQL; plainly read on SQLite).
    A connection deleted since the caller found it is NOT_FOUND, as it would be now."""
    found = Connection.objects.select_for_update().select_related("piece").filter(pk=pk).first()
    if found is None:
        raise NotFound(NO_SUCH_CONNECTION)
    return found


def _attempt(
    conn: Connection, *, force: bool, sent_access_token: str | None, actor: str
) -> RefreshResult:
    """Decides, asks the provider and records the outcome. On PostgreSQL ``conn`` is locked."""
    pk = conn.pk
    now = _now()
    if conn.value_type != "OAUTH2":
        return RefreshResult(Outcome.NOT_REFRESHABLE, conn, "It does not hold an OAuth2 token.")
    if not force and not is_due(conn, now):
        return RefreshResult(Outcome.NOT_DUE, conn)
    value = conn.decrypted_value()
    if sent_access_token is not None and value.get("access_token") != sent_access_token:
        return RefreshResult(Outcome.ALREADY_CHANGED, conn)
    refresh_token = value.get("refresh_token")
    client = _client_for(conn, value)
    if not refresh_token or client is None:
        return _cannot_refresh(pk, now=now, has_token=bool(refresh_token), actor=actor)
    try:
        answer = transport.token_request(
            client=client,
            grant_type="refresh_token",
            refresh_token=refresh_token,
            timeout=settings.REFRESH_TIMEOUT_SECONDS,
        )
    except ApiError as exc:  # no answer: timeout, unreachable, refused by the egress rules
        return _failed(pk, now=now, reason=exc.code, detail=str(exc.detail), actor=actor, error=exc)
    if answer.ok:
        return _store(pk, now=now, sent=value, token=answer.body, actor=actor)
    if answer.error in REJECTING_ERRORS:
        return _rejected(
            pk, now=now, sent_refresh_token=refresh_token, error=answer.error, actor=actor
        )
    code = answer.error if answer.error and _ERROR_CODE.match(answer.error) else None
    reason = code or f"http_{answer.status}"
    detail = f"The token endpoint answered {answer.status}" + (f" ({code})." if code else ".")
    return _failed(pk, now=now, reason=reason, detail=detail, actor=actor, status=answer.status)


def _client_for(conn: Connection, value: dict[str, Any]) -> transport.OAuthClient | None:
    """The value's own token URL and client, else the org's OAuth app and the piece's token URL."""
    catalog: dict[str, Any] = getattr(conn.piece, "oauth2", None) or {}
    method = catalog.get("tokenAuthMethod")
    auth_method = method if method in transport.AUTH_METHODS else transport.AUTH_METHODS[0]
    token_url = value.get("token_url") or catalog.get("tokenUrl")
    if not isinstance(token_url, str) or not token_url:
        return None
    if value.get("client_id") and value.get("client_secret"):
        return transport.OAuthClient(
            token_url, value["client_id"], value["client_secret"], auth_method
        )
    app = oauth_app_for_piece(org_id=conn.org_id, piece_name=conn.piece_id)
    if app is None:
        return None
    return transport.OAuthClient(
        token_url, app.client_id, app.decrypted_client_secret(), auth_method
    )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _seconds(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float) or (isinstance(raw, str) and raw.isdigit()):
        seconds = int(raw)
        return seconds if seconds >= 0 else None
    return None


def _set_status(conn: Connection, status: str, *, reason: str, actor: str) -> list[str]:
    if conn.status == status:
        return []
    audit_record(
        org_id=conn.org_id,
        action="connection.status_changed",
        actor=actor,
        target_id=conn.id,
        metadata={"from": conn.status, "to": status, "reason": reason},
    )
    conn.status = status
    return ["status"]


_BOOKKEEPING = [
    "refreshed_at",
    "refresh_outcome",
    "refresh_failing_since",
    "refresh_failures",
    "refresh_retry_at",
]


def _save(conn: Connection, fields: list[str]) -> None:
    conn.save(update_fields=[*dict.fromkeys([*fields, *_BOOKKEEPING]), "updated_at"])


def _same_token(stored: dict[str, Any], sent: dict[str, Any]) -> bool:
    return all(stored.get(k) == sent.get(k) for k in ("access_token", "refresh_token"))


@transaction.atomic
def _store(
    pk: str, *, now: datetime, sent: dict[str, Any], token: dict[str, Any], actor: str
) -> RefreshResult:
    conn = _locked(pk)
    stored = conn.decrypted_value() if conn.value_type == "OAUTH2" else {}
    if not _same_token(stored, sent):
        # Only without row locks (SQLite): another caller stored other credentials meanwhile.
        return RefreshResult(Outcome.SUPERSEDED, conn)
    new = {k: v for k, v in stored.items() if k not in ("expires_in", "expires_at")}
    new["access_token"] = token["access_token"]
    rotated = isinstance(token.get("refresh_token"), str) and token["refresh_token"] != ""
    if rotated:
        new["refresh_token"] = token["refresh_token"]
    for key in ("token_type", "scope"):
        if isinstance(token.get(key), str):
            new[key] = token[key]
    expires_in = _seconds(token.get("expires_in"))
    if expires_in is not None:
        new["expires_in"] = expires_in
        new["expires_at"] = _iso(now + timedelta(seconds=expires_in))
    conn.value = new
    conn.token_expires_at = token_expiry(new)
    conn.refreshed_at = now
    conn.refresh_outcome = Outcome.REFRESHED
    conn.refresh_failing_since = None
    conn.refresh_failures = 0
    conn.refresh_retry_at = None
    changed = _set_status(conn, ConnectionStatus.ACTIVE, reason="refreshed", actor=actor)
    _save(conn, ["value", "token_expires_at", *changed])
    audit_record(
        org_id=conn.org_id,
        action="connection.refreshed",
        actor=actor,
        target_id=conn.id,
        metadata={
            "expiresAt": _iso(conn.token_expires_at) if conn.token_expires_at else None,
            "refreshTokenRotated": bool(
                rotated and token["refresh_token"] != sent.get("refresh_token")
            ),
        },
    )
    logger.info("OAuth2 token refreshed", extra={"connectionId": conn.id, "actor": actor})
    return RefreshResult(Outcome.REFRESHED, conn)


def _audit_failure(conn: Connection, *, actor: str, metadata: dict[str, Any]) -> None:
    """``connection.refresh_failed`` (also a webhook event): why, and whether it is final."""
    audit_record(
        org_id=conn.org_id,
        action="connection.refresh_failed",
        actor=actor,
        target_id=conn.id,
        metadata=metadata,
    )


@transaction.atomic
def _rejected(
    pk: str, *, now: datetime, sent_refresh_token: str, error: str, actor: str
) -> RefreshResult:
    conn = _locked(pk)
    stored = conn.decrypted_value() if conn.value_type == "OAUTH2" else {}
    if stored.get("refresh_token") != sent_refresh_token:
        # Another caller rotated the refresh token while ours was in flight: the provider
        # refused the old one, but the connection holds a newer, good one.
        return RefreshResult(Outcome.SUPERSEDED, conn)
    conn.refreshed_at = now
    conn.refresh_outcome = Outcome.REJECTED
    conn.refresh_retry_at = None
    changed = _set_status(conn, ConnectionStatus.ERROR, reason=error, actor=actor)
    _save(conn, changed)
    _audit_failure(conn, actor=actor, metadata={"reason": error, "final": True})
    logger.warning("OAuth2 refresh rejected", extra={"connectionId": conn.id, "reason": error})
    return RefreshResult(Outcome.REJECTED, conn, f"The provider rejected the refresh ({error}).")


@transaction.atomic
def _failed(
    pk: str,
    *,
    now: datetime,
    reason: str,
    detail: str,
    actor: str,
    status: int | None = None,
    error: ApiError | None = None,
) -> RefreshResult:
    conn = _locked(pk)
    since = conn.refresh_failing_since or now
    conn.refreshed_at = now
    conn.refresh_failing_since = since
    conn.refresh_failures += 1
    conn.refresh_retry_at = now + min(BACKOFF_BASE * 2 ** (conn.refresh_failures - 1), BACKOFF_MAX)
    gave_up = now - since >= timedelta(hours=settings.REFRESH_GIVE_UP_HOURS)
    outcome = Outcome.GAVE_UP if gave_up else Outcome.FAILED
    conn.refresh_outcome = outcome
    changed = (
        _set_status(conn, ConnectionStatus.ERROR, reason="refresh_failing", actor=actor)
        if gave_up
        else []
    )
    _save(conn, changed)
    metadata: dict[str, Any] = {
        "reason": reason,
        "final": gave_up,
        "failures": conn.refresh_failures,
        "retryAt": None if gave_up else _iso(conn.refresh_retry_at),
    }
    if status is not None:
        metadata["status"] = status
    _audit_failure(conn, actor=actor, metadata=metadata)
    logger.warning(
        "OAuth2 refresh failed",
        extra={"connectionId": conn.id, "reason": reason, "failures": conn.refresh_failures},
    )
    return RefreshResult(outcome, conn, detail, error)


@transaction.atomic
def _cannot_refresh(pk: str, *, now: datetime, has_token: bool, actor: str) -> RefreshResult:
    conn = _locked(pk)
    missing = "token URL or client credentials" if has_token else "refresh token"
    detail = f"The connection has no {missing} to refresh with."
    expires_at = conn.token_expires_at
    conn.refreshed_at = now
    if expires_at is not None and expires_at <= now:
        conn.refresh_outcome = Outcome.EXPIRED
        changed = _set_status(
            conn,
            ConnectionStatus.EXPIRED,
            reason="expired_without_refresh_token" if not has_token else "no_client_credentials",
            actor=actor,
        )
        _save(conn, changed)
        return RefreshResult(Outcome.EXPIRED, conn, detail)
    # Not expired yet: look again when it does expire (it becomes EXPIRED then).
    conn.refresh_outcome = Outcome.NOT_REFRESHABLE
    conn.refresh_retry_at = expires_at
    _save(conn, [])
    return RefreshResult(Outcome.NOT_REFRESHABLE, conn, detail)
