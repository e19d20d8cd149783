from rest_framework import serializers

from orgs.models import AuditEvent, Project
from weavz.api.serializers import StrictSerializer


class ProjectSerializer(serializers.ModelSerializer[Project]):
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Project
        fields = ["id", "name", "createdAt"]
        read_only_fields = ["id", "name"]


class ProjectCreateSerializer(StrictSerializer):
    name = serializers.CharField(min_length=1, max_length=255)


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    targetId = serializers.SerializerMethodField()
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)
    metadata = serializers.DictField(read_only=True)

    class Meta:
        model = AuditEvent
        fields = ["id", "action", "actor", "targetId", "createdAt", "metadata"]

    def get_targetId(self, event: AuditEvent) -> str | None:
        return event.target_id or None
