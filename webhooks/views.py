"""The Webhooks API: /api/v1/webhook-endpoints and /api/v1/webhook-deliveries/:id/retry."""

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from connections.serializers import Success
from orgs.models import Scope
from orgs.viewsets import OrgScopedViewSet
from weavz.api.errors import NotFound, ValidationFailed
from weavz.api.filters import PAGE_PARAMETERS
from weavz.api.pagination import PageRequest, keyset_page, page_serializer
from weavz.api.serializers import validated
from webhooks import selectors
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from webhooks.serializers import (
    WebhookDeliverySerializer,
    WebhookEndpointCreateSerializer,
    WebhookEndpointSerializer,
    WebhookEndpointUpdateSerializer,
    WebhookEndpointWithSecretSerializer,
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

_TAG = ["webhooks"]
_STATUS = OpenApiParameter(
    "status", OpenApiTypes.STR, enum=DeliveryStatus.values, description="Only these deliveries."
)


class WebhookEndpointViewSet(OrgScopedViewSet):
    queryset = WebhookEndpoint.objects.all()
    serializer_class = WebhookEndpointSerializer
    read_scope = Scope.WEBHOOKS_READ
    write_scope = Scope.WEBHOOKS_WRITE

    def scoped_queryset(self) -> "QuerySet[WebhookEndpoint]":
        return selectors.endpoints(org_id=self.org.id)

    def _find(self, pk: str) -> WebhookEndpoint:
        found = selectors.endpoint_of(org_id=self.org.id, endpoint_id=pk)
        if found is None:
            raise NotFound("No such webhook endpoint.")
        return found

    @extend_schema(
        operation_id="listWebhookEndpoints",
        summary="List webhook endpoints",
        description="The organization's endpoints, newest first. Secrets are never listed.",
        parameters=PAGE_PARAMETERS,
        responses=page_serializer(WebhookEndpointSerializer),
        tags=_TAG,
    )
    def list(self, request: Request) -> Response:
        page = PageRequest.from_query(request.query_params)
        return Response(keyset_page(self.get_queryset(), page).render(render_endpoint))

    @extend_schema(
        operation_id="createWebhookEndpoint",
        summary="Create a webhook endpoint",
        description="The URL obeys the egress rules (a private address is `403 EGRESS_DENIED`). "
        "The answer holds the signing secret (`whsec_…`), shown this once.",
        request=WebhookEndpointCreateSerializer,
        responses={201: WebhookEndpointWithSecretSerializer},
        tags=_TAG,
    )
    def create(self, request: Request) -> Response:
        data = validated(WebhookEndpointCreateSerializer, request.data)
        endpoint, secret = endpoint_create(
            org=self.org, url=data["url"], events=data["events"], actor=self.client.actor
        )
        response = Response(
            render_endpoint_with_secret(endpoint, secret), status=http.HTTP_201_CREATED
        )
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(
        operation_id="getWebhookEndpoint",
        summary="Get a webhook endpoint",
        description="The endpoint, without its secret.",
        responses=WebhookEndpointSerializer,
        tags=_TAG,
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(render_endpoint(self._find(pk)))

    @extend_schema(
        operation_id="updateWebhookEndpoint",
        summary="Update a webhook endpoint",
        description="Any of `url`, `events`, `enabled` (`true` re-enables an endpoint a `410` "
        "disabled).",
        request=WebhookEndpointUpdateSerializer,
        responses=WebhookEndpointSerializer,
        tags=_TAG,
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        data = validated(WebhookEndpointUpdateSerializer, request.data)
        endpoint = endpoint_update(
            endpoint=self._find(pk),
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
        responses=Success,
        tags=_TAG,
    )
    def destroy(self, request: Request, pk: str) -> Response:
        endpoint_delete(endpoint=self._find(pk), actor=self.client.actor)
        return Response({"success": True})

    @extend_schema(
        operation_id="rotateWebhookEndpointSecret",
        summary="Rotate the signing secret",
        description="A new secret, shown this once. For 24 hours every delivery carries two "
        "signatures, one per secret, so receivers switch over without losing a message.",
        request=None,
        responses=WebhookEndpointWithSecretSerializer,
        tags=_TAG,
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, pk: str) -> Response:
        endpoint, secret = endpoint_rotate_secret(endpoint=self._find(pk), actor=self.client.actor)
        response = Response(render_endpoint_with_secret(endpoint, secret))
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(
        operation_id="testWebhookEndpoint",
        summary="Send a test ping",
        description="Queues a signed `ping` event to this endpoint; answers its delivery. "
        "A disabled endpoint is `409 CONFLICT`.",
        request=None,
        responses={202: WebhookDeliverySerializer},
        tags=_TAG,
    )
    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk: str) -> Response:
        delivery = endpoint_test(endpoint=self._find(pk), actor=self.client.actor)
        return Response(render_delivery(delivery), status=http.HTTP_202_ACCEPTED)

    @extend_schema(
        operation_id="listWebhookDeliveries",
        summary="List an endpoint's deliveries",
        description="Newest first, with their attempt counts and next attempt.",
        parameters=[_STATUS, *PAGE_PARAMETERS],
        responses=page_serializer(WebhookDeliverySerializer),
        tags=_TAG,
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, pk: str) -> Response:
        status = request.query_params.get("status")
        if status is not None and status not in DeliveryStatus.values:
            raise ValidationFailed({"status": [f"Must be one of {', '.join(DeliveryStatus)}."]})
        page = PageRequest.from_query(request.query_params)
        endpoint = self._find(pk)
        queryset = selectors.deliveries(org_id=self.org.id, endpoint_id=endpoint.id, status=status)
        return Response(keyset_page(queryset, page).render(render_delivery))


class WebhookDeliveryViewSet(OrgScopedViewSet):
    queryset = WebhookDelivery.objects.all()
    serializer_class = WebhookDeliverySerializer
    read_scope = Scope.WEBHOOKS_READ
    write_scope = Scope.WEBHOOKS_WRITE

    @extend_schema(
        operation_id="retryWebhookDelivery",
        summary="Retry a delivery",
        description="One more attempt now, with the same `webhook-id` and body. A delivery to a "
        "disabled endpoint is `409 CONFLICT`.",
        request=None,
        responses={202: WebhookDeliverySerializer},
        tags=_TAG,
    )
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str) -> Response:
        found = selectors.delivery_of(org_id=self.org.id, delivery_id=pk)
        if found is None:
            raise NotFound("No such webhook delivery.")
        delivery = delivery_retry(delivery=found, actor=self.client.actor)
        return Response(render_delivery(delivery), status=http.HTTP_202_ACCEPTED)
