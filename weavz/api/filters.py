"""List filters declared once: the declaration validates the query and documents it.

A list declares its filters as a module constant::

    CONNECTION_FILTERS = Filters(
        Filter("pieceName", "piece", "Only this piece's connections."),
        Filter("status", "status", "Only connections in this status.", choices=("ACTIVE", …)),
    )

The view calls ``CONNECTION_FILTERS.parse(request.query_params)`` → ``({"piece": "slack"},
PageRequest)`` (model field -> value, only the filters given; a bad value is VALIDATION_ERROR
naming the parameter) and declares ``@extend_schema(parameters=CONNECTION_FILTERS.parameters())``
(the filters plus ``cursor`` and ``limit``, with exactly the constraints ``parse`` enforces).
Every filter is an equality on one model field; selectors apply them (``queryset.filter(**f)``
or a fixed statement's ``field = %s``).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from drf_spectacular.utils import OpenApiParameter

from weavz.api.errors import ValidationFailed
from weavz.api.pagination import CURSOR_PATTERN, DEFAULT_LIMIT, MAX_LIMIT, PageRequest


@dataclass(frozen=True)
class Filter:
    param: str
    field: str
    description: str
    choices: Sequence[str] | None = None
    max_length: int = 255
    # The enum's shared schema component (e.g. "ConnectionStatus"), when it has one.
    component: str | None = None

    def error(self, value: str) -> str | None:
        if self.choices is not None:
            return None if value in self.choices else f"Must be one of {', '.join(self.choices)}."
        if not 1 <= len(value) <= self.max_length:
            return f"Must be 1 to {self.max_length} characters."
        return None

    def schema(self) -> dict[str, Any]:
        if self.component is not None:
            return {"$ref": f"#/components/schemas/{self.component}"}
        if self.choices is not None:
            return {"type": "string", "enum": list(self.choices)}
        return {"type": "string", "minLength": 1, "maxLength": self.max_length}


class Filters:
    def __init__(self, *filters: Filter) -> None:
        self.filters = filters

    def parse(self, query: Mapping[str, str]) -> tuple[dict[str, str], PageRequest]:
        """The filters given (model field -> value) and the page asked for; unknown query
        parameters are ignored."""
        errors: dict[str, list[str]] = {}
        chosen: dict[str, str] = {}
        for item in self.filters:
            value = query.get(item.param)
            if value is None:
                continue
            problem = item.error(value)
            if problem:
                errors[item.param] = [problem]
            chosen[item.field] = value
        try:
            page = PageRequest.from_query(query)
        except ValidationFailed as exc:
            errors.update(exc.details or {})
        if errors:
            raise ValidationFailed(errors)
        return chosen, page

    def parameters(self) -> list[OpenApiParameter]:
        return [
            *(
                OpenApiParameter(item.param, item.schema(), description=item.description)
                for item in self.filters
            ),
            *PAGE_PARAMETERS,
        ]


PAGE_PARAMETERS = [
    OpenApiParameter(
        "cursor",
        {"type": "string", "pattern": CURSOR_PATTERN},
        description="The `next` of the previous page.",
    ),
    OpenApiParameter(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        description=f"Page size, 1–{MAX_LIMIT} (default {DEFAULT_LIMIT}).",
    ),
]
