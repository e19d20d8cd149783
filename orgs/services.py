"""Org, project and API key services. Each is one transaction and writes its audit event."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from orgs.audit import audit_record
from orgs.keys import generate_key
from orgs.models import (
    ALL_SCOPES,
    DEFAULT_SCOPES,
    ApiKey,
    IdempotencyRecord,
    Organization,
    Project,
)
from weavz.api.idempotency import TTL as IDEMPOTENCY_TTL


class UnknownScope(ValueError):
    pass


def normalize_scopes(scopes: Iterable[str] | None) -> list[str]:
    if scopes is None:
        return list(DEFAULT_SCOPES)
    chosen = [s.strip() for s in scopes if s.strip()]
    unknown = sorted(set(chosen) - set(ALL_SCOPES))
    if unknown:
        raise UnknownScope(
            f"Unknown scope(s): {', '.join(unknown)}. Known scopes: {', '.join(ALL_SCOPES)}."
        )
    return [s for s in ALL_SCOPES if s in chosen]


@transaction.atomic
def api_key_create(
    *,
    org: Organization,
    name: str,
    actor: str,
    scopes: Iterable[str] | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """Returns the key and its plaintext secret: the only time the secret exists."""
    new = generate_key()
    key = ApiKey.objects.create(
        org=org,
        name=name,
        prefix=new.prefix,
        secret_hash=new.secret_hash,
        scopes=normalize_scopes(scopes),
        expires_at=expires_at,
    )
    audit_record(
        org_id=org.id,
        action="api_key.created",
        actor=actor,
        target_id=key.id,
        metadata={"name": name, "scopes": key.scopes},
    )
    return key, new.plaintext


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor: str) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_record(org_id=key.org_id, action="api_key.revoked", actor=actor, target_id=key.id)
    return key


@transaction.atomic
def org_create(*, name: str, actor: str) -> tuple[Organization, ApiKey, str]:
    """An organization and its first API key (default scopes)."""
    org = Organization.objects.create(name=name)
    audit_record(org_id=org.id, action="org.created", actor=actor, target_id=org.id)
    key, plaintext = api_key_create(org=org, name="default", actor=actor)
    return org, key, plaintext


@transaction.atomic
def project_create(*, org: Organization, name: str, actor: str) -> Project:
    project = Project.objects.create(org=org, name=name)
    audit_record(org_id=org.id, action="project.created", actor=actor, target_id=project.id)
    return project


def idempotency_records_purge(*, batch_size: int = 1000) -> int:
    """Deletes records older than the idempotency TTL, in short batches; returns how many."""
    cutoff = timezone.now() - IDEMPOTENCY_TTL
    deleted = 0
    while True:
        batch = list(
            IdempotencyRecord.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[
                :batch_size
            ]
        )
        if not batch:
            return deleted
        deleted += IdempotencyRecord.objects.filter(pk__in=batch, created_at__lt=cutoff).delete()[0]
