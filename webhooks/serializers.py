"""Input serializers and plain output rendering for webhook endpoints and deliveries.

The ``*Serializer`` output classes describe the rendered shapes for the OpenAPI schema.
"""

from typing import Any

from rest_framework import serializers

from weavz.api.render import iso
from weavz.api.serializers import StrictSerializer
from webhooks.models import (
    ALL_EVENTS,
    EVENT_TYPES,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
)
from webhooks.services import events_errors, url_errors


def render_endpoint(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "events": endpoint.events,
        "enabled": endpoint.enabled,
        "createdAt": iso(endpoint.created_at),
        "updatedAt": iso(endpoint.updated_at),
    }


def render_endpoint_with_secret(endpoint: WebhookEndpoint, secret: str) -> dict[str, Any]:
    """Create and rotate-secret only: the one time the signing secret is shown."""
    return {**render_endpoint(endpoint), "secret": secret}


def render_delivery(delivery: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "eventId": delivery.event_id,
        "eventType": delivery.event.type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "lastStatusCode": delivery.last_status_code,
        "nextAttemptAt": iso(delivery.next_attempt_at),
    }


_EVENT_CHOICES = [*EVENT_TYPES, ALL_EVENTS]


class _EndpointInput(StrictSerializer):
    def validate_url(self, url: str) -> str:
        problems = url_errors(url)
        if problems:
            raise serializers.ValidationError(problems)
        return url

    def validate_events(self, events: list[str]) -> list[str]:
        problems = events_errors(events)
        if problems:
            raise serializers.ValidationError(problems)
        return events


class WebhookEndpointCreateSerializer(_EndpointInput):
    url = serializers.URLField(max_length=2048)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=_EVENT_CHOICES),
        min_length=1,
        max_length=len(_EVENT_CHOICES),
    )


class WebhookEndpointUpdateSerializer(_EndpointInput):
    url = serializers.URLField(required=False, max_length=2048)
    events = serializers.ListField(
        required=False,
        child=serializers.ChoiceField(choices=_EVENT_CHOICES),
        min_length=1,
        max_length=len(_EVENT_CHOICES),
    )
    enabled = serializers.BooleanField(required=False)


class WebhookEndpointSerializer(serializers.Serializer[WebhookEndpoint]):
    id = serializers.CharField()
    url = serializers.URLField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=_EVENT_CHOICES))
    enabled = serializers.BooleanField()
    createdAt = serializers.DateTimeField()
    updatedAt = serializers.DateTimeField()


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(help_text="`whsec_…`: shown once; store it to verify.")


class WebhookDeliverySerializer(serializers.Serializer[WebhookDelivery]):
    id = serializers.CharField()
    eventId = serializers.CharField()
    eventType = serializers.CharField()
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    attempts = serializers.IntegerField()
    lastStatusCode = serializers.IntegerField(allow_null=True)
    nextAttemptAt = serializers.DateTimeField(allow_null=True)
