"""Sending one attempt of a delivery: sign, POST through the egress module, record, reschedule.

``attempt_delivery`` is what the ``deliver_webhook`` job runs: one job per attempt, each holding
its endpoint's job lock, so an endpoint's slow attempts run one at a time and never take every
worker slot from other endpoints. An attempt is claimed in a short transaction (so a job run
twice, or a retry racing a scheduled attempt, sends once), sent with no transaction open (a slow
receiver holds no row lock), and its outcome recorded with the next attempt's job in one
transaction.

Outcomes: a 2xx is success. Anything else — another status (a 3xx included: redirects are never
followed), a timeout, a refused connection, an address the egress rules refuse — is retried on
the schedule of webhooks/schedule.py, then ``FAILED``. A ``410 Gone`` disables the endpoint.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from orgs.audit import audit_record
from weavz import egress
from weavz.api.errors import ApiError
from weavz.jobs import defer, job
from webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from webhooks.schedule import retry_delay
from webhooks.signing import signed_headers

logger = logging.getLogger("weavz.webhooks")

SYSTEM_ACTOR = "system:webhooks"
USER_AGENT = "Weavz-Webhooks/1.0"


@job(queue="webhooks")
def deliver_webhook(*, delivery_id: str, attempt: int) -> None:
    attempt_delivery(delivery_id=delivery_id, attempt=attempt)


def enqueue_attempt(delivery: WebhookDelivery) -> None:
    """Queues the delivery's next attempt for ``next_attempt_at``, in the caller's transaction."""
    assert delivery.next_attempt_at is not None
    defer(
        deliver_webhook,
        run_at=delivery.next_attempt_at,
        lock=f"webhook-endpoint:{delivery.endpoint_id}",
        delivery_id=delivery.id,
        attempt=delivery.attempts + 1,
    )


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str  # "" when an HTTP answer came back
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class _Claim:
    delivery: WebhookDelivery
    endpoint: WebhookEndpoint
    number: int


def attempt_delivery(*, delivery_id: str, attempt: int) -> Outcome | None:
    """Makes attempt number ``attempt`` of the delivery if it is still due; ``None`` if it is
    not (already made, delivered, failed, or its endpoint was deleted)."""
    claim = _claim(delivery_id, attempt)
    if claim is None:
        return None
    now = timezone.now()
    secrets = claim.endpoint.active_secrets(now)
    outcome = _send(claim, secrets, now)
    _record(claim, outcome)
    logger.info(
        "webhook attempt %s of %s: %s",
        claim.number,
        claim.delivery.id,
        outcome.status_code or outcome.error,
        extra={
            "deliveryId": claim.delivery.id,
            "endpointId": claim.endpoint.id,
            "eventId": claim.delivery.event_id,
            "eventType": claim.delivery.event.type,
            "attempt": claim.number,
            "statusCode": outcome.status_code,
            "error": outcome.error,
            "durationMs": outcome.duration_ms,
        },
    )
    return outcome


def _claim(delivery_id: str, attempt: int) -> _Claim | None:
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("endpoint", "event")
            .filter(pk=delivery_id)
            .first()
        )
        if (
            delivery is None
            or delivery.status != DeliveryStatus.PENDING
            or delivery.attempts + 1 != attempt
        ):
            return None
        if not delivery.endpoint.enabled:
            # Disabled (by its owner, or by a 410) after this was queued: nothing is sent.
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
            delivery.save(update_fields=["status", "next_attempt_at", "updated_at"])
            return None
        delivery.attempts = attempt
        delivery.save(update_fields=["attempts", "updated_at"])
        return _Claim(delivery=delivery, endpoint=delivery.endpoint, number=attempt)


def _send(claim: _Claim, secrets: list[str], now: datetime) -> Outcome:
    event = claim.delivery.event
    headers = signed_headers(message_id=event.id, body=event.body, secrets=secrets, now=now)
    headers["user-agent"] = USER_AGENT
    try:
        response = egress.request(
            "POST",
            claim.endpoint.url,
            headers=headers,
            body=event.body.encode("utf-8"),
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            secrets=secrets,
        )
    except ApiError as exc:  # EgressDenied, UpstreamTimeout, UpstreamUnavailable, …TooLarge
        elapsed = timezone.now() - now
        return Outcome(None, str(exc.code), round(elapsed.total_seconds() * 1000))
    return Outcome(response.status, "", response.duration_ms)


def _record(claim: _Claim, outcome: Outcome) -> None:
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=claim.delivery.pk)
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=claim.number,
            status_code=outcome.status_code,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
        )
        delivery.last_status_code = outcome.status_code
        delay = None if outcome.succeeded else retry_delay(claim.number)
        if outcome.succeeded:
            delivery.status = DeliveryStatus.SUCCEEDED
        elif outcome.status_code == 410:
            delivery.status = DeliveryStatus.FAILED
            _disable(claim.endpoint)
        elif delay is None:
            delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = (
            timezone.now() + delay
            if delay is not None and delivery.status == DeliveryStatus.PENDING
            else None
        )
        delivery.save(update_fields=["status", "last_status_code", "next_attempt_at", "updated_at"])
        if delivery.next_attempt_at is not None and delivery.status == DeliveryStatus.PENDING:
            enqueue_attempt(delivery)


def _disable(endpoint: WebhookEndpoint) -> None:
    """The receiver said 410 Gone: no more deliveries until its owner enables it again."""
    updated = WebhookEndpoint.objects.filter(pk=endpoint.pk, enabled=True).update(
        enabled=False,
        disabled_reason="The receiver answered 410 Gone.",
        updated_at=timezone.now(),
    )
    if updated:
        audit_record(
            org_id=endpoint.org_id,
            action="webhook_endpoint.disabled",
            actor=SYSTEM_ACTOR,
            target_id=endpoint.id,
            metadata={"reason": "410 Gone"},
        )
