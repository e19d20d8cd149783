"""Every read of pieces and connections: the API, the console's counts and the tests use these.

Connections are read through fixed statements (``weavz.api.sql.OrgStatements``: the org is part
of every statement; see ``weavz.api.sql`` for why fixed SQL). Metadata rows never read the
ciphertext; only ``connection_get`` (reveal, update, delete) loads the whole row.
"""

import functools
from datetime import datetime
from typing import NamedTuple

from django.db.models import Count

from connections.models import Connection, ConnectionStatus, Piece
from weavz.api.filters import Filter, Filters
from weavz.api.pagination import Page, PageRequest
from weavz.api.sql import ModelColumns, OrgStatements, TimestampColumns, db, fetch_one


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


CONNECTION_FILTERS = Filters(
    Filter("pieceName", "piece", "Only this piece's connections.", max_length=100),
    Filter("projectId", "project", "Only this project's connections.", max_length=40),
    Filter("externalId", "external_id", "Only this end user's connections."),
    Filter(
        "status",
        "status",
        "Only connections in this status.",
        choices=ConnectionStatus.values,
        component="ConnectionStatus",
    ),
)

_ROW = ModelColumns(Connection, "c", only=ConnectionRow._fields[:-3])
_STAMPS = TimestampColumns(Connection, "c", only=ConnectionRow._fields[-3:])
_METADATA = OrgStatements(_ROW, _STAMPS)
_WHOLE = ModelColumns(Connection, "c")
_WHOLE_ROW = OrgStatements(_WHOLE)


def _rows(rows: list[tuple[object, ...]]) -> list[ConnectionRow]:
    metadata = _ROW.convert_rows([row[: len(_ROW)] for row in rows])
    stamps = _STAMPS.convert_rows([row[len(_ROW) :] for row in rows])
    return [ConnectionRow(*m, *t) for m, t in zip(metadata, stamps, strict=True)]


def connection_row(*, org_id: str, connection_id: str) -> ConnectionRow | None:
    """A connection's metadata (``GET /connections/:id``): one fixed statement."""
    row = _METADATA.get(org_id=org_id, pk=connection_id)
    return None if row is None else _rows([row])[0]


def connection_page(
    *, org_id: str, filters: dict[str, str], page: PageRequest
) -> Page[ConnectionRow]:
    """A page of metadata newest first; ``filters`` as parsed by ``CONNECTION_FILTERS``."""
    return page.of(_rows(_METADATA.page(org_id=org_id, filters=filters, page=page)))


def connection_get(*, org_id: str, connection_id: str) -> Connection | None:
    """The whole connection (its sealed value included) for a service to act on."""
    row = _WHOLE_ROW.get(org_id=org_id, pk=connection_id)
    return None if row is None else _WHOLE.instance(row)


_PIECE = ModelColumns(Piece, "p")


@functools.cache
def _piece_statement(vendor: str) -> str:
    # Read on every create and call: a fixed statement, not an ORM query compiled each time.
    return f"SELECT {_PIECE.select} FROM {_PIECE.table} WHERE {_PIECE.column('name')} = %s"  # noqa: S608


def piece_get(name: str) -> Piece | None:
    row = fetch_one(_piece_statement(db().vendor), [name])
    return None if row is None else _PIECE.instance(row)


def piece_list() -> list[Piece]:
    """The whole catalog by name (it is small and the same for every organization)."""
    return list(Piece.objects.order_by("name"))


def connection_counts_by_status() -> dict[str, int]:
    """Connections per status over every organization (the console's front page)."""
    counts = dict(Connection.objects.values_list("status").annotate(n=Count("id")).order_by())
    return {status: counts.get(status, 0) for status in ConnectionStatus.values}


def piece_count() -> int:
    return Piece.objects.count()


def duplicate_external_id(*, org_id: str, piece_name: str, external_id: str | None) -> str | None:
    """Why a new connection with this external id cannot be added, or None when it can.

    The form checks it before saving; the service after the database's unique constraint
    refused an insert (the constraint decides races).
    """
    if external_id is None:
        return None
    taken = Connection.objects.filter(org_id=org_id, piece_id=piece_name, external_id=external_id)
    if not taken.exists():
        return None
    return (
        f"A {piece_name} connection with externalId {external_id!r} already exists "
        "in this organization."
    )
