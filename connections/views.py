"""The Connections API (/api/v1/connections) and the piece catalog (/api/v1/pieces)."""

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status as http
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import ViewSet

from connections.models import Connection, ConnectionStatus, Piece
from connections.selectors import LIST_FILTERS, connection_page, connection_row
from connections.serializers import (
    ConnectionCreateSerializer,
    ConnectionSerializer,
    ConnectionUpdateSerializer,
    PieceListSerializer,
    PieceSerializer,
    RevealedConnectionSerializer,
    SuccessSerializer,
    render_connection,
    render_piece,
)
from connections.services import (
    connection_create,
    connection_delete,
    connection_reveal,
    connection_update,
)
from orgs.models import Project, Scope
from orgs.viewsets import OrgScopedViewSet
from weavz.api.idempotency import idempotent
from weavz.api.pagination import decode_cursor_token, encode_cursor_token, parse_limit
from weavz.api.render import no_store
from weavz.api.serializers import validated

_INCLUDE = OpenApiParameter(
    "include",
    OpenApiTypes.STR,
    enum=["value"],
    description="`value` adds the decrypted credentials (needs `connections:reveal`).",
)


_LIST_PARAMETERS = [
    OpenApiParameter("pieceName", OpenApiTypes.STR, description="Only this piece's connections."),
    OpenApiParameter("projectId", OpenApiTypes.STR, description="Only this project's connections."),
    OpenApiParameter(
        "externalId", OpenApiTypes.STR, description="Only this end user's connections."
    ),
    OpenApiParameter("status", OpenApiTypes.STR, enum=ConnectionStatus.values),
]


class ConnectionViewSet(OrgScopedViewSet):
    queryset = Connection.objects.all()
    read_scope = Scope.CONNECTIONS_READ
    write_scope = Scope.CONNECTIONS_WRITE
    serializer_class = ConnectionSerializer

    def scoped_queryset(self) -> "QuerySet[Connection]":
        # Metadata only: the ciphertext is never loaded where it is not decrypted.
        return Connection.objects.defer("value")

    def _find(self, pk: str, queryset: "QuerySet[Connection] | None" = None) -> Connection:
        found = (queryset if queryset is not None else self.get_queryset()).filter(pk=pk).first()
        if found is None:
            raise NotFound("No such connection.")
        return found

    @extend_schema(parameters=_LIST_PARAMETERS, responses=ConnectionSerializer(many=True))
    def list(self, request: Request) -> Response:
        params = request.query_params
        filters = {name: params[name] for name in LIST_FILTERS if name in params}
        if "status" in filters and filters["status"] not in ConnectionStatus.values:
            raise ValidationError(
                {"status": [f"Must be one of {', '.join(ConnectionStatus.values)}."]}
            )
        limit = parse_limit(params.get("limit"))
        rows, more = connection_page(
            org_id=self.org.id,
            filters=filters,
            before=decode_cursor_token(params.get("cursor")),
            limit=limit,
        )
        return Response(
            {
                "data": [render_connection(row) for row in rows],
                "next": encode_cursor_token(rows[-1].id) if more else None,
            }
        )

    @extend_schema(parameters=[_INCLUDE], responses=RevealedConnectionSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        include = request.query_params.get("include")
        if include not in (None, "value"):
            raise ValidationError({"include": ["Only `value` can be included."]})
        if include is None:
            row = connection_row(org_id=self.org.id, connection_id=pk)
            if row is None:
                raise NotFound("No such connection.")
            return Response(render_connection(row))
        if Scope.CONNECTIONS_REVEAL not in self.client.scopes:
            raise PermissionDenied("This API key lacks the `connections:reveal` scope.")
        connection = self._find(pk, self.get_queryset().defer(None))
        body = render_connection(connection)
        body["value"] = connection_reveal(connection=connection, actor=self.client.actor)
        return no_store(Response(body))

    @extend_schema(request=ConnectionCreateSerializer, responses={201: ConnectionSerializer})
    @idempotent
    def create(self, request: Request) -> Response:
        data = validated(ConnectionCreateSerializer, request.data)
        piece = Piece.objects.filter(pk=data["pieceName"]).first()
        if piece is None:
            raise ValidationError({"pieceName": [f"Unknown piece {data['pieceName']!r}."]})
        project = None
        if data.get("projectId") is not None:
            project = Project.objects.filter(org_id=self.org.id, pk=data["projectId"]).first()
            if project is None:
                raise ValidationError({"projectId": ["No such project in this organization."]})
        connection = connection_create(
            org=self.org,
            piece=piece,
            project=project,
            display_name=data["displayName"],
            external_id=data.get("externalId"),
            value=data["value"],
            actor=self.client.actor,
        )
        return Response(render_connection(connection), status=http.HTTP_201_CREATED)

    @extend_schema(request=ConnectionUpdateSerializer, responses=ConnectionSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        data = validated(ConnectionUpdateSerializer, request.data)
        connection = self._find(pk, self.get_queryset().select_related("piece"))
        connection = connection_update(
            connection=connection,
            actor=self.client.actor,
            display_name=data.get("displayName"),
            value=data.get("value"),
            status=data.get("status"),
        )
        return Response(render_connection(connection))

    @extend_schema(responses=SuccessSerializer)
    def destroy(self, request: Request, pk: str) -> Response:
        connection_delete(connection=self._find(pk), actor=self.client.actor)
        return Response({"success": True})


class PieceViewSet(ViewSet):
    """The catalog is the same for every organization; any valid key may read it."""

    lookup_value_regex = "[^/]+"

    @extend_schema(responses=PieceListSerializer)
    def list(self, request: Request) -> Response:
        return Response({"data": [render_piece(p) for p in Piece.objects.all()], "next": None})

    @extend_schema(responses=PieceSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        piece = Piece.objects.filter(pk=pk).first()
        if piece is None:
            raise NotFound("No such piece.")
        return Response(render_piece(piece))
