import threading

import pytest
from django.db import connection as db
from rest_framework.test import APIClient

from connections.models import Connection
from tests.postgres import only_postgres

pytestmark = [pytest.mark.django_db(transaction=True), only_postgres]


def test_racing_duplicate_creates_give_one_201_and_the_rest_409(make_api, org):
    secret = make_api(org).secret
    body = {
        "pieceName": "slack",
        "displayName": "Race",
        "externalId": "user-race",
        "value": {"type": "OAUTH2", "access_token": "xoxb-race"},
    }
    barrier = threading.Barrier(16)
    statuses: list[int] = []
    lock = threading.Lock()

    def create() -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        barrier.wait()
        try:
            status = client.post("/api/v1/connections", body, format="json").status_code
        finally:
            db.close()
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=create) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [409] * 15
    assert Connection.objects.filter(external_id="user-race").count() == 1
