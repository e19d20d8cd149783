"""Policy rules and services. Each service is one transaction and writes its audit event."""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from connections.models import Connection, Piece
from connections.selectors import connection_get, piece_get
from orgs.audit import audit_record
from orgs.models import Organization, Project
from orgs.selectors import project_get
from policies.models import ConnectionPolicy, PolicyType
from weavz.api.errors import (
    NO_SUCH_CONNECTION_IN_ORG,
    NO_SUCH_PROJECT,
    ValidationFailed,
    unknown_piece,
)


def policy_errors(
    *,
    org: Organization,
    piece: Piece,
    project: Project | None,
    type: str,
    connection: Connection | None,
) -> dict[str, list[str]]:
    """What is wrong with this policy, by API field (API.md's table); empty when it is valid.

    Pure: it reads only the objects it is given, so forms and serializers can call it freely.
    """
    if project is not None and project.org_id != org.id:
        return {"projectId": [NO_SUCH_PROJECT]}
    if type == PolicyType.ENFORCED_PROJECT and project is None:
        return {"projectId": ["ENFORCED_PROJECT needs a projectId."]}
    if type == PolicyType.USER_REQUIRED:
        if connection is not None:
            return {"connectionId": ["USER_REQUIRED takes no connection; leave it null."]}
        return {}
    if connection is None:
        return {"connectionId": [f"{type} needs a connectionId."]}
    if connection.org_id != org.id or connection.piece_id != piece.name:
        return {"connectionId": [f"No {piece.name} connection {connection.id} in this org."]}
    if connection.external_id is not None:
        return {"connectionId": ["Must be a shared connection (one without an externalId)."]}
    if type == PolicyType.ENFORCED_ORG and connection.project_id is not None:
        return {"connectionId": ["ENFORCED_ORG needs an org-level connection (projectId null)."]}
    if type == PolicyType.ENFORCED_PROJECT and connection.project_id != project_id_of(project):
        return {"connectionId": ["ENFORCED_PROJECT needs a connection of the policy's project."]}
    if type == PolicyType.USER_WITH_DEFAULT and connection.project_id not in (
        None,
        project_id_of(project),
    ):
        return {
            "connectionId": [
                "USER_WITH_DEFAULT needs an org-level connection or one of the policy's project."
            ]
        }
    return {}


def project_id_of(project: Project | None) -> str | None:
    return None if project is None else project.id


def eligible_connections(
    *, org: Organization, piece: Piece, project: Project | None, type: str
) -> "QuerySet[Connection]":
    """The connections ``policy_errors`` accepts for this type (the admin's chooser)."""
    if type == PolicyType.USER_REQUIRED or (
        type == PolicyType.ENFORCED_PROJECT and project is None
    ):
        return Connection.objects.none()
    shared = Connection.objects.filter(org=org, piece=piece, external_id__isnull=True)
    if type == PolicyType.ENFORCED_ORG:
        return shared.filter(project__isnull=True)
    if type == PolicyType.ENFORCED_PROJECT:
        return shared.filter(project=project)
    return shared.filter(Q(project__isnull=True) | Q(project=project))


def _check(
    *,
    org: Organization,
    piece: Piece,
    project: Project | None,
    type: str,
    connection: Connection | None,
) -> None:
    errors = policy_errors(org=org, piece=piece, project=project, type=type, connection=connection)
    if errors:
        raise ValidationFailed(errors)
    # Locking the row keeps a concurrent delete of this connection from slipping between the
    # check and the write (the delete waits, then nulls this policy's connection).
    if (
        connection is not None
        and not Connection.objects.select_for_update().filter(pk=connection.pk).exists()
    ):
        raise ValidationFailed({"connectionId": ["The connection was just deleted."]})


@transaction.atomic
def policy_put(
    *,
    org: Organization,
    piece_name: str,
    project_id: str | None,
    type: str,
    connection_id: str | None,
    actor: str,
) -> tuple[ConnectionPolicy, bool]:
    """Creates or replaces the policy for ``(piece, project)``; returns it and whether it is new.

    VALIDATION_ERROR naming each bad field (API.md's table, through ``policy_errors``).
    """
    piece = piece_get(piece_name)
    errors: dict[str, list[str]] = {}
    if piece is None:
        errors["pieceName"] = [unknown_piece(piece_name)]
    project = None
    if project_id is not None:
        project = project_get(org_id=org.id, project_id=project_id)
        if project is None:
            errors["projectId"] = [NO_SUCH_PROJECT]
    connection = None
    if connection_id is not None:
        connection = connection_get(org_id=org.id, connection_id=connection_id)
        if connection is None:
            errors["connectionId"] = [NO_SUCH_CONNECTION_IN_ORG]
    if errors:
        raise ValidationFailed(errors)
    assert piece is not None
    _check(org=org, piece=piece, project=project, type=type, connection=connection)
    scope = {"org": org, "piece": piece, "project": project}
    existing = ConnectionPolicy.objects.select_for_update().filter(**scope).first()
    if existing is None:
        try:
            with transaction.atomic():  # a savepoint: a racing insert must not spoil the outer tx
                policy = ConnectionPolicy.objects.create(**scope, type=type, connection=connection)
        except IntegrityError:
            # Another request created it between our read and our insert: replace theirs.
            existing = ConnectionPolicy.objects.select_for_update().get(**scope)
        else:
            audit_record(
                org_id=org.id,
                action="policy.created",
                actor=actor,
                target_id=policy.id,
                metadata=_ids(policy),
            )
            return policy, True
    return _replace(existing, type=type, connection=connection, actor=actor), False


def _replace(
    policy: ConnectionPolicy, *, type: str, connection: Connection | None, actor: str
) -> ConnectionPolicy:
    changed = []
    if policy.type != type:
        policy.type = type
        changed.append("type")
    if policy.connection_id != (connection.id if connection else None):
        policy.connection = connection
        changed.append("connectionId")
    if changed:  # an identical PUT is not a change: no write, no event
        policy.save(update_fields=["type", "connection", "updated_at"])
        audit_record(
            org_id=policy.org_id,
            action="policy.updated",
            actor=actor,
            target_id=policy.id,
            metadata={**_ids(policy), "fields": changed},
        )
    return policy


@transaction.atomic
def policy_delete(*, policy: ConnectionPolicy, actor: str) -> None:
    audit_record(
        org_id=policy.org_id,
        action="policy.deleted",
        actor=actor,
        target_id=policy.id,
        metadata=_ids(policy),
    )
    policy.delete()


def _ids(policy: ConnectionPolicy) -> dict[str, Any]:
    return {
        "pieceName": policy.piece_id,
        "projectId": policy.project_id,
        "type": policy.type,
        "connectionId": policy.connection_id,
    }
