"""Webhook endpoints' and deliveries' shapes (one ``Shape`` each) and request bodies.

What an endpoint may subscribe to and where it may point is checked by the services
(``webhooks.services.url_errors``, ``events_errors``), which the console's form calls too.
"""

from typing import Any

from rest_framework import serializers

from weavz.api.render import Shape, Timestamp
from weavz.api.serializers import StrictSerializer
from webhooks.models import SUBSCRIPTIONS, DeliveryStatus, WebhookEndpoint


def _events(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=SUBSCRIPTIONS),
        help_text='Event types, or ["*"] for every type.',
        **kwargs,
    )


WEBHOOK_ENDPOINT = Shape(
    "WebhookEndpoint",
    id=("id", serializers.CharField()),
    url=("url", serializers.URLField()),
    events=("events", _events()),
    enabled=("enabled", serializers.BooleanField()),
    createdAt=("created_at", Timestamp()),
    updatedAt=("updated_at", Timestamp()),
)
render_endpoint = WEBHOOK_ENDPOINT.render

# An endpoint with its signing secret: the answer to create and rotate-secret only.
WebhookEndpointWithSecret = type(
    "WebhookEndpointWithSecret",
    (WEBHOOK_ENDPOINT.serializer,),
    {"secret": serializers.CharField(help_text="`whsec_…`: shown once; store it to verify.")},
)


def render_endpoint_with_secret(endpoint: WebhookEndpoint, secret: str) -> dict[str, Any]:
    return {**render_endpoint(endpoint), "secret": secret}


WEBHOOK_DELIVERY = Shape(
    "WebhookDelivery",
    id=("id", serializers.CharField()),
    eventId=("event_id", serializers.CharField()),
    eventType=("event.type", serializers.CharField()),
    status=("status", serializers.ChoiceField(choices=DeliveryStatus.choices)),
    attempts=("attempts", serializers.IntegerField()),
    lastStatusCode=("last_status_code", serializers.IntegerField(allow_null=True)),
    nextAttemptAt=("next_attempt_at", Timestamp(allow_null=True)),
)
render_delivery = WEBHOOK_DELIVERY.render


class WebhookEndpointCreate(StrictSerializer):
    """Where to send which events; the egress rules apply to the URL."""

    url = serializers.URLField(max_length=2048)
    events = _events(min_length=1, max_length=len(SUBSCRIPTIONS))


class WebhookEndpointUpdate(StrictSerializer):
    """Any of the fields; absent ones are left as they are."""

    url = serializers.URLField(required=False, max_length=2048)
    events = _events(required=False, min_length=1, max_length=len(SUBSCRIPTIONS))
    enabled = serializers.BooleanField(
        required=False, help_text="`true` re-enables an endpoint a `410` disabled."
    )
