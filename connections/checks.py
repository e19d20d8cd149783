"""Start-up and readiness safety for the encryption keys.

- ``check_encryption_keys`` (a system check, run by ``manage.py check``, ``migrate`` and at server
  start): the configured keyring is well formed and every key round-trips.
- ``check_stored_kids`` (database-tagged: ``check --database default``, ``migrate``): warns
  when stored values are under a kid no configured key has.
- ``stored_keys_ready`` (listed in ``settings.READINESS_CHECKS``, called by ``/readyz``): the
  same question for the load balancer, answered from a per-process cache so a probe costs nothing.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import DatabaseError
from django.db.models import Q
from django.db.models.functions import Substr

from connections.crypto import PREFIX, PREFIXES, Keyring
from connections.fields import ORG_ATTNAME
from connections.rotation import MALFORMED_KID, SealedColumn, sealed_columns

logger = logging.getLogger("weavz.encryption")

_HOW = "Generate a key with `python manage.py generate_encryption_key` and set ENCRYPTION_KEY."
_SELF_TEST_CONTEXT = b"weavz/system-check"
_KID_LENGTH = 12
_HEADER_RE = re.compile("(?:" + "|".join(map(re.escape, PREFIXES)) + r")([0-9a-f]{12}):")
DEFAULT_READINESS_TTL_SECONDS = 60


@register(Tags.security)
def check_encryption_keys(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[Error]:
    ring = getattr(settings, "ENCRYPTION_KEYRING", None)
    if not isinstance(ring, Keyring):
        return [
            Error(
                "ENCRYPTION_KEYRING is not configured.",
                hint=f"weavz.settings builds it from ENCRYPTION_KEY. {_HOW}",
                id="connections.E001",
            )
        ]
    # A current key that cannot round-trip (a broken crypto backend, a hand-built keyring) is
    # found here at start-up rather than on the first credential write. Previous keys only
    # decrypt; verify_encryption proves them against the stored rows.
    try:
        ok = ring.decrypt(ring.encrypt(b"{}", _SELF_TEST_CONTEXT), _SELF_TEST_CONTEXT) == b"{}"
    except Exception:  # any failure of the self-test is the finding
        ok = False
    if ok:
        return []
    return [
        Error(
            f"The current encryption key {ring.current.kid} does not round-trip a value.",
            hint=_HOW,
            id="connections.E002",
        )
    ]


@register(Tags.models)
def check_sealed_models(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[Error]:
    """Every model with a sealed column has an ``org_id``: the AAD binds it, rotation reads it."""
    return [
        Error(
            f"{column.name} is an EncryptedJSONField, but {column.model._meta.label} has no "
            f"{ORG_ATTNAME} column to bind its ciphertexts to.",
            hint="Give the model a ForeignKey named `org` to orgs.Organization.",
            obj=column.model,
            id="connections.E003",
        )
        for column in sealed_columns()
        if not any(f.attname == ORG_ATTNAME for f in column.model._meta.concrete_fields)
    ]


def _configured_filter(attname: str, kids: Iterable[str]) -> Q:
    q = Q()
    for kid in kids:
        for prefix in PREFIXES:
            q |= Q(**{f"{attname}__startswith": f"{prefix}{kid}:"})
    return q


def _undecryptable_in(column: SealedColumn, kids: Iterable[str]) -> set[str]:
    attname = column.field.attname
    outside = column.stored().exclude(_configured_filter(attname, kids))
    if not outside.exists():
        return set()
    # Rare path (something is wrong), so a full distinct scan for an exact log line is fine.
    heads = (
        outside.annotate(head=Substr(attname, 1, len(PREFIX) + _KID_LENGTH + 1))
        .order_by()
        .values_list("head", flat=True)
        .distinct()
    )
    # Only a well-formed header names a kid; anything else could be value bytes, never logged.
    return {_kid_of_header(str(head)) for head in heads}


def undecryptable_kids() -> list[str]:
    """Stored kids, over every sealed column, that no configured key has; one early-exit scan
    per column when there are none."""
    ring: Keyring = settings.ENCRYPTION_KEYRING
    missing: set[str] = set()
    for column in sealed_columns():
        missing |= _undecryptable_in(column, ring.kids)
    return sorted(missing)


def _kid_of_header(head: str) -> str:
    match = _HEADER_RE.fullmatch(head)
    return match.group(1) if match else MALFORMED_KID


@register(Tags.database)
def check_stored_kids(
    app_configs: Sequence[Any] | None = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    if not databases or "default" not in databases:
        return []
    try:
        missing = undecryptable_kids()
    except DatabaseError:
        return []  # not migrated yet: nothing is stored
    if not missing:
        return []
    return [
        Warning(
            f"Stored encrypted values are under key id(s) {', '.join(missing)}, "
            "which no configured key has; they cannot be decrypted.",
            hint="Add the key(s) that made them to ENCRYPTION_KEYS_PREVIOUS, then run "
            "`python manage.py verify_encryption`.",
            id="connections.W001",
        )
    ]


class _ReadinessCache:
    """Per-process memo of the last answer. It is readiness of this replica, so per-process is
    right, and the TTL bounds how stale it can be; errors are not cached."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._checked_at: float | None = None
        self._missing: list[str] = []

    def clear(self) -> None:
        with self._lock:
            self._checked_at = None

    def missing(self) -> list[str]:
        ttl = float(getattr(settings, "READINESS_KIDS_TTL_SECONDS", DEFAULT_READINESS_TTL_SECONDS))
        with self._lock:
            now = time.monotonic()
            if self._checked_at is not None and now - self._checked_at < ttl:
                return self._missing
            missing = undecryptable_kids()
            if missing:
                # Once per TTL per process, not once per probe.
                logger.error(
                    "readyz: stored connection values are under key id(s) %s, which no "
                    "configured key has; add the key(s) to ENCRYPTION_KEYS_PREVIOUS. "
                    "Not ready.",
                    ", ".join(missing),
                )
            self._missing, self._checked_at = missing, now
            return missing


readiness_cache = _ReadinessCache()


def stored_keys_ready() -> dict[str, str]:
    """A ``READINESS_CHECKS`` entry: ``{"storedKeys": "ok" | "undecryptable" | "error"}``."""
    try:
        missing = readiness_cache.missing()
    except DatabaseError as exc:
        logger.warning("readyz: could not list stored key ids: %s", type(exc).__name__)
        return {"storedKeys": "error"}
    return {"storedKeys": "undecryptable" if missing else "ok"}
