import threading

import pytest
from django.db import connection as db
from rest_framework.test import APIClient

from orgs.models import AuditEvent
from policies.models import ConnectionPolicy
from tests.factories import ConnectionFactory
from tests.postgres import only_postgres

# The flush after each test drops the piece catalog; tests/conftest.py puts it back.
pytestmark = [pytest.mark.django_db(transaction=True), only_postgres]

THREADS = 12


def _race(secret, requests):
    """Runs each ``request(client)`` in its own thread and connection, all released at once."""
    barrier = threading.Barrier(len(requests))
    statuses: list[int] = []
    lock = threading.Lock()

    def run(request) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        barrier.wait()
        try:
            status = request(client)
        finally:
            db.close()
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=run, args=(r,)) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


def test_racing_puts_for_the_same_piece_create_one_policy_and_replace_it(make_api, org):
    secret = make_api(org).secret
    body = {"pieceName": "slack", "projectId": None, "type": "USER_REQUIRED"}

    def put(client):
        return client.put("/api/v1/policies", body, format="json").status_code

    statuses = _race(secret, [put] * THREADS)
    assert statuses == [200] * (THREADS - 1) + [201]
    assert ConnectionPolicy.objects.filter(org=org).count() == 1
    assert AuditEvent.objects.filter(action="policy.created").count() == 1


def test_a_policy_put_racing_the_delete_of_its_connection_never_keeps_a_dangling_reference(
    make_api, org
):
    secret = make_api(org).secret
    for _ in range(40):
        ConnectionPolicy.objects.all().delete()
        shared = ConnectionFactory(org=org, piece_id="slack")
        body = {"pieceName": "slack", "type": "ENFORCED_ORG", "connectionId": shared.id}

        def put(client, body=body):
            return client.put("/api/v1/policies", body, format="json").status_code

        def delete(client, shared=shared):
            return client.delete(f"/api/v1/connections/{shared.id}").status_code

        statuses = _race(secret, [put, delete])
        assert 500 not in statuses
        policy = ConnectionPolicy.objects.filter(org=org).first()
        assert policy is None or policy.connection_id is None
