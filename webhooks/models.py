"""Webhook endpoints (with their sealed signing secrets), events, deliveries and attempts.

An event is written in the transaction of the audited change that caused it (webhooks/events.py),
one delivery per subscribed endpoint beside it, and each delivery records every attempt.
"""

from datetime import datetime
from typing import Any

from django.db import models

from connections.fields import EncryptedJSONField
from orgs.models import Organization
from weavz.api.ids import id_field
from weavz.api.timestamps import UpdatedAtField, created_at_field

# What a customer can subscribe to; `ping` is sent only by `POST …/test`.
EVENT_TYPES: tuple[str, ...] = (
    "connection.created",
    "connection.updated",
    "connection.deleted",
    "connection.status_changed",
    "connection.refresh_failed",
    "connect_session.completed",
    "connect_session.failed",
)
ALL_EVENTS = "*"
# What an endpoint's `events` may hold (the `WebhookEventType` schema enum).
SUBSCRIPTIONS: tuple[str, ...] = (*EVENT_TYPES, ALL_EVENTS)
PING = "ping"


class WebhookEndpoint(models.Model):
    id = id_field("whe")
    # No index of its own: the (org, -id) index below serves org lookups.
    org = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="webhook_endpoints", db_index=False
    )
    url = models.URLField(max_length=2048)
    events = models.JSONField(default=list, help_text='Event types, or ["*"] for all.')
    enabled = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=255, blank=True, default="")
    # {"current": "whsec_…", "previous": "whsec_…" | null}: both sign until the expiry below.
    signing_secrets = EncryptedJSONField(label="webhooks.endpoint.signing_secrets")
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = created_at_field()
    updated_at = UpdatedAtField()

    class Meta:
        indexes = [models.Index(fields=["org", "-id"], name="whe_org_page")]

    def __str__(self) -> str:
        return f"{self.url} ({self.id})"

    def __repr__(self) -> str:
        return f"<WebhookEndpoint {self.id}>"

    def subscribes_to(self, event_type: str) -> bool:
        return ALL_EVENTS in self.events or event_type in self.events

    def active_secrets(self, now: datetime) -> list[str]:
        """The secrets that sign a message sent at ``now``: the current one, and the previous one
        during the 24 hours after a rotation. Decrypts; call only where a message is signed."""
        field = self._meta.get_field("signing_secrets")
        assert isinstance(field, EncryptedJSONField)
        sealed: dict[str, Any] = field.unseal(self)
        secrets = [sealed["current"]]
        expires = self.previous_secret_expires_at
        if sealed.get("previous") and expires is not None and now < expires:
            secrets.append(sealed["previous"])
        return secrets


class WebhookEvent(models.Model):
    """What happened, rendered once: every delivery and retry sends exactly ``body``.

    The id is the audit event's id (``evt_…``): an event exists only beside its audit record.
    """

    id = id_field("evt")
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=64)
    body = models.TextField(help_text="The JSON payload, byte for byte as signed and sent.")
    created_at = created_at_field()

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="whevent_created")]

    def __str__(self) -> str:
        return f"{self.type} ({self.id})"


class DeliveryStatus(models.TextChoices):
    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class WebhookDelivery(models.Model):
    """One event to one endpoint, over up to ``len(RETRY_DELAYS) + 1`` attempts."""

    id = id_field("whd")
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = created_at_field()
    updated_at = UpdatedAtField()

    class Meta:
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(fields=["endpoint", "-id"], name="whd_endpoint_page"),
            models.Index(fields=["endpoint", "status", "-id"], name="whd_endpoint_status_page"),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery: what came back (a status, or why none did), and when."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveSmallIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    # Why it failed without a usable answer: UPSTREAM_TIMEOUT, UPSTREAM_UNAVAILABLE, … ("" if none)
    error = models.CharField(max_length=64, blank=True, default="")
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = created_at_field()

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="whattempt_unique_number")
        ]

    def __str__(self) -> str:
        outcome = self.status_code if self.status_code is not None else self.error
        return f"attempt {self.number}: {outcome}"
