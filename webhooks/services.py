"""Webhook endpoint and delivery services: each is one transaction that writes its audit event.

A signing secret exists in plaintext only here (returned once by create and rotate) and inside
the delivery attempt that signs with it; audit metadata holds field names, never the URL (which
may carry a token of the customer's) or a secret.
"""

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from orgs.audit import audit_record
from orgs.models import Organization
from weavz.api.errors import Conflict, ValidationFailed
from weavz.egress import check_url
from webhooks.delivery import enqueue_attempt
from webhooks.events import publish
from webhooks.models import (
    ALL_EVENTS,
    EVENT_TYPES,
    PING,
    SUBSCRIPTIONS,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from webhooks.signing import ROTATION_OVERLAP, generate_secret

_SCHEMES = ("http://", "https://")


def events_errors(events: Sequence[str]) -> list[str]:
    """Why a list of event types cannot be subscribed to (empty when it can); the API and the
    console both check with this."""
    if not events:
        return ["Name at least one event type, or `*` for all."]
    unknown = sorted(set(events) - set(SUBSCRIPTIONS))
    if unknown:
        return [f"Unknown event type(s): {', '.join(unknown)}. Known: {', '.join(EVENT_TYPES)}."]
    if ALL_EVENTS in events and len(set(events)) > 1:
        return ["`*` already means every event type; send it alone."]
    return []


def url_errors(url: str) -> list[str]:
    if not url.lower().startswith(_SCHEMES):
        return ["Must be an http:// or https:// URL."]
    return []


def _check(*, url: str | None, events: Sequence[str] | None) -> None:
    """VALIDATION_ERROR naming each field ``url_errors`` or ``events_errors`` objects to."""
    errors = {
        field: problems
        for field, problems in (
            ("url", url_errors(url) if url is not None else []),
            ("events", events_errors(events) if events is not None else []),
        )
        if problems
    }
    if errors:
        raise ValidationFailed(errors)


def _deduplicated(events: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(events))


@transaction.atomic
def endpoint_create(
    *, org: Organization, url: str, events: Sequence[str], actor: str
) -> tuple[WebhookEndpoint, str]:
    """The endpoint and its signing secret: the only time the secret is returned."""
    _check(url=url, events=events)
    check_url(url)  # the egress rules, at creation too: EGRESS_DENIED for a private address
    secret = generate_secret()
    endpoint = WebhookEndpoint(
        org=org,
        url=url,
        events=_deduplicated(events),
        signing_secrets={"current": secret, "previous": None},
    )
    endpoint.save(force_insert=True)
    audit_record(
        org_id=org.id,
        action="webhook_endpoint.created",
        actor=actor,
        target_id=endpoint.id,
        metadata={"events": endpoint.events},
    )
    return endpoint, secret


@transaction.atomic
def endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    actor: str,
    url: str | None = None,
    events: Sequence[str] | None = None,
    enabled: bool | None = None,
) -> WebhookEndpoint:
    _check(url=url, events=events)
    changed: list[str] = []
    if url is not None and url != endpoint.url:
        check_url(url)
        endpoint.url = url
        changed.append("url")
    if events is not None and _deduplicated(events) != endpoint.events:
        endpoint.events = _deduplicated(events)
        changed.append("events")
    if enabled is not None and enabled != endpoint.enabled:
        endpoint.enabled = enabled
        endpoint.disabled_reason = ""
        changed += ["enabled", "disabled_reason"]
    if changed:
        endpoint.save(update_fields=[*changed, "updated_at"])
        audit_record(
            org_id=endpoint.org_id,
            action="webhook_endpoint.updated",
            actor=actor,
            target_id=endpoint.id,
            metadata={"fields": [f for f in changed if f != "disabled_reason"]},
        )
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint, actor: str) -> None:
    """Permanent; its deliveries go with it (pending ones are never sent)."""
    audit_record(
        org_id=endpoint.org_id,
        action="webhook_endpoint.deleted",
        actor=actor,
        target_id=endpoint.id,
    )
    endpoint.delete()


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: WebhookEndpoint, actor: str) -> tuple[WebhookEndpoint, str]:
    """A new current secret; the one it replaces keeps signing for ``ROTATION_OVERLAP``.

    A rotation during another's overlap drops the oldest secret: two sign at most.
    """
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    now = timezone.now()
    previous = locked.active_secrets(now)[0]
    secret = generate_secret()
    locked.signing_secrets = {"current": secret, "previous": previous}
    locked.previous_secret_expires_at = now + ROTATION_OVERLAP
    locked.save(update_fields=["signing_secrets", "previous_secret_expires_at", "updated_at"])
    audit_record(
        org_id=locked.org_id,
        action="webhook_endpoint.secret_rotated",
        actor=actor,
        target_id=locked.id,
        metadata={"previousExpiresAt": locked.previous_secret_expires_at.isoformat()},
    )
    return locked, secret


def _require_enabled(endpoint: WebhookEndpoint) -> None:
    if not endpoint.enabled:
        raise Conflict("The webhook endpoint is disabled; enable it (PATCH enabled: true) first.")


@transaction.atomic
def endpoint_test(*, endpoint: WebhookEndpoint, actor: str) -> WebhookDelivery:
    """Sends a ``ping`` event to this endpoint alone (signed and retried like any other)."""
    _require_enabled(endpoint)
    audit = audit_record(
        org_id=endpoint.org_id,
        action="webhook_endpoint.tested",
        actor=actor,
        target_id=endpoint.id,
    )
    event = publish(
        org_id=endpoint.org_id,
        event_id=audit.id,
        event_type=PING,
        created_at=audit.created_at,
        data={"endpointId": endpoint.id},
        endpoints=[endpoint],
    )
    return event.deliveries.select_related("event").get()


@transaction.atomic
def delivery_retry(*, delivery: WebhookDelivery, actor: str) -> WebhookDelivery:
    """One more attempt, now, with the same ``webhook-id`` and body. A failed delivery whose
    schedule is used up gets that one attempt; an earlier one carries on with its schedule."""
    locked = (
        WebhookDelivery.objects.select_for_update(of=("self",))
        .select_related("endpoint", "event")
        .get(pk=delivery.pk)
    )
    _require_enabled(locked.endpoint)
    locked.status = DeliveryStatus.PENDING
    locked.next_attempt_at = timezone.now()
    locked.save(update_fields=["status", "next_attempt_at", "updated_at"])
    enqueue_attempt(locked)
    audit_record(
        org_id=locked.org_id,
        action="webhook_delivery.retried",
        actor=actor,
        target_id=locked.id,
        metadata={"endpointId": locked.endpoint_id, "eventId": locked.event_id},
    )
    return locked


def webhook_events_purge(*, batch_size: int = 1000) -> int:
    """Deletes events older than ``WEBHOOK_RETENTION_DAYS`` whose deliveries are all finished
    (their deliveries and attempts go with them), in short batches; returns how many."""
    cutoff = timezone.now() - timedelta(days=settings.WEBHOOK_RETENTION_DAYS)
    old = WebhookEvent.objects.filter(created_at__lt=cutoff).exclude(
        deliveries__status=DeliveryStatus.PENDING
    )
    deleted = 0
    while batch := list(old.values_list("pk", flat=True)[:batch_size]):
        WebhookEvent.objects.filter(pk__in=batch).delete()
        deleted += len(batch)
    return deleted
