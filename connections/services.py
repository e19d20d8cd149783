"""Connection services: each is one transaction that also writes its audit event.

Decrypted values exist only inside ``connection_reveal`` (and resolution for execution); the
audit metadata holds ids and the names of changed fields, never a value.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from connections.models import Connection, ConnectionStatus, Piece
from connections.values import InvalidValue, token_expiry, validate_value, with_expires_at
from orgs.audit import audit_record
from orgs.models import Organization, Project
from weavz.api.errors import Conflict


def clean_value(piece: Piece, value: Any) -> dict[str, Any]:
    """The value checked against the piece, or a VALIDATION_ERROR naming each bad field.

    An OAUTH2 value's ``expires_in`` is also kept as the ``expires_at`` it means from now.
    """
    try:
        clean = validate_value(value, auth_types=piece.auth_types, props=piece.props)
    except InvalidValue as exc:
        raise ValidationError(exc.details) from None
    return with_expires_at(clean, timezone.now())


REFRESH_BOOKKEEPING = [
    "token_expires_at",
    "refresh_outcome",
    "refresh_failing_since",
    "refresh_failures",
    "refresh_retry_at",
]


def set_value(connection: Connection, clean: dict[str, Any]) -> None:
    """New credentials on ``connection`` (unsaved): their expiry, and no refresh history."""
    connection.value = clean
    connection.value_type = clean["type"]
    connection.token_expires_at = token_expiry(clean)
    connection.refresh_outcome = ""
    connection.refresh_failing_since = None
    connection.refresh_failures = 0
    connection.refresh_retry_at = None


def connection_create(
    *,
    org: Organization,
    piece: Piece,
    display_name: str,
    value: Any,
    actor: str,
    project: Project | None = None,
    external_id: str | None = None,
) -> Connection:
    clean = clean_value(piece, value)
    connection = Connection(
        org=org,
        piece=piece,
        project=project,
        display_name=display_name,
        external_id=external_id,
    )
    set_value(connection, clean)
    try:
        with transaction.atomic():
            connection.save(force_insert=True)
            audit_record(
                org_id=org.id,
                action="connection.created",
                actor=actor,
                target_id=connection.id,
                metadata={
                    "pieceName": piece.name,
                    "projectId": project.id if project else None,
                    "externalId": external_id,
                    "valueType": clean["type"],
                },
            )
    except IntegrityError:
        # The database's unique constraint decides races: one insert wins, the rest conflict.
        duplicate = Connection.objects.filter(org=org, piece=piece, external_id=external_id)
        if external_id is not None and duplicate.exists():
            raise Conflict(
                f"A {piece.name} connection with externalId {external_id!r} already exists "
                "in this organization."
            ) from None
        raise
    return connection


@transaction.atomic
def connection_update(
    *,
    connection: Connection,
    actor: str,
    display_name: str | None = None,
    value: Any = None,
    status: str | None = None,
) -> Connection:
    changed: list[str] = []
    if display_name is not None and display_name != connection.display_name:
        connection.display_name = display_name
        changed.append("display_name")
    if value is not None:
        set_value(connection, clean_value(connection.piece, value))
        changed += ["value", "value_type", *REFRESH_BOOKKEEPING]
        # New credentials are presumed good until an action says otherwise.
        if status is None and connection.status != ConnectionStatus.ACTIVE:
            status = ConnectionStatus.ACTIVE
    if status is not None and status != connection.status:
        connection.status = status
        changed.append("status")
    if changed:
        connection.save(update_fields=[*changed, "updated_at"])
        audit_record(
            org_id=connection.org_id,
            action="connection.updated",
            actor=actor,
            target_id=connection.id,
            metadata={
                "fields": [f for f in changed if f != "value_type" and f not in REFRESH_BOOKKEEPING]
            },
        )
    return connection


@transaction.atomic
def connection_delete(*, connection: Connection, actor: str) -> None:
    """Permanent. Policies pointing at it lose it through their FK (SET_NULL)."""
    # Lock first, so a policy write that references this row (and locks it too) is ordered
    # before or after us, instead of failing our commit with a foreign-key violation.
    Connection.objects.select_for_update().filter(pk=connection.pk).values_list("pk").first()
    audit_record(
        org_id=connection.org_id,
        action="connection.deleted",
        actor=actor,
        target_id=connection.id,
        metadata={"pieceName": connection.piece_id, "externalId": connection.external_id},
    )
    connection.delete()


@transaction.atomic
def connection_reveal(*, connection: Connection, actor: str) -> dict[str, Any]:
    """The decrypted credentials, exactly as stored; every reveal is audited."""
    value = connection.decrypted_value()
    audit_record(
        org_id=connection.org_id,
        action="connection.revealed",
        actor=actor,
        target_id=connection.id,
    )
    return value
