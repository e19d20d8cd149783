"""Connection services: each is one transaction that also writes its audit event.

Decrypted values exist only inside ``connection_reveal`` (and resolution for execution); the
audit metadata holds ids and the names of changed fields, never a value.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from connections.catalog import piece_errors
from connections.models import Connection, ConnectionStatus, Piece
from connections.values import (
    VALUE_TYPES,
    InvalidValue,
    token_expiry,
    validate_value,
    with_expires_at,
)
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


class InvalidPieces(Exception):
    """``details`` maps ``<index>.<field>`` to messages."""

    def __init__(self, details: dict[str, list[str]]) -> None:
        self.details = details
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in details.items()))


_PIECE_FIELDS = {
    "displayName": "display_name",
    "authTypes": "auth_types",
    "props": "props",
    "baseUrl": "base_url",
    "auth": "auth",
    "oauth2": "oauth2",
}


def pieces_import(*, items: Any, actor: str) -> dict[str, list[str]]:
    """Upserts pieces given in the ``GET /pieces/:name`` shape, all or nothing.

    Returns the names ``created``, ``updated`` and ``unchanged``; each change is audited.
    """
    if not isinstance(items, list):
        raise InvalidPieces({"": ["Must be a JSON list of pieces."]})
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for index, item in enumerate(items):
        for field, messages in piece_errors(item).items():
            errors[f"{index}.{field}" if field else str(index)] = messages
        name = item.get("name") if isinstance(item, dict) else None
        if isinstance(name, str):
            if name in seen:
                errors[f"{index}.name"] = [f"{name!r} appears twice."]
            seen.add(name)
    if errors:
        raise InvalidPieces(errors)
    report: dict[str, list[str]] = {"created": [], "updated": [], "unchanged": []}
    with transaction.atomic():
        for item in items:
            wanted = {
                "display_name": item["displayName"],
                "auth_types": [t for t in VALUE_TYPES if t in item["authTypes"]],
                "props": item.get("props") or {},
                "base_url": item.get("baseUrl") or None,
                "auth": item.get("auth") or {},
                "oauth2": item.get("oauth2"),
            }
            piece = Piece.objects.select_for_update().filter(pk=item["name"]).first()
            if piece is None:
                Piece.objects.create(name=item["name"], **wanted)
                audit_record(
                    org_id=None, action="piece.created", actor=actor, target_id=item["name"]
                )
                report["created"].append(item["name"])
                continue
            changed = [
                api for api, attr in _PIECE_FIELDS.items() if getattr(piece, attr) != wanted[attr]
            ]
            if not changed:
                report["unchanged"].append(piece.name)
                continue
            for attr, value in wanted.items():
                setattr(piece, attr, value)
            piece.save()
            audit_record(
                org_id=None,
                action="piece.updated",
                actor=actor,
                target_id=piece.name,
                metadata={"fields": changed},
            )
            report["updated"].append(piece.name)
    return report
