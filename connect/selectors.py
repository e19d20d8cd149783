"""Reads of connect sessions and allowed redirect URIs; every API read names its org."""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from connect.models import AllowedRedirectUri, ConnectSession, SessionStatus
from connections.models import Connection
from weavz.api.sql import org_queryset


def session_status(session: ConnectSession, now: datetime | None = None) -> str:
    """The status shown: a PENDING session past its expiry is EXPIRED (never stored)."""
    now = now or timezone.now()
    if session.status == SessionStatus.PENDING and session.expires_at <= now:
        return SessionStatus.EXPIRED
    return session.status


def connect_sessions(*, org_id: str) -> "QuerySet[ConnectSession]":
    return org_queryset(ConnectSession, org_id)


def connect_session_get(*, org_id: str, session_id: str) -> ConnectSession | None:
    return connect_sessions(org_id=org_id).filter(pk=session_id).first()


def session_for_page(*, session_id: str) -> ConnectSession | None:
    """A session and its piece, for the hosted page (which knows the session, not the org)."""
    return ConnectSession.objects.select_related("piece").filter(pk=session_id).first()


def allowed_redirect_uris(*, org_id: str, uris: Iterable[str]) -> set[str]:
    """Those of ``uris`` that are on the org's allow-list (compared exactly)."""
    wanted = list(uris)
    if not wanted:
        return set()
    return set(
        org_queryset(AllowedRedirectUri, org_id)
        .filter(uri__in=wanted)
        .values_list("uri", flat=True)
    )


def end_user_connection(*, org_id: str, piece_name: str, external_id: str) -> Connection | None:
    """The end user's connection of the piece, in whichever project (an org has at most one per
    piece and external id): what a session without a reconnect id replaces."""
    return (
        org_queryset(Connection, org_id)
        .select_related("piece")
        .filter(piece_id=piece_name, external_id=external_id)
        .first()
    )
