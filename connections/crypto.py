"""Keyring and AES-256-GCM envelope for credential values at rest.

Envelope: ``enc:v2:<kid>:<base64url-no-padding(nonce || ciphertext || tag)>``.
The AAD is the header plus a caller-supplied context (field label, organization and row id), so a
ciphertext moved to another row, another org, another field or relabelled with another kid or
version fails. The version names the binding: ``v1`` envelopes (written before the org was bound)
carry a context without the org; they still decrypt, and rotation moves them to ``v2``.

Pure Python on purpose: settings, the model field and the rotation command all use it.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
from collections.abc import Iterable, Sequence
from typing import NoReturn

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "enc:v2:"
# Envelope versions still read: the version decides which context the caller binds (fields.py).
VERSIONS = ("v2", "v1")
PREFIXES = tuple(f"enc:{version}:" for version in VERSIONS)

KEY_BYTES = 32
_NONCE_BYTES = 12
_TAG_BYTES = 16
_AES_INFO = b"weavz/v1/aes-256-gcm"
_KID_INFO = b"weavz/v1/key-id"
_HOW_TO_FIX = "Run `python manage.py generate_encryption_key` to make a new one."
# Strict shapes, so an error message can never end up echoing envelope bytes.
_KID_RE = re.compile(r"[0-9a-f]{12}")
_PAYLOAD_RE = re.compile(r"[A-Za-z0-9_-]+")


class EncryptionKeyError(ValueError):
    """Key material is missing or malformed. The message never contains the key."""


class DecryptionError(Exception):
    """An envelope did not decrypt. The message names at most its kid, no secret."""


def generate_key() -> str:
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def _hkdf(material: bytes, length: int, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(material)


def _decode_key(text: str, name: str) -> bytes:
    if not isinstance(text, str):
        raise EncryptionKeyError(f"{name} must be a string of base64 text. {_HOW_TO_FIX}")
    compact = text.strip().translate(str.maketrans("-_", "+/"))
    if not compact:
        raise EncryptionKeyError(f"{name} is empty. {_HOW_TO_FIX}")
    try:
        # Re-pad so keys pasted without their trailing "=" still load.
        raw = base64.b64decode(compact + "=" * (-len(compact) % 4), validate=True)
    except (binascii.Error, ValueError):
        # `from None`: the decoder's own error could quote the input.
        raise EncryptionKeyError(f"{name} is not valid base64. {_HOW_TO_FIX}") from None
    if len(raw) != KEY_BYTES:
        raise EncryptionKeyError(
            f"{name} decodes to {len(raw)} bytes; it must be {KEY_BYTES} random bytes. "
            + _HOW_TO_FIX
        )
    return raw


class Key:
    """One key: its kid and its derived AES-GCM cipher. The raw material is not kept."""

    __slots__ = ("_aead", "kid")
    kid: str
    _aead: AESGCM

    def __init__(self, material: bytes) -> None:
        if len(material) != KEY_BYTES:
            raise EncryptionKeyError(f"An encryption key must be {KEY_BYTES} bytes. {_HOW_TO_FIX}")
        # Derived once here: encrypt/decrypt are on the request hot path.
        object.__setattr__(self, "kid", _hkdf(material, 6, _KID_INFO).hex())
        object.__setattr__(self, "_aead", AESGCM(_hkdf(material, KEY_BYTES, _AES_INFO)))

    @classmethod
    def from_b64(cls, text: str) -> Key:
        return cls(_decode_key(text, "The encryption key"))

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError("Key is immutable")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError("Key is immutable")

    def __repr__(self) -> str:
        return f"Key(kid={self.kid!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Key) and other.kid == self.kid

    def __hash__(self) -> int:
        return hash(self.kid)


def _aad(header: str, context: bytes) -> bytes:
    return header.encode("ascii") + b"\x00" + context


def _parse(envelope: str) -> tuple[str, str, str]:
    """Split an envelope into (prefix, kid, payload) without ever quoting it back."""
    prefix = (
        next((p for p in PREFIXES if envelope.startswith(p)), None)
        if isinstance(envelope, str)
        else None
    )
    if prefix is None:
        raise DecryptionError(f"Stored value is not a valid envelope (expected {PREFIX}<kid>:...).")
    kid, sep, payload = envelope[len(prefix) :].partition(":")
    if not sep or not _KID_RE.fullmatch(kid):
        raise DecryptionError("Stored value is not a valid envelope: its key id is malformed.")
    if not _PAYLOAD_RE.fullmatch(payload):
        raise DecryptionError(f"Stored value under key {kid} is not a valid envelope: bad payload.")
    return prefix, kid, payload


def envelope_kid(envelope: str) -> str:
    return _parse(envelope)[1]


def envelope_version(envelope: str) -> str:
    """``"v2"`` or ``"v1"``: which binding the envelope's AAD carries."""
    return _parse(envelope)[0].split(":")[1]


class Keyring:
    """The current key (encrypts and decrypts) and previous keys (only decrypt)."""

    def __init__(self, current: Key, previous: Sequence[Key] = ()) -> None:
        if not isinstance(current, Key):
            raise TypeError("Keyring needs a Key as its current key")
        self.current = current
        self._by_kid: dict[str, Key] = {current.kid: current}
        for key in previous:
            self._by_kid.setdefault(key.kid, key)
        self.kids: frozenset[str] = frozenset(self._by_kid)

    @classmethod
    def from_config(cls, current: str, previous: str | Sequence[str] = "") -> Keyring:
        current_key = cls._load(current, "ENCRYPTION_KEY")
        entries: Iterable[str] = previous.split(",") if isinstance(previous, str) else previous
        previous_keys = [
            cls._load(text, f"ENCRYPTION_KEYS_PREVIOUS (entry {position})")
            for position, text in enumerate(entries, start=1)
            if text and text.strip()
        ]
        return cls(current_key, previous_keys)

    @staticmethod
    def _load(text: str, name: str) -> Key:
        return Key(_decode_key(text, name))

    def __repr__(self) -> str:
        previous = sorted(self.kids - {self.current.kid})
        return f"Keyring(current={self.current.kid!r}, previous={previous!r})"

    def encrypt(self, plaintext: bytes, context: bytes) -> str:
        key = self.current
        header = f"{PREFIX}{key.kid}:"
        nonce = os.urandom(_NONCE_BYTES)
        sealed = key._aead.encrypt(nonce, plaintext, _aad(header, context))
        return header + base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode("ascii")

    def decrypt(self, envelope: str, context: bytes) -> bytes:
        prefix, kid, payload = _parse(envelope)
        key = self._by_kid.get(kid)
        if key is None:
            raise DecryptionError(
                f"Cannot decrypt: unknown key id {kid} "
                "(add the key that made it to ENCRYPTION_KEYS_PREVIOUS)."
            )
        try:
            blob = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        except (binascii.Error, ValueError):
            blob = b""
        if len(blob) < _NONCE_BYTES + _TAG_BYTES:
            raise DecryptionError(
                f"Stored value under key {kid} is not a valid envelope: bad payload."
            )
        try:
            return key._aead.decrypt(
                blob[:_NONCE_BYTES],
                blob[_NONCE_BYTES:],
                _aad(f"{prefix}{kid}:", context),
            )
        except InvalidTag:
            raise DecryptionError(
                f"Cannot decrypt value under key {kid}: authentication failed "
                "(wrong key, tampered data, or copied from another row/field)."
            ) from None

    def reencrypt(self, envelope: str, context: bytes, new_context: bytes | None = None) -> str:
        """Opens under ``context`` and seals under ``new_context`` (the same when not given)."""
        return self.encrypt(
            self.decrypt(envelope, context), context if new_context is None else new_context
        )
