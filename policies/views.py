"""The Policies API (/api/v1/policies) and resolution (POST /api/v1/connections/resolve).

Resolution lives here, not in ``connections``, because dependencies point one way:
``connections`` never imports ``policies``.
"""

from typing import cast

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status as http
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from connections.serializers import Success
from orgs.auth import ApiClient
from orgs.models import Scope
from orgs.viewsets import OrgScopedViewSet, id_parameter
from policies.models import ConnectionPolicy
from policies.resolution import resolve
from policies.selectors import POLICY_FILTERS, policy_get, policy_page
from policies.serializers import (
    POLICY,
    RESOLUTION,
    PolicyPut,
    Resolve,
    render_policy,
    render_resolution,
)
from policies.services import policy_delete, policy_put
from weavz.api.errors import NotFound
from weavz.api.idempotency import idempotent
from weavz.api.pagination import page_serializer
from weavz.api.serializers import validated

_ID = id_parameter("pol", "The policy's id.")


class PolicyViewSet(OrgScopedViewSet):
    read_scope = Scope.POLICIES_READ
    write_scope = Scope.POLICIES_WRITE

    def _find(self, policy_id: str) -> ConnectionPolicy:
        found = policy_get(org_id=self.org.id, policy_id=policy_id)
        if found is None:
            raise NotFound("No such policy.")
        return found

    @extend_schema(
        operation_id="listPolicies",
        summary="List connection policies",
        description="The organization's policies, newest first, filtered by `pieceName` or "
        "`projectId`.",
        parameters=POLICY_FILTERS.parameters(),
        responses=page_serializer(POLICY.serializer),
    )
    def list(self, request: Request) -> Response:
        filters, page = POLICY_FILTERS.parse(request.query_params)
        policies = policy_page(org_id=self.org.id, filters=filters, page=page)
        return Response(policies.render(render_policy))

    @extend_schema(
        operation_id="getPolicy",
        summary="Get a connection policy",
        description="One policy of the organization.",
        parameters=[_ID],
        responses=POLICY.serializer,
    )
    def retrieve(self, request: Request, id: str) -> Response:
        return Response(render_policy(self._find(id)))

    @extend_schema(
        operation_id="putPolicy",
        summary="Create or replace a connection policy",
        description="Creates (201) or replaces (200) the policy for (`pieceName`, `projectId`); "
        "`projectId` null is the whole organization. What `connectionId` must be depends on "
        "`type` (ENFORCED_ORG, ENFORCED_PROJECT, USER_REQUIRED, USER_WITH_DEFAULT).",
        request=PolicyPut,
        responses={200: POLICY.serializer, 201: POLICY.serializer},
        examples=[
            OpenApiExample(
                "Each end user connects their own Slack",
                value={"pieceName": "slack", "projectId": None, "type": "USER_REQUIRED"},
                request_only=True,
            )
        ],
    )
    @idempotent
    def create_or_replace(self, request: Request) -> Response:
        data = validated(PolicyPut, request.data)
        policy, created = policy_put(
            org=self.org,
            piece_name=data["pieceName"],
            project_id=data["projectId"],
            type=data["type"],
            connection_id=data["connectionId"],
            actor=self.client.actor,
        )
        return Response(
            render_policy(policy), status=http.HTTP_201_CREATED if created else http.HTTP_200_OK
        )

    @extend_schema(
        operation_id="deletePolicy",
        summary="Delete a connection policy",
        description="Permanent; resolution then follows the remaining policies.",
        parameters=[_ID],
        responses={200: Success},
    )
    def destroy(self, request: Request, id: str) -> Response:
        policy_delete(policy=self._find(id), actor=self.client.actor)
        return Response({"success": True})


class ResolveView(APIView):
    """Which connection an action or trigger would use, and why."""

    def required_scope(self, request: Request) -> str:
        # A POST only because the question has a body; it changes nothing.
        return Scope.CONNECTIONS_READ

    @extend_schema(
        operation_id="resolveConnection",
        summary="Resolve the connection an action uses",
        description="Which connection an action or trigger would use for this piece, project "
        "and end user, the policy in force and why (`source`). Changes nothing.",
        request=Resolve,
        responses=RESOLUTION.serializer,
        examples=[
            OpenApiExample(
                "An end user's own Slack",
                value={"pieceName": "slack", "externalId": "user-42"},
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        data = validated(Resolve, request.data)
        resolution = resolve(
            org=cast(ApiClient, request.user).org,
            piece_name=data["pieceName"],
            project_id=data["projectId"],
            external_id=data["externalId"],
            connection_id=data["connectionId"],
        )
        return Response(render_resolution(resolution))
