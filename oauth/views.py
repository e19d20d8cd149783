"""The OAuth apps API (/api/v1/oauth-apps) and the forced refresh of a connection's token
(POST /api/v1/connections/:id/refresh, here because ``connections`` never imports ``oauth``)."""

from typing import cast

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status as http
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from connections.serializers import CONNECTION, Success, render_connection
from oauth.models import OAuthApp
from oauth.selectors import OAUTH_APP_FILTERS, oauth_app_get, oauth_app_page
from oauth.serializers import OAUTH_APP, OAuthAppCreate, OAuthAppUpdate, render_oauth_app
from oauth.services import (
    connection_refresh,
    oauth_app_create,
    oauth_app_delete,
    oauth_app_update,
)
from orgs.auth import ApiClient
from orgs.models import Scope
from orgs.viewsets import OrgScopedViewSet, id_parameter
from weavz.api.errors import NotFound
from weavz.api.pagination import page_serializer
from weavz.api.serializers import validated

_ID = id_parameter("oapp", "The OAuth app's id.")


class OAuthAppViewSet(OrgScopedViewSet):
    lookup_url_kwarg = "id"
    lookup_value_regex = "[^/]+"
    read_scope = Scope.OAUTH_APPS_READ
    write_scope = Scope.OAUTH_APPS_WRITE

    def _find(self, app_id: str) -> OAuthApp:
        found = oauth_app_get(org_id=self.org.id, app_id=app_id)
        if found is None:
            raise NotFound("No such OAuth app.")
        return found

    @extend_schema(
        operation_id="listOAuthApps",
        summary="List OAuth apps",
        description="The organization's OAuth apps, newest first. The client secret is never "
        "returned.",
        parameters=OAUTH_APP_FILTERS.parameters(),
        responses=page_serializer(OAUTH_APP.serializer),
    )
    def list(self, request: Request) -> Response:
        _filters, page = OAUTH_APP_FILTERS.parse(request.query_params)
        return Response(oauth_app_page(org_id=self.org.id, page=page).render(render_oauth_app))

    @extend_schema(
        operation_id="getOAuthApp",
        summary="Get an OAuth app",
        description="One OAuth app; the client secret is write-only.",
        parameters=[_ID],
        responses=OAUTH_APP.serializer,
    )
    def retrieve(self, request: Request, id: str) -> Response:
        return Response(render_oauth_app(self._find(id)))

    @extend_schema(
        operation_id="createOAuthApp",
        summary="Register an OAuth app",
        description="One app per piece and organization (a second is 409). `clientSecret` is "
        "stored encrypted and never returned; `redirectUri` is this service's callback.",
        request=OAuthAppCreate,
        responses={201: OAUTH_APP.serializer},
        examples=[
            OpenApiExample(
                "The organization's Slack app",
                value={
                    "pieceName": "slack",
                    "clientId": "1234.5678",
                    "clientSecret": "s3cr3t",
                    "scopes": ["chat:write", "channels:read"],
                },
                request_only=True,
            )
        ],
    )
    def create(self, request: Request) -> Response:
        data = validated(OAuthAppCreate, request.data)
        app = oauth_app_create(
            org=self.org,
            piece_name=data["pieceName"],
            client_id=data["clientId"],
            client_secret=data["clientSecret"],
            scopes=data.get("scopes", []),
            actor=self.client.actor,
        )
        return Response(render_oauth_app(app), status=http.HTTP_201_CREATED)

    @extend_schema(
        operation_id="updateOAuthApp",
        summary="Change an OAuth app",
        description="Any of `clientId`, `clientSecret`, `scopes`.",
        parameters=[_ID],
        request=OAuthAppUpdate,
        responses=OAUTH_APP.serializer,
    )
    def partial_update(self, request: Request, id: str) -> Response:
        data = validated(OAuthAppUpdate, request.data)
        app = oauth_app_update(
            app=self._find(id),
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
        parameters=[_ID],
        responses=Success,
    )
    def destroy(self, request: Request, id: str) -> Response:
        oauth_app_delete(app=self._find(id), actor=self.client.actor)
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
        parameters=[id_parameter("conn", "The connection's id.")],
        request=None,
        responses=CONNECTION.serializer,
    )
    def post(self, request: Request, id: str) -> Response:
        client = cast(ApiClient, request.user)
        connection = connection_refresh(org_id=client.org.id, connection_id=id, actor=client.actor)
        return Response(render_connection(connection))
