"""Projects' and audit events' shapes (one ``Shape`` each) and request bodies."""

from typing import Any

from rest_framework import serializers

from weavz.api.render import Shape, Timestamp
from weavz.api.serializers import StrictSerializer

PROJECT = Shape(
    "Project",
    id=("id", serializers.CharField()),
    name=("name", serializers.CharField()),
    createdAt=("created_at", Timestamp()),
)
render_project = PROJECT.render


def _target_id(event: Any) -> str | None:
    return event.target_id or None


AUDIT_EVENT = Shape(
    "AuditEvent",
    id=("id", serializers.CharField()),
    action=("action", serializers.CharField()),
    actor=("actor", serializers.CharField(help_text="key_…, admin:<username> or command:<name>")),
    targetId=(_target_id, serializers.CharField(allow_null=True)),
    createdAt=("created_at", Timestamp()),
    metadata=("metadata", serializers.DictField(help_text="Ids and field names; never a secret.")),
)
render_audit_event = AUDIT_EVENT.render


class ProjectCreate(StrictSerializer):
    """A new project."""

    name = serializers.CharField(min_length=1, max_length=255)
