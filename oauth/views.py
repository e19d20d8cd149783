"""The OAuth apps API (/api/v1/oauth-apps) and the forced refresh of a connection's token
(POST /api/v1/connections/:id/refresh, here because ``connections`` never imports ``oauth``)."""

from typing import Any, cast

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status as http
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from connections.models import Connection, Piece
from connections.selectors import connection_row
from connections.serializers import ConnectionSerializer, SuccessSerializer, render_connection
from oauth.models import OAuthApp
from oauth.refresh import Outcome, force_refresh
from oauth.selectors import oauth_apps
from oauth.serializers import (
    OAuthAppCreateSerializer,
    OAuthAppSerializer,
    OAuthAppUpdateSerializer,
    render_oauth_app,
)
from oauth.services import InvalidOAuthApp, oauth_app_create, oauth_app_delete, oauth_app_update
from orgs.auth import ApiClient
from orgs.models import Scope
from orgs.viewsets import OrgScopedViewSet
from weavz.api.errors import Conflict, UpstreamUnavailable
from weavz.api.serializers import validated


class OAuthAppViewSet(OrgScopedViewSet):
    queryset = OAuthApp.objects.all()
    serializer_class = OAuthAppSerializer
    read_scope = Scope.OAUTH_APPS_READ
    write_scope = Scope.OAUTH_APPS_WRITE
    lookup_value_regex = "[^/]+"

    def scoped_queryset(self) -> "QuerySet[Any]":
        return oauth_apps(org_id=self.org.id)

    def _find(self, pk: str) -> OAuthApp:
        found = self.get_queryset().filter(pk=pk).first()
        if found is None:
            raise NotFound("No such OAuth app.")
        return cast(OAuthApp, found)

    @extend_schema(
        operation_id="listOAuthApps",
        summary="List OAuth apps",
        description="The organization's OAuth apps, newest first. The client secret is never "
        "returned.",
        responses=OAuthAppSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        return self.get_paginated_response([render_oauth_app(a) for a in page])

    @extend_schema(
        operation_id="getOAuthApp",
        summary="Get an OAuth app",
        description="One OAuth app; the client secret is write-only.",
        responses=OAuthAppSerializer,
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(render_oauth_app(self._find(pk)))

    @extend_schema(
        operation_id="createOAuthApp",
        summary="Register an OAuth app",
        description="One app per piece and organization (a second is 409). `clientSecret` is "
        "stored encrypted and never returned; `redirectUri` is this service's callback.",
        request=OAuthAppCreateSerializer,
        responses={201: OAuthAppSerializer},
    )
    def create(self, request: Request) -> Response:
        data = validated(OAuthAppCreateSerializer, request.data)
        piece = Piece.objects.filter(pk=data["pieceName"]).first()
        if piece is None:
            raise ValidationError({"pieceName": [f"Unknown piece {data['pieceName']!r}."]})
        try:
            app = oauth_app_create(
                org=self.org,
                piece=piece,
                client_id=data["clientId"],
                client_secret=data["clientSecret"],
                scopes=data.get("scopes", []),
                actor=self.client.actor,
            )
        except InvalidOAuthApp as exc:
            raise ValidationError(exc.details) from None
        return Response(render_oauth_app(app), status=http.HTTP_201_CREATED)

    @extend_schema(
        operation_id="updateOAuthApp",
        summary="Change an OAuth app",
        description="Any of `clientId`, `clientSecret`, `scopes`.",
        request=OAuthAppUpdateSerializer,
        responses=OAuthAppSerializer,
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        data = validated(OAuthAppUpdateSerializer, request.data)
        app = oauth_app_update(
            app=OAuthApp.objects.get(pk=self._find(pk).pk),
            actor=self.client.actor,
            client_id=data.get("clientId"),
            client_secret=data.get("clientSecret"),
            scopes=data.get("scopes"),
        )
        return Response(render_oauth_app(app))

    @extend_schema(
        operation_id="deleteOAuthApp",
        summary="Delete an OAuth app",
        description="Permanent. Connections keep their tokens; refreshing ones that rely on "
        "this app's credentials then fails.",
        responses=SuccessSerializer,
    )
    def destroy(self, request: Request, pk: str) -> Response:
        oauth_app_delete(app=self._find(pk), actor=self.client.actor)
        return Response({"success": True})


class ConnectionRefreshView(APIView):
    def required_scope(self, request: Request) -> str:
        return Scope.CONNECTIONS_WRITE

    @extend_schema(
        operation_id="refreshConnection",
        summary="Refresh a connection's OAuth2 token now",
        description="Sends one token request (single flight with any other refresh of the "
        "connection) and answers the connection object: `ACTIVE` after a refresh, `ERROR` when "
        "the provider rejected the refresh token, `EXPIRED` when it expired with nothing to "
        "refresh it with. No usable answer from the provider is 502 (504 on a timeout); the "
        "connection then stays ACTIVE and is retried by the sweep. A connection that cannot be "
        "refreshed (not OAuth2, no refresh token, token URL or client credentials) is 409.",
        request=None,
        responses=ConnectionSerializer,
    )
    def post(self, request: Request, pk: str) -> Response:
        client = cast(ApiClient, request.user)
        if connection_row(org_id=client.org.id, connection_id=pk) is None:
            raise NotFound("No such connection.")
        try:
            result = force_refresh(connection_id=pk, actor=client.actor)
        except Connection.DoesNotExist:  # deleted a moment ago
            raise NotFound("No such connection.") from None
        if result.outcome == Outcome.FAILED:
            raise result.error or UpstreamUnavailable(
                f"{result.detail} The connection stays ACTIVE; the refresh is retried later."
            )
        if result.outcome == Outcome.NOT_REFRESHABLE:
            raise Conflict(result.detail)
        return Response(render_connection(result.connection))
