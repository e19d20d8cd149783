"""Delivery on the real job engine: procrastinate worker processes on PostgreSQL.

The receiver listens on 127.0.0.2; the worker (another process) is told by its environment to
let that address through the egress rules, as the suite does in-process.
"""

import threading
import time

import pytest
from django.db import transaction
from pytest_httpserver import HTTPServer
from standardwebhooks import Webhook
from werkzeug import Request, Response

from tests.conftest import PROVIDER_HOST
from tests.postgres import only_postgres
from tests.webhooks.conftest import make_connection
from tests.workers import clear_queue, eventually, queued_jobs, run_jobs, worker_process
from webhooks.delivery import deliver_webhook
from webhooks.models import WebhookDelivery
from webhooks.services import endpoint_create

pytestmark = only_postgres

WORKER_ENV = {"EGRESS_ALLOWED_NETWORKS": f"{PROVIDER_HOST}/32"}


@pytest.fixture
def queue(transactional_db):
    clear_queue()
    yield
    clear_queue()


def status_of(delivery_id: str) -> str:
    return WebhookDelivery.objects.values_list("status", flat=True).get(pk=delivery_id)


def test_a_worker_delivers_a_change_signed(queue, receiver, org):
    _endpoint, secret = endpoint_create(
        org=org, url=receiver.url_for("/hook"), events=["*"], actor="test"
    )
    receiver.expect_request("/hook").respond_with_data("ok")
    connection = make_connection(org)
    delivery = WebhookDelivery.objects.get()
    assert [name for name, _ in queued_jobs()] == [deliver_webhook.name]

    with worker_process(**WORKER_ENV):
        eventually(lambda: status_of(delivery.id) == "SUCCEEDED", what="the delivery")

    [(request, _)] = receiver.log
    payload = Webhook(secret).verify(request.get_data(), dict(request.headers))
    assert payload["data"]["connection"]["id"] == connection.id


def test_a_worker_retries_a_500_then_succeeds_with_the_same_webhook_id(queue, receiver, org):
    endpoint_create(org=org, url=receiver.url_for("/hook"), events=["*"], actor="test")
    receiver.expect_oneshot_request("/hook").respond_with_data("down", status=500)
    receiver.expect_oneshot_request("/hook").respond_with_data("ok")
    make_connection(org)
    delivery = WebhookDelivery.objects.get()

    with worker_process(**WORKER_ENV):
        # The first retry is due about 5 s after the failure (procrastinate's schedule_at).
        eventually(lambda: status_of(delivery.id) == "SUCCEEDED", timeout=45, what="the retry")

    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.last_status_code == 200
    first, second = (request for request, _ in receiver.log)
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == delivery.event_id


def test_a_slow_endpoint_does_not_hold_back_another_endpoints_deliveries(
    queue, receiver: HTTPServer, org
):
    arrivals: dict[str, list[float]] = {"/slow": [], "/fast": []}
    lock = threading.Lock()
    answering: list[threading.Event] = []

    def record(request: Request) -> Response:
        done = threading.Event()
        with lock:
            arrivals[request.path].append(time.monotonic())
            answering.append(done)
        try:
            if request.path == "/slow":
                time.sleep(4)
            return Response("ok")
        finally:
            done.set()

    receiver.expect_request("/slow").respond_with_handler(record)
    receiver.expect_request("/fast").respond_with_handler(record)
    endpoint_create(
        org=org, url=receiver.url_for("/slow"), events=["connection.created"], actor="test"
    )
    for n in range(3):
        make_connection(org, display_name=f"slow {n}")  # three attempts queued for /slow first
    endpoint_create(
        org=org, url=receiver.url_for("/fast"), events=["connection.created"], actor="test"
    )
    make_connection(org, display_name="both")
    fast = WebhookDelivery.objects.get(endpoint__url__endswith="/fast")

    # Two worker slots, the slow endpoint's attempts queued ahead: without a per-endpoint lock
    # both slots would wait on /slow (3 s timeout) before /fast got one.
    with worker_process("--concurrency", "2", **WORKER_ENV, WEBHOOK_TIMEOUT_SECONDS="3"):
        eventually(lambda: status_of(fast.id) == "SUCCEEDED", what="the fast delivery")
        eventually(lambda: len(arrivals["/slow"]) >= 2, what="the second slow attempt")

    # Late answers finish inside this test, so none is logged into the next test's receiver.
    for done in list(answering):
        done.wait(10)
    assert arrivals["/fast"][0] < arrivals["/slow"][1]
    # An endpoint's attempts run one at a time: each waited for the previous one's timeout.
    assert arrivals["/slow"][1] - arrivals["/slow"][0] >= 2.5


def test_a_change_rolled_back_leaves_the_worker_nothing_to_send(queue, receiver, org):
    endpoint_create(org=org, url=receiver.url_for("/hook"), events=["*"], actor="test")
    with pytest.raises(RuntimeError), transaction.atomic():
        make_connection(org)
        raise RuntimeError("the change fails after its audit event")

    assert queued_jobs() == []
    run_jobs(**WORKER_ENV)
    assert receiver.log == [] and not WebhookDelivery.objects.exists()
