"""The console's webhook pages: the secret shown once, deliveries with their attempts, retry."""

import re

import pytest
from django.utils import timezone

from orgs.models import AuditEvent
from tests.webhooks.conftest import attempt, make_connection, only_delivery
from webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db

ADD = "/admin/webhooks/webhookendpoint/add/"
CHANGELIST = "/admin/webhooks/webhookendpoint/"


def shown_secrets(html: str) -> list[str]:
    return re.findall(r'value="(whsec_[^"]+)"', html)


@pytest.fixture
def made(console, org, receiver):
    response = console.post(ADD, {"org": org.pk, "url": receiver.url_for("/hook"), "events": ["*"]})
    assert response.status_code == 200, response.content
    [secret] = shown_secrets(response.content.decode())
    assert "no-store" in response["Cache-Control"]
    console.forbid(secret, secret.removeprefix("whsec_"))
    return WebhookEndpoint.objects.get(), secret


def test_creating_an_endpoint_shows_its_secret_once(console, made):
    endpoint, secret = made
    assert endpoint.active_secrets(timezone.now()) == [secret]
    audit = AuditEvent.objects.get(action="webhook_endpoint.created")
    assert audit.actor == "admin:alice"
    # The scanning client fails the test if any later page shows it again.
    page = console.get(f"{CHANGELIST}{endpoint.pk}/change/").content.decode()
    assert "Never displayed" in page
    console.get(CHANGELIST)


def test_the_console_refuses_a_url_the_egress_rules_refuse(console, org, allow_provider):
    response = console.post(ADD, {"org": org.pk, "url": "http://127.0.0.1:9/", "events": ["*"]})
    assert response.status_code == 200
    assert "not allowed" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_the_console_refuses_star_with_other_event_types(console, org, receiver):
    response = console.post(
        ADD,
        {"org": org.pk, "url": receiver.url_for("/h"), "events": ["*", "connection.created"]},
    )
    assert "send it alone" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_editing_an_endpoint_goes_through_the_service(console, made):
    endpoint, _secret = made
    response = console.post(
        f"{CHANGELIST}{endpoint.pk}/change/",
        {"url": endpoint.url, "events": ["connection.deleted"], "enabled": ""},
    )
    assert response.status_code == 302, response.content
    endpoint.refresh_from_db()
    assert endpoint.events == ["connection.deleted"] and endpoint.enabled is False
    audit = AuditEvent.objects.get(action="webhook_endpoint.updated")
    assert audit.metadata == {"fields": ["events", "enabled"]} and audit.actor == "admin:alice"


def test_rotating_shows_the_new_secret_once_and_keeps_the_old_one_signing(console, made):
    endpoint, old = made
    response = console.post(
        CHANGELIST, {"action": "rotate_secrets", "_selected_action": [endpoint.pk]}
    )
    assert response.status_code == 200
    [new] = shown_secrets(response.content.decode())
    console.forbid(new, new.removeprefix("whsec_"))
    endpoint.refresh_from_db()
    assert endpoint.active_secrets(timezone.now()) == [new, old]
    console.get(f"{CHANGELIST}{endpoint.pk}/change/")


def test_deliveries_show_their_attempts_and_can_be_retried(console, made, org, receiver):
    receiver.expect_request("/hook").respond_with_data("nope", status=503)
    make_connection(org)
    delivery = attempt(only_delivery())
    page = console.get(f"/admin/webhooks/webhookdelivery/{delivery.pk}/change/").content.decode()
    assert "503" in page and "connection.created" in page
    assert delivery.event_id in page

    response = console.post(
        "/admin/webhooks/webhookdelivery/",
        {"action": "retry_deliveries", "_selected_action": [delivery.pk]},
        follow=True,
    )
    assert "Queued 1 retry" in response.content.decode()
    assert AuditEvent.objects.filter(action="webhook_delivery.retried").count() == 1


def test_a_test_ping_is_queued_from_the_console(console, made):
    endpoint, _secret = made
    response = console.post(
        CHANGELIST, {"action": "send_test_pings", "_selected_action": [endpoint.pk]}, follow=True
    )
    assert "Queued 1 test ping" in response.content.decode()
    assert only_delivery().event.type == "ping"
