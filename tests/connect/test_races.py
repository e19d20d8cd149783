"""Racing completions of one connect session: the database lets exactly one through."""

import threading

import pytest
from django.db import connection as db
from django.test import Client

from connect.models import ConnectSession
from connect.pages import cookie_name
from connect.services import connect_session_complete
from connections.models import Connection
from orgs.models import AuditEvent
from tests.connect.conftest import open_link
from tests.postgres import only_postgres
from weavz.api.errors import Gone

pytestmark = [pytest.mark.django_db(transaction=True), only_postgres]


def _race(count: int, work) -> list[object]:
    barrier = threading.Barrier(count)
    results: list[object] = []
    lock = threading.Lock()

    def run(index: int) -> None:
        barrier.wait()
        try:
            outcome = work(index)
        except Exception as exc:
            outcome = exc
        finally:
            db.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_racing_completions_make_one_connection_and_the_losers_are_gone(start_session):
    created = start_session(pieceName="openai", externalId="user-race")

    def complete(index: int) -> object:
        value = {"type": "SECRET_TEXT", "secret_text": f"sk-race-{index}"}
        return connect_session_complete(session_id=created["id"], value=value)

    results = _race(8, complete)
    winners = [r for r in results if isinstance(r, Connection)]
    assert len(winners) == 1
    assert all(isinstance(r, Gone) for r in results if r not in winners)
    assert Connection.objects.filter(external_id="user-race").count() == 1
    session = ConnectSession.objects.get(pk=created["id"])
    assert session.status == "COMPLETED" and session.connection_id == winners[0].id
    assert AuditEvent.objects.filter(action="connect_session.completed").count() == 1


def test_two_browsers_posting_at_once_get_one_connection_and_one_410(start_session):
    created = start_session(pieceName="openai", externalId="user-race")
    first = Client()
    path = open_link(first, created["token"])
    second = Client()
    second.cookies[cookie_name(created["id"])] = first.cookies[cookie_name(created["id"])].value

    def post(index: int) -> object:
        client = (first, second)[index]
        return client.post(path, {"secret_text": f"sk-race-{index}"}).status_code

    assert sorted(_race(2, post)) == [303, 410]
    assert Connection.objects.filter(external_id="user-race").count() == 1
