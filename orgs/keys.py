"""API key secrets: ``wvz_<prefix>_<secret>``.

The prefix (8 chars) is an indexed lookup handle; the secret part carries 256 bits of randomness.
Keys are high-entropy, so one SHA-256 is the right hash: a slow password hasher would add
latency to every request and no security.
"""

import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass

KEY_PREFIX = "wvz_"
PREFIX_LENGTH = 8
_PREFIX_ALPHABET = string.ascii_lowercase + string.digits


@dataclass(frozen=True, repr=False)
class NewKey:
    prefix: str
    secret_hash: str
    plaintext: str

    def __repr__(self) -> str:
        return f"NewKey(prefix={self.prefix!r})"


def hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def generate_key() -> NewKey:
    prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
    plaintext = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    return NewKey(prefix=prefix, secret_hash=hash_key(plaintext), plaintext=plaintext)


def split_prefix(plaintext: str) -> str | None:
    """The lookup prefix of a well-formed key, else None."""
    if not plaintext.startswith(KEY_PREFIX) or len(plaintext) < len(KEY_PREFIX) + PREFIX_LENGTH + 2:
        return None
    prefix = plaintext[len(KEY_PREFIX) : len(KEY_PREFIX) + PREFIX_LENGTH]
    if plaintext[len(KEY_PREFIX) + PREFIX_LENGTH] != "_" or not prefix.isalnum():
        return None
    return prefix


def matches(plaintext: str, secret_hash: str) -> bool:
    return hmac.compare_digest(hash_key(plaintext), secret_hash)
