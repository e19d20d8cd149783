"""Writing audit events.

Callers run inside their own transaction, so an event commits (or rolls back) with its change.
"""

from typing import Any

from orgs.models import AuditEvent


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
