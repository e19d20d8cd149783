"""Every read of connection policies, resolution's included (API, console, tests)."""

import functools
from dataclasses import dataclass
from typing import Any

from connections.models import Connection, Piece
from orgs.models import Organization, Project
from policies.models import ConnectionPolicy
from weavz.api.filters import Filter, Filters
from weavz.api.ids import ID_MAX_LENGTH
from weavz.api.pagination import Page, PageRequest, keyset_page
from weavz.api.sql import ModelColumns, db, fetch_one, org_queryset, qn

POLICY_FILTERS = Filters(
    Filter("pieceName", "piece_id", "Only this piece's policies.", max_length=100),
    Filter("projectId", "project_id", "Only this project's policies.", max_length=ID_MAX_LENGTH),
)


def policy_get(*, org_id: str, policy_id: str) -> ConnectionPolicy | None:
    return org_queryset(ConnectionPolicy, org_id).filter(pk=policy_id).first()


def policy_page(
    *, org_id: str, filters: dict[str, str], page: PageRequest
) -> Page[ConnectionPolicy]:
    return keyset_page(org_queryset(ConnectionPolicy, org_id).filter(**filters), page)


@dataclass(frozen=True)
class Candidates:
    piece_exists: bool
    project_exists: bool
    org_policy: ConnectionPolicy | None
    project_policy: ConnectionPolicy | None
    named: Connection | None
    by_external: Connection | None
    # Only for a call: the piece's row (base URL, auth templates).
    piece: Piece | None = None


def _groups(for_call: bool) -> tuple[ModelColumns, ...]:
    """(alias, columns) in the order of the SELECT list. Resolving reads metadata only: the
    ciphertext stays in the database. A call also reads the ciphertext and the piece's row."""
    exclude = [] if for_call else ["value"]
    groups = (
        ModelColumns(ConnectionPolicy, "op"),
        ModelColumns(Connection, "opc", exclude=exclude),
        ModelColumns(ConnectionPolicy, "pp"),
        ModelColumns(Connection, "ppc", exclude=exclude),
        ModelColumns(Connection, "n", exclude=exclude),
        ModelColumns(Connection, "e", exclude=exclude),
    )
    return (*groups, ModelColumns(Piece, "pc")) if for_call else groups


_GROUPS = {False: _groups(False), True: _groups(True)}


@functools.cache
def _statement(vendor: str, for_call: bool) -> str:
    """The SQL, built once per process and database vendor (see ``weavz.api.sql`` for why).

    A NULL parameter matches nothing, so one statement serves every combination of inputs.
    """
    table = {m: qn(m._meta.db_table) for m in (ConnectionPolicy, Connection, Piece)}
    columns = ", ".join(group.select for group in _GROUPS[for_call])
    piece_join = f"LEFT JOIN {table[Piece]} pc ON pc.{qn('name')} = %s" if for_call else ""
    return f"""
        SELECT
          EXISTS(SELECT 1 FROM {qn(Piece._meta.db_table)} WHERE {qn("name")} = %s),
          EXISTS(SELECT 1 FROM {qn(Project._meta.db_table)} WHERE {qn("org_id")} = %s
                 AND {qn("id")} = %s),
          {columns}
        FROM {qn(Organization._meta.db_table)} o
        LEFT JOIN {table[ConnectionPolicy]} op
          ON op.{qn("org_id")} = o.{qn("id")} AND op.{qn("piece_id")} = %s
         AND op.{qn("project_id")} IS NULL
        LEFT JOIN {table[Connection]} opc ON opc.{qn("id")} = op.{qn("connection_id")}
        LEFT JOIN {table[ConnectionPolicy]} pp
          ON pp.{qn("org_id")} = o.{qn("id")} AND pp.{qn("piece_id")} = %s
         AND pp.{qn("project_id")} = %s
        LEFT JOIN {table[Connection]} ppc ON ppc.{qn("id")} = pp.{qn("connection_id")}
        LEFT JOIN {table[Connection]} n ON n.{qn("org_id")} = o.{qn("id")} AND n.{qn("id")} = %s
        LEFT JOIN {table[Connection]} e
          ON e.{qn("org_id")} = o.{qn("id")} AND e.{qn("piece_id")} = %s
         AND e.{qn("external_id")} = %s
        {piece_join}
        WHERE o.{qn("id")} = %s
    """  # noqa: S608 (identifiers come from model metadata; every value is a parameter)


def resolution_candidates(
    *,
    org_id: str,
    piece_name: str,
    project_id: str | None,
    external_id: str | None,
    connection_id: str | None,
    for_call: bool = False,
) -> Candidates | None:
    """Everything resolution needs, in one statement; None when the org does not exist.
    ``for_call`` also loads the candidates' ciphertext and the piece's row."""
    params = [
        piece_name,
        org_id,
        project_id,
        piece_name,
        piece_name,
        project_id,
        connection_id,
        piece_name,
        external_id,
        *([piece_name] if for_call else []),
        org_id,
    ]
    row = fetch_one(_statement(db().vendor, for_call), params)
    if row is None:
        return None

    found: list[Any] = []
    position = 2
    for group in _GROUPS[for_call]:
        found.append(group.instance(row[position : position + len(group)]))
        position += len(group)
    org_policy, org_policy_connection, project_policy, project_policy_connection = found[:4]
    for policy, connection in (
        (org_policy, org_policy_connection),
        (project_policy, project_policy_connection),
    ):
        if policy is not None and connection is not None:
            policy.connection = connection
    return Candidates(
        piece_exists=bool(row[0]),
        project_exists=bool(row[1]),
        org_policy=org_policy,
        project_policy=project_policy,
        named=found[4],
        by_external=found[5],
        piece=found[6] if for_call else None,
    )
