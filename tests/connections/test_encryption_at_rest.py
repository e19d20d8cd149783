"""The model field seals with the row id and field label in the AAD; failures hold no secret."""

import pytest
from django.test import override_settings

from connections.crypto import DecryptionError, Keyring, generate_key
from connections.fields import Sealed
from connections.models import Connection
from tests.factories import ConnectionFactory

pytestmark = pytest.mark.django_db

SECRET = {"type": "SECRET_TEXT", "secret_text": "sk-at-rest-123"}


def _stored(pk: str) -> str:
    return Connection.objects.values_list("value", flat=True).get(pk=pk)


def test_the_value_is_not_decrypted_on_load():
    conn = ConnectionFactory(value=SECRET)
    loaded = Connection.objects.get(pk=conn.pk)
    assert isinstance(loaded.value, Sealed)
    assert "sk-at-rest" not in repr(loaded.value) and "sk-at-rest" not in repr(loaded)
    assert loaded.decrypted_value() == SECRET


def test_a_ciphertext_copied_to_another_row_does_not_decrypt():
    a = ConnectionFactory(value=SECRET)
    b = ConnectionFactory(org=a.org, value={"type": "SECRET_TEXT", "secret_text": "other"})
    Connection.objects.filter(pk=b.pk).update(value=Sealed(_stored(a.pk)))
    with pytest.raises(DecryptionError) as info:
        Connection.objects.get(pk=b.pk).decrypted_value()
    assert "sk-at-rest" not in str(info.value) and _stored(a.pk) not in str(info.value)


def test_a_flipped_byte_does_not_decrypt():
    conn = ConnectionFactory(value=SECRET)
    stored = _stored(conn.pk)
    flipped = stored[:-5] + ("A" if stored[-5] != "A" else "B") + stored[-4:]
    Connection.objects.filter(pk=conn.pk).update(value=Sealed(flipped))
    with pytest.raises(DecryptionError):
        Connection.objects.get(pk=conn.pk).decrypted_value()


def test_a_wrong_key_or_an_unknown_kid_does_not_decrypt_and_names_the_kid():
    conn = ConnectionFactory(value=SECRET)
    kid = Sealed(_stored(conn.pk)).kid
    other_ring = Keyring.from_config(generate_key())
    with (
        override_settings(ENCRYPTION_KEYRING=other_ring),
        pytest.raises(DecryptionError, match=kid) as info,
    ):
        Connection.objects.get(pk=conn.pk).decrypted_value()
    assert "sk-at-rest" not in str(info.value)


def test_plaintext_cannot_be_written_around_the_field():
    conn = ConnectionFactory(value=SECRET)
    with pytest.raises(TypeError):
        Connection.objects.filter(pk=conn.pk).update(value=SECRET)
    with pytest.raises(TypeError):
        Connection.objects.filter(pk=conn.pk).update(value="plaintext")
