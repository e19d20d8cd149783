"""Fixed SQL for the hottest reads: compiled once per process, converted like the ORM does.

The ORM compiles every query on every call; for the one-row lookups behind each API request
that compilation costs several times what the database spends answering (measured with
``bench/profile.py``: about 0.6 ms of CPU per lookup). ``ModelColumns`` keeps what matters of
the ORM — column names from model metadata and each field's database converters — and skips the
compiler. Callers build their statement text once (``functools.cache``) and pass every value as a
parameter.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model, QuerySet

from weavz.api.pagination import PageRequest
from weavz.api.render import iso

M = TypeVar("M", bound=Model)
T = TypeVar("T")

Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


def db() -> BaseDatabaseWrapper:
    return connections[DEFAULT_DB_ALIAS]


def qn(name: str) -> str:
    quoted: str = db().ops.quote_name(name)
    return quoted


class ModelColumns:
    """A model's concrete columns (all, or ``only`` these) under a table alias."""

    def __init__(
        self,
        model: type[Model],
        alias: str,
        *,
        only: Sequence[str] | None = None,
        exclude: Sequence[str] = (),
    ) -> None:
        self.model = model
        self.alias = alias
        concrete = [f for f in model._meta.concrete_fields if f.name not in exclude]
        if only is not None:
            by_name = {f.attname: f for f in concrete} | {f.name: f for f in concrete}
            concrete = [by_name[name] for name in only]
        self.fields: tuple[Field[Any, Any], ...] = tuple(concrete)
        self.attnames = [f.attname for f in self.fields]
        self._converters: dict[str, tuple[tuple[int, Any, tuple[Converter, ...]], ...]] = {}

    def __len__(self) -> int:
        return len(self.fields)

    @property
    def table(self) -> str:
        return f"{qn(self.model._meta.db_table)} {self.alias}"

    @property
    def select(self) -> str:
        return ", ".join(f"{self.alias}.{qn(f.column)}" for f in self.fields)

    def column(self, name: str) -> str:
        field = self.model._meta.get_field(name)
        assert isinstance(field, Field) and field.column is not None
        return f"{self.alias}.{qn(field.column)}"

    def convert(self, values: Sequence[Any]) -> list[Any]:
        """Python values from a row slice, as the ORM would give them (datetimes, JSON, …)."""
        return self.convert_rows([values])[0]

    def convert_rows(self, rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
        connection = db()
        converters = self._converters.get(connection.vendor)
        if converters is None:
            converters = self._converters[connection.vendor] = tuple(
                (
                    index,
                    col,
                    tuple(
                        connection.ops.get_db_converters(col) + col.get_db_converters(connection)
                    ),
                )
                for index, col in enumerate(f.get_col(self.alias) for f in self.fields)
            )
        active = [(i, col, fns) for i, col, fns in converters if fns]
        out = [list(row) for row in rows]
        for values in out:
            for index, col, column_converters in active:
                for convert in column_converters:
                    values[index] = convert(values[index], col, connection)
        return out

    def instance(self, values: Sequence[Any]) -> Any:
        """A model instance from a row slice; None when a LEFT JOIN matched nothing."""
        if values[0] is None:
            return None
        return self.model.from_db(DEFAULT_DB_ALIAS, self.attnames, self.convert(values))


class _PreparingCursor(psycopg.Cursor[Any]):
    """Binds parameters on the server and prepares every statement it runs."""

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        kwargs.setdefault("prepare", True)
        return super().execute(query, params, **kwargs)


def _kept_cursor(connection: BaseDatabaseWrapper) -> Any:
    """The cursor that runs fixed statements on ``connection``, or None where Django's own
    cursor must run them.

    On PostgreSQL it binds parameters on the server and prepares each statement, so a connection
    parses and plans it once, not on every request (for resolution's statement planning costs
    more than running it). It is made once per database connection and kept (a cursor is
    reusable; a connection belongs to one thread), so a statement costs psycopg's execute and
    nothing around it but Django's error translation. Django's own cursors bind on the client and
    never prepare: they run the statements elsewhere, with ``PREPARED_STATEMENTS=false`` (needed
    behind a transaction-pooling PgBouncer older than 1.21), and while queries are logged (DEBUG,
    query-count assertions), so the log holds the full SQL text, which psycopg does not expose
    for a prepared execution."""
    if (
        connection.vendor != "postgresql"
        or not settings.PREPARED_STATEMENTS
        or connection.queries_logged
    ):
        return None
    # What Django's cursor() does first: the health check, a (re)connection if needed, and the
    # refusal to run anything in a transaction that must be rolled back.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    kept = connection.__dict__.get("_weavz_kept_cursor")
    if kept is None or kept.connection is not connection.connection:
        with connection.wrap_database_errors:
            kept = _PreparingCursor(connection.connection)
        connection.__dict__["_weavz_kept_cursor"] = kept
    return kept


def _run(sql: str, params: Sequence[Any], take: Callable[[Any], T]) -> T:
    connection = db()
    kept = _kept_cursor(connection)
    if kept is None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return take(cursor)
    with connection.wrap_database_errors:
        kept.execute(sql, params)
        return take(kept)


def _one(cursor: Any) -> tuple[Any, ...] | None:
    row: tuple[Any, ...] | None = cursor.fetchone()
    return row


def fetch_one(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    return _run(sql, params, _one)


def fetch_all(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    return _run(sql, params, lambda cursor: list(cursor.fetchall()))


class TimestampColumns(ModelColumns):
    """Timestamp columns selected as the API's text (ISO 8601, UTC, ``Z``).

    PostgreSQL renders them itself (``to_char``), which spares parsing a datetime per row in
    Python only to print it again: a fifth of a list page's CPU. Elsewhere Python formats them.
    """

    _PG_FORMAT = '\'YYYY-MM-DD"T"HH24:MI:SS"Z"\''

    @property
    def select(self) -> str:
        columns = [f"{self.alias}.{qn(f.column)}" for f in self.fields]
        if db().vendor == "postgresql":
            columns = [f"to_char({c} AT TIME ZONE 'UTC', {self._PG_FORMAT})" for c in columns]
        return ", ".join(columns)

    def convert_rows(self, rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
        if db().vendor == "postgresql":
            return [list(row) for row in rows]
        return [[iso(value) for value in values] for values in super().convert_rows(rows)]


def org_queryset(model: type[M], org_id: str) -> "QuerySet[M]":
    """The ORM form of the tenancy rule: a selector's queryset starts here, inside one org."""
    return model._default_manager.filter(org_id=org_id)


class OrgStatements:
    """The fixed statements of one org-owned table; the org condition is built in, first.

    ``get(org_id=…, pk=…)`` reads one row by id; ``page(org_id=…, filters={field: value},
    page=PageRequest)`` reads up to ``page.fetch`` rows newest first (equality filters on model
    fields, then the keyset condition); ``all(org_id=…, filters=…)`` reads every matching row,
    newest first, for the few tables an org holds only a handful of rows in. There is no way to
    build a statement without the org: each takes it as a required keyword and passes it as the
    first parameter. Rows come back raw,
    columns in the order of ``groups``; convert them with each group's ``convert_rows``.
    """

    def __init__(self, *groups: ModelColumns, org_field: str = "org") -> None:
        self.groups = groups
        self.base = groups[0]
        self.org_field = org_field
        self._statements: dict[tuple[Any, ...], str] = {}

    def _statement(
        self, vendor: str, fields: tuple[str, ...], *, by_id: bool, after: bool, limit: bool
    ) -> str:
        cache_key = (vendor, fields, by_id, after, limit)
        sql = self._statements.get(cache_key)
        if sql is None:
            column = self.base.column
            conditions = [f"{column(self.org_field)} = %s"]
            conditions += [f"{column(name)} = %s" for name in fields]
            if by_id:
                conditions.append(f"{column('id')} = %s")
            if after:
                conditions.append(f"{column('id')} < %s")
            select = ", ".join(group.select for group in self.groups)
            sql = f"SELECT {select} FROM {self.base.table} WHERE {' AND '.join(conditions)}"  # noqa: S608
            if not by_id:  # identifiers come from model metadata; every value is a parameter
                sql += f" ORDER BY {column('id')} DESC"
            if limit:
                sql += " LIMIT %s"
            self._statements[cache_key] = sql
        return sql

    def get(self, *, org_id: str, pk: str) -> tuple[Any, ...] | None:
        statement = self._statement(db().vendor, (), by_id=True, after=False, limit=False)
        return fetch_one(statement, [org_id, pk])

    def page(
        self, *, org_id: str, filters: Mapping[str, object], page: PageRequest
    ) -> list[tuple[Any, ...]]:
        # One statement per filter combination; each matches an (org, <filter>, -id) index, so a
        # page is one index range scan at row 10 or row 10,000,000.
        fields = tuple(sorted(filters))
        params: list[object] = [org_id, *(filters[name] for name in fields)]
        if page.before is not None:
            params.append(page.before)
        params.append(page.fetch)
        after = page.before is not None
        statement = self._statement(db().vendor, fields, by_id=False, after=after, limit=True)
        return fetch_all(statement, params)

    def all(self, *, org_id: str, filters: Mapping[str, object]) -> list[tuple[Any, ...]]:
        fields = tuple(sorted(filters))
        statement = self._statement(db().vendor, fields, by_id=False, after=False, limit=False)
        return fetch_all(statement, [org_id, *(filters[name] for name in fields)])
