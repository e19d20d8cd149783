"""The encrypted model field: a thin adapter from ``connections.crypto`` to the ORM.

On the model the attribute is either a ``Sealed`` envelope (as loaded; never decrypted on load)
or a plain ``dict`` that a service just assigned; ``pre_save`` seals a dict with the current key,
binding it to this field's label and the row's id. Decrypting is explicit: ``field.unseal(obj)``.
"""

import json
from typing import Any

from django.conf import settings
from django.db import models

from connections.crypto import PREFIX, Keyring, envelope_kid


class Sealed(str):
    """An encrypted envelope; its repr names only the kid, so it cannot leak into logs."""

    __slots__ = ()

    @property
    def kid(self) -> str:
        return envelope_kid(self)

    def __repr__(self) -> str:
        return f"<Sealed kid={self.split(':', 3)[2] if self.startswith(PREFIX) else '?'}>"


def keyring() -> Keyring:
    ring: Keyring = settings.ENCRYPTION_KEYRING
    return ring


def serialize(value: dict[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


class EncryptedJSONField(models.TextField):  # type: ignore[type-arg]
    """Stores a JSON object as an AES-256-GCM envelope; ``label`` is part of the AAD."""

    # For django-stubs: a dict is assigned (and sealed on save), a Sealed envelope is read.
    _pyi_private_set_type: "dict[str, Any] | str | None"  # type: ignore[assignment]
    _pyi_private_get_type: Any

    def __init__(self, *args: Any, label: str, **kwargs: Any) -> None:
        self.label = label
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["label"] = self.label
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def context(self, pk: object) -> bytes:
        return f"{self.label}:{pk}".encode()

    def seal(self, pk: object, value: dict[str, Any]) -> Sealed:
        return Sealed(keyring().encrypt(serialize(value), self.context(pk)))

    def unseal(self, instance: models.Model) -> dict[str, Any]:
        sealed = getattr(instance, self.attname)
        if isinstance(sealed, dict):
            return sealed
        plain: dict[str, Any] = json.loads(keyring().decrypt(sealed, self.context(instance.pk)))
        return plain

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Sealed | None:
        return None if value is None else Sealed(value)

    def to_python(self, value: Any) -> Any:
        return Sealed(value) if isinstance(value, str) and not isinstance(value, Sealed) else value

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if isinstance(value, dict):
            value = self.seal(model_instance.pk, value)
            setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str) and value.startswith(PREFIX):
            return str(value)
        # Plaintext must go through pre_save (model.save), which knows the row id for the AAD.
        raise TypeError(f"{self.label} accepts only sealed envelopes here, never plaintext.")
