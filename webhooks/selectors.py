"""Every read of webhook endpoints and deliveries (API, console, delivery); each names its org.

Endpoints are read without their sealed secrets (``defer``): only signing decrypts them.
"""

from django.db.models import QuerySet

from weavz.api.filters import Filter, Filters
from weavz.api.pagination import Page, PageRequest, keyset_page
from weavz.api.sql import ModelColumns, OrgStatements, org_queryset
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

ENDPOINT_FILTERS = Filters()
DELIVERY_FILTERS = Filters(
    Filter(
        "status",
        "status",
        "Only deliveries in this status.",
        choices=DeliveryStatus.values,
        component="WebhookDeliveryStatus",
    ),
)


def endpoints(*, org_id: str) -> "QuerySet[WebhookEndpoint]":
    return org_queryset(WebhookEndpoint, org_id).defer("signing_secrets")


def endpoint_get(*, org_id: str, endpoint_id: str) -> WebhookEndpoint | None:
    return endpoints(org_id=org_id).filter(pk=endpoint_id).first()


def endpoint_page(*, org_id: str, page: PageRequest) -> Page[WebhookEndpoint]:
    return keyset_page(endpoints(org_id=org_id), page)


_SUBSCRIBER = ModelColumns(WebhookEndpoint, "w", only=("id", "org", "events"))
_SUBSCRIBERS = OrgStatements(_SUBSCRIBER)


def subscribed_endpoints(*, org_id: str, event_type: str) -> list[WebhookEndpoint]:
    """The org's enabled endpoints that take this event type: one indexed query per audited
    change (orgs have few endpoints, so the event filter runs here, on any database)."""
    rows = _SUBSCRIBERS.all(org_id=org_id, filters={"enabled": True})
    enabled: list[WebhookEndpoint] = [_SUBSCRIBER.instance(row) for row in rows]
    return [endpoint for endpoint in enabled if endpoint.subscribes_to(event_type)]


def deliveries(*, org_id: str) -> "QuerySet[WebhookDelivery]":
    """Deliveries with their event's type (not its body), newest first when paged by id."""
    return org_queryset(WebhookDelivery, org_id).select_related("event").defer("event__body")


def delivery_page(
    *, org_id: str, endpoint_id: str, filters: dict[str, str], page: PageRequest
) -> Page[WebhookDelivery]:
    """A page of one endpoint's deliveries; ``filters`` as parsed by ``DELIVERY_FILTERS``."""
    return keyset_page(deliveries(org_id=org_id).filter(endpoint_id=endpoint_id, **filters), page)


def delivery_get(*, org_id: str, delivery_id: str) -> WebhookDelivery | None:
    return deliveries(org_id=org_id).filter(pk=delivery_id).first()
