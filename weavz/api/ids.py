"""Prefixed, URL-safe, time-sortable ids (TypeID: a prefix and a UUIDv7 in base32)."""

from django.db import models
from django.utils.deconstruct import deconstructible
from typeid import TypeID

ID_MAX_LENGTH = 40


def new_id(prefix: str) -> str:
    return str(TypeID(prefix=prefix))


@deconstructible
class PrefixedId:
    """A field default that migrations can serialize: ``PrefixedId("conn")()`` -> ``conn_01j…``."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __call__(self) -> str:
        return new_id(self.prefix)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PrefixedId) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash(self.prefix)


def id_field(prefix: str) -> "models.CharField[str, str]":
    return models.CharField(
        primary_key=True, max_length=ID_MAX_LENGTH, default=PrefixedId(prefix), editable=False
    )
