"""Reads of connect sessions and allowed redirect URIs; every API read names its org."""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from connect.models import AllowedRedirectUri, ConnectSession, SessionStatus


def session_status(session: ConnectSession, now: datetime | None = None) -> str:
    """The status shown: a PENDING session past its expiry is EXPIRED (never stored)."""
    now = now or timezone.now()
    if session.status == SessionStatus.PENDING and session.expires_at <= now:
        return SessionStatus.EXPIRED
    return session.status


def connect_sessions(*, org_id: str) -> "QuerySet[ConnectSession]":
    return ConnectSession.objects.filter(org_id=org_id)


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
        AllowedRedirectUri.objects.filter(org_id=org_id, uri__in=wanted).values_list(
            "uri", flat=True
        )
    )
