"""Connect session services: each is one transaction that also writes its audit event.

One-time steps are conditional UPDATEs (``… WHERE status = 'PENDING' AND expires_at > now``):
whichever request the database lets through first wins, and the others see 0 rows and are told
the session is gone. A completion claims the session and stores the connection in the same
transaction, so a failed store leaves the session PENDING for the end user to try again.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from connect.models import AllowedRedirectUri, ConnectSession, OAuthAttempt, SessionStatus
from connect.selectors import allowed_redirect_uris, end_user_connection, session_status
from connections.models import Connection, Piece
from connections.selectors import ConnectionRow, connection_row, piece_get
from connections.services import connection_create, connection_update
from orgs.audit import audit_record
from orgs.keys import hash_key
from orgs.models import Organization, Project
from orgs.selectors import project_get
from policies.models import PolicyType
from policies.resolution import policy_in_force
from weavz.api.errors import (
    NO_SUCH_CONNECTION_IN_ORG,
    Conflict,
    Gone,
    NotFound,
    PolicyViolation,
    ValidationFailed,
)

TOKEN_PREFIX = "cst_"  # noqa: S105 (a prefix, not a secret)
DEFAULT_TTL_SECONDS = 1800
MIN_TTL_SECONDS = 60
MAX_TTL_SECONDS = 14400
NOT_ALLOWED_URI = "Not one of this organization's allowed redirect URIs (set in the console)."


@dataclass(frozen=True, repr=False)
class NewSession:
    session: ConnectSession
    token: str

    def __repr__(self) -> str:
        return f"NewSession({self.session.id})"

    @property
    def connect_url(self) -> str:
        """The hosted page the token opens (built from ``PUBLIC_URL``)."""
        return f"{settings.PUBLIC_URL}/connect/{self.token}"


def new_token() -> str:
    """A 256-bit secret; only its SHA-256 is stored."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _check_redirect_uris(org: Organization, uris: dict[str, str | None]) -> None:
    given = {field: uri for field, uri in uris.items() if uri}
    allowed = allowed_redirect_uris(org_id=org.id, uris=given.values())
    errors = {field: [NOT_ALLOWED_URI] for field, uri in given.items() if uri not in allowed}
    if errors:
        raise ValidationFailed(errors)


def _check_reconnect(
    *, org: Organization, piece: Piece, project: Project | None, external_id: str, pk: str
) -> ConnectionRow:
    connection = connection_row(org_id=org.id, connection_id=pk)
    if connection is None:
        raise ValidationFailed({"connectionId": [NO_SUCH_CONNECTION_IN_ORG]})
    if (
        connection.piece_id != piece.name
        or connection.external_id != external_id
        or connection.project_id != (project.id if project else None)
    ):
        raise ValidationFailed(
            {
                "connectionId": [
                    "A reconnect must name this end user's own connection of the same piece "
                    "and project (same pieceName, externalId and projectId)."
                ]
            }
        )
    return connection


def _check_no_other_project(
    *, org: Organization, piece: Piece, project: Project | None, external_id: str
) -> None:
    existing = end_user_connection(org_id=org.id, piece_name=piece.name, external_id=external_id)
    if existing is not None and existing.project_id != (project.id if project else None):
        raise Conflict(
            f"End user {external_id!r} already has a {piece.name} connection ({existing.id}) "
            "in another project; delete it first or connect them in that project."
        )


def connect_session_create(
    *,
    org: Organization,
    piece_name: str,
    external_id: str,
    actor: str,
    project_id: str | None = None,
    connection_id: str | None = None,
    display_name: str | None = None,
    success_redirect_uri: str | None = None,
    error_redirect_uri: str | None = None,
    ttl_seconds: int = DEFAULT_TTL_SECONDS,
) -> NewSession:
    # Checks the piece and the project too (the same errors as resolution).
    policy = policy_in_force(org=org, piece_name=piece_name, project_id=project_id)
    if policy is not None and policy.type in (PolicyType.ENFORCED_ORG, PolicyType.ENFORCED_PROJECT):
        raise PolicyViolation(
            f"Policy {policy.id} ({policy.type}) makes everyone use one shared {piece_name} "
            "connection here; end users cannot connect their own."
        )
    _check_redirect_uris(
        org, {"successRedirectUri": success_redirect_uri, "errorRedirectUri": error_redirect_uri}
    )
    piece = piece_get(piece_name)
    project = project_get(org_id=org.id, project_id=project_id) if project_id else None
    assert piece is not None and (project is not None or not project_id)
    reconnect = None
    if connection_id is not None:
        reconnect = _check_reconnect(
            org=org, piece=piece, project=project, external_id=external_id, pk=connection_id
        )
    else:
        _check_no_other_project(org=org, piece=piece, project=project, external_id=external_id)
    token = new_token()
    with transaction.atomic():
        session = ConnectSession.objects.create(
            org=org,
            piece=piece,
            project=project,
            external_id=external_id,
            connection_id=reconnect.id if reconnect else None,
            display_name=display_name or "",
            success_redirect_uri=success_redirect_uri or "",
            error_redirect_uri=error_redirect_uri or "",
            token_hash=hash_key(token),
            created_by=actor,
            # Whole seconds: the expiry the API shows is exactly the one the database enforces.
            expires_at=timezone.now().replace(microsecond=0) + timedelta(seconds=ttl_seconds),
        )
        _audit(session, "connect_session.created", actor=actor)
    return NewSession(session=session, token=token)


def _audit(session: ConnectSession, action: str, *, actor: str, **extra: Any) -> None:
    """A session's audit event: its ids (never its token), plus ``extra``."""
    audit_record(
        org_id=session.org_id,
        action=action,
        actor=actor,
        target_id=session.id,
        metadata={
            "pieceName": session.piece_id,
            "externalId": session.external_id,
            "projectId": session.project_id,
            "connectionId": session.connection_id,
            **extra,
        },
    )


_GONE: dict[str, str] = {
    SessionStatus.COMPLETED: "This link was already used to connect an account.",
    SessionStatus.EXPIRED: "This link has expired.",
    SessionStatus.CANCELLED: "This link was cancelled.",
    SessionStatus.FAILED: "Connecting with this link failed.",
}


def gone_error(session: ConnectSession | None) -> Gone:
    if session is None:
        return Gone("This connect session no longer exists.")
    return Gone(_GONE.get(session_status(session), "This link can no longer be used."))


def _claim(session_id: str, *, first_use: bool = False, **changes: Any) -> bool:
    """Moves a live PENDING session on, once: the database decides who wins.

    ``first_use`` also requires that its token was never exchanged before.
    """
    now = timezone.now()
    live = ConnectSession.objects.filter(
        pk=session_id, status=SessionStatus.PENDING, expires_at__gt=now
    )
    if first_use:
        live = live.filter(token_exchanged_at__isnull=True)
    return live.update(updated_at=now, **changes) == 1


def connect_session_cancel(*, session: ConnectSession, actor: str) -> ConnectSession:
    """PENDING -> CANCELLED; cancelling a cancelled session again changes nothing."""
    with transaction.atomic():
        if _claim(session.id, status=SessionStatus.CANCELLED):
            _audit(session, "connect_session.cancelled", actor=actor)
        session.refresh_from_db()
    if session.status != SessionStatus.CANCELLED:
        raise Conflict(
            f"This connect session is {session_status(session)}; only a PENDING one can be "
            "cancelled."
        )
    return session


def connect_token_exchange(*, token: str) -> ConnectSession:
    """The session the token opens, once: a second use of the same link is refused (410)."""
    found = ConnectSession.objects.filter(token_hash=hash_key(token)).first()
    if found is None:
        raise NotFound("This link is not valid.")
    if not _claim(found.id, first_use=True, token_exchanged_at=timezone.now()):
        found.refresh_from_db()
        if session_status(found) == SessionStatus.PENDING:
            raise Gone("This link was already opened once; ask for a new one.")
        raise gone_error(found)
    found.refresh_from_db()
    return found


def _store(session: ConnectSession, value: dict[str, Any]) -> Connection:
    target = session.connection
    if target is None:
        # The end user connecting again without a reconnect id replaces their own connection.
        target = end_user_connection(
            org_id=session.org_id, piece_name=session.piece_id, external_id=session.external_id
        )
    if target is not None:
        if target.project_id != session.project_id:
            raise Conflict(
                f"End user {session.external_id!r} already has a {session.piece_id} connection "
                "in another project."
            )
        return connection_update(
            connection=target,
            actor=session.id,
            value=value,
            display_name=session.display_name or None,
        )
    return connection_create(
        org_id=session.org_id,
        piece_name=session.piece_id,
        project_id=session.project_id,
        display_name=session.display_name
        or f"{session.piece.display_name} ({session.external_id})"[:255],
        external_id=session.external_id,
        value=value,
        actor=session.id,
    )


def connect_session_complete(*, session_id: str, value: dict[str, Any]) -> Connection:
    """Stores the end user's credentials and completes the session, at most once.

    A second completion, or the loser of two racing ones, gets ``Gone`` (410); so does a
    session that expired or was cancelled. Audited as the session, never as an API key.
    """
    with transaction.atomic():
        now = timezone.now()
        if not _claim(session_id, status=SessionStatus.COMPLETED, completed_at=now):
            raise gone_error(ConnectSession.objects.filter(pk=session_id).first())
        session = (
            ConnectSession.objects.select_related("org", "piece", "project", "connection__piece")
            .defer("connection__value")
            .get(pk=session_id)
        )
        connection = _store(session, value)
        session.connection = connection
        session.save(update_fields=["connection"])
        _audit(session, "connect_session.completed", actor=session.id)
    return connection


def connect_session_fail(*, session_id: str, reason: str) -> bool:
    """PENDING -> FAILED with a readable reason (never a secret); False if it was not PENDING."""
    with transaction.atomic():
        if not _claim(session_id, status=SessionStatus.FAILED, error=reason[:500]):
            return False
        session = ConnectSession.objects.get(pk=session_id)
        _audit(session, "connect_session.failed", actor=session.id, reason=reason[:500])
    return True


def redirect_uri_add(*, org: Organization, uri: str, actor: str) -> AllowedRedirectUri:
    with transaction.atomic():
        allowed = AllowedRedirectUri.objects.create(org=org, uri=uri)
        audit_record(
            org_id=org.id,
            action="connect.redirect_uri_added",
            actor=actor,
            target_id=org.id,
            metadata={"uri": uri},
        )
    return allowed


def redirect_uri_remove(*, allowed: AllowedRedirectUri, actor: str) -> None:
    with transaction.atomic():
        audit_record(
            org_id=allowed.org_id,
            action="connect.redirect_uri_removed",
            actor=actor,
            target_id=allowed.org_id,
            metadata={"uri": allowed.uri},
        )
        allowed.delete()


# How long a session stays readable (GET /connect/sessions/:id) after it expired.
SESSION_RETENTION = timedelta(days=30)


def connect_sessions_purge(*, now: datetime | None = None) -> tuple[int, int]:
    """Deletes OAuth attempts past their expiry (their sealed verifiers are of no more use) and
    sessions expired more than ``SESSION_RETENTION`` ago; returns (attempts, sessions)."""
    now = now or timezone.now()
    attempts = (
        OAuthAttempt.objects.filter(expires_at__lt=now).delete()[1].get(OAuthAttempt._meta.label, 0)
    )
    sessions = ConnectSession.objects.filter(expires_at__lt=now - SESSION_RETENTION).delete()
    return attempts, sessions[1].get(ConnectSession._meta.label, 0)
