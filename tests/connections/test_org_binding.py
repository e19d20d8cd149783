"""The AAD binds the organization too (envelope v2); v1 envelopes (label and row id only) still
decrypt until rotation moves them; rotation and verification find every sealed column by type."""

import base64
import json
import os
from typing import Any

import pytest
from django.db import models
from django.test import override_settings
from django.test.utils import isolate_apps

from connections import checks
from connections.crypto import DecryptionError, Keyring, envelope_version
from connections.fields import EncryptedJSONField, Sealed
from connections.models import Connection
from connections.rotation import SealedColumn, rotate, sealed_columns, verify
from tests.connections.test_rotation import BEFORE, DURING, NEW_ONLY, OLD, make_connections, run
from tests.factories import ConnectionFactory, OrganizationFactory
from tests.sealed_app.models import Vault

pytestmark = pytest.mark.django_db

SECRET = {"type": "SECRET_TEXT", "secret_text": "sk-org-bound-42"}


def stored_value(model: type[models.Model], attname: str, pk: str) -> str:
    return str(model._base_manager.values_list(attname, flat=True).get(pk=pk))


def seal_v1(ring: Keyring, value: dict[str, Any], *, label: str, pk: str) -> str:
    """An envelope as main wrote it before the org was bound: AAD = header, label and row id."""
    key = ring.current
    header = f"enc:v1:{key.kid}:"
    nonce = os.urandom(12)
    aad = header.encode() + b"\x00" + f"{label}:{pk}".encode()
    sealed = key._aead.encrypt(nonce, json.dumps(value).encode(), aad)
    return header + base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode()


def move_to_another_org(model: type[models.Model], pk: str) -> None:
    model._base_manager.filter(pk=pk).update(org=OrganizationFactory.create(name="Elsewhere"))


def test_new_values_are_sealed_as_version_2_bound_to_the_org():
    conn = ConnectionFactory.create(value=SECRET)
    assert envelope_version(stored_value(Connection, "value", conn.pk)) == "v2"
    assert Connection.objects.get(pk=conn.pk).decrypted_value() == SECRET


def test_a_row_moved_to_another_org_in_the_database_does_not_decrypt():
    conn = ConnectionFactory.create(value=SECRET)
    move_to_another_org(Connection, conn.pk)
    with pytest.raises(DecryptionError) as info:
        Connection.objects.get(pk=conn.pk).decrypted_value()
    assert "sk-org-bound" not in str(info.value)


def test_a_version_1_envelope_still_decrypts_and_rotation_moves_it_to_the_org_binding():
    (pk,) = make_connections(1, ring=BEFORE)
    Connection.objects.filter(pk=pk).update(
        value=Sealed(seal_v1(BEFORE, SECRET, label="connections.value", pk=pk))
    )
    with override_settings(ENCRYPTION_KEYRING=BEFORE):
        assert Connection.objects.get(pk=pk).decrypted_value() == SECRET
        # Same key, older binding: still work for the rotation.
        result = rotate()
    assert (result.rotated, result.failed, result.remaining) == (1, 0, 0)
    assert envelope_version(stored_value(Connection, "value", pk)) == "v2"
    with override_settings(ENCRYPTION_KEYRING=BEFORE):
        assert Connection.objects.get(pk=pk).decrypted_value() == SECRET
        move_to_another_org(Connection, pk)
        with pytest.raises(DecryptionError):
            Connection.objects.get(pk=pk).decrypted_value()


def test_the_commands_rotate_a_version_1_row_under_the_old_key_and_then_verify_it():
    (pk,) = make_connections(1, ring=BEFORE)
    Connection.objects.filter(pk=pk).update(
        value=Sealed(seal_v1(BEFORE, SECRET, label="connections.value", pk=pk))
    )
    with override_settings(ENCRYPTION_KEYRING=DURING):
        out, _err, code = run("rotate_encryption_key", "--json")
        assert (code, json.loads(out)["remaining"]) == (0, 0)
        out, _err, code = run("verify_encryption", "--json")
    assert code == 0 and json.loads(out)["failed"] == 0


def test_a_version_1_envelope_relabelled_version_2_does_not_decrypt():
    (pk,) = make_connections(1, ring=BEFORE)
    v1 = seal_v1(BEFORE, SECRET, label="connections.value", pk=pk)
    Connection.objects.filter(pk=pk).update(value=Sealed(v1.replace("enc:v1:", "enc:v2:", 1)))
    with override_settings(ENCRYPTION_KEYRING=BEFORE), pytest.raises(DecryptionError):
        Connection.objects.get(pk=pk).decrypted_value()


class TestEverySealedColumn:
    """A second model with the same field (tests.sealed_app.Vault) is rotated and verified with
    no change to rotation, and its rows are bound to their org in the same way."""

    def make_vault(self, ring: Keyring, secret: dict[str, Any] | None) -> Vault:
        with override_settings(ENCRYPTION_KEYRING=ring):
            vault = Vault(org=OrganizationFactory.create())
            vault.secret = secret
            vault.save()
        return vault

    def test_rotation_finds_the_columns_by_field_type(self):
        names = {column.name for column in sealed_columns()}
        assert {"connections.Connection.value", "sealed_app.Vault.secret"} <= names

    def test_rotation_and_verification_cover_every_sealed_column_and_the_counts_add_up(self):
        make_connections(3, ring=BEFORE)
        vault = self.make_vault(BEFORE, {"client_secret": "cs-vault-1"})
        self.make_vault(BEFORE, None)  # a row without a secret is not a value
        with override_settings(ENCRYPTION_KEYRING=DURING):
            before = verify()
            result = rotate(batch_size=2)
            after = verify()
        assert dict(before.kids) == {OLD.kid: 4}
        assert (result.rotated, result.failed, result.remaining) == (4, 0, 0)
        assert (after.ok, after.failed, dict(after.kids)) == (4, 0, {DURING.current.kid: 4})
        with override_settings(ENCRYPTION_KEYRING=NEW_ONLY):
            assert Vault.objects.get(pk=vault.pk).secret.kid == DURING.current.kid
            field = Vault._meta.get_field("secret")
            assert isinstance(field, EncryptedJSONField)
            assert field.unseal(Vault.objects.get(pk=vault.pk)) == {"client_secret": "cs-vault-1"}

    def test_a_version_1_secret_of_another_model_is_moved_to_the_org_binding(self):
        vault = self.make_vault(BEFORE, {"client_secret": "x"})
        v1 = seal_v1(BEFORE, {"client_secret": "x"}, label="sealed_app.secret", pk=vault.pk)
        Vault.objects.filter(pk=vault.pk).update(secret=Sealed(v1))
        with override_settings(ENCRYPTION_KEYRING=BEFORE):
            result = rotate()
        assert (result.rotated, result.failed) == (1, 0)
        assert envelope_version(stored_value(Vault, "secret", vault.pk)) == "v2"

    def test_a_secret_of_another_model_moved_to_another_org_fails_verification_by_id(self):
        vault = self.make_vault(BEFORE, {"client_secret": "cs-moved"})
        move_to_another_org(Vault, vault.pk)
        failures = []
        with override_settings(ENCRYPTION_KEYRING=BEFORE):
            result = verify(on_failure=failures.append)
        assert result.failed == 1
        assert [f.id for f in failures] == [vault.pk]
        assert "cs-moved" not in failures[0].reason

    def test_the_stored_kid_checks_cover_every_sealed_column(self):
        self.make_vault(BEFORE, {"client_secret": "x"})
        with override_settings(ENCRYPTION_KEYRING=NEW_ONLY):
            assert checks.undecryptable_kids() == [OLD.kid]


@isolate_apps("tests.sealed_app")
def test_the_system_check_refuses_a_sealed_column_on_a_model_without_an_org(monkeypatch):
    class Orphan(models.Model):
        secret = EncryptedJSONField(label="orphan.secret")

        class Meta:
            app_label = "sealed_app"

        def __str__(self) -> str:
            return str(self.pk)

    field = Orphan._meta.get_field("secret")
    assert isinstance(field, EncryptedJSONField)
    assert checks.check_sealed_models() == []
    monkeypatch.setattr(checks, "sealed_columns", lambda: [SealedColumn(Orphan, field)])
    (error,) = checks.check_sealed_models()
    assert error.id == "connections.E003" and "org_id" in error.msg
