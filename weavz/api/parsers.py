"""Request bodies: JSON nested no deeper than ``MAX_JSON_DEPTH``.

Python's JSON decoder recurses once per level, and so does every later walk of the value (copies,
validation, the idempotency fingerprint), so a deep enough body would crash the request with a
``RecursionError``. No credential or policy needs more than a few levels; past the cap a body is
``400 VALIDATION_ERROR``, measured without recursion.
"""

from collections.abc import Mapping
from typing import Any

from django import forms
from rest_framework import parsers
from rest_framework.exceptions import ValidationError

MAX_JSON_DEPTH = 32
TOO_DEEP = f"JSON nested deeper than {MAX_JSON_DEPTH} levels is not accepted."


def nested_too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether objects and arrays in ``value`` nest deeper than ``limit`` (the top one is 1)."""
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, (Mapping, list)) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, Mapping) else item
        stack.extend((c, depth + 1) for c in children if isinstance(c, (Mapping, list)))
    return False


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ValidationError([TOO_DEEP]) from None
        if nested_too_deep(data):
            raise ValidationError([TOO_DEEP])
        return data


class BoundedJSONField(forms.JSONField):
    """The console's JSON form field, with the API's nesting cap (a form error, never a 500)."""

    def to_python(self, value: Any) -> Any:
        try:
            parsed = super().to_python(value)
        except RecursionError:
            raise forms.ValidationError(TOO_DEEP) from None
        if nested_too_deep(parsed):
            raise forms.ValidationError(TOO_DEEP)
        return parsed

    def bound_data(self, data: Any, initial: Any) -> Any:
        try:
            return super().bound_data(data, initial)
        except RecursionError:
            return forms.fields.InvalidJSONInput(data)
