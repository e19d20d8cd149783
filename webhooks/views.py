"""The Webhooks API: /api/v1/webhook-endpoints and /api/v1/webhook-deliveries/:id/retry."""

from drf_spectacular.utils import extend_schema
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from connections.serializers import Success
from orgs.models import Scope
from orgs.viewsets import OrgScopedViewSet, id_parameter
from weavz.api.errors import NotFound
from weavz.api.pagination import page_serializer
from weavz.api.render import no_store
from weavz.api.serializers import validated
from webhooks.models import WebhookEndpoint
from webhooks.selectors import (
    DELIVERY_FILTERS,
    ENDPOINT_FILTERS,
    delivery_get,
    delivery_page,
    endpoint_get,
    endpoint_page,
)
from webhooks.serializers import (
    WEBHOOK_DELIVERY,
    WEBHOOK_ENDPOINT,
    WebhookEndpointCreate,
    WebhookEndpointUpdate,
    WebhookEndpointWithSecret,
    render_delivery,
    render_endpoint,
    render_endpoint_with_secret,
)
from webhooks.services import (
    delivery_retry,
    endpoint_create,
    endpoint_delete,
    endpoint_rotate_secret,
    endpoint_test,
    endpoint_update,
)

# One tag for both collections, so a generated client groups them (clients/python: webhooks).
_TAG = ["webhooks"]
_ID = id_parameter("whe", "The webhook endpoint's id.")


class WebhookEndpointViewSet(OrgScopedViewSet):
    lookup_url_kwarg = "id"
    read_scope = Scope.WEBHOOKS_READ
    write_scope = Scope.WEBHOOKS_WRITE

    def _find(self, endpoint_id: str) -> WebhookEndpoint:
        found = endpoint_get(org_id=self.org.id, endpoint_id=endpoint_id)
        if found is None:
            raise NotFound("No such webhook endpoint.")
        return found

    @extend_schema(
        operation_id="listWebhookEndpoints",
        summary="List webhook endpoints",
        description="The organization's endpoints, newest first. Secrets are never listed.",
        parameters=ENDPOINT_FILTERS.parameters(),
        responses=page_serializer(WEBHOOK_ENDPOINT.serializer),
        tags=_TAG,
    )
    def list(self, request: Request) -> Response:
        _filters, page = ENDPOINT_FILTERS.parse(request.query_params)
        return Response(endpoint_page(org_id=self.org.id, page=page).render(render_endpoint))

    @extend_schema(
        operation_id="createWebhookEndpoint",
        summary="Create a webhook endpoint",
        description="The URL obeys the egress rules (a private address is `403 EGRESS_DENIED`). "
        "The answer holds the signing secret (`whsec_…`), shown this once.",
        request=WebhookEndpointCreate,
        responses={201: WebhookEndpointWithSecret},
        tags=_TAG,
    )
    def create(self, request: Request) -> Response:
        data = validated(WebhookEndpointCreate, request.data)
        endpoint, secret = endpoint_create(
            org=self.org, url=data["url"], events=data["events"], actor=self.client.actor
        )
        body = render_endpoint_with_secret(endpoint, secret)
        return no_store(Response(body, status=http.HTTP_201_CREATED))

    @extend_schema(
        operation_id="getWebhookEndpoint",
        summary="Get a webhook endpoint",
        description="The endpoint, without its secret.",
        parameters=[_ID],
        responses=WEBHOOK_ENDPOINT.serializer,
        tags=_TAG,
    )
    def retrieve(self, request: Request, id: str) -> Response:
        return Response(render_endpoint(self._find(id)))

    @extend_schema(
        operation_id="updateWebhookEndpoint",
        summary="Update a webhook endpoint",
        description="Any of `url`, `events`, `enabled` (`true` re-enables an endpoint a `410` "
        "disabled).",
        parameters=[_ID],
        request=WebhookEndpointUpdate,
        responses=WEBHOOK_ENDPOINT.serializer,
        tags=_TAG,
    )
    def partial_update(self, request: Request, id: str) -> Response:
        data = validated(WebhookEndpointUpdate, request.data)
        endpoint = endpoint_update(
            endpoint=self._find(id),
            actor=self.client.actor,
            url=data.get("url"),
            events=data.get("events"),
            enabled=data.get("enabled"),
        )
        return Response(render_endpoint(endpoint))

    @extend_schema(
        operation_id="deleteWebhookEndpoint",
        summary="Delete a webhook endpoint",
        description="Permanent; its pending deliveries are never sent.",
        parameters=[_ID],
        responses=Success,
        tags=_TAG,
    )
    def destroy(self, request: Request, id: str) -> Response:
        endpoint_delete(endpoint=self._find(id), actor=self.client.actor)
        return Response({"success": True})

    @extend_schema(
        operation_id="rotateWebhookEndpointSecret",
        summary="Rotate the signing secret",
        description="A new secret, shown this once. For 24 hours every delivery carries two "
        "signatures, one per secret, so receivers switch over without losing a message.",
        parameters=[_ID],
        request=None,
        responses=WebhookEndpointWithSecret,
        tags=_TAG,
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, id: str) -> Response:
        endpoint, secret = endpoint_rotate_secret(endpoint=self._find(id), actor=self.client.actor)
        return no_store(Response(render_endpoint_with_secret(endpoint, secret)))

    @extend_schema(
        operation_id="testWebhookEndpoint",
        summary="Send a test ping",
        description="Queues a signed `ping` event to this endpoint; answers its delivery. "
        "A disabled endpoint is `409 CONFLICT`.",
        parameters=[_ID],
        request=None,
        responses={202: WEBHOOK_DELIVERY.serializer},
        tags=_TAG,
    )
    @action(detail=True, methods=["post"])
    def test(self, request: Request, id: str) -> Response:
        delivery = endpoint_test(endpoint=self._find(id), actor=self.client.actor)
        return Response(render_delivery(delivery), status=http.HTTP_202_ACCEPTED)

    @extend_schema(
        operation_id="listWebhookDeliveries",
        summary="List an endpoint's deliveries",
        description="Newest first, with their attempt counts and next attempt; filter by `status`.",
        parameters=[_ID, *DELIVERY_FILTERS.parameters()],
        responses=page_serializer(WEBHOOK_DELIVERY.serializer),
        tags=_TAG,
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, id: str) -> Response:
        filters, page = DELIVERY_FILTERS.parse(request.query_params)
        endpoint = self._find(id)
        rows = delivery_page(
            org_id=self.org.id, endpoint_id=endpoint.id, filters=filters, page=page
        )
        return Response(rows.render(render_delivery))


class WebhookDeliveryViewSet(OrgScopedViewSet):
    lookup_url_kwarg = "id"
    read_scope = Scope.WEBHOOKS_READ
    write_scope = Scope.WEBHOOKS_WRITE

    @extend_schema(
        operation_id="retryWebhookDelivery",
        summary="Retry a delivery",
        description="One more attempt now, with the same `webhook-id` and body. A delivery to a "
        "disabled endpoint is `409 CONFLICT`.",
        parameters=[id_parameter("whd", "The delivery's id.")],
        request=None,
        responses={202: WEBHOOK_DELIVERY.serializer},
        tags=_TAG,
    )
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, id: str) -> Response:
        found = delivery_get(org_id=self.org.id, delivery_id=id)
        if found is None:
            raise NotFound("No such webhook delivery.")
        delivery = delivery_retry(delivery=found, actor=self.client.actor)
        return Response(render_delivery(delivery), status=http.HTTP_202_ACCEPTED)
