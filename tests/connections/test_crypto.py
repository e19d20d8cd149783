import base64
import hashlib
import re

import pytest

from connections.crypto import (
    PREFIX,
    DecryptionError,
    EncryptionKeyError,
    Key,
    Keyring,
    envelope_kid,
    generate_key,
)

CONTEXT = b"connections.value:conn_123"
SECRET = b'{"type":"SECRET_TEXT","secret_text":"sk-live-very-secret"}'


@pytest.fixture
def key_text() -> str:
    return generate_key()


@pytest.fixture
def ring(key_text: str) -> Keyring:
    return Keyring.from_config(key_text)


def _payload(envelope: str) -> str:
    return envelope.rsplit(":", 1)[1]


def _flip_byte(envelope: str, index: int) -> str:
    header, payload = envelope.rsplit(":", 1)
    raw = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    raw[index] ^= 0x01
    return f"{header}:{base64.urlsafe_b64encode(bytes(raw)).rstrip(b'=').decode()}"


def _assert_leaks_nothing(message: str, *secrets: str | bytes) -> None:
    for secret in secrets:
        text = secret.decode(errors="replace") if isinstance(secret, bytes) else secret
        assert text not in message


def test_a_generated_key_is_32_random_bytes_in_standard_base64() -> None:
    text = generate_key()
    assert len(base64.b64decode(text, validate=True)) == 32
    assert text != generate_key()


def test_it_round_trips_a_value() -> None:
    ring = Keyring.from_config(generate_key())
    assert ring.decrypt(ring.encrypt(SECRET, CONTEXT), CONTEXT) == SECRET


def test_it_round_trips_an_empty_value(ring: Keyring) -> None:
    assert ring.decrypt(ring.encrypt(b"", CONTEXT), CONTEXT) == b""


def test_the_envelope_names_the_version_and_the_current_kid(ring: Keyring) -> None:
    envelope = ring.encrypt(SECRET, CONTEXT)
    assert envelope.startswith(f"{PREFIX}{ring.current.kid}:")
    assert re.fullmatch(r"enc:v2:[0-9a-f]{12}:[A-Za-z0-9_-]+", envelope)
    assert envelope_kid(envelope) == ring.current.kid
    raw = base64.urlsafe_b64decode(_payload(envelope) + "=" * (-len(_payload(envelope)) % 4))
    assert len(raw) == 12 + len(SECRET) + 16


def test_two_encryptions_of_the_same_value_differ(ring: Keyring) -> None:
    first, second = ring.encrypt(SECRET, CONTEXT), ring.encrypt(SECRET, CONTEXT)
    assert first != second
    assert _payload(first)[:16] != _payload(second)[:16]


def test_it_rejects_a_ciphertext_copied_to_another_row(ring: Keyring) -> None:
    envelope = ring.encrypt(SECRET, b"connections.value:conn_123")
    with pytest.raises(DecryptionError, match="copied from another row/field"):
        ring.decrypt(envelope, b"connections.value:conn_456")


def test_it_rejects_a_ciphertext_copied_to_another_field(ring: Keyring) -> None:
    envelope = ring.encrypt(SECRET, b"connections.value:conn_123")
    with pytest.raises(DecryptionError, match="authentication failed"):
        ring.decrypt(envelope, b"connections.other:conn_123")


@pytest.mark.parametrize("index", [0, 12, -1])
def test_it_rejects_a_flipped_byte_in_nonce_ciphertext_or_tag(ring: Keyring, index: int) -> None:
    envelope = ring.encrypt(SECRET, CONTEXT)
    with pytest.raises(DecryptionError, match="authentication failed"):
        ring.decrypt(_flip_byte(envelope, index), CONTEXT)


def test_it_rejects_an_envelope_relabelled_with_another_known_kid() -> None:
    old, new = Key.from_b64(generate_key()), Key.from_b64(generate_key())
    ring = Keyring(new, [old])
    envelope = ring.encrypt(SECRET, CONTEXT)
    relabelled = envelope.replace(new.kid, old.kid, 1)
    with pytest.raises(DecryptionError, match="authentication failed"):
        ring.decrypt(relabelled, CONTEXT)


def test_two_keys_have_different_kids() -> None:
    assert Key.from_b64(generate_key()).kid != Key.from_b64(generate_key()).kid


def test_it_refuses_to_decrypt_with_the_wrong_key(ring: Keyring) -> None:
    envelope = ring.encrypt(SECRET, CONTEXT)
    other = Keyring.from_config(generate_key())
    with pytest.raises(DecryptionError, match="unknown key id"):
        other.decrypt(envelope, CONTEXT)


def test_an_unknown_kid_error_names_the_kid(ring: Keyring) -> None:
    envelope = Keyring.from_config(generate_key()).encrypt(SECRET, CONTEXT)
    kid = envelope_kid(envelope)
    with pytest.raises(DecryptionError, match=f"unknown key id {kid}"):
        ring.decrypt(envelope, CONTEXT)


@pytest.mark.parametrize(
    "envelope",
    [
        "",
        "plain text",
        "enc:v9:abcdefabcdef:AAAA",
        "enc:v2:",
        "enc:v2:ABCDEFABCDEF:AAAA",
        "enc:v2:abcdefabcdef",
        "enc:v2:abcdefabcdef:",
        "enc:v2:abcdefabcdef:not base64!",
    ],
)
def test_it_reports_what_is_not_an_envelope(envelope: str) -> None:
    with pytest.raises(DecryptionError, match="not a valid envelope"):
        envelope_kid(envelope)


def test_it_reports_a_truncated_envelope(ring: Keyring) -> None:
    envelope = ring.encrypt(SECRET, CONTEXT)
    header = envelope.rsplit(":", 1)[0]
    for payload in ("AAAA", "A", _payload(envelope)[:20]):
        with pytest.raises(DecryptionError, match="not a valid envelope"):
            ring.decrypt(f"{header}:{payload}", CONTEXT)


def test_decryption_errors_hold_no_key_plaintext_or_ciphertext(
    key_text: str, ring: Keyring
) -> None:
    envelope = ring.encrypt(SECRET, CONTEXT)
    failures = [
        (ring, envelope, b"connections.value:conn_other"),
        (ring, _flip_byte(envelope, 20), CONTEXT),
        (Keyring.from_config(generate_key()), envelope, CONTEXT),
        (ring, envelope[:-6] + "!!!!!!", CONTEXT),
    ]
    for keyring, candidate, context in failures:
        with pytest.raises(DecryptionError) as caught:
            keyring.decrypt(candidate, context)
        message = str(caught.value)
        _assert_leaks_nothing(message, key_text, SECRET, b"sk-live", _payload(envelope)[:12])
        assert caught.value.__cause__ is None


def test_previous_keys_decrypt_but_never_encrypt() -> None:
    old_text, new_text = generate_key(), generate_key()
    old_ring = Keyring.from_config(old_text)
    stored = old_ring.encrypt(SECRET, CONTEXT)

    ring = Keyring.from_config(new_text, previous=old_text)
    assert ring.decrypt(stored, CONTEXT) == SECRET
    assert envelope_kid(ring.encrypt(SECRET, CONTEXT)) == ring.current.kid
    assert ring.current.kid != old_ring.current.kid
    assert ring.kids == {ring.current.kid, old_ring.current.kid}


def test_reencrypt_moves_a_value_to_the_current_kid() -> None:
    old_text, new_text = generate_key(), generate_key()
    stored = Keyring.from_config(old_text).encrypt(SECRET, CONTEXT)
    ring = Keyring.from_config(new_text, [old_text])

    moved = ring.reencrypt(stored, CONTEXT)

    assert envelope_kid(moved) == ring.current.kid
    assert ring.decrypt(moved, CONTEXT) == SECRET
    with pytest.raises(DecryptionError, match="unknown key id"):
        Keyring.from_config(old_text).decrypt(moved, CONTEXT)


def test_reencrypt_keeps_the_context_binding(ring: Keyring) -> None:
    moved = ring.reencrypt(ring.encrypt(SECRET, CONTEXT), CONTEXT)
    with pytest.raises(DecryptionError):
        ring.decrypt(moved, b"connections.value:conn_other")


def test_previous_keys_come_from_a_comma_separated_string_or_a_list() -> None:
    current, a, b = generate_key(), generate_key(), generate_key()
    from_string = Keyring.from_config(current, f" {a} ,, {b},")
    from_list = Keyring.from_config(current, [a, "", b])
    assert from_string.kids == from_list.kids
    assert len(from_string.kids) == 3


def test_a_previous_key_equal_to_the_current_one_or_repeated_is_kept_once() -> None:
    current, old = generate_key(), generate_key()
    ring = Keyring.from_config(current, [current, old, old])
    assert len(ring.kids) == 2
    assert ring.current == Key.from_b64(current)


def test_a_key_loads_from_standard_or_urlsafe_base64_with_whitespace() -> None:
    raw = bytes(range(250, 256)) + bytes(26)  # bytes that encode to "+" and "/"
    standard = base64.b64encode(raw).decode()
    urlsafe = base64.urlsafe_b64encode(raw).decode()
    assert standard != urlsafe
    assert Key.from_b64(f"  {standard}\n").kid == Key.from_b64(urlsafe).kid
    assert Key.from_b64(urlsafe.rstrip("=")).kid == Key(raw).kid


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        ("not base64 at all!", "not valid base64"),
        (base64.b64encode(b"k" * 16).decode(), "16 bytes"),
        (base64.b64encode(b"k" * 64).decode(), "64 bytes"),
    ],
)
def test_it_rejects_malformed_key_material(text: str, reason: str) -> None:
    with pytest.raises(EncryptionKeyError, match=reason) as caught:
        Key.from_b64(text)
    assert "generate_encryption_key" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_key_errors_name_the_variable_and_position_but_not_the_key() -> None:
    bad = base64.b64encode(b"secret-key-material!").decode()
    with pytest.raises(EncryptionKeyError, match=r"^ENCRYPTION_KEY ") as caught:
        Keyring.from_config(bad)
    _assert_leaks_nothing(str(caught.value), bad, "secret-key-material")

    with pytest.raises(EncryptionKeyError, match=r"ENCRYPTION_KEYS_PREVIOUS \(entry 2\)") as caught:
        Keyring.from_config(generate_key(), f"{generate_key()},{bad}")
    _assert_leaks_nothing(str(caught.value), bad, "secret-key-material")
    assert "generate_encryption_key" in str(caught.value)


def test_a_missing_current_key_stops_with_a_how_to() -> None:
    with pytest.raises(
        EncryptionKeyError, match=r"ENCRYPTION_KEY is empty\..*generate_encryption_key"
    ):
        Keyring.from_config("")


def test_the_kid_is_a_fingerprint_not_the_key_nor_its_sha256() -> None:
    raw = bytes(range(32))
    key = Key(raw)
    assert re.fullmatch(r"[0-9a-f]{12}", key.kid)
    assert key.kid not in raw.hex()
    assert key.kid not in hashlib.sha256(raw).hexdigest()
    assert key.kid not in base64.b64encode(raw).decode()
    assert key.kid == Key.from_b64(base64.b64encode(raw).decode()).kid  # stable


def test_a_key_repr_shows_only_its_kid() -> None:
    text = generate_key()
    key = Key.from_b64(text)
    ring = Keyring.from_config(text)
    assert repr(key) == f"Key(kid='{key.kid}')"
    for shown in (repr(key), str(key), repr(ring)):
        assert text not in shown
        assert base64.b64decode(text).hex() not in shown


def test_a_key_is_immutable() -> None:
    key = Key.from_b64(generate_key())
    with pytest.raises(AttributeError):
        key.kid = "000000000000"
    with pytest.raises(AttributeError):
        del key.kid
