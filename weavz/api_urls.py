"""The API's routes, under /api/v1/: ``weavz.urls`` mounts them, and
``weavz.api.middleware.ApiDispatchMiddleware`` resolves API requests against them alone
(``settings.API_URLCONF``)."""

from django.urls import path

from actions.views import ExecuteView, ProxyView
from connect import pages as connect_pages
from connect.views import ConnectSessionViewSet
from connections.views import ConnectionViewSet, PieceViewSet
from oauth.views import ConnectionRefreshView, OAuthAppViewSet
from orgs.views import AuditEventViewSet, ProjectViewSet
from policies.views import PolicyViewSet, ResolveView
from weavz.api.routers import ApiRouter
from weavz.api.schema import SchemaView
from webhooks.views import WebhookDeliveryViewSet, WebhookEndpointViewSet

router = ApiRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register("connections", ConnectionViewSet, basename="connection")
router.register("pieces", PieceViewSet, basename="piece")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("connect/sessions", ConnectSessionViewSet, basename="connect-session")
router.register("oauth-apps", OAuthAppViewSet, basename="oauth-app")
router.register("webhook-endpoints", WebhookEndpointViewSet, basename="webhook-endpoint")
router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")

urlpatterns = [
    path("schema", SchemaView.as_view(), name="schema"),
    # A page for browsers coming back from an OAuth provider, not a JSON endpoint.
    path("connect/oauth/callback", connect_pages.oauth_callback, name="connect-oauth-callback"),
    # Before the router, so `connections/<pk>` does not swallow it.
    path("connections/resolve", ResolveView.as_view(), name="connection-resolve"),
    path(
        "connections/<str:id>/refresh", ConnectionRefreshView.as_view(), name="connection-refresh"
    ),
    # Explicit routes: PUT on the collection (create or replace) is not a router action. The
    # action is not named `put`: DRF dispatches a method named like a verb on every route of the
    # viewset, so PUT on a policy's own route would call it (a 500) instead of answering 405.
    path(
        "policies",
        PolicyViewSet.as_view({"get": "list", "put": "create_or_replace"}),
        name="policy-list",
    ),
    path(
        "policies/<str:id>",
        PolicyViewSet.as_view({"get": "retrieve", "delete": "destroy"}),
        name="policy-detail",
    ),
    path("actions/execute", ExecuteView.as_view(), name="action-execute"),
    path("proxy/<str:piece_name>/<path:path>", ProxyView.as_view(), name="proxy"),
    *router.urls,
]
