"""Writing audit events.

Callers run inside their own transaction, so an event commits (or rolls back) with its change.
"""

from typing import Any

from django.http import HttpRequest

from orgs.models import AuditEvent


def admin_actor(request: HttpRequest) -> str:
    """The audit actor for a change made in the operators' console: ``admin:<username>``."""
    return f"admin:{request.user.get_username()}"


def audit_record(
    *,
    org_id: str | None,
    action: str,
    actor: str,
    target_id: str = "",
    metadata: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        org_id=org_id, action=action, actor=actor, target_id=target_id, metadata=metadata or {}
    )
