from rest_framework import serializers

from orgs.models import AuditEvent, Project


class ProjectSerializer(serializers.ModelSerializer[Project]):
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Project
        fields = ["id", "name", "createdAt"]
        read_only_fields = ["id"]
        extra_kwargs = {"name": {"min_length": 1, "max_length": 255}}


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    targetId = serializers.CharField(source="target_id", read_only=True)
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = AuditEvent
        fields = ["id", "action", "actor", "targetId", "createdAt", "metadata"]
