"""The Connect sessions API (/api/v1/connect/sessions): thin views over ``connect.services``."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from connect.models import ConnectSession
from connect.selectors import connect_session_get
from connect.serializers import (
    CONNECT_SESSION,
    NEW_CONNECT_SESSION,
    ConnectSessionCreate,
    render_connect_session,
    render_new_connect_session,
)
from connect.services import connect_session_cancel, connect_session_create
from orgs.models import Scope
from orgs.viewsets import OrgScopedViewSet, id_parameter
from weavz.api.errors import NotFound
from weavz.api.render import no_store
from weavz.api.serializers import validated

_ID = id_parameter("cs", "The connect session's id.")


class ConnectSessionViewSet(OrgScopedViewSet):
    lookup_url_kwarg = "id"
    read_scope = Scope.CONNECTIONS_READ
    write_scope = Scope.CONNECT_WRITE

    def _find(self, session_id: str) -> ConnectSession:
        found = connect_session_get(org_id=self.org.id, session_id=session_id)
        if found is None:
            raise NotFound("No such connect session.")
        return found

    @extend_schema(
        operation_id="createConnectSession",
        summary="Create a connect session",
        description=(
            "A one-time link (`connectUrl`) to a hosted page where an end user connects their "
            "own account for a piece. The `token` is shown once. Refused with 403 "
            "POLICY_VIOLATION where an ENFORCED policy governs the piece; redirect URIs must be "
            "on the organization's allow-list."
        ),
        request=ConnectSessionCreate,
        responses={201: NEW_CONNECT_SESSION.serializer},
        examples=[
            OpenApiExample(
                "An end user connects their own OpenAI key",
                value={"pieceName": "openai", "externalId": "user-42", "ttlSeconds": 900},
                request_only=True,
            )
        ],
    )
    def create(self, request: Request) -> Response:
        data = validated(ConnectSessionCreate, request.data)
        new = connect_session_create(
            org=self.org,
            piece_name=data["pieceName"],
            external_id=data["externalId"],
            project_id=data.get("projectId"),
            connection_id=data.get("connectionId"),
            display_name=data.get("displayName"),
            success_redirect_uri=data.get("successRedirectUri"),
            error_redirect_uri=data.get("errorRedirectUri"),
            ttl_seconds=data["ttlSeconds"],
            actor=self.client.actor,
        )
        return no_store(Response(render_new_connect_session(new), status=http.HTTP_201_CREATED))

    @extend_schema(
        operation_id="getConnectSession",
        summary="Get a connect session",
        description="Its status (EXPIRED once past `expiresAt`) and, once completed, the "
        "`connectionId`. Needs `connections:read`.",
        parameters=[_ID],
        responses=CONNECT_SESSION.serializer,
    )
    def retrieve(self, request: Request, id: str) -> Response:
        return Response(render_connect_session(self._find(id)))

    @extend_schema(
        operation_id="cancelConnectSession",
        summary="Cancel a connect session",
        description="A PENDING session becomes CANCELLED and its page answers 410 from then on. "
        "Cancelling a cancelled session again is harmless; any other status is 409.",
        parameters=[_ID],
        request=None,
        responses=CONNECT_SESSION.serializer,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, id: str) -> Response:
        session = connect_session_cancel(session=self._find(id), actor=self.client.actor)
        return Response(render_connect_session(session))
