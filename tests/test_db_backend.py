"""The PostgreSQL backend checks a reused connection's health only after it sat idle."""

import psycopg
import pytest
from django.db import connection, connections

from tests.postgres import only_postgres

pytestmark = [pytest.mark.django_db(transaction=True), only_postgres]


@pytest.fixture
def health_checks(monkeypatch):
    seen: list[int] = []
    backend = type(connections["default"])
    real = backend.is_usable

    def counting(self):
        seen.append(1)
        return real(self)

    monkeypatch.setattr(backend, "is_usable", counting)
    return seen


def _new_request():
    # What Django does when a request starts (request_started -> close_old_connections).
    connection.close_if_unusable_or_obsolete()


def _backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _idle_past_the_limit():
    connection._last_query_at -= connection.health_check_idle + 1


def test_a_connection_used_a_moment_ago_is_not_checked(health_checks):
    pid = _backend_pid()
    _new_request()
    assert _backend_pid() == pid
    assert health_checks == []


def test_a_connection_idle_past_the_limit_is_checked(health_checks):
    pid = _backend_pid()
    _idle_past_the_limit()
    _new_request()
    assert _backend_pid() == pid
    assert health_checks == [1]


def test_a_connection_cut_while_idle_is_replaced_before_it_is_used(health_checks):
    pid = _backend_pid()
    params = connection.get_connection_params()
    wanted = ("host", "port", "user", "password", "dbname")
    with psycopg.connect(**{k: v for k, v in params.items() if k in wanted}) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    _idle_past_the_limit()
    _new_request()
    assert _backend_pid() != pid
    assert health_checks == [1]


def test_no_table_of_ours_keeps_a_pattern_index():
    from django.apps import apps

    ours = ("orgs", "connections", "policies", "oauth", "connect", "webhooks")
    tables = [m._meta.db_table for label in ours for m in apps.get_app_config(label).get_models()]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = ANY(%s)"
            " AND indexdef ~ '(varchar|text)_pattern_ops'",
            [tables],
        )
        assert cursor.fetchall() == []
