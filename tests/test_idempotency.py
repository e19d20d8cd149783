"""Idempotency-Key on POST /connections and PUT /policies: replay, mismatch, expiry, races."""

import hashlib
import json
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection as db
from rest_framework.test import APIClient

from connections import views as connection_views
from connections.models import Connection, Piece
from orgs.models import AuditEvent, IdempotencyRecord
from tests.postgres import only_postgres

OPENAI = {
    "pieceName": "openai",
    "displayName": "OpenAI",
    "value": {"type": "SECRET_TEXT", "secret_text": "sk-idempotent-secret-0001"},
}


def _post(client, body=OPENAI, key="create-openai-1", **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post("/api/v1/connections", body, format="json", **headers, **extra)


def _error(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    return response.json()["error"]


@pytest.mark.django_db
class TestOneRequestAtATime:
    def test_a_retry_with_the_same_key_and_body_replays_the_first_response(self, api):
        first = _post(api)
        again = _post(api)
        assert first.status_code == again.status_code == 201
        assert again.json() == first.json()
        assert again["Idempotent-Replayed"] == "true"
        assert "Idempotent-Replayed" not in first
        assert Connection.objects.count() == 1
        assert AuditEvent.objects.filter(action="connection.created").count() == 1

    def test_the_stored_record_holds_no_secret_and_no_unkeyed_hash_of_it(self, api):
        body = {
            "pieceName": "http",
            "displayName": "H",
            "value": {"type": "BASIC_AUTH", "username": "u", "password": "hunter2"},
        }
        assert _post(api, body, key="basic-1").status_code == 201
        record = IdempotencyRecord.objects.get(key="basic-1")
        assert "hunter2" not in repr(record.response_body)
        unkeyed = json.dumps(body, sort_keys=True, separators=(",", ":"))
        for digest in (
            hashlib.sha256(f"POST /api/v1/connections\n{unkeyed}".encode()),
            hashlib.sha256(unkeyed.encode()),
        ):
            assert record.fingerprint != digest.hexdigest()

    def test_the_same_key_with_another_body_is_409(self, api):
        _post(api)
        error = _error(_post(api, {**OPENAI, "displayName": "Other"}), 409, "CONFLICT")
        assert "Idempotency-Key" in error["message"]
        assert Connection.objects.count() == 1

    def test_the_same_key_on_another_endpoint_is_409(self, api):
        _post(api, key="shared")
        response = api.put(
            "/api/v1/policies",
            {"pieceName": "openai", "projectId": None, "type": "USER_REQUIRED"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="shared",
        )
        _error(response, 409, "CONFLICT")

    def test_key_order_and_whitespace_in_the_body_do_not_matter(self, api):
        first = _post(api)
        reordered = '{"value": {"secret_text": "sk-idempotent-secret-0001", "type": "SECRET_TEXT"},'
        reordered += ' "displayName": "OpenAI", "pieceName": "openai"}'
        again = api.generic(
            "POST",
            "/api/v1/connections",
            reordered,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="create-openai-1",
        )
        assert again.status_code == 201 and again.json() == first.json()

    def test_different_keys_create_different_connections(self, api):
        assert _post(api, key="a").json()["id"] != _post(api, key="b").json()["id"]

    def test_without_the_header_nothing_is_stored(self, api):
        _post(api, key=None)
        _post(api, key=None)
        assert Connection.objects.count() == 2
        assert not IdempotencyRecord.objects.exists()

    def test_keys_belong_to_an_org_so_charlie_gets_his_own_connection(self, api, charlie, org):
        mine = _post(api).json()
        his = _post(charlie)
        assert his.status_code == 201 and "Idempotent-Replayed" not in his
        assert his.json()["id"] != mine["id"]
        # and Charlie cannot see the connection the replayed key belongs to
        _error(charlie.get(f"/api/v1/connections/{mine['id']}"), 404, "NOT_FOUND")

    def test_an_error_is_not_stored_so_a_corrected_retry_runs(self, api):
        broken = {**OPENAI, "pieceName": "no-such-piece"}
        _error(_post(api, broken), 400, "VALIDATION_ERROR")
        _error(_post(api, broken), 400, "VALIDATION_ERROR")
        assert not IdempotencyRecord.objects.exists()
        assert _post(api).status_code == 201

    def test_a_record_older_than_24_hours_is_forgotten(self, api):
        first = _post(api).json()
        IdempotencyRecord.objects.update(created_at=db_now() - timedelta(hours=24, seconds=1))
        again = _post(api)
        assert again.status_code == 201 and "Idempotent-Replayed" not in again
        assert again.json()["id"] != first["id"]
        assert IdempotencyRecord.objects.count() == 1

    def test_a_record_younger_than_24_hours_still_replays(self, api):
        first = _post(api).json()
        IdempotencyRecord.objects.update(created_at=db_now() - timedelta(hours=23, minutes=59))
        assert _post(api).json() == first

    @pytest.mark.parametrize("key", ["", "has space", "x" * 256, "naïve"])
    def test_a_malformed_key_is_400(self, api, key):
        error = _error(_post(api, key=key), 400, "VALIDATION_ERROR")
        assert "Idempotency-Key" in error["details"]
        assert not Connection.objects.exists()

    def test_malformed_json_with_a_key_is_still_malformed_json(self, api):
        response = api.generic(
            "POST",
            "/api/v1/connections",
            "{nope",
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="k",
        )
        _error(response, 400, "MALFORMED_JSON")

    def test_the_stored_response_holds_no_secret(self, api):
        _post(api)
        record = IdempotencyRecord.objects.get()
        stored = str(record.response_body)
        assert "sk-idempotent-secret-0001" not in stored
        assert "enc:v2:" not in stored and "value" not in record.response_body

    def test_a_policy_put_replays_too(self, api):
        conn = _post(api, key=None).json()
        body = {
            "pieceName": "openai",
            "projectId": None,
            "type": "ENFORCED_ORG",
            "connectionId": conn["id"],
        }
        first = api.put("/api/v1/policies", body, format="json", HTTP_IDEMPOTENCY_KEY="pol-1")
        assert first.status_code == 201, first.content
        again = api.put("/api/v1/policies", body, format="json", HTTP_IDEMPOTENCY_KEY="pol-1")
        assert again.status_code == 201 and again.json() == first.json()
        assert again["Idempotent-Replayed"] == "true"
        # Without a key the same PUT replaces: 200, as API.md says.
        assert api.put("/api/v1/policies", body, format="json").status_code == 200
        assert AuditEvent.objects.filter(action="policy.created").count() == 1

    def test_the_schema_documents_the_header(self, api):
        schema = api.get("/api/v1/schema").json()
        for path, method in (("/api/v1/connections", "post"), ("/api/v1/policies", "put")):
            names = [p["name"] for p in schema["paths"][path][method].get("parameters", [])]
            assert "Idempotency-Key" in names


@pytest.fixture
def openai_piece(transactional_db):
    """A transactional test before this one may have flushed the catalog's data migration."""
    Piece.objects.get_or_create(
        name="openai", defaults={"display_name": "OpenAI", "auth_types": ["SECRET_TEXT"]}
    )


def db_now():
    from django.utils import timezone

    return timezone.now()


@pytest.mark.django_db(transaction=True)
@only_postgres
def test_concurrent_requests_with_one_key_create_one_connection(
    make_api, org, monkeypatch, openai_piece
):
    secret = make_api(org).secret
    real_create = connection_views.connection_create

    def slow_create(**kwargs):
        time.sleep(0.2)  # hold the first request open while the others arrive
        return real_create(**kwargs)

    monkeypatch.setattr(connection_views, "connection_create", slow_create)
    barrier = threading.Barrier(8)
    results: list[tuple[int, dict, bool]] = []
    lock = threading.Lock()

    def create() -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        barrier.wait()
        try:
            response = _post(client, key="race-key")
        finally:
            db.close()
        with lock:
            results.append(
                (response.status_code, response.json(), "Idempotent-Replayed" in response)
            )

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _body, _replayed in results] == [201] * 8
    assert len({body["id"] for _status, body, _replayed in results}) == 1
    assert sum(1 for *_rest, replayed in results if not replayed) == 1
    assert Connection.objects.filter(org=org).count() == 1
    assert AuditEvent.objects.filter(action="connection.created").count() == 1


@pytest.mark.django_db(transaction=True)
@only_postgres
def test_a_concurrent_request_with_another_body_gets_409(make_api, org, monkeypatch, openai_piece):
    secret = make_api(org).secret
    real_create = connection_views.connection_create

    def slow_create(**kwargs):
        time.sleep(0.3)
        return real_create(**kwargs)

    monkeypatch.setattr(connection_views, "connection_create", slow_create)
    statuses: dict[str, int] = {}

    def create(name: str, delay: float) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        time.sleep(delay)
        try:
            statuses[name] = _post(client, {**OPENAI, "displayName": name}, key="k").status_code
        finally:
            db.close()

    threads = [
        threading.Thread(target=create, args=("first", 0)),
        threading.Thread(target=create, args=("second", 0.1)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == {"first": 201, "second": 409}
    assert Connection.objects.filter(org=org).count() == 1
