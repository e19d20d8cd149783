"""Request bodies: ``validated(SomeStrictSerializer, request.data)`` in every write view."""

from typing import Any

from rest_framework import serializers

from weavz.api.errors import ValidationFailed, flatten_details

NOT_STRING = "Must be a string."
NOT_INTEGER = "Must be an integer."
NOT_BOOLEAN = "Must be a boolean."
NOT_NUMBER = "Must be a number."
NOT_OBJECT = "Must be an object."
NOT_ARRAY = "Must be an array."


def _is_integer(item: object) -> bool:
    return isinstance(item, int) and not isinstance(item, bool)


def _is_number(item: object) -> bool:
    return isinstance(item, int | float) and not isinstance(item, bool)


# Field class -> (JSON type check, message). DRF converts `5` to "5" and "true" to True; the
# contract says a wrong JSON type is a 400, so these run before DRF sees the value.
# Order matters: ChoiceField before CharField is irrelevant (no subclassing), but BooleanField
# must not be taken for an IntegerField.
_JSON_TYPES: list[tuple[type[serializers.Field[Any, Any, Any, Any]], Any, str]] = [
    (serializers.BooleanField, lambda item: isinstance(item, bool), NOT_BOOLEAN),
    (serializers.IntegerField, _is_integer, NOT_INTEGER),
    (serializers.FloatField, _is_number, NOT_NUMBER),
    (serializers.DecimalField, _is_number, NOT_NUMBER),
    (serializers.CharField, lambda item: isinstance(item, str), NOT_STRING),
    (serializers.ChoiceField, lambda item: isinstance(item, str), NOT_STRING),
    (serializers.DictField, lambda item: isinstance(item, dict), NOT_OBJECT),
    (serializers.ListField, lambda item: isinstance(item, list), NOT_ARRAY),
]


def json_type_error(field: serializers.Field[Any, Any, Any, Any], item: object) -> str | None:
    """The message when ``item`` is not the JSON type ``field`` declares (``None`` is left to
    the field's ``allow_null``)."""
    if item is None:
        return None
    for field_class, accepts, message in _JSON_TYPES:
        if isinstance(field, field_class):
            return None if accepts(item) else message
    return None


class StrictCharField(serializers.CharField):
    """A string and only a string, wherever it stands: inside a list or a dict too, where
    ``StrictSerializer``'s own check (top-level fields only) does not reach."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class StrictSerializer(serializers.Serializer[Any]):
    """The base of every request body: strict JSON types and no undeclared keys.

    A key it does not declare (``displayname``) is an error, not a no-op, and a number where a
    string is declared (``"displayName": 5``) is ``400`` naming the field, never stored as "5".
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            errors = {key: ["Unknown field."] for key in sorted(set(data) - set(self.fields))}
            for name, field in self.fields.items():
                if name in data and not field.read_only:
                    problem = json_type_error(field, data[name])
                    if problem:
                        errors[name] = [problem]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


# Idle serializers per class, their fields already built. DRF deep-copies every declared field
# into each new serializer instance (a third of a small body's validation); a request borrows one
# instead, so no per-request serializer is built only to be thrown away. A borrowed serializer
# belongs to one call at a time (list.pop and list.append are atomic), so threads never share
# one; the pool holds at most as many as ever ran at once.
_IDLE: dict[type[serializers.Serializer[Any]], list[serializers.Serializer[Any]]] = {}
# What DRF keeps of one validation on the serializer; cleared before it is lent again.
_PER_CALL = ("initial_data", "_validated_data", "_errors", "_data")


def validated(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    """The request body checked by ``serializer_class``; ``ValidationFailed`` otherwise."""
    idle = _IDLE.setdefault(serializer_class, [])
    try:
        serializer = idle.pop()
    except IndexError:
        serializer = serializer_class()
    serializer.initial_data = data
    try:
        if not serializer.is_valid():
            raise ValidationFailed(flatten_details(serializer.errors))
        clean: dict[str, Any] = serializer.validated_data
        return clean
    finally:
        for name in _PER_CALL:
            serializer.__dict__.pop(name, None)
        idle.append(serializer)
