"""The encrypted model field: a thin adapter from ``connections.crypto`` to the ORM.

On the model the attribute is either a ``Sealed`` envelope (as loaded; never decrypted on load)
or a plain ``dict`` that a service just assigned; ``pre_save`` seals a dict with the current key,
binding it to this field's label, the row's organization (its ``org_id``) and the row's id.
Decrypting is explicit: ``field.unseal(obj)``. Every model with this field has an ``org_id``
column (a system check says so), which is how rotation binds any sealed column the same way.
"""

import json
from typing import Any

from django.conf import settings
from django.db import models

from connections.crypto import PREFIXES, Keyring, envelope_kid, envelope_version

# The column every model with a sealed field has; its value is part of the AAD.
ORG_ATTNAME = "org_id"


class Sealed(str):
    """An encrypted envelope; its repr names only the kid, so it cannot leak into logs."""

    __slots__ = ()

    @property
    def kid(self) -> str:
        return envelope_kid(self)

    def __repr__(self) -> str:
        return f"<Sealed kid={self.split(':', 3)[2] if self.startswith(PREFIXES) else '?'}>"


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

    def context(self, pk: object, org_id: object, *, version: str = "v2") -> bytes:
        """The AAD context: label, org and row id (``v1`` envelopes predate the org binding)."""
        if version == "v1":
            return f"{self.label}:{pk}".encode()
        return f"{self.label}:{org_id}:{pk}".encode()

    def opening_context(self, envelope: str, *, pk: object, org_id: object) -> bytes:
        """The context ``envelope`` was sealed with, by its version (raises on a bad envelope)."""
        return self.context(pk, org_id, version=envelope_version(envelope))

    def seal(self, value: dict[str, Any], *, pk: object, org_id: object) -> Sealed:
        return Sealed(keyring().encrypt(serialize(value), self.context(pk, org_id)))

    def open(self, envelope: str, *, pk: object, org_id: object) -> bytes:
        """The plaintext JSON bytes of ``envelope`` stored in row ``pk`` of org ``org_id``."""
        return keyring().decrypt(envelope, self.opening_context(envelope, pk=pk, org_id=org_id))

    def reseal(self, envelope: str, *, pk: object, org_id: object) -> str:
        """``envelope`` under the current key and the current (org-bound) context."""
        return keyring().reencrypt(
            envelope,
            self.opening_context(envelope, pk=pk, org_id=org_id),
            self.context(pk, org_id),
        )

    def unseal(self, instance: models.Model) -> dict[str, Any]:
        sealed = getattr(instance, self.attname)
        if isinstance(sealed, dict):
            return sealed
        plain: dict[str, Any] = json.loads(
            self.open(sealed, pk=instance.pk, org_id=getattr(instance, ORG_ATTNAME))
        )
        return plain

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Sealed | None:
        return None if value is None else Sealed(value)

    def to_python(self, value: Any) -> Any:
        return Sealed(value) if isinstance(value, str) and not isinstance(value, Sealed) else value

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if isinstance(value, dict):
            value = self.seal(
                value, pk=model_instance.pk, org_id=getattr(model_instance, ORG_ATTNAME)
            )
            setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str) and value.startswith(PREFIXES):
            return str(value)
        # Plaintext must go through pre_save (model.save), which knows the row id for the AAD.
        raise TypeError(f"{self.label} accepts only sealed envelopes here, never plaintext.")
