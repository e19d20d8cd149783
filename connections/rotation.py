"""Re-encryption and verification of stored connection values (the operators' key tools).

Rotation walks the table by primary key (keyset, never OFFSET) and selects, with SQL on the
envelope header, only rows whose kid is not the current key's, so a finished or resumed run
touches nothing twice. Each row is decrypted and re-encrypted outside any transaction with the
same AAD (field label and row id), then written with compare-and-swap on the old ciphertext: a row
the application rewrote meanwhile is skipped and counted, never overwritten. Nothing here ever
logs or returns a value or a ciphertext; a failing row is reported by id and kid only.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, transaction
from django.db import connection as db_connection

from connections.crypto import PREFIX, DecryptionError, envelope_kid
from connections.fields import EncryptedJSONField, Sealed, keyring
from connections.models import Connection
from orgs.audit import audit_record

logger = logging.getLogger("weavz.encryption")

ROTATE_ACTOR = "command:rotate_encryption_key"
DEFAULT_BATCH_SIZE = 1000
# Rows per batched UPDATE: three parameters each stay under PostgreSQL's 65,535 per statement,
# and a huge --batch-size still never holds many row locks at once.
CAS_STATEMENT_ROWS = 2000
# What a row whose envelope is too broken to name a kid is counted under.
MALFORMED_KID = "malformed"


@dataclass(frozen=True)
class RowFailure:
    """A row that did not decrypt: its id, its stored kid and why (never the value)."""

    id: str
    kid: str
    reason: str


@dataclass
class RotationResult:
    rotated: int = 0
    skipped: int = 0
    failed: int = 0
    remaining: int = 0
    dry_run: bool = False

    def as_dict(self) -> dict[str, int]:
        return {
            "rotated": self.rotated,
            "skipped": self.skipped,
            "failed": self.failed,
            "remaining": self.remaining,
        }


@dataclass
class VerifyResult:
    ok: int = 0
    failed: int = 0
    kids: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "failed": self.failed, "kids": dict(sorted(self.kids.items()))}


def _value_field() -> EncryptedJSONField:
    value_field = Connection._meta.get_field("value")
    assert isinstance(value_field, EncryptedJSONField)
    return value_field


def current_header() -> str:
    return f"{PREFIX}{keyring().current.kid}:"


def _stored_kid(envelope: str) -> str:
    try:
        return envelope_kid(envelope)
    except DecryptionError:
        return MALFORMED_KID


def pending_count() -> int:
    """Rows whose stored kid is not the current key's (what a rotation still has to do)."""
    return Connection.objects.exclude(value__startswith=current_header()).count()


def _pending_batches(header: str, batch_size: int) -> Iterator[list[tuple[str, Sealed]]]:
    """Keyset walk over rows not under ``header``; each batch is one short indexed query."""
    last_pk = ""
    while True:
        batch = list(
            Connection.objects.filter(pk__gt=last_pk)
            .exclude(value__startswith=header)
            .order_by("pk")
            .values_list("pk", "value")[:batch_size]
        )
        if not batch:
            return
        yield batch
        last_pk = batch[-1][0]


def _cas_row_by_row(pairs: list[tuple[str, str, str]]) -> int:
    """One UPDATE per row: each row's lock lasts one statement. Returns rows written."""
    written = 0
    for pk, old, new in pairs:
        written += Connection.objects.filter(pk=pk, value=Sealed(old)).update(value=Sealed(new))
    return written


def _cas_batch_postgresql(pairs: list[tuple[str, str, str]]) -> int:
    """All of a batch's compare-and-swaps in one statement (autocommit: one short transaction).

    Same semantics as row by row: a row is written only where it still holds the ciphertext that
    was decrypted, so the application's writes meanwhile win. Row locks last this one statement.
    """
    if len(pairs) > CAS_STATEMENT_ROWS:
        return sum(
            _cas_batch_postgresql(pairs[start : start + CAS_STATEMENT_ROWS])
            for start in range(0, len(pairs), CAS_STATEMENT_ROWS)
        )
    if not pairs:
        return 0
    table = db_connection.ops.quote_name(Connection._meta.db_table)
    pk_col = db_connection.ops.quote_name(Connection._meta.pk.column)
    value_col = db_connection.ops.quote_name(_value_field().column)
    rows = ", ".join(["(%s, %s, %s)"] * len(pairs))
    sql = (
        f"UPDATE {table} AS c SET {value_col} = v.new "  # noqa: S608 - identifiers are quoted
        f"FROM (VALUES {rows}) AS v(id, old, new) "
        f"WHERE c.{pk_col} = v.id AND c.{value_col} = v.old"
    )
    params = [item for triple in pairs for item in triple]
    with db_connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


@contextmanager
def _asynchronous_commits() -> Iterator[None]:
    """On PostgreSQL, don't wait for each batch's WAL flush (rotation is I/O bound on commits).

    Safe here: a commit lost in a crash leaves its rows on their old envelope, which the old key
    (still configured) decrypts and the next run redoes; WAL is sequential, so any later durable
    commit, e.g. the application's own write of such a row, flushes the rotation's first.
    """
    if db_connection.vendor != "postgresql":
        yield
        return
    with db_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        # Best effort: after a database error the session may be unusable (and is discarded);
        # the original exception is the one worth seeing.
        with suppress(DatabaseError), db_connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _cas_writer(row_by_row: bool) -> Callable[[list[tuple[str, str, str]]], int]:
    if db_connection.vendor == "postgresql" and not row_by_row:
        return _cas_batch_postgresql
    return _cas_row_by_row


def rotate(
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    dry_run: bool = False,
    row_by_row: bool = False,
    on_batch: Callable[[int], None] | None = None,
    on_failure: Callable[[RowFailure], None] | None = None,
    actor: str = ROTATE_ACTOR,
) -> RotationResult:
    """Re-encrypt every value not under the current key; safe to run while the API serves.

    Not atomic on purpose, and to be called outside any transaction: each batch commits on its
    own, so row locks last one short statement and a run killed at any point has lost nothing;
    the next run picks up exactly the rows still under an old kid.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    ring = keyring()
    value_field = _value_field()
    header = current_header()
    write = _cas_writer(row_by_row)
    result = RotationResult(dry_run=dry_run)
    with _asynchronous_commits():
        for batch in _pending_batches(header, batch_size):
            pairs: list[tuple[str, str, str]] = []
            for pk, old in batch:
                try:
                    new = ring.reencrypt(old, value_field.context(pk))
                except DecryptionError as exc:
                    failure = RowFailure(id=pk, kid=_stored_kid(old), reason=str(exc))
                    result.failed += 1
                    if on_failure is not None:
                        on_failure(failure)
                    else:
                        logger.warning(
                            "rotate: %s under kid %s does not decrypt: %s",
                            failure.id,
                            failure.kid,
                            failure.reason,
                        )
                    continue
                pairs.append((pk, str(old), new))
            if dry_run:
                result.rotated += len(pairs)
            else:
                written = write(pairs)
                result.rotated += written
                result.skipped += len(pairs) - written
            if on_batch is not None:
                on_batch(len(batch))
    result.remaining = pending_count()
    if not dry_run:
        with transaction.atomic():
            audit_record(
                org_id=None,
                action="encryption.rotated",
                actor=actor,
                metadata={"kid": ring.current.kid, **result.as_dict()},
            )
    return result


def verify(
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: Callable[[int], None] | None = None,
    on_failure: Callable[[RowFailure], None] | None = None,
) -> VerifyResult:
    """Decrypt every stored value; count rows per stored kid. Memory stays flat: keyset batches."""
    ring = keyring()
    value_field = _value_field()
    result = VerifyResult()
    last_pk = ""
    while True:
        batch = list(
            Connection.objects.filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", "value")[:batch_size]
        )
        if not batch:
            return result
        for pk, envelope in batch:
            kid = _stored_kid(envelope)
            result.kids[kid] += 1
            try:
                plain = json.loads(ring.decrypt(envelope, value_field.context(pk)))
                if not isinstance(plain, dict):
                    raise DecryptionError(f"Value under key {kid} is not a JSON object")
            except (DecryptionError, ValueError) as exc:
                # DecryptionError messages name at most a kid; a JSON error could quote plaintext.
                reason = (
                    str(exc)
                    if isinstance(exc, DecryptionError)
                    else f"Value under key {kid} is not valid JSON"
                )
                result.failed += 1
                if on_failure is not None:
                    on_failure(RowFailure(id=pk, kid=kid, reason=reason))
                continue
            result.ok += 1
        last_pk = batch[-1][0]
        if on_batch is not None:
            on_batch(len(batch))
