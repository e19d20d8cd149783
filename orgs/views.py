"""Projects (/api/v1/projects) and the audit log (/api/v1/audit-events)."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from orgs.models import Scope
from orgs.selectors import AUDIT_FILTERS, PROJECT_FILTERS, audit_page, project_get, project_page
from orgs.serializers import (
    AUDIT_EVENT,
    PROJECT,
    ProjectCreate,
    render_audit_event,
    render_project,
)
from orgs.services import project_create
from orgs.viewsets import OrgScopedViewSet, id_parameter
from weavz.api.errors import NotFound
from weavz.api.pagination import page_serializer
from weavz.api.serializers import validated


class ProjectViewSet(OrgScopedViewSet):
    lookup_url_kwarg = "id"
    read_scope = Scope.PROJECTS_READ
    write_scope = Scope.PROJECTS_WRITE

    @extend_schema(
        operation_id="listProjects",
        summary="List projects",
        description="The organization's projects, newest first.",
        parameters=PROJECT_FILTERS.parameters(),
        responses=page_serializer(PROJECT.serializer),
    )
    def list(self, request: Request) -> Response:
        _filters, page = PROJECT_FILTERS.parse(request.query_params)
        return Response(project_page(org_id=self.org.id, page=page).render(render_project))

    @extend_schema(
        operation_id="getProject",
        summary="Get a project",
        description="One project of the organization.",
        parameters=[id_parameter("proj", "The project's id.")],
        responses=PROJECT.serializer,
    )
    def retrieve(self, request: Request, id: str) -> Response:
        project = project_get(org_id=self.org.id, project_id=id)
        if project is None:
            raise NotFound("No such project.")
        return Response(render_project(project))

    @extend_schema(
        operation_id="createProject",
        summary="Create a project",
        description="A new project in the organization.",
        request=ProjectCreate,
        responses={201: PROJECT.serializer},
        examples=[OpenApiExample("A project", value={"name": "Marketing"}, request_only=True)],
    )
    def create(self, request: Request) -> Response:
        data = validated(ProjectCreate, request.data)
        project = project_create(org=self.org, name=data["name"], actor=self.client.actor)
        return Response(render_project(project), status=status.HTTP_201_CREATED)


class AuditEventViewSet(OrgScopedViewSet):
    """The org's audit log, newest first; read-only (events are append-only)."""

    read_scope = Scope.AUDIT_READ

    @extend_schema(
        operation_id="listAuditEvents",
        summary="List audit events",
        description="Who did what in the organization, newest first; filter by `action` or "
        "`targetId`. No event holds a secret.",
        parameters=AUDIT_FILTERS.parameters(),
        responses=page_serializer(AUDIT_EVENT.serializer),
    )
    def list(self, request: Request) -> Response:
        filters, page = AUDIT_FILTERS.parse(request.query_params)
        events = audit_page(org_id=self.org.id, filters=filters, page=page)
        return Response(events.render(render_audit_event))
