"""Webhook events come from the audit trail, in the transaction of the change that caused them."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from connections.models import ConnectionStatus
from connections.services import connection_delete, connection_reveal, connection_update
from orgs.audit import audit_record
from orgs.models import AuditEvent
from tests.webhooks.conftest import CREDENTIAL, make_connection
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.services import endpoint_create, webhook_events_purge
from webhooks.tasks import purge_webhook_events

pytestmark = pytest.mark.django_db


def payloads() -> list[dict[str, Any]]:
    return [json.loads(e.body) for e in WebhookEvent.objects.order_by("id")]


def only_payload(event_type: str) -> dict[str, Any]:
    [payload] = [p for p in payloads() if p["type"] == event_type]
    return payload


def test_creating_a_connection_produces_connection_created(hook, org):
    endpoint, _secret = hook
    connection = make_connection(org, external_id="user-42")

    payload = only_payload("connection.created")

    audit = AuditEvent.objects.get(action="connection.created")
    assert payload["id"] == audit.id and payload["createdAt"].endswith("Z")
    assert payload["data"]["connection"] == {
        "id": connection.id,
        "pieceName": "openai",
        "displayName": "Acme OpenAI",
        "externalId": "user-42",
        "projectId": None,
        "status": "ACTIVE",
        "createdAt": payload["data"]["connection"]["createdAt"],
        "updatedAt": payload["data"]["connection"]["updatedAt"],
        "lastUsedAt": None,
    }
    delivery = WebhookDelivery.objects.get()
    assert (delivery.endpoint_id, delivery.event_id) == (endpoint.id, audit.id)
    assert delivery.status == "PENDING" and delivery.next_attempt_at is not None


def test_updating_a_connection_produces_connection_updated_naming_the_fields(hook, org):
    connection = make_connection(org)
    connection_update(
        connection=connection,
        actor="test",
        display_name="Renamed",
        value={"type": "SECRET_TEXT", "secret_text": CREDENTIAL + "-new"},
    )

    payload = only_payload("connection.updated")

    assert payload["data"]["connection"]["displayName"] == "Renamed"
    assert payload["data"]["fields"] == ["display_name", "value"]


def test_deleting_a_connection_produces_connection_deleted_with_the_object(hook, org):
    connection = make_connection(org)
    connection_id = connection.id
    connection_delete(connection=connection, actor="test")

    payload = only_payload("connection.deleted")

    assert payload["data"]["connection"]["id"] == connection_id
    assert payload["data"]["connection"]["displayName"] == "Acme OpenAI"


def _refresh_audit(org, connection, action, metadata):
    # As the token refresh (issue 13) records it: the refresh job is the actor.
    audit_record(
        org_id=org.id,
        action=action,
        actor="job:refresh",
        target_id=connection.id,
        metadata=metadata,
    )


def test_a_refresh_failure_status_change_produces_status_changed_with_from_to_and_reason(hook, org):
    connection = make_connection(org)
    # As the token refresh records it: the status written, then the audit event, in one
    # transaction; metadata `from`, `to`, `reason` (API.md, token refresh).
    with transaction.atomic():
        connection.status = ConnectionStatus.ERROR
        connection.save(update_fields=["status", "updated_at"])
        _refresh_audit(
            org,
            connection,
            "connection.status_changed",
            {"from": "ACTIVE", "to": "ERROR", "reason": "invalid_grant"},
        )

    payload = only_payload("connection.status_changed")

    assert payload["data"]["from"] == "ACTIVE" and payload["data"]["to"] == "ERROR"
    assert payload["data"]["reason"] == "invalid_grant"
    assert payload["data"]["connection"]["status"] == "ERROR"


def test_the_status_in_the_payload_is_the_new_one_even_when_audited_before_the_save(hook, org):
    connection = make_connection(org)
    _refresh_audit(
        org,
        connection,
        "connection.status_changed",
        {"from": "ACTIVE", "to": "EXPIRED", "reason": "expired, no refresh token"},
    )

    assert only_payload("connection.status_changed")["data"]["connection"]["status"] == "EXPIRED"


def test_a_refresh_failure_produces_connection_refresh_failed(hook, org):
    connection = make_connection(org)
    _refresh_audit(
        org,
        connection,
        "connection.refresh_failed",
        {"reason": "provider answered 503", "attempt": 2},
    )

    payload = only_payload("connection.refresh_failed")

    assert payload["data"] == {
        "connection": payload["data"]["connection"],
        "reason": "provider answered 503",
    }
    assert payload["data"]["connection"]["id"] == connection.id


def _session_audit(org, action, connection_id, **extra):
    # As connect/services.py (issue 14) records a session's end: the session is the target.
    audit_record(
        org_id=org.id,
        action=action,
        actor="cs_01jd0000000000000000000000",
        target_id="cs_01jd0000000000000000000000",
        metadata={
            "pieceName": "openai",
            "externalId": "user-7",
            "projectId": None,
            "connectionId": connection_id,
            **extra,
        },
    )


def test_a_completed_connect_session_produces_connect_session_completed(hook, org):
    connection = make_connection(org, external_id="user-7")
    _session_audit(org, "connect_session.completed", connection.id)

    payload = only_payload("connect_session.completed")

    assert payload["data"]["connection"]["id"] == connection.id
    assert payload["data"]["connectSession"] == {
        "id": "cs_01jd0000000000000000000000",
        "pieceName": "openai",
        "externalId": "user-7",
        "projectId": None,
    }


def test_a_failed_connect_session_produces_connect_session_failed_with_its_reason(hook, org):
    _session_audit(org, "connect_session.failed", None, reason="The provider refused access.")

    payload = only_payload("connect_session.failed")

    assert payload["data"]["connection"] is None
    assert payload["data"]["reason"] == "The provider refused access."
    assert payload["data"]["connectSession"]["externalId"] == "user-7"


def test_a_change_rolled_back_sends_nothing(hook, org):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_connection(org)
        assert WebhookEvent.objects.count() == 1  # written beside the change…
        raise RuntimeError("the change fails after its audit event")

    assert WebhookEvent.objects.count() == 0  # …and gone with it
    assert WebhookDelivery.objects.count() == 0


def test_an_endpoint_gets_only_the_event_types_it_subscribed_to(receiver, org):
    endpoint, _ = endpoint_create(
        org=org, url=receiver.url_for("/hook"), events=["connection.deleted"], actor="test"
    )
    connection = make_connection(org)
    assert WebhookEvent.objects.count() == 0  # nobody listens to connection.created
    connection_delete(connection=connection, actor="test")

    assert [d.event.type for d in WebhookDelivery.objects.filter(endpoint=endpoint)] == [
        "connection.deleted"
    ]


def test_disabled_endpoints_and_other_orgs_endpoints_get_nothing(receiver, org, other_org):
    mine, _ = endpoint_create(org=org, url=receiver.url_for("/a"), events=["*"], actor="test")
    endpoint_create(org=other_org, url=receiver.url_for("/b"), events=["*"], actor="test")
    WebhookEndpoint.objects.filter(pk=mine.pk).update(enabled=False)

    make_connection(org)

    assert WebhookEvent.objects.count() == 0 and WebhookDelivery.objects.count() == 0


def test_every_subscribed_endpoint_gets_its_own_delivery_of_one_event(receiver, org):
    one, _ = endpoint_create(org=org, url=receiver.url_for("/1"), events=["*"], actor="test")
    two, _ = endpoint_create(
        org=org, url=receiver.url_for("/2"), events=["connection.created"], actor="test"
    )
    make_connection(org)

    event = WebhookEvent.objects.get()
    assert {d.endpoint_id for d in event.deliveries.all()} == {one.id, two.id}


def test_audited_actions_that_are_not_events_produce_none(hook, org):
    connection = make_connection(org)
    WebhookEvent.objects.all().delete()
    connection_reveal(connection=connection, actor="test")
    audit_record(org_id=org.id, action="policy.created", actor="test", target_id="pol_x")

    assert WebhookEvent.objects.count() == 0


def test_payloads_pass_on_only_known_metadata_never_a_credential(hook, org):
    connection = make_connection(org)
    _refresh_audit(
        org,
        connection,
        "connection.status_changed",
        {"from": "ACTIVE", "to": "ERROR", "reason": "x", "access_token": CREDENTIAL},
    )

    bodies = " ".join(WebhookEvent.objects.values_list("body", flat=True))
    assert CREDENTIAL not in bodies
    assert "access_token" not in bodies


def test_the_purge_deletes_only_old_events_whose_deliveries_are_finished(hook, org, settings):
    settings.WEBHOOK_RETENTION_DAYS = 30
    for name in ("old done", "old pending", "new done"):
        make_connection(org, display_name=name)
    old_done, old_pending, new_done = WebhookDelivery.objects.order_by("id")
    long_ago = timezone.now() - timedelta(days=31)
    WebhookEvent.objects.filter(pk__in=[old_done.event_id, old_pending.event_id]).update(
        created_at=long_ago
    )
    WebhookDelivery.objects.filter(pk__in=[old_done.pk, new_done.pk]).update(status="SUCCEEDED")
    WebhookAttempt.objects.create(delivery=old_done, number=1, status_code=200)

    assert webhook_events_purge(batch_size=1) == 1
    assert set(WebhookEvent.objects.values_list("pk", flat=True)) == {
        old_pending.event_id,
        new_done.event_id,
    }
    assert not WebhookAttempt.objects.exists()
    assert purge_webhook_events.periodic is not None
