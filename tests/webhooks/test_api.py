"""Every row of API.md's Webhooks section: /webhook-endpoints and /webhook-deliveries."""

from datetime import timedelta

import pytest
from standardwebhooks import Webhook

from orgs.models import AuditEvent
from tests.webhooks.conftest import attempt, make_connection, only_delivery
from webhooks.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db

FIELDS = {"id", "url", "events", "enabled", "createdAt", "updatedAt"}
DELIVERY_FIELDS = {
    "id",
    "eventId",
    "eventType",
    "status",
    "attempts",
    "lastStatusCode",
    "nextAttemptAt",
}


def _error(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    return response.json()["error"]


@pytest.fixture
def created(api, receiver):
    response = api.post(
        "/api/v1/webhook-endpoints",
        {"url": receiver.url_for("/hook"), "events": ["connection.status_changed"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    return response


def test_create_answers_the_endpoint_and_its_secret_once(api, created, receiver):
    body = created.json()
    assert set(body) == {*FIELDS, "secret"}
    assert body["id"].startswith("whe_") and body["secret"].startswith("whsec_")
    assert body["url"] == receiver.url_for("/hook") and body["enabled"] is True
    assert body["events"] == ["connection.status_changed"]
    assert created["Cache-Control"] == "no-store"
    Webhook(body["secret"])  # the reference package takes it

    again = api.get(f"/api/v1/webhook-endpoints/{body['id']}").json()
    assert set(again) == FIELDS
    listed = api.get("/api/v1/webhook-endpoints").json()
    assert [set(e) for e in listed["data"]] == [FIELDS] and listed["next"] is None
    for response in (api.get("/api/v1/webhook-endpoints"), api.get("/api/v1/audit-events")):
        assert body["secret"] not in response.content.decode()
        assert body["secret"].removeprefix("whsec_") not in response.content.decode()


def test_the_secret_is_stored_encrypted(created):
    body = created.json()
    stored = WebhookEndpoint.objects.values_list("signing_secrets", flat=True).get()
    assert stored.startswith("enc:v2:")
    assert body["secret"].removeprefix("whsec_") not in stored


def test_update_changes_url_events_and_enabled(api, created, receiver):
    endpoint_id = created.json()["id"]
    response = api.patch(
        f"/api/v1/webhook-endpoints/{endpoint_id}",
        {"url": receiver.url_for("/other"), "events": ["*"], "enabled": False},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["url"].endswith("/other") and body["events"] == ["*"]
    assert body["enabled"] is False and "secret" not in body
    audit = AuditEvent.objects.get(action="webhook_endpoint.updated")
    assert audit.metadata == {"fields": ["url", "events", "enabled"]}


def test_delete_answers_success_and_removes_it(api, created):
    endpoint_id = created.json()["id"]
    response = api.delete(f"/api/v1/webhook-endpoints/{endpoint_id}")
    assert response.status_code == 200 and response.json() == {"success": True}
    _error(api.get(f"/api/v1/webhook-endpoints/{endpoint_id}"), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://127.0.0.2/x", "events": ["*"]}, "url"),
        ({"url": "not a url", "events": ["*"]}, "url"),
        ({"url": "http://127.0.0.2/x", "events": []}, "events"),
        ({"url": "http://127.0.0.2/x", "events": ["connection.exploded"]}, "events.0"),
        ({"url": "http://127.0.0.2/x", "events": ["*", "connection.created"]}, "events"),
        ({"url": "http://127.0.0.2/x", "events": "connection.created"}, "events"),
        ({"url": "http://127.0.0.2/x"}, "events"),
        ({"url": "http://127.0.0.2/x", "events": ["*"], "secret": "whsec_mine"}, "secret"),
    ],
)
def test_create_rejects_bad_input_naming_the_field(api, receiver, body, field):
    error = _error(
        api.post("/api/v1/webhook-endpoints", body, format="json"), 400, "VALIDATION_ERROR"
    )
    assert field in error["details"]


def test_a_url_the_egress_rules_refuse_is_egress_denied_at_creation_and_update(api, created):
    # Only the receiver's 127.0.0.2 is allowed in tests; 127.0.0.1 is loopback like any other.
    response = api.post(
        "/api/v1/webhook-endpoints",
        {"url": "http://127.0.0.1:9/hook", "events": ["*"]},
        format="json",
    )
    _error(response, 403, "EGRESS_DENIED")
    endpoint_id = created.json()["id"]
    response = api.patch(
        f"/api/v1/webhook-endpoints/{endpoint_id}", {"url": "http://[::1]:9/"}, format="json"
    )
    _error(response, 403, "EGRESS_DENIED")
    assert WebhookEndpoint.objects.count() == 1


def test_rotate_secret_answers_a_new_secret_and_keeps_the_old_one_for_24_hours(api, created):
    body = created.json()
    response = api.post(f"/api/v1/webhook-endpoints/{body['id']}/rotate-secret")
    assert response.status_code == 200, response.content
    rotated = response.json()
    assert set(rotated) == {*FIELDS, "secret"} and rotated["secret"] != body["secret"]
    assert response["Cache-Control"] == "no-store"
    endpoint = WebhookEndpoint.objects.get()
    expires = endpoint.previous_secret_expires_at
    just_before = expires - timedelta(seconds=1)
    assert endpoint.active_secrets(just_before) == [rotated["secret"], body["secret"]]
    assert endpoint.active_secrets(expires) == [rotated["secret"]]


def test_test_queues_a_signed_ping_to_that_endpoint(api, created, receiver):
    body = created.json()
    receiver.expect_request("/hook").respond_with_data("ok")
    response = api.post(f"/api/v1/webhook-endpoints/{body['id']}/test")
    assert response.status_code == 202, response.content
    delivery = response.json()
    assert set(delivery) == DELIVERY_FIELDS
    assert delivery["eventType"] == "ping" and delivery["status"] == "PENDING"
    assert delivery["id"].startswith("whd_") and delivery["eventId"].startswith("evt_")

    attempt(only_delivery())
    [(request, _)] = receiver.log
    payload = Webhook(body["secret"]).verify(request.get_data(), dict(request.headers))
    assert payload["type"] == "ping" and payload["data"] == {"endpointId": body["id"]}


def test_deliveries_lists_an_endpoints_deliveries_newest_first(api, receiver, org):
    created = api.post(
        "/api/v1/webhook-endpoints",
        {"url": receiver.url_for("/hook"), "events": ["*"]},
        format="json",
    ).json()
    receiver.expect_request("/hook").respond_with_data("no", status=500)
    make_connection(org, display_name="one")
    first = attempt(WebhookDelivery.objects.get())
    make_connection(org, display_name="two")

    response = api.get(f"/api/v1/webhook-endpoints/{created['id']}/deliveries")
    assert response.status_code == 200
    data = response.json()["data"]
    assert [d["eventType"] for d in data] == ["connection.created", "connection.created"]
    assert data[1] == {
        "id": first.id,
        "eventId": first.event_id,
        "eventType": "connection.created",
        "status": "PENDING",
        "attempts": 1,
        "lastStatusCode": 500,
        "nextAttemptAt": data[1]["nextAttemptAt"],
    }
    assert data[1]["nextAttemptAt"].endswith("Z") and data[0]["attempts"] == 0
    page = api.get(f"/api/v1/webhook-endpoints/{created['id']}/deliveries?limit=1").json()
    assert len(page["data"]) == 1 and page["next"]
    filtered = api.get(f"/api/v1/webhook-endpoints/{created['id']}/deliveries?status=SUCCEEDED")
    assert filtered.json()["data"] == []
    _error(
        api.get(f"/api/v1/webhook-endpoints/{created['id']}/deliveries?status=DONE"),
        400,
        "VALIDATION_ERROR",
    )


def test_retry_makes_a_failed_delivery_pending_again(api, hook, org, receiver):
    receiver.expect_request("/hook").respond_with_data("gone", status=410)
    make_connection(org)
    delivery = attempt(only_delivery())
    assert delivery.status == "FAILED"

    _error(api.post(f"/api/v1/webhook-deliveries/{delivery.id}/retry"), 409, "CONFLICT")
    endpoint, _ = hook
    api.patch(f"/api/v1/webhook-endpoints/{endpoint.id}", {"enabled": True}, format="json")
    response = api.post(f"/api/v1/webhook-deliveries/{delivery.id}/retry")
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "PENDING" and response.json()["nextAttemptAt"]

    receiver.clear()
    receiver.expect_request("/hook").respond_with_data("ok")
    delivery = attempt(delivery)
    assert delivery.status == "SUCCEEDED" and delivery.attempts == 2


def test_a_disabled_endpoint_cannot_be_tested(api, created):
    endpoint_id = created.json()["id"]
    api.patch(f"/api/v1/webhook-endpoints/{endpoint_id}", {"enabled": False}, format="json")
    _error(api.post(f"/api/v1/webhook-endpoints/{endpoint_id}/test"), 409, "CONFLICT")


def test_another_orgs_endpoints_and_deliveries_are_not_found(api, charlie, hook, org, receiver):
    endpoint, _ = hook
    make_connection(org)
    delivery = only_delivery()
    base = f"/api/v1/webhook-endpoints/{endpoint.id}"
    for response in (
        charlie.get(base),
        charlie.patch(base, {"enabled": False}, format="json"),
        charlie.delete(base),
        charlie.post(f"{base}/rotate-secret"),
        charlie.post(f"{base}/test"),
        charlie.get(f"{base}/deliveries"),
        charlie.post(f"/api/v1/webhook-deliveries/{delivery.id}/retry"),
    ):
        _error(response, 404, "NOT_FOUND")
    assert charlie.get("/api/v1/webhook-endpoints").json()["data"] == []
    assert WebhookEndpoint.objects.get().enabled is True


def test_reads_need_webhooks_read_and_writes_webhooks_write(make_api, org, hook):
    endpoint, _ = hook
    reader = make_api(org, scopes=["webhooks:read"])
    writer = make_api(org, scopes=["webhooks:write"])
    nobody = make_api(org, scopes=["connections:read"])
    assert reader.get("/api/v1/webhook-endpoints").status_code == 200
    assert reader.get(f"/api/v1/webhook-endpoints/{endpoint.id}/deliveries").status_code == 200
    _error(nobody.get("/api/v1/webhook-endpoints"), 403, "FORBIDDEN")
    _error(writer.get("/api/v1/webhook-endpoints"), 403, "FORBIDDEN")
    _error(reader.post(f"/api/v1/webhook-endpoints/{endpoint.id}/rotate-secret"), 403, "FORBIDDEN")
    _error(reader.post(f"/api/v1/webhook-endpoints/{endpoint.id}/test"), 403, "FORBIDDEN")
    _error(reader.delete(f"/api/v1/webhook-endpoints/{endpoint.id}"), 403, "FORBIDDEN")
    assert writer.post(f"/api/v1/webhook-endpoints/{endpoint.id}/rotate-secret").status_code == 200


def test_new_keys_get_the_webhook_scopes_by_default(org):
    from orgs.models import DEFAULT_SCOPES

    assert {"webhooks:read", "webhooks:write"} <= set(DEFAULT_SCOPES)


def test_unknown_methods_and_ids_answer_the_error_envelope(api):
    _error(api.put("/api/v1/webhook-endpoints", {}, format="json"), 405, "METHOD_NOT_ALLOWED")
    _error(api.get("/api/v1/webhook-endpoints/whe_nope"), 404, "NOT_FOUND")
    _error(api.post("/api/v1/webhook-deliveries/whd_nope/retry"), 404, "NOT_FOUND")
    _error(api.get("/api/v1/webhook-deliveries/whd_nope/retry"), 405, "METHOD_NOT_ALLOWED")


def test_lists_cost_the_same_few_queries_whatever_their_length(
    api, hook, org, django_assert_max_num_queries
):
    endpoint, _ = hook
    for n in range(6):
        make_connection(org, display_name=f"c{n}")
    api.get("/api/v1/webhook-endpoints")  # the key's last-use stamp is written once a minute

    with django_assert_max_num_queries(3):
        assert (
            len(api.get(f"/api/v1/webhook-endpoints/{endpoint.id}/deliveries").json()["data"]) == 6
        )
    with django_assert_max_num_queries(2):
        assert len(api.get("/api/v1/webhook-endpoints").json()["data"]) == 1
