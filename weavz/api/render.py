"""Rendering API objects as plain dicts (hot paths skip DRF's field machinery)."""

from collections.abc import Callable
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any, TypeVar

from django.http.response import HttpResponseBase
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def iso(moment: datetime | str | None) -> str | None:
    """The API's one timestamp format: ``2025-01-15T10:30:00Z`` (UTC, whole seconds, ``Z``).

    Every timestamp in a response, an audit event or a command's JSON is rendered by this (or by
    ``weavz.api.sql.TimestampColumns``, which has PostgreSQL print the same text). Fractions are
    dropped (truncated, as PostgreSQL's ``to_char`` does); text passes through unchanged.
    """
    if moment is None or isinstance(moment, str):
        return moment
    return moment.astimezone(UTC).strftime(ISO_FORMAT)


ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


ResponseT = TypeVar("ResponseT", bound=HttpResponseBase)

Getter = Callable[[Any], Any]

TIMESTAMP_SCHEMA = {
    "type": "string",
    "format": "date-time",
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$",
    "example": "2025-01-15T10:30:00Z",
}


@extend_schema_field(TIMESTAMP_SCHEMA)
class Timestamp(serializers.DateTimeField):
    """A timestamp in a ``Shape``: rendered by ``iso`` as ``2025-01-15T10:30:00Z``."""


class Shape:
    """One object's API shape, declared once: it renders the object and is its schema component.

    ``Shape("Connection", id=("id", CharField()), createdAt=("created_at", DateTimeField()))``:
    each output key names the attribute it is read from (or a function of the object) and the
    DRF field that documents it. ``shape.render(obj)`` is the plain dict the API answers
    (timestamps through ``iso``); ``shape.serializer`` is the serializer drf-spectacular turns
    into the ``Connection`` component. Renderer and schema cannot disagree.
    """

    def __init__(
        self, component: str, **fields: tuple[str | Getter, serializers.Field[Any, Any, Any, Any]]
    ) -> None:
        self.component = component
        self.keys = tuple(fields)
        self._getters: tuple[Getter, ...] = tuple(
            attrgetter(source) if isinstance(source, str) else source
            for source, _field in fields.values()
        )
        sources = [source for source, _field in fields.values()]
        self._all = (
            attrgetter(*sources)  # type: ignore[arg-type]
            if len(sources) > 1 and all(isinstance(source, str) for source in sources)
            else None
        )
        self._stamps = tuple(
            index
            for index, (_source, field) in enumerate(fields.values())
            if isinstance(field, serializers.DateTimeField)
        )
        declared = {key: field for key, (_source, field) in fields.items()}
        self.serializer: type[serializers.Serializer[Any]] = type(
            component, (serializers.Serializer,), declared
        )

    def render(self, obj: Any) -> dict[str, Any]:
        # One C-level attrgetter when every source is an attribute (the hot shapes' case).
        values = list(self._all(obj)) if self._all else [get(obj) for get in self._getters]
        for index in self._stamps:
            values[index] = iso(values[index])
        return dict(zip(self.keys, values, strict=True))


def no_store(response: ResponseT) -> ResponseT:
    """Marks a response that carries a secret (a revealed value, a secret shown once) as never
    to be stored by a browser, a proxy or a CDN."""
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response
