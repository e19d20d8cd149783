"""Delivery against a receiver on 127.0.0.2: Standard Webhooks signatures, outcomes, retries."""

import json
import logging
import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from pytest_httpserver import HTTPServer
from standardwebhooks import Webhook, WebhookVerificationError
from werkzeug import Request, Response

from orgs.models import AuditEvent
from tests.webhooks.conftest import CREDENTIAL, attempt, make_connection, only_delivery
from tests.workers import eventually
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.schedule import MAX_ATTEMPTS, RETRY_DELAYS
from webhooks.services import endpoint_rotate_secret

pytestmark = pytest.mark.django_db


def received(receiver: HTTPServer) -> list[Request]:
    return [request for request, _response in receiver.log]


def test_the_reference_verifier_accepts_a_delivery(receiver, hook, org):
    _endpoint, secret = hook
    receiver.expect_request("/hook", method="POST").respond_with_data("ok")
    connection = make_connection(org)

    delivery = attempt(only_delivery())

    assert delivery.status == "SUCCEEDED" and delivery.attempts == 1
    assert delivery.last_status_code == 200 and delivery.next_attempt_at is None
    [request] = received(receiver)
    payload = Webhook(secret).verify(request.get_data(), dict(request.headers))
    assert payload["type"] == "connection.created"
    assert payload["id"] == request.headers["webhook-id"] == delivery.event_id
    assert payload["data"]["connection"]["id"] == connection.id
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["webhook-signature"].startswith("v1,")


def test_a_tampered_body_or_a_stale_timestamp_fails_the_reference_verifier(receiver, hook, org):
    _endpoint, secret = hook
    receiver.expect_request("/hook").respond_with_data("ok")
    make_connection(org)
    attempt(only_delivery())
    [request] = received(receiver)
    body, headers = request.get_data(), dict(request.headers)

    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace(b"Acme", b"Evil"), headers)
    with (
        time_machine.travel(timezone.now() + timedelta(minutes=6)),
        pytest.raises(WebhookVerificationError, match="too old"),
    ):
        Webhook(secret).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 43).verify(body, headers)


def test_a_500_then_a_200_is_two_attempts_then_succeeded_with_the_same_webhook_id(
    receiver, hook, org
):
    _endpoint, secret = hook
    receiver.expect_oneshot_request("/hook").respond_with_data("down", status=500)
    receiver.expect_oneshot_request("/hook").respond_with_data("ok", status=200)
    make_connection(org)

    delivery = attempt(only_delivery())
    assert delivery.status == "PENDING" and delivery.attempts == 1
    assert delivery.last_status_code == 500
    wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=4) <= wait <= timedelta(seconds=5.5)

    delivery = attempt(delivery)
    assert delivery.status == "SUCCEEDED" and delivery.attempts == 2
    first, second = received(receiver)
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == delivery.event_id
    assert first.get_data() == second.get_data()
    for request in (first, second):
        Webhook(secret).verify(request.get_data(), dict(request.headers))
    assert list(
        WebhookAttempt.objects.filter(delivery=delivery).values_list("number", "status_code")
    ) == [(1, 500), (2, 200)]


def test_a_410_disables_the_endpoint(receiver, hook, org):
    endpoint, _secret = hook
    receiver.expect_request("/hook").respond_with_data("gone", status=410)
    make_connection(org)

    delivery = attempt(only_delivery())

    assert delivery.status == "FAILED" and delivery.next_attempt_at is None
    endpoint.refresh_from_db()
    assert endpoint.enabled is False
    assert "410" in endpoint.disabled_reason
    assert AuditEvent.objects.filter(
        action="webhook_endpoint.disabled", target_id=endpoint.id
    ).exists()


def test_a_disabled_endpoint_gets_no_more_attempts(receiver, hook, org):
    endpoint, _secret = hook
    make_connection(org)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(enabled=False)

    delivery = attempt(only_delivery())

    assert delivery.status == "FAILED" and delivery.attempts == 0
    assert received(receiver) == []


def test_a_302_is_a_failure_and_its_target_is_never_contacted(receiver, hook, org):
    receiver.expect_request("/hook").respond_with_response(
        Response(status=302, headers={"Location": receiver.url_for("/elsewhere")})
    )
    receiver.expect_request("/elsewhere").respond_with_data("should never be asked")
    make_connection(org)

    delivery = attempt(only_delivery())

    assert delivery.status == "PENDING" and delivery.last_status_code == 302
    assert delivery.next_attempt_at is not None
    assert [r.path for r in received(receiver)] == ["/hook"]


def test_a_slow_receiver_times_out_and_is_retried(receiver, hook, org, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.5

    def slow(request: Request) -> Response:
        time.sleep(1.5)
        return Response("late")

    receiver.expect_oneshot_request("/hook").respond_with_handler(slow)
    receiver.expect_oneshot_request("/hook").respond_with_data("ok")
    make_connection(org)

    started = time.monotonic()
    delivery = attempt(only_delivery())
    assert time.monotonic() - started < 1.4
    assert delivery.status == "PENDING" and delivery.last_status_code is None
    assert WebhookAttempt.objects.get(delivery=delivery).error == "UPSTREAM_TIMEOUT"

    delivery = attempt(delivery)
    assert delivery.status == "SUCCEEDED" and delivery.attempts == 2
    # The receiver logs the late request once it answers: let that happen in this test.
    eventually(lambda: len(receiver.log) == 2, timeout=5, what="the slow answer")


def test_an_unreachable_receiver_is_a_failed_attempt_that_is_retried(org, allow_provider):
    from webhooks.services import endpoint_create

    # Nothing listens on port 9 of 127.0.0.2: the connection is refused.
    endpoint_create(org=org, url="http://127.0.0.2:9/hook", events=["*"], actor="test")
    make_connection(org)

    delivery = attempt(only_delivery())

    assert delivery.status == "PENDING" and delivery.next_attempt_at is not None
    assert WebhookAttempt.objects.get(delivery=delivery).error == "UPSTREAM_UNAVAILABLE"


def test_after_the_last_scheduled_retry_the_delivery_is_failed(receiver, hook, org):
    receiver.expect_request("/hook").respond_with_data("down", status=503)
    make_connection(org)
    delivery = only_delivery()

    for number in range(1, MAX_ATTEMPTS + 1):
        delivery = attempt(delivery)
        assert delivery.attempts == number
    assert MAX_ATTEMPTS == len(RETRY_DELAYS) + 1 == 8
    assert delivery.status == "FAILED" and delivery.next_attempt_at is None
    assert len(received(receiver)) == MAX_ATTEMPTS


def test_an_attempt_already_made_is_not_made_twice(receiver, hook, org):
    from webhooks.delivery import attempt_delivery

    receiver.expect_request("/hook").respond_with_data("down", status=500)
    make_connection(org)
    delivery = attempt(only_delivery())

    # The job of attempt 1 runs again (a worker died after the work): nothing is sent.
    assert attempt_delivery(delivery_id=delivery.id, attempt=1) is None
    assert attempt_delivery(delivery_id="whd_missing", attempt=1) is None
    assert len(received(receiver)) == 1


def test_during_a_rotation_deliveries_carry_two_signatures_each_verifiable(receiver, hook, org):
    endpoint, old_secret = hook
    receiver.expect_request("/hook").respond_with_data("ok")
    _endpoint, new_secret = endpoint_rotate_secret(endpoint=endpoint, actor="test")
    assert new_secret != old_secret

    make_connection(org)
    attempt(only_delivery())

    [request] = received(receiver)
    signatures = request.headers["webhook-signature"].split(" ")
    assert len(signatures) == 2
    body = request.get_data()
    for secret in (new_secret, old_secret):
        Webhook(secret).verify(body, dict(request.headers))
    one = {**dict(request.headers), "webhook-signature": signatures[0]}
    Webhook(new_secret).verify(body, one)
    with pytest.raises(WebhookVerificationError):
        Webhook(old_secret).verify(body, one)


def test_after_24_hours_only_the_new_secret_signs(receiver, hook, org):
    endpoint, old_secret = hook
    receiver.expect_request("/hook").respond_with_data("ok")
    _endpoint, new_secret = endpoint_rotate_secret(endpoint=endpoint, actor="test")

    with time_machine.travel(timezone.now() + timedelta(hours=24, seconds=1)):
        make_connection(org)
        attempt(only_delivery())
        [request] = received(receiver)
        assert len(request.headers["webhook-signature"].split(" ")) == 1
        Webhook(new_secret).verify(request.get_data(), dict(request.headers))
        with pytest.raises(WebhookVerificationError):
            Webhook(old_secret).verify(request.get_data(), dict(request.headers))


def test_no_payload_log_line_or_record_holds_a_credential_or_the_signing_secret(
    receiver, hook, org, caplog
):
    endpoint, secret = hook
    receiver.expect_oneshot_request("/hook").respond_with_data("down", status=500)
    receiver.expect_oneshot_request("/hook").respond_with_data("ok")
    caplog.set_level(logging.DEBUG)
    make_connection(org)
    attempt(attempt(only_delivery()))
    endpoint_rotate_secret(endpoint=endpoint, actor="test")

    sealed = WebhookEndpoint.objects.values_list("signing_secrets", flat=True).get()
    stored = " ".join(
        [
            *(json.dumps(row, default=str) for row in WebhookEvent.objects.values()),
            *(json.dumps(row, default=str) for row in WebhookDelivery.objects.values()),
            *(json.dumps(row, default=str) for row in WebhookAttempt.objects.values()),
            *(json.dumps(row, default=str) for row in AuditEvent.objects.values()),
        ]
    )
    sent = " ".join(f"{r.get_data(as_text=True)} {dict(r.headers)}" for r in received(receiver))
    logged = " ".join(
        f"{r.getMessage()} {json.dumps(r.__dict__, default=str)}" for r in caplog.records
    )
    raw_secret = secret.removeprefix("whsec_")
    for text in (stored, sent, logged):
        assert CREDENTIAL not in text
        assert raw_secret not in text
        assert sealed.split(":")[-1][:24] not in text
    assert "webhook attempt" in logged  # the attempts were logged, just not their secrets
