"""The hot reads of the Connections API, as fixed SQL (see ``weavz.api.sql`` for why).

Every function takes the org: tenancy is part of each statement, as the org-scoped viewset base
makes it part of every ORM query. Rows carry metadata only; the ciphertext is never read here.
"""

import functools
from datetime import datetime
from typing import NamedTuple

from connections.models import Connection
from weavz.api.sql import ModelColumns, TimestampColumns, db, fetch_all, fetch_one


class ConnectionRow(NamedTuple):
    """What the API shows of a connection; renders exactly like a ``Connection``."""

    id: str
    piece_id: str
    display_name: str
    external_id: str | None
    project_id: str | None
    status: str
    created_at: datetime | str
    updated_at: datetime | str
    last_used_at: datetime | str | None


_ROW = ModelColumns(Connection, "c", only=ConnectionRow._fields[:-3])
_STAMPS = TimestampColumns(Connection, "c", only=ConnectionRow._fields[-3:])
# Query parameter -> model field, in the order their conditions appear in the statement.
LIST_FILTERS = {
    "pieceName": "piece",
    "projectId": "project",
    "externalId": "external_id",
    "status": "status",
}


def _select() -> str:
    return f"SELECT {_ROW.select}, {_STAMPS.select} FROM {_ROW.table}"  # noqa: S608


def _rows(rows: list[tuple[object, ...]]) -> list[ConnectionRow]:
    metadata = _ROW.convert_rows([row[: len(_ROW)] for row in rows])
    stamps = _STAMPS.convert_rows([row[len(_ROW) :] for row in rows])
    return [ConnectionRow(*m, *t) for m, t in zip(metadata, stamps, strict=True)]


@functools.cache
def _get_statement(vendor: str) -> str:
    return (  # identifiers come from model metadata; every value is a parameter
        f"{_select()} WHERE {_ROW.column('id')} = %s AND {_ROW.column('org')} = %s"
    )


@functools.cache
def _page_statement(vendor: str, filters: tuple[str, ...], after: bool) -> str:
    # One statement per filter combination; each matches an (org, <filter>, -id) index, so a page
    # is one index range scan at row 10 or row 10,000,000.
    conditions = [f"{_ROW.column('org')} = %s"]
    conditions += [f"{_ROW.column(LIST_FILTERS[name])} = %s" for name in filters]
    if after:
        conditions.append(f"{_ROW.column('id')} < %s")
    return (
        f"{_select()} WHERE {' AND '.join(conditions)} ORDER BY {_ROW.column('id')} DESC LIMIT %s"
    )


def connection_row(*, org_id: str, connection_id: str) -> ConnectionRow | None:
    row = fetch_one(_get_statement(db().vendor), [connection_id, org_id])
    return None if row is None else _rows([row])[0]


def connection_page(
    *, org_id: str, filters: dict[str, str], before: str | None, limit: int
) -> tuple[list[ConnectionRow], bool]:
    """Up to ``limit`` rows newest first (below the id ``before``), and whether more follow."""
    names = tuple(name for name in LIST_FILTERS if name in filters)
    params: list[object] = [org_id, *(filters[name] for name in names)]
    if before is not None:
        params.append(before)
    params.append(limit + 1)
    rows = fetch_all(_page_statement(db().vendor, names, before is not None), params)
    return _rows(rows[:limit]), len(rows) > limit
