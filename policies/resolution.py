"""Which connection an action or trigger uses, and why (API.md, "Resolution").

This module is the only place that knows the precedence rules. Everything ``resolve`` needs (the
piece and project checks, the org and project policies with their connections, the connection
named by id and the one of the external id) comes back in ONE SQL statement: a single
organization row with a LEFT JOIN per candidate. Each join matches at most one row (primary key or
unique constraint), so the statement costs the same whatever the size of the tables.
"""

import functools
from dataclasses import dataclass, replace
from typing import Any

from rest_framework.exceptions import NotFound, ValidationError

from connections.models import Connection, ConnectionStatus, Piece
from orgs.models import Organization, Project
from policies.models import ConnectionPolicy, PolicyType
from weavz.api.errors import ConnectionNotActive, ConnectionRequired, PolicyViolation
from weavz.api.sql import ModelColumns, db, fetch_one, qn


class Source:
    ENFORCED_ORG = "ENFORCED_ORG"
    ENFORCED_PROJECT = "ENFORCED_PROJECT"
    CONNECTION_ID = "CONNECTION_ID"
    EXTERNAL_ID = "EXTERNAL_ID"
    DEFAULT = "DEFAULT"


SOURCES = (
    Source.ENFORCED_ORG,
    Source.ENFORCED_PROJECT,
    Source.CONNECTION_ID,
    Source.EXTERNAL_ID,
    Source.DEFAULT,
)


@dataclass(frozen=True)
class Resolution:
    connection: Connection
    policy: ConnectionPolicy | None
    source: str
    # Loaded only for a call (``for_call=True``): the piece's row, for its base URL and auth.
    piece: Piece | None = None


@dataclass(frozen=True)
class _Candidates:
    org_policy: ConnectionPolicy | None
    project_policy: ConnectionPolicy | None
    named: Connection | None
    by_external: Connection | None
    piece: Piece | None


def resolve(
    *,
    org: Organization,
    piece_name: str,
    project_id: str | None = None,
    external_id: str | None = None,
    connection_id: str | None = None,
    for_call: bool = False,
) -> Resolution:
    """The connection to use, the policy in force and the source; or the precise API error.

    By default connections carry metadata only (the ciphertext stays in the database). With
    ``for_call`` the same one statement also brings the candidates' ciphertext and the piece's
    row, so that running an action costs no further query:
    ``resolution.connection.decrypted_value()`` then decrypts what was loaded.
    """
    found = _load(
        org=org,
        piece_name=piece_name,
        project_id=project_id,
        external_id=external_id,
        connection_id=connection_id,
        for_call=for_call,
    )
    resolution = _choose(
        found,
        piece_name=piece_name,
        project_id=project_id,
        external_id=external_id,
        connection_id=connection_id,
    )
    return replace(resolution, piece=found.piece) if for_call else resolution


def _choose(
    found: _Candidates,
    *,
    piece_name: str,
    project_id: str | None,
    external_id: str | None,
    connection_id: str | None,
) -> Resolution:
    def usable(connection: Connection | None) -> bool:
        # Org-level connections anywhere; a project's connections only in that project.
        return (
            connection is not None
            and connection.piece_id == piece_name
            and connection.project_id in (None, project_id)
        )

    if connection_id is not None and not usable(found.named):
        raise NotFound(f"No connection {connection_id} of piece {piece_name} can be used here.")
    named = found.named if connection_id is not None else None
    own = found.by_external if usable(found.by_external) else None

    policy = _policy_in_force(found.org_policy, found.project_policy)
    if policy is None:
        if named is not None:
            return _active(named, None, Source.CONNECTION_ID)
        if external_id is None:
            raise ValidationError(
                {
                    "connectionId": ["Pass connectionId or externalId (no policy applies)."],
                    "externalId": ["Pass connectionId or externalId (no policy applies)."],
                }
            )
        if own is None:
            raise NotFound(f"No {piece_name} connection for end user {external_id!r}.")
        return _active(own, None, Source.EXTERNAL_ID)

    if policy.type in (PolicyType.ENFORCED_ORG, PolicyType.ENFORCED_PROJECT):
        enforced = _policy_connection(policy)
        if named is not None and named.id != enforced.id:
            raise PolicyViolation(
                f"Policy {policy.id} ({policy.type}) enforces connection {enforced.id} "
                f"for {piece_name}; connection {named.id} may not be used."
            )
        return _active(enforced, policy, policy.type)

    if policy.type == PolicyType.USER_REQUIRED:
        if named is not None:
            if named.external_id is None:
                raise PolicyViolation(
                    f"Policy {policy.id} (USER_REQUIRED) requires an end user's own {piece_name} "
                    f"connection; {named.id} is a shared connection."
                )
            return _active(named, policy, Source.CONNECTION_ID)
        if own is not None:
            return _active(own, policy, Source.EXTERNAL_ID)
        if external_id is None:
            raise ConnectionRequired(
                f"Policy {policy.id} requires each end user's own {piece_name} connection; "
                "pass the end user's externalId (or their connectionId)."
            )
        raise ConnectionRequired(
            f"End user {external_id!r} has no {piece_name} connection, and policy {policy.id} "
            "(USER_REQUIRED) requires one: connect their account first."
        )

    # USER_WITH_DEFAULT
    if named is not None:
        return _active(named, policy, Source.CONNECTION_ID)
    if own is not None:
        return _active(own, policy, Source.EXTERNAL_ID)
    return _active(_policy_connection(policy), policy, Source.DEFAULT)


def policy_in_force(
    *, org: Organization, piece_name: str, project_id: str | None = None
) -> ConnectionPolicy | None:
    """The policy that governs ``piece_name`` in ``project_id`` (or the whole org), by the same
    precedence ``resolve`` uses; the same VALIDATION_ERROR for an unknown piece or project."""
    found = _load(
        org=org,
        piece_name=piece_name,
        project_id=project_id,
        external_id=None,
        connection_id=None,
        for_call=False,
    )
    return _policy_in_force(found.org_policy, found.project_policy)


def _policy_in_force(
    org_policy: ConnectionPolicy | None, project_policy: ConnectionPolicy | None
) -> ConnectionPolicy | None:
    if org_policy is not None and org_policy.type == PolicyType.ENFORCED_ORG:
        return org_policy
    return project_policy or org_policy


def _policy_connection(policy: ConnectionPolicy) -> Connection:
    # connection_id is NULL only when the connection was deleted (SET_NULL): say so rather than
    # fall back to another credential.
    if policy.connection is None:
        raise ConnectionRequired(
            f"Policy {policy.id} ({policy.type}) for {policy.piece_id} has no connection: "
            "its connection was deleted. Set a new one with PUT /api/v1/policies."
        )
    return policy.connection


def _active(connection: Connection, policy: ConnectionPolicy | None, source: str) -> Resolution:
    if connection.status != ConnectionStatus.ACTIVE:
        raise ConnectionNotActive(
            f"Connection {connection.id} is {connection.status}, not ACTIVE; "
            "replace its value to reactivate it."
        )
    return Resolution(connection=connection, policy=policy, source=source)


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


def _load(
    *,
    org: Organization,
    piece_name: str,
    project_id: str | None,
    external_id: str | None,
    connection_id: str | None,
    for_call: bool,
) -> _Candidates:
    params = [
        piece_name,
        org.pk,
        project_id,
        piece_name,
        piece_name,
        project_id,
        connection_id,
        piece_name,
        external_id,
        *([piece_name] if for_call else []),
        org.pk,
    ]
    row = fetch_one(_statement(db().vendor, for_call), params)
    if row is None:  # the org was deleted under the request
        raise NotFound("No such organization.")
    if not row[0]:
        raise ValidationError({"pieceName": [f"Unknown piece {piece_name!r}."]})
    if project_id is not None and not row[1]:
        raise ValidationError({"projectId": ["No such project in this organization."]})

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
    return _Candidates(
        org_policy=org_policy,
        project_policy=project_policy,
        named=found[4],
        by_external=found[5],
        piece=found[6] if for_call else None,
    )
