from typing import Any

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from orgs.models import AuditEvent, Project, Scope
from orgs.serializers import AuditEventSerializer, ProjectCreateSerializer, ProjectSerializer
from orgs.services import project_create
from orgs.viewsets import OrgScopedViewSet
from weavz.api.serializers import validated


class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    queryset = Project.objects.all()
    serializer_class = ProjectSerializer
    read_scope = Scope.PROJECTS_READ
    write_scope = Scope.PROJECTS_WRITE

    @extend_schema(request=ProjectCreateSerializer, responses={201: ProjectSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = validated(ProjectCreateSerializer, request.data)
        project = project_create(org=self.org, name=data["name"], actor=self.client.actor)
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)


class AuditEventFilter(django_filters.FilterSet):
    action = django_filters.CharFilter()
    targetId = django_filters.CharFilter(field_name="target_id")

    class Meta:
        model = AuditEvent
        fields = ["action", "targetId"]


class AuditEventViewSet(mixins.ListModelMixin, OrgScopedViewSet):
    """The org's audit log, newest first; read-only (events are append-only)."""

    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    read_scope = Scope.AUDIT_READ
