"""The Policies API (/api/v1/policies) and resolution (POST /api/v1/connections/resolve).

Resolution lives here, not in ``connections``, because dependencies point one way:
``connections`` never imports ``policies``.
"""

from typing import cast

from drf_spectacular.utils import extend_schema
from rest_framework import status as http
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from connections.models import Connection, Piece
from connections.serializers import SuccessSerializer
from orgs.auth import ApiClient
from orgs.models import Project, Scope
from orgs.viewsets import OrgScopedViewSet
from policies.filters import PolicyFilter
from policies.models import ConnectionPolicy
from policies.resolution import resolve
from policies.serializers import (
    PolicyPutSerializer,
    PolicySerializer,
    ResolutionSerializer,
    ResolveSerializer,
    render_policy,
    render_resolution,
)
from policies.services import InvalidPolicy, policy_delete, policy_put
from weavz.api.idempotency import idempotent
from weavz.api.serializers import validated


class PolicyViewSet(OrgScopedViewSet):
    queryset = ConnectionPolicy.objects.all()
    filterset_class = PolicyFilter
    serializer_class = PolicySerializer
    read_scope = Scope.POLICIES_READ
    write_scope = Scope.POLICIES_WRITE

    def _find(self, pk: str) -> ConnectionPolicy:
        found = self.get_queryset().filter(pk=pk).first()
        if found is None:
            raise NotFound("No such policy.")
        return cast(ConnectionPolicy, found)

    @extend_schema(responses=PolicySerializer(many=True))
    def list(self, request: Request) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        assert page is not None
        return self.get_paginated_response([render_policy(p) for p in page])

    @extend_schema(responses=PolicySerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(render_policy(self._find(pk)))

    @extend_schema(
        request=PolicyPutSerializer,
        responses={200: PolicySerializer, 201: PolicySerializer},
        description="Creates (201) or replaces (200) the policy for (pieceName, projectId).",
    )
    @idempotent
    def upsert(self, request: Request) -> Response:
        data = validated(PolicyPutSerializer, request.data)
        errors: dict[str, list[str]] = {}
        piece = Piece.objects.filter(pk=data["pieceName"]).first()
        if piece is None:
            errors["pieceName"] = [f"Unknown piece {data['pieceName']!r}."]
        project = None
        if data["projectId"] is not None:
            project = Project.objects.filter(org_id=self.org.id, pk=data["projectId"]).first()
            if project is None:
                errors["projectId"] = ["No such project in this organization."]
        connection = None
        if data["connectionId"] is not None:
            connection = (
                Connection.objects.defer("value")
                .filter(org_id=self.org.id, pk=data["connectionId"])
                .first()
            )
            if connection is None:
                errors["connectionId"] = ["No such connection in this organization."]
        if errors:
            raise ValidationError(errors)
        assert piece is not None
        try:
            policy, created = policy_put(
                org=self.org,
                piece=piece,
                project=project,
                type=data["type"],
                connection=connection,
                actor=self.client.actor,
            )
        except InvalidPolicy as exc:
            raise ValidationError(exc.details) from None
        return Response(
            render_policy(policy), status=http.HTTP_201_CREATED if created else http.HTTP_200_OK
        )

    @extend_schema(responses=SuccessSerializer)
    def destroy(self, request: Request, pk: str) -> Response:
        policy_delete(policy=self._find(pk), actor=self.client.actor)
        return Response({"success": True})


class ResolveView(APIView):
    """Which connection an action or trigger would use, and why."""

    def required_scope(self, request: Request) -> str:
        # A POST only because the question has a body; it changes nothing.
        return Scope.CONNECTIONS_READ

    @extend_schema(request=ResolveSerializer, responses=ResolutionSerializer)
    def post(self, request: Request) -> Response:
        data = validated(ResolveSerializer, request.data)
        resolution = resolve(
            org=cast(ApiClient, request.user).org,
            piece_name=data["pieceName"],
            project_id=data["projectId"],
            external_id=data["externalId"],
            connection_id=data["connectionId"],
        )
        return Response(render_resolution(resolution))
