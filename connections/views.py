"""The Connections API (/api/v1/connections) and the piece catalog (/api/v1/pieces)."""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status as http
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import ViewSet

from connections.models import Connection
from connections.selectors import (
    CONNECTION_FILTERS,
    connection_get,
    connection_page,
    connection_row,
    piece_get,
    piece_list,
)
from connections.serializers import (
    CONNECTION,
    PIECE,
    ConnectionCreate,
    ConnectionUpdate,
    RevealedConnection,
    Success,
    render_connection,
    render_piece,
)
from connections.services import (
    connection_create,
    connection_delete,
    connection_reveal,
    connection_update,
)
from orgs.models import Scope
from orgs.viewsets import OrgScopedViewSet, id_parameter
from weavz.api.errors import NO_SUCH_CONNECTION, Forbidden, NotFound, ValidationFailed
from weavz.api.idempotency import idempotent
from weavz.api.pagination import page_serializer
from weavz.api.render import no_store
from weavz.api.serializers import validated

_INCLUDE = OpenApiParameter(
    "include",
    {"type": "string", "enum": ["value"]},
    description="`value` adds the decrypted credentials (needs `connections:reveal`).",
)
_ID = id_parameter("conn", "The connection's id.")

# The seed document's two examples, verbatim.
_CREATE_EXAMPLES = [
    OpenApiExample(
        "An OpenAI API key",
        value={
            "pieceName": "openai",
            "displayName": "Production OpenAI Key",
            "value": {"type": "SECRET_TEXT", "secret_text": "sk-proj-abc123..."},
        },
        request_only=True,
    ),
    OpenApiExample(
        "An end user's Slack OAuth2 tokens",
        value={
            "pieceName": "slack",
            "displayName": "Acme Slack",
            "value": {
                "type": "OAUTH2",
                "access_token": "xoxb-...",
                "refresh_token": "xoxr-...",
                "token_type": "bot",
                "scope": "chat:write,channels:read",
            },
            "externalId": "user-42",
        },
        request_only=True,
    ),
    OpenApiExample(
        "The created connection",
        value={
            "id": "conn_01jh6x3k5bf4jr0q8z6g9m2c7d",
            "pieceName": "slack",
            "displayName": "Acme Slack",
            "externalId": "user-42",
            "projectId": None,
            "status": "ACTIVE",
            "createdAt": "2025-01-15T10:30:00Z",
            "updatedAt": "2025-01-15T10:30:00Z",
        },
        response_only=True,
        status_codes=["201"],
    ),
]


class ConnectionViewSet(OrgScopedViewSet):
    lookup_url_kwarg = "id"
    read_scope = Scope.CONNECTIONS_READ
    write_scope = Scope.CONNECTIONS_WRITE

    def _find(self, connection_id: str) -> Connection:
        found = connection_get(org_id=self.org.id, connection_id=connection_id)
        if found is None:
            raise NotFound(NO_SUCH_CONNECTION)
        return found

    @extend_schema(
        operation_id="listConnections",
        summary="List connections",
        description="The organization's connections, newest first, filtered by any of "
        "`pieceName`, `projectId`, `externalId` and `status`. Never includes a value.",
        parameters=CONNECTION_FILTERS.parameters(),
        responses=page_serializer(CONNECTION.serializer),
    )
    def list(self, request: Request) -> Response:
        filters, page = CONNECTION_FILTERS.parse(request.query_params)
        rows = connection_page(org_id=self.org.id, filters=filters, page=page)
        return Response(rows.render(render_connection))

    @extend_schema(
        operation_id="getConnection",
        summary="Get a connection",
        description="The connection's metadata. With `?include=value` and a key holding "
        "`connections:reveal`, also its decrypted `value` (every reveal is audited).",
        parameters=[_ID, _INCLUDE],
        responses=RevealedConnection,
    )
    def retrieve(self, request: Request, id: str) -> Response:
        include = request.query_params.get("include")
        if include is None:
            row = connection_row(org_id=self.org.id, connection_id=id)
            if row is None:
                raise NotFound(NO_SUCH_CONNECTION)
            return Response(render_connection(row))
        if include != "value":
            raise ValidationFailed({"include": ["Only `value` can be included."]})
        if Scope.CONNECTIONS_REVEAL not in self.client.scopes:
            raise Forbidden("This API key lacks the `connections:reveal` scope.")
        connection = self._find(id)
        body = render_connection(connection)
        body["value"] = connection_reveal(connection=connection, actor=self.client.actor)
        return no_store(Response(body))

    @extend_schema(
        operation_id="createConnection",
        summary="Create a connection",
        description="Stores credentials for a piece, encrypted. A second connection with the "
        "same `pieceName` and `externalId` is 409 CONFLICT.",
        request=ConnectionCreate,
        responses={201: CONNECTION.serializer},
        examples=_CREATE_EXAMPLES,
    )
    @idempotent
    def create(self, request: Request) -> Response:
        data = validated(ConnectionCreate, request.data)
        connection = connection_create(
            org_id=self.org.id,
            piece_name=data["pieceName"],
            project_id=data.get("projectId"),
            display_name=data["displayName"],
            external_id=data.get("externalId"),
            value=data["value"],
            actor=self.client.actor,
        )
        return Response(render_connection(connection), status=http.HTTP_201_CREATED)

    @extend_schema(
        operation_id="updateConnection",
        summary="Update a connection",
        description="Changes any of `displayName`, `value` (validated as on create; the status "
        "returns to ACTIVE) and `status`.",
        parameters=[_ID],
        request=ConnectionUpdate,
        responses=CONNECTION.serializer,
        examples=[
            OpenApiExample("Mark it broken", value={"status": "ERROR"}, request_only=True),
        ],
    )
    def partial_update(self, request: Request, id: str) -> Response:
        data = validated(ConnectionUpdate, request.data)
        connection = connection_update(
            connection=self._find(id),
            actor=self.client.actor,
            display_name=data.get("displayName"),
            value=data.get("value"),
            status=data.get("status"),
        )
        return Response(render_connection(connection))

    @extend_schema(
        operation_id="deleteConnection",
        summary="Delete a connection",
        description="Permanent. A policy that pointed at it keeps existing without a connection "
        "(`connectionId: null`), so resolution through it answers CONNECTION_REQUIRED.",
        parameters=[_ID],
        responses={200: Success},
    )
    def destroy(self, request: Request, id: str) -> Response:
        connection_delete(connection=self._find(id), actor=self.client.actor)
        return Response({"success": True})


class PieceViewSet(ViewSet):
    """The catalog is the same for every organization; any valid key may read it."""

    lookup_url_kwarg = "name"
    lookup_value_regex = "[^/]+"

    @extend_schema(
        operation_id="listPieces",
        summary="List the piece catalog",
        description="Every piece this installation accepts credentials for, by name, on one "
        "page (`next` is always null).",
        responses=page_serializer(PIECE.serializer),
    )
    def list(self, request: Request) -> Response:
        return Response({"data": [render_piece(p) for p in piece_list()], "next": None})

    @extend_schema(
        operation_id="getPiece",
        summary="Get a piece",
        description="One piece of the catalog: the value types it accepts and, for "
        "CUSTOM_AUTH, the props a value must carry.",
        parameters=[
            OpenApiParameter(
                "name",
                {"type": "string", "minLength": 1, "maxLength": 100},
                OpenApiParameter.PATH,
                description="The piece's name, e.g. `slack`.",
            )
        ],
        responses=PIECE.serializer,
    )
    def retrieve(self, request: Request, name: str) -> Response:
        piece = piece_get(name)
        if piece is None:
            raise NotFound("No such piece.")
        return Response(render_piece(piece))
