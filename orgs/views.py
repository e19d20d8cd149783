from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from orgs.models import Project, Scope
from orgs.serializers import ProjectSerializer
from orgs.services import project_create
from orgs.viewsets import OrgScopedViewSet


class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrgScopedViewSet):
    queryset = Project.objects.all()
    serializer_class = ProjectSerializer
    read_scope = Scope.PROJECTS_READ
    write_scope = Scope.PROJECTS_WRITE

    @extend_schema(responses={201: ProjectSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ProjectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = project_create(
            org=self.org, name=serializer.validated_data["name"], actor=self.client.actor
        )
        return Response(ProjectSerializer(project).data, status=status.HTTP_201_CREATED)
