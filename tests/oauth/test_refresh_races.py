"""Single flight on PostgreSQL: many callers, processes and workers; one token request each."""

import json
import threading
import time

import pytest
from django.db import connection as db
from django.db import transaction

from connections.models import Connection
from oauth import refresh
from oauth.refresh import refresh_sweep
from tests.conftest import PROVIDER_HOST
from tests.oauth.provider import NEW_ACCESS, NEW_REFRESH, SECRETS, value_of
from tests.postgres import only_postgres
from tests.workers import (
    clear_queue,
    client_processes,
    eventually,
    queued_jobs,
    worker_process,
)

pytestmark = [only_postgres, pytest.mark.django_db(transaction=True)]
PROVIDER_ENV = {"EGRESS_ALLOWED_NETWORKS": f"{PROVIDER_HOST}/32"}


def test_twenty_callers_in_two_processes_send_one_token_request(
    make_oauth_connection, token_endpoint
):
    token_endpoint.delay = 1.0  # everyone arrives while the one request is in flight
    conn = make_oauth_connection(expires_in=30)
    start = time.time() + 4  # both processes are up and connected by then
    results = client_processes(
        "tests.oauth.refresh_clients", conn.id, "10", str(start), **PROVIDER_ENV
    )
    assert token_endpoint.count == 1
    assert [r["errors"] for r in results] == [[], []]
    tokens = [t for r in results for t in r["tokens"]]
    assert tokens == [NEW_ACCESS] * 20
    assert value_of(conn)["refresh_token"] == NEW_REFRESH


def test_two_sweeps_running_at_once_never_refresh_one_row_twice(
    make_oauth_connection, token_endpoint
):
    token_endpoint.delay = 0.3
    conns = [
        make_oauth_connection(expires_in=60, refresh_token=f"rt-{i}", external_id=f"user-{i}")
        for i in range(6)
    ]
    tried = []

    def sweep_as_a_worker():
        try:
            tried.append(refresh_sweep())
        finally:
            db.close()

    sweeps = [threading.Thread(target=sweep_as_a_worker) for _ in range(2)]
    for sweep in sweeps:
        sweep.start()
    for sweep in sweeps:
        sweep.join(timeout=60)
    sent = sorted(r["refresh_token"] for r in token_endpoint.requests)
    assert sent == sorted(f"rt-{i}" for i in range(6))  # each once
    assert sum(tried) == 6 and all(n > 0 for n in tried)  # both sweeps worked, side by side
    assert all(value_of(c)["access_token"] == NEW_ACCESS for c in conns)


def test_a_worker_process_refreshes_an_idle_expiring_connection(
    make_oauth_connection, token_endpoint
):
    clear_queue()
    conn = make_oauth_connection(expires_in=120)
    idle = make_oauth_connection(expires_in=7200, external_id="idle")
    try:
        with worker_process(**PROVIDER_ENV):
            eventually(
                lambda: value_of(conn)["access_token"] == NEW_ACCESS,
                timeout=60,
                what="the sweep job",
            )
            # Job arguments are stored in the database: the sweep's hold nothing secret.
            stored_args = json.dumps([args for _name, args in queued_jobs()])
            assert all(secret not in stored_args for secret in SECRETS)
        assert token_endpoint.count == 1
        assert value_of(idle)["access_token"] != NEW_ACCESS
        assert Connection.objects.get(pk=conn.pk).refresh_outcome == "REFRESHED"
    finally:
        clear_queue()


def test_a_caller_waits_for_a_stuck_refresh_only_so_long(
    api, make_oauth_connection, token_endpoint, settings, monkeypatch
):
    settings.REFRESH_TIMEOUT_SECONDS = 0.2
    monkeypatch.setattr(refresh, "LOCK_GRACE_SECONDS", 0.3)
    conn = make_oauth_connection()
    locked, release = threading.Event(), threading.Event()

    def hold_the_row():
        with transaction.atomic():
            Connection.objects.select_for_update().get(pk=conn.pk)
            locked.set()
            release.wait(10)
        db.close()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    try:
        locked.wait(5)
        started = time.monotonic()
        response = api.post(f"/api/v1/connections/{conn.id}/refresh")
        waited = time.monotonic() - started
    finally:
        release.set()
        holder.join()
    assert response.status_code == 504, response.content
    assert response.json()["error"]["code"] == "UPSTREAM_TIMEOUT"
    assert 0.4 < waited < 3 and token_endpoint.count == 0
