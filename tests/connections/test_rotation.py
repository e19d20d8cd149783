import json
import threading
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection as db_connection
from django.test import override_settings

from connections import rotation
from connections.crypto import DecryptionError, Key, Keyring, envelope_kid, generate_key
from connections.fields import EncryptedJSONField
from connections.models import Connection, Piece
from connections.rotation import RowFailure, rotate
from orgs.models import AuditEvent, Organization
from tests.factories import OrganizationFactory
from weavz.api.ids import new_id

OLD = Key.from_b64(generate_key())
NEW = Key.from_b64(generate_key())
LOST = Key.from_b64(generate_key())

# Before the rotation: the old key is still current. The operator then deploys the new key as
# current with the old one as previous, runs the rotation, and finally retires the old key.
BEFORE = Keyring(OLD)
DURING = Keyring(NEW, [OLD])
NEW_ONLY = Keyring(NEW)
OLD_ONLY = Keyring(OLD)

postgres_only = pytest.mark.skipif(
    db_connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL"
)


def value_field() -> EncryptedJSONField:
    field = Connection._meta.get_field("value")
    assert isinstance(field, EncryptedJSONField)
    return field


def secret_of(i: int) -> dict[str, Any]:
    return {"type": "SECRET_TEXT", "secret_text": f"sk-live-{i:06d}-very-secret"}


def test_piece() -> Piece:
    piece, _ = Piece.objects.get_or_create(
        name="rotation-test", defaults={"display_name": "Rotation", "auth_types": ["SECRET_TEXT"]}
    )
    return piece


test_piece.__test__ = False  # type: ignore[attr-defined]


def make_connections(
    n: int, *, ring: Keyring, org: Organization | None = None, batch_size: int = 5000
) -> list[str]:
    """``n`` connections sealed under ``ring``'s current key; ids in creation order (``i``)."""
    org = org or OrganizationFactory.create()
    piece = test_piece()
    field = value_field()
    ids: list[str] = []
    with override_settings(ENCRYPTION_KEYRING=ring):
        for start in range(0, n, batch_size):
            rows = []
            for i in range(start, min(n, start + batch_size)):
                pk = new_id("conn")
                rows.append(
                    Connection(
                        id=pk,
                        org=org,
                        piece=piece,
                        display_name=f"c{i}",
                        value_type="SECRET_TEXT",
                        value=field.seal(secret_of(i), pk=pk, org_id=org.id),
                    )
                )
                ids.append(pk)
            Connection.objects.bulk_create(rows)
    return ids


def stored() -> dict[str, str]:
    return dict(Connection.objects.values_list("pk", "value"))


def decrypts_under(ring: Keyring, pk: str) -> dict[str, Any] | None:
    with override_settings(ENCRYPTION_KEYRING=ring):
        try:
            return Connection.objects.get(pk=pk).decrypted_value()
        except DecryptionError:
            return None


def run(command: str, *args: str) -> tuple[str, str, int]:
    """stdout, stderr and the exit status of a management command."""
    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command(command, *args, stdout=out, stderr=err)
    except CommandError as exc:
        err.write(str(exc))
        code = exc.returncode
    return out.getvalue(), err.getvalue(), code


class Interrupted(Exception):
    pass


class FlakyKeyring(Keyring):
    """Dies (like a killed process) on the ``die_at``-th re-encryption."""

    def __init__(self, current: Key, previous: list[Key], die_at: int) -> None:
        super().__init__(current, previous)
        self.calls = 0
        self.die_at = die_at

    def reencrypt(self, envelope: str, context: bytes, new_context: bytes | None = None) -> str:
        self.calls += 1
        if self.calls == self.die_at:
            raise Interrupted
        return super().reencrypt(envelope, context, new_context)


@pytest.mark.django_db
class TestRotation:
    def test_it_rotates_every_row_in_batches_smaller_than_the_table(self):
        ids = make_connections(25, ring=BEFORE)
        batches: list[int] = []
        with override_settings(ENCRYPTION_KEYRING=DURING):
            result = rotate(batch_size=7, on_batch=batches.append)
        assert result.as_dict() == {"rotated": 25, "skipped": 0, "failed": 0, "remaining": 0}
        assert batches == [7, 7, 7, 4]
        assert {envelope_kid(v) for v in stored().values()} == {NEW.kid}
        for i, pk in enumerate(ids):
            assert decrypts_under(NEW_ONLY, pk) == secret_of(i)
            assert decrypts_under(OLD_ONLY, pk) is None

    def test_it_selects_only_rows_not_under_the_current_key(self):
        make_connections(5, ring=DURING)  # already under NEW
        old = make_connections(3, ring=BEFORE)
        before = stored()
        with override_settings(ENCRYPTION_KEYRING=DURING):
            result = rotate(batch_size=100)
        after = stored()
        assert result.rotated == 3
        changed = {pk for pk in after if after[pk] != before[pk]}
        assert changed == set(old)

    def test_a_dry_run_writes_nothing(self):
        make_connections(10, ring=BEFORE)
        before = stored()
        with override_settings(ENCRYPTION_KEYRING=DURING):
            out, _err, code = run(
                "rotate_encryption_key", "--dry-run", "--json", "--batch-size", "3"
            )
        assert code == 0
        assert json.loads(out) == {"rotated": 10, "skipped": 0, "failed": 0, "remaining": 10}
        assert stored() == before
        assert not AuditEvent.objects.filter(action="encryption.rotated").exists()

    def test_a_second_run_has_nothing_to_do_and_reports_zero(self):
        make_connections(4, ring=BEFORE)
        with override_settings(ENCRYPTION_KEYRING=DURING):
            first = run("rotate_encryption_key", "--json")
            between = stored()
            second = run("rotate_encryption_key", "--json")
        assert json.loads(first[0])["rotated"] == 4
        assert second[2] == 0
        assert json.loads(second[0]) == {"rotated": 0, "skipped": 0, "failed": 0, "remaining": 0}
        assert stored() == between

    @pytest.mark.parametrize("die_at", [1, 8, 12])
    def test_an_interrupted_run_resumes_and_writes_each_row_once(self, die_at):
        ids = make_connections(20, ring=BEFORE)
        flaky = FlakyKeyring(NEW, [OLD], die_at=die_at)
        with override_settings(ENCRYPTION_KEYRING=flaky), pytest.raises(Interrupted):
            rotate(batch_size=5)
        after_crash = stored()
        done_first = {pk for pk, v in after_crash.items() if envelope_kid(v) == NEW.kid}
        # Whole batches before the one that died were committed; that batch wrote nothing.
        assert len(done_first) == (die_at - 1) // 5 * 5
        with override_settings(ENCRYPTION_KEYRING=DURING):
            result = rotate(batch_size=5)
        final = stored()
        assert result.rotated == 20 - len(done_first)
        assert result.remaining == 0
        # A fresh nonce per write: an unchanged envelope proves the row was not written again.
        assert all(final[pk] == after_crash[pk] for pk in done_first)
        assert all(decrypts_under(NEW_ONLY, pk) is not None for pk in ids)

    def test_a_row_the_application_rewrote_meanwhile_is_skipped_not_overwritten(self):
        ids = make_connections(6, ring=BEFORE)
        target = ids[3]

        class RacingKeyring(Keyring):
            def reencrypt(
                self, envelope: str, context: bytes, new_context: bytes | None = None
            ) -> str:
                new = super().reencrypt(envelope, context, new_context)
                if context.decode().endswith(f":{target}"):
                    # The application writes between the rotation's read and its write.
                    conn = Connection.objects.get(pk=target)
                    conn.value = {"type": "SECRET_TEXT", "secret_text": "written-by-the-app"}
                    conn.save(update_fields=["value"])
                return new

        with override_settings(ENCRYPTION_KEYRING=RacingKeyring(NEW, [OLD])):
            result = rotate(batch_size=4)
        assert (result.rotated, result.skipped, result.remaining) == (5, 1, 0)
        assert decrypts_under(NEW_ONLY, target)["secret_text"] == "written-by-the-app"

    def test_a_row_with_an_unknown_kid_is_reported_and_the_rest_rotate(self):
        good = make_connections(6, ring=BEFORE)
        [lost] = make_connections(1, ring=Keyring(LOST))
        lost_envelope = stored()[lost]
        with override_settings(ENCRYPTION_KEYRING=DURING):
            out, err, code = run("rotate_encryption_key", "--json", "--batch-size", "2")
        assert code == 1
        assert json.loads(out) == {"rotated": 6, "skipped": 0, "failed": 1, "remaining": 1}
        assert f"FAILED {lost} kid={LOST.kid}" in err
        assert lost_envelope not in out + err
        assert lost_envelope.rsplit(":", 1)[1][:16] not in out + err
        assert stored()[lost] == lost_envelope
        assert all(decrypts_under(NEW_ONLY, pk) is not None for pk in good)

    def test_a_failing_row_is_reported_by_id_and_kid_only(self):
        [pk] = make_connections(1, ring=BEFORE)
        # The ciphertext is bound to its row id: copied to another row it does not decrypt.
        envelope = stored()[pk]
        [other] = make_connections(1, ring=BEFORE)
        Connection.objects.filter(pk=other).update(value=envelope)
        failures: list[RowFailure] = []
        with override_settings(ENCRYPTION_KEYRING=DURING):
            result = rotate(on_failure=failures.append)
        assert result.failed == 1
        assert [(f.id, f.kid) for f in failures] == [(other, OLD.kid)]
        assert "authentication failed" in failures[0].reason
        assert envelope.rsplit(":", 1)[1][:16] not in failures[0].reason

    def test_it_writes_an_audit_event_with_the_counts_and_no_secret(self):
        make_connections(3, ring=BEFORE)
        with override_settings(ENCRYPTION_KEYRING=DURING):
            out, _err, _code = run("rotate_encryption_key", "--json")
        event = AuditEvent.objects.get(action="encryption.rotated")
        assert event.org_id is None
        assert event.actor == "command:rotate_encryption_key"
        assert event.metadata == {**json.loads(out), "kid": NEW.kid}
        assert "enc:v2:" not in json.dumps(event.metadata)

    def test_the_command_prints_exactly_the_contract_keys_as_json(self):
        make_connections(2, ring=BEFORE)
        with override_settings(ENCRYPTION_KEYRING=DURING):
            out, err, code = run("rotate_encryption_key", "--json")
        assert code == 0
        assert json.loads(out) == {"rotated": 2, "skipped": 0, "failed": 0, "remaining": 0}
        assert err == ""  # no progress bar when stderr is not a terminal

    def test_the_command_prints_a_summary_sentence_without_json(self):
        make_connections(2, ring=BEFORE)
        with override_settings(ENCRYPTION_KEYRING=DURING):
            out, _err, code = run("rotate_encryption_key")
        assert code == 0
        assert f"Re-encrypted 2 value(s) to key {NEW.kid}" in out

    def test_the_command_refuses_a_batch_size_below_one(self):
        with pytest.raises(CommandError):
            call_command("rotate_encryption_key", "--batch-size", "0")

    def test_rotation_keeps_updated_at_and_other_fields(self):
        [pk] = make_connections(1, ring=BEFORE)
        before = Connection.objects.values("updated_at", "display_name", "status").get(pk=pk)
        with override_settings(ENCRYPTION_KEYRING=DURING):
            rotate()
        assert Connection.objects.values("updated_at", "display_name", "status").get(pk=pk) == (
            before
        )


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
class TestRotationRacesOnPostgres:
    @pytest.mark.parametrize("row_by_row", [False, True])
    def test_a_rewrite_from_another_connection_is_skipped_not_overwritten(self, row_by_row):
        ids = make_connections(50, ring=BEFORE)
        targets = set(ids[5:50:7])

        def app_write(pk: str) -> None:
            try:
                conn = Connection.objects.get(pk=pk)
                conn.value = {"type": "SECRET_TEXT", "secret_text": f"app-{pk}"}
                conn.save(update_fields=["value"])
            finally:
                db_connection.close()

        class RacingKeyring(Keyring):
            def reencrypt(
                self, envelope: str, context: bytes, new_context: bytes | None = None
            ) -> str:
                new = super().reencrypt(envelope, context, new_context)
                pk = context.decode().rsplit(":", 1)[1]
                if pk in targets:
                    writer = threading.Thread(target=app_write, args=(pk,))
                    writer.start()
                    writer.join()
                return new

        with override_settings(ENCRYPTION_KEYRING=RacingKeyring(NEW, [OLD])):
            result = rotate(batch_size=10, row_by_row=row_by_row)
        assert (result.rotated, result.skipped, result.remaining) == (
            50 - len(targets),
            len(targets),
            0,
        )
        for pk in targets:
            assert decrypts_under(NEW_ONLY, pk)["secret_text"] == f"app-{pk}"

    def test_a_batch_larger_than_one_update_statement_is_written_in_chunks(self, monkeypatch):
        monkeypatch.setattr(rotation, "CAS_STATEMENT_ROWS", 3)
        ids = make_connections(10, ring=BEFORE)
        with override_settings(ENCRYPTION_KEYRING=DURING):
            result = rotate(batch_size=10)
        assert (result.rotated, result.remaining) == (10, 0)
        assert all(decrypts_under(NEW_ONLY, pk) == secret_of(i) for i, pk in enumerate(ids))

    def test_application_writes_racing_the_rotation_survive_intact(self):
        ids = make_connections(3000, ring=BEFORE)
        written: dict[str, str] = {}
        stop = threading.Event()
        errors: list[BaseException] = []

        def application() -> None:
            try:
                n = 0
                while not stop.is_set():
                    pk = ids[(n * 37) % len(ids)]
                    conn = Connection.objects.get(pk=pk)
                    conn.value = {"type": "SECRET_TEXT", "secret_text": f"app-{n}"}
                    conn.save(update_fields=["value"])
                    written[pk] = f"app-{n}"
                    n += 1
            except BaseException as exc:
                errors.append(exc)
            finally:
                db_connection.close()

        with override_settings(ENCRYPTION_KEYRING=DURING):
            app = threading.Thread(target=application)
            app.start()
            try:
                result = rotate(batch_size=100)
            finally:
                stop.set()
                app.join()
        assert errors == []
        assert written, "the application thread wrote nothing while the rotation ran"
        # Rows the application rewrote before the walk reached them were already on the new key.
        assert result.rotated + result.skipped <= len(ids)
        assert result.remaining == 0
        for i, pk in enumerate(ids):
            expected = written.get(pk, secret_of(i)["secret_text"])
            assert decrypts_under(NEW_ONLY, pk) == {"type": "SECRET_TEXT", "secret_text": expected}
