"""Re-encryption and verification of every sealed column (the operators' key tools).

The columns are found from the field type: every ``EncryptedJSONField`` of every installed model
(connection values, and any other app's sealed secrets), so a new sealed column is rotated and
verified with no change here. Each column's model has an ``org_id`` (a system check says so),
which is part of the AAD.

Rotation walks each table by primary key (keyset, never OFFSET) and selects, with SQL on the
envelope header, only rows not under the current header (current kid and envelope version), so a
finished or resumed run touches nothing twice. Each row is decrypted with the context its envelope
version names (``v1``: label and row id; ``v2``: label, org and row id) and re-encrypted under the
``v2`` context, outside any transaction, then written with compare-and-swap on the old ciphertext:
a row the application rewrote meanwhile is skipped and counted, never overwritten. Nothing here
ever logs or returns a value or a ciphertext; a failing row is reported by id and kid only.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import DatabaseError, models, transaction
from django.db import connection as db_connection

from connections.crypto import PREFIX, DecryptionError, envelope_kid
from connections.fields import ORG_ATTNAME, EncryptedJSONField, Sealed, keyring
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


@dataclass(frozen=True)
class SealedColumn:
    """One sealed column: a model and its ``EncryptedJSONField``."""

    model: type[models.Model]
    field: EncryptedJSONField

    @property
    def name(self) -> str:
        return f"{self.model._meta.label}.{self.field.name}"

    def stored(self) -> models.QuerySet[Any]:
        """Every row holding a value (the base manager: no custom manager hides a row)."""
        return self.model._base_manager.filter(**{f"{self.field.attname}__isnull": False})

    def pending(self, header: str) -> models.QuerySet[Any]:
        return self.stored().exclude(**{f"{self.field.attname}__startswith": header})


def sealed_columns() -> list[SealedColumn]:
    """Every sealed column of every installed model, found by the field's type."""
    return [
        SealedColumn(model, column)
        for model in apps.get_models()
        for column in model._meta.concrete_fields
        if isinstance(column, EncryptedJSONField)
    ]


def current_header() -> str:
    return f"{PREFIX}{keyring().current.kid}:"


def _stored_kid(envelope: str) -> str:
    try:
        return envelope_kid(envelope)
    except DecryptionError:
        return MALFORMED_KID


def pending_count() -> int:
    """Values, over every sealed column, not under the current header (what a rotation has to do:
    another kid, or the current kid in an older envelope version)."""
    header = current_header()
    return sum(column.pending(header).count() for column in sealed_columns())


def stored_count() -> int:
    """Values stored over every sealed column."""
    return sum(column.stored().count() for column in sealed_columns())


Row = tuple[Any, Any, Sealed]  # (pk, org_id, envelope)


def _batches(
    rows: models.QuerySet[Any], column: SealedColumn, batch_size: int
) -> Iterator[list[Row]]:
    """Keyset walk by primary key; each batch is one short indexed query."""
    last_pk: Any = None
    while True:
        page = rows if last_pk is None else rows.filter(pk__gt=last_pk)
        batch: list[Row] = list(
            page.order_by("pk").values_list("pk", ORG_ATTNAME, column.field.attname)[:batch_size]
        )
        if not batch:
            return
        yield batch
        last_pk = batch[-1][0]


Swap = tuple[Any, str, str]  # (pk, old envelope, new envelope)


def _cas_row_by_row(column: SealedColumn, pairs: list[Swap]) -> int:
    """One UPDATE per row: each row's lock lasts one statement. Returns rows written."""
    attname = column.field.attname
    manager = column.model._base_manager
    written = 0
    for pk, old, new in pairs:
        written += manager.filter(pk=pk, **{attname: Sealed(old)}).update(**{attname: Sealed(new)})
    return written


def _cas_batch_postgresql(column: SealedColumn, pairs: list[Swap]) -> int:
    """All of a batch's compare-and-swaps in one statement (autocommit: one short transaction).

    Same semantics as row by row: a row is written only where it still holds the ciphertext that
    was decrypted, so the application's writes meanwhile win. Row locks last this one statement.
    """
    if len(pairs) > CAS_STATEMENT_ROWS:
        return sum(
            _cas_batch_postgresql(column, pairs[start : start + CAS_STATEMENT_ROWS])
            for start in range(0, len(pairs), CAS_STATEMENT_ROWS)
        )
    if not pairs:
        return 0
    meta = column.model._meta
    assert meta.pk is not None
    table = db_connection.ops.quote_name(meta.db_table)
    pk_col = db_connection.ops.quote_name(meta.pk.column)
    value_col = db_connection.ops.quote_name(column.field.column)
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


def _cas_writer(row_by_row: bool) -> Callable[[SealedColumn, list[Swap]], int]:
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
    """Re-encrypt every value, in every sealed column, not under the current key and binding;
    safe to run while the API serves.

    Not atomic on purpose, and to be called outside any transaction: each batch commits on its
    own, so row locks last one short statement and a run killed at any point has lost nothing;
    the next run picks up exactly the rows still under an old kid or envelope version.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    ring = keyring()
    header = current_header()
    write = _cas_writer(row_by_row)
    result = RotationResult(dry_run=dry_run)
    with _asynchronous_commits():
        for column in sealed_columns():
            _rotate_column(column, header, batch_size, dry_run, write, result, on_batch, on_failure)
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


def _rotate_column(
    column: SealedColumn,
    header: str,
    batch_size: int,
    dry_run: bool,
    write: Callable[[SealedColumn, list[Swap]], int],
    result: RotationResult,
    on_batch: Callable[[int], None] | None,
    on_failure: Callable[[RowFailure], None] | None,
) -> None:
    for batch in _batches(column.pending(header), column, batch_size):
        pairs: list[Swap] = []
        for pk, org_id, old in batch:
            try:
                new = column.field.reseal(old, pk=pk, org_id=org_id)
            except DecryptionError as exc:
                failure = RowFailure(id=str(pk), kid=_stored_kid(old), reason=str(exc))
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
            written = write(column, pairs)
            result.rotated += written
            result.skipped += len(pairs) - written
        if on_batch is not None:
            on_batch(len(batch))


def verify(
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: Callable[[int], None] | None = None,
    on_failure: Callable[[RowFailure], None] | None = None,
) -> VerifyResult:
    """Decrypt every stored value of every sealed column; count values per stored kid.

    Memory stays flat: keyset batches.
    """
    result = VerifyResult()
    for column in sealed_columns():
        for batch in _batches(column.stored(), column, batch_size):
            for pk, org_id, envelope in batch:
                failure = _verify_one(column, pk, org_id, envelope, result)
                if failure is not None and on_failure is not None:
                    on_failure(failure)
            if on_batch is not None:
                on_batch(len(batch))
    return result


def _verify_one(
    column: SealedColumn, pk: Any, org_id: Any, envelope: str, result: VerifyResult
) -> RowFailure | None:
    kid = _stored_kid(envelope)
    result.kids[kid] += 1
    try:
        plain = json.loads(column.field.open(envelope, pk=pk, org_id=org_id))
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
        return RowFailure(id=str(pk), kid=kid, reason=reason)
    result.ok += 1
    return None
