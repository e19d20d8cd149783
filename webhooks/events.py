"""Webhook events from the audit trail.

Domain services already write an audit event in the transaction of each change. This module
listens to those writes (``post_save`` on ``AuditEvent``, connected by ``WebhooksConfig.ready``)
and, in the same transaction, writes the webhook event, a delivery per subscribed endpoint and
the jobs that send them. So an event exists if and only if its change committed, and no domain
app imports ``webhooks``.

Payloads are built from ids and a whitelist of audit metadata keys, and carry the connection
object as the API renders it: never a credential, whatever an audit record holds.
"""

import json
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

from connections.selectors import connection_row
from connections.serializers import render_connection
from orgs.models import AuditEvent
from weavz.api.render import iso
from webhooks.delivery import enqueue_attempt
from webhooks.models import (
    EVENT_TYPES,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from webhooks.selectors import subscribed_endpoints

# Audit metadata that may be passed on, per event type; anything else stays in the audit log.
_PASSED_ON: dict[str, tuple[str, ...]] = {
    "connection.updated": ("fields",),
    "connection.status_changed": ("from", "to", "reason"),
    "connection.refresh_failed": ("reason",),
    "connect_session.failed": ("reason",),
}
_SESSION_KEYS = ("pieceName", "externalId", "projectId")


def connect() -> None:
    post_save.connect(on_audit_event, sender=AuditEvent, dispatch_uid="webhooks.on_audit_event")


def on_audit_event(
    sender: type[AuditEvent], instance: AuditEvent, created: bool, **kwargs: Any
) -> None:
    if not created or kwargs.get("raw") or instance.org_id is None:
        return
    if instance.action not in EVENT_TYPES:
        return
    endpoints = subscribed_endpoints(org_id=instance.org_id, event_type=instance.action)
    if endpoints:
        publish(
            org_id=instance.org_id,
            event_id=instance.id,
            event_type=instance.action,
            created_at=instance.created_at,
            data=event_data(instance),
            endpoints=endpoints,
        )


def publish(
    *,
    org_id: str,
    event_id: str,
    event_type: str,
    created_at: datetime,
    data: dict[str, Any],
    endpoints: list[WebhookEndpoint],
) -> WebhookEvent:
    """Writes the event, one delivery per endpoint and their first attempts' jobs, atomically."""
    body = {"id": event_id, "type": event_type, "createdAt": iso(created_at), "data": data}
    with transaction.atomic():
        event = WebhookEvent.objects.create(
            id=event_id,
            org_id=org_id,
            type=event_type,
            body=json.dumps(body, separators=(",", ":"), ensure_ascii=False),
            created_at=created_at,
        )
        deliveries = WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(
                    org_id=org_id,
                    endpoint=endpoint,
                    event=event,
                    status=DeliveryStatus.PENDING,
                    next_attempt_at=created_at,
                )
                for endpoint in endpoints
            ]
        )
        for delivery in deliveries:
            enqueue_attempt(delivery)
    return event


def event_data(audit: AuditEvent) -> dict[str, Any]:
    metadata = audit.metadata if isinstance(audit.metadata, dict) else {}
    data: dict[str, Any] = {}
    if audit.action.startswith("connect_session."):
        connection_id = metadata.get("connectionId")
        data["connection"] = _connection(audit.org_id, connection_id) if connection_id else None
        data["connectSession"] = {
            "id": audit.target_id,
            **{key: metadata.get(key) for key in _SESSION_KEYS},
        }
    else:
        data["connection"] = _connection(audit.org_id, audit.target_id) or _gone(audit, metadata)
    for key in _PASSED_ON.get(audit.action, ()):
        if key in metadata:
            data[key] = metadata[key]
    if audit.action == "connection.status_changed" and data["connection"] and "to" in metadata:
        # The object shows the status the change set, whether the audit was written before or
        # after the row was saved.
        data["connection"]["status"] = metadata["to"]
    return data


def _connection(org_id: str | None, connection_id: object) -> dict[str, Any] | None:
    if not isinstance(connection_id, str) or not connection_id:
        return None
    found = connection_row(org_id=org_id, connection_id=connection_id) if org_id else None
    return None if found is None else render_connection(found)


def _gone(audit: AuditEvent, metadata: dict[str, Any]) -> dict[str, Any]:
    """What is known of a connection whose row is already gone (a delete audited afterwards)."""
    return {
        "id": audit.target_id,
        "pieceName": metadata.get("pieceName"),
        "externalId": metadata.get("externalId"),
        "projectId": metadata.get("projectId"),
    }
