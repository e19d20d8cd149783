"""Webhook fixtures: an endpoint on the receiver (tests/conftest.py) and delivery helpers."""

from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from connections.models import Connection
from connections.services import connection_create
from orgs.models import Organization
from webhooks.delivery import attempt_delivery
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services import endpoint_create

CREDENTIAL = "sk-webhook-test-PLAINTEXT-7d1c0ffee"


@pytest.fixture
def hook(receiver: HTTPServer, org: Organization) -> tuple[WebhookEndpoint, str]:
    """An endpoint of ``org`` subscribed to everything, and its signing secret."""
    return endpoint_create(org=org, url=receiver.url_for("/hook"), events=["*"], actor="test")


def make_connection(org: Organization, **kwargs: Any) -> Connection:
    return connection_create(
        org_id=org.id,
        piece_name="openai",
        project_id=kwargs.pop("project_id", None),
        display_name=kwargs.pop("display_name", "Acme OpenAI"),
        value={"type": "SECRET_TEXT", "secret_text": CREDENTIAL},
        actor="test",
        **kwargs,
    )


def attempt(delivery: WebhookDelivery) -> WebhookDelivery:
    """Runs the delivery's next attempt now (what its job does when due) and reloads it."""
    delivery.refresh_from_db()
    attempt_delivery(delivery_id=delivery.id, attempt=delivery.attempts + 1)
    delivery.refresh_from_db()
    return delivery


def only_delivery() -> WebhookDelivery:
    return WebhookDelivery.objects.select_related("event", "endpoint").get()
