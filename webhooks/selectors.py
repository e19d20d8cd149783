"""Reads of webhook endpoints and deliveries; the org is part of every statement.

Endpoints are read without their sealed secrets (``defer``): only signing decrypts them.
"""

from django.db.models import QuerySet

from webhooks.models import WebhookDelivery, WebhookEndpoint


def endpoints(*, org_id: str) -> "QuerySet[WebhookEndpoint]":
    return WebhookEndpoint.objects.filter(org_id=org_id).defer("signing_secrets")


def endpoint_of(*, org_id: str, endpoint_id: str) -> WebhookEndpoint | None:
    return endpoints(org_id=org_id).filter(pk=endpoint_id).first()


def subscribed_endpoints(*, org_id: str, event_type: str) -> list[WebhookEndpoint]:
    """The org's enabled endpoints that take this event type: one indexed query per audited
    change (orgs have few endpoints, so the event filter runs here, on any database)."""
    enabled = WebhookEndpoint.objects.filter(org_id=org_id, enabled=True).only(
        "id", "org", "events"
    )
    return [endpoint for endpoint in enabled if endpoint.subscribes_to(event_type)]


def deliveries(
    *, org_id: str, endpoint_id: str | None = None, status: str | None = None
) -> "QuerySet[WebhookDelivery]":
    """Deliveries with their event's type (not its body), newest first when paged by id."""
    queryset = (
        WebhookDelivery.objects.filter(org_id=org_id).select_related("event").defer("event__body")
    )
    if endpoint_id is not None:
        queryset = queryset.filter(endpoint_id=endpoint_id)
    if status is not None:
        queryset = queryset.filter(status=status)
    return queryset


def delivery_of(*, org_id: str, delivery_id: str) -> WebhookDelivery | None:
    return deliveries(org_id=org_id).filter(pk=delivery_id).first()
