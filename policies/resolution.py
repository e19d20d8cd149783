"""Which connection an action or trigger uses, and why (API.md, "Resolution").

This module is the only place that knows the precedence rules (the bench's floors re-implement
them on purpose, to measure the framework's cost, and tests/bench pins them to these). Everything
``resolve`` needs comes back from one read, ``policies.selectors.resolution_candidates``.
"""

from dataclasses import dataclass, replace

from connections.models import Connection, ConnectionStatus, Piece
from orgs.models import Organization
from policies.models import ConnectionPolicy, PolicyType
from policies.selectors import Candidates, resolution_candidates
from weavz.api.errors import (
    NO_SUCH_PROJECT,
    ConnectionNotActive,
    ConnectionRequired,
    NotFound,
    PolicyViolation,
    ValidationFailed,
    unknown_piece,
)


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
    found = _candidates(
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


def _candidates(
    *,
    org: Organization,
    piece_name: str,
    project_id: str | None,
    external_id: str | None,
    connection_id: str | None,
    for_call: bool,
) -> Candidates:
    """The one read, and its VALIDATION_ERROR for an unknown piece or project."""
    found = resolution_candidates(
        org_id=org.pk,
        piece_name=piece_name,
        project_id=project_id,
        external_id=external_id,
        connection_id=connection_id,
        for_call=for_call,
    )
    if found is None:  # the org was deleted under the request
        raise NotFound("No such organization.")
    errors: dict[str, list[str]] = {}
    if not found.piece_exists:
        errors["pieceName"] = [unknown_piece(piece_name)]
    if project_id is not None and not found.project_exists:
        errors["projectId"] = [NO_SUCH_PROJECT]
    if errors:
        raise ValidationFailed(errors)
    return found


def _choose(
    found: Candidates,
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
            raise ValidationFailed(
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
    found = _candidates(
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
