"""The fixed-SQL helpers behind the hot reads give exactly what the ORM gives."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.db.transaction import TransactionManagementError
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from connections.models import Connection, Piece
from connections.selectors import connection_get, connection_page, connection_row, piece_get
from orgs.auth import find_key
from orgs.models import ApiKey
from orgs.services import api_key_create
from tests.factories import ConnectionFactory
from tests.postgres import only_postgres
from weavz.api.pagination import PageRequest
from weavz.api.render import iso
from weavz.api.sql import ModelColumns, OrgStatements, fetch_one
from webhooks.models import WebhookEndpoint
from webhooks.selectors import subscribed_endpoints
from webhooks.services import endpoint_create

pytestmark = pytest.mark.django_db


def test_find_key_loads_the_key_and_its_org_as_the_orm_does(org):
    key, _secret = api_key_create(
        org=org, name="k", actor="t", expires_at=timezone.now() + timedelta(days=1)
    )
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    orm = ApiKey.objects.select_related("org").get(pk=key.pk)
    found = find_key(key.prefix)
    assert found is not None
    for field in ApiKey._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(orm, field.attname), field.name
    assert found.org.name == org.name and found.org.created_at == org.created_at
    assert find_key("nope0000") is None


def test_a_connection_row_renders_like_the_model(org):
    conn = ConnectionFactory(org=org, external_id="u1")
    model = Connection.objects.get(pk=conn.pk)
    row = connection_row(org_id=org.id, connection_id=conn.pk)
    assert row is not None
    assert iso(row.created_at) == iso(model.created_at)
    assert iso(row.updated_at) == iso(model.updated_at)
    assert (
        row.id,
        row.piece_id,
        row.display_name,
        row.external_id,
        row.project_id,
        row.status,
    ) == (
        model.id,
        model.piece_id,
        model.display_name,
        model.external_id,
        model.project_id,
        model.status,
    )


def test_a_connection_row_is_scoped_to_the_org(org, other_org):
    conn = ConnectionFactory(org=org)
    assert connection_row(org_id=other_org.id, connection_id=conn.pk) is None
    assert connection_get(org_id=other_org.id, connection_id=conn.pk) is None
    page = connection_page(org_id=other_org.id, filters={}, page=PageRequest(limit=10))
    assert page.items == [] and page.next is None
    assert connection_get(org_id=org.id, connection_id=conn.pk).pk == conn.pk


def test_the_statement_builder_puts_the_org_condition_first_in_every_statement(org):
    statements = OrgStatements(ModelColumns(Connection, "c", only=["id"]))
    ConnectionFactory(org=org, status="ERROR")
    with CaptureQueriesContext(connection) as queries:
        statements.get(org_id=org.id, pk="conn_x")
        statements.page(org_id=org.id, filters={"status": "ERROR"}, page=PageRequest())
        statements.page(org_id=org.id, filters={}, page=PageRequest(before="conn_z"))
        assert len(statements.all(org_id=org.id, filters={"status": "ERROR"})) == 1
    assert len(queries.captured_queries) == 4
    assert "LIMIT" not in queries.captured_queries[-1]["sql"]
    for query in queries.captured_queries:
        where = query["sql"].split(" WHERE ", 1)[1]
        assert where.startswith('c."org_id" = ')
    with pytest.raises(TypeError):
        statements.get(pk="conn_x")
    with pytest.raises(TypeError):
        statements.page(filters={}, page=PageRequest())
    with pytest.raises(TypeError):
        statements.all(filters={})


@only_postgres
def test_the_hot_statements_are_prepared_once_per_connection_on_postgresql(api, org):
    conn = ConnectionFactory(org=org)
    for _ in range(3):
        assert api.get(f"/api/v1/connections/{conn.id}").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("orgs_apikey" in sql for sql in prepared)
    assert any("connections_connection" in sql for sql in prepared)


@only_postgres
@override_settings(PREPARED_STATEMENTS=False)
def test_prepared_statements_can_be_turned_off(api, org):
    conn = ConnectionFactory(org=org)

    def prepared() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            return cursor.fetchone()[0]

    before = prepared()
    assert api.get(f"/api/v1/connections/{conn.id}", {"limit": 1}).status_code == 200
    assert api.get("/api/v1/connections", {"status": "ERROR"}).status_code == 200
    assert prepared() == before


@only_postgres
@pytest.mark.django_db(transaction=True)  # closes the database connection
def test_fixed_statements_run_on_one_kept_cursor_per_database_connection(org):
    wrapper = connections["default"]
    conn = ConnectionFactory(org=org)
    assert connection_row(org_id=org.id, connection_id=conn.pk) is not None
    kept = wrapper.__dict__["_weavz_kept_cursor"]
    assert connection_row(org_id=org.id, connection_id=conn.pk) is not None
    assert find_key("nope0000") is None
    assert wrapper.__dict__["_weavz_kept_cursor"] is kept
    # A new database connection (a restart, a failover, CONN_MAX_AGE) gets a cursor of its own.
    wrapper.close()
    assert connection_row(org_id=org.id, connection_id=conn.pk) is not None
    assert wrapper.__dict__["_weavz_kept_cursor"] is not kept
    assert kept.connection.closed and not wrapper.__dict__["_weavz_kept_cursor"].connection.closed


@only_postgres
def test_a_fixed_statement_is_refused_in_a_transaction_that_must_roll_back(org):
    conn = ConnectionFactory(org=org)
    with transaction.atomic():
        connection.set_rollback(True)  # as after an error caught inside the block
        with pytest.raises(TransactionManagementError):
            connection_row(org_id=org.id, connection_id=conn.pk)


@only_postgres
def test_a_database_error_in_a_fixed_statement_is_djangos_and_leaves_the_cursor_usable(org):
    conn = ConnectionFactory(org=org)
    with pytest.raises(DatabaseError), transaction.atomic():  # Django's class, as from the ORM
        fetch_one("SELECT 1/0 FROM connections_connection WHERE id = %s", [conn.pk])
    assert connection_row(org_id=org.id, connection_id=conn.pk) is not None


def test_piece_get_loads_the_piece_as_the_orm_does():
    orm = Piece.objects.get(pk="slack")
    found = piece_get("slack")
    assert found is not None and found._state.adding is False
    for field in Piece._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(orm, field.attname), field.name
    assert piece_get("no-such-piece") is None


def test_subscribed_endpoints_are_the_orgs_enabled_ones_for_the_event(org, other_org, settings):
    settings.EGRESS_ALLOWED_NETWORKS = ["127.0.0.2/32"]  # endpoint_create checks the URL

    def endpoint(owner, events, enabled=True):
        made, _secret = endpoint_create(
            org=owner, url="http://127.0.0.2:9/hook", events=events, actor="test"
        )
        if not enabled:
            WebhookEndpoint.objects.filter(pk=made.pk).update(enabled=False)
        return made

    every = endpoint(org, ["*"])
    created = endpoint(org, ["connection.created"])
    endpoint(org, ["connection.deleted"])
    endpoint(org, ["*"], enabled=False)
    endpoint(other_org, ["*"])
    found = subscribed_endpoints(org_id=org.id, event_type="connection.created")
    assert sorted(e.id for e in found) == sorted([every.id, created.id])
    assert all(e.org_id == org.id and isinstance(e.events, list) for e in found)
