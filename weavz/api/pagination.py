"""The one paging helper: keyset pages answering ``{"data": [...], "next": "<cursor>" | null}``.

Every list, whatever reads it (fixed SQL or the ORM), pages the same way:

- the view parses ``?limit=`` and ``?cursor=`` with ``PageRequest.from_query`` (through
  ``weavz.api.filters.Filters.parse``);
- the selector fetches ``page.fetch`` rows (one more than the limit) newest first, below the id
  ``page.before`` when there is one (``keyset_page`` does both for a queryset; fixed statements
  append ``id < %s ... LIMIT %s``), and returns ``page.of(rows)``;
- the view answers ``page.render(render_x)``.

Ids are UUIDv7-based, unique and time-sortable, so ordering by id alone is newest first and
keyset-exact: a page is one index range scan wherever it starts. The cursor is the last id of the
page: any well-formed id is a valid position, so a cursor never goes stale or needs decoding.
"""

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from weavz.api.errors import ValidationFailed

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# A prefixed TypeID (weavz.api.ids): the prefix, "_", 26 base32 characters (Crockford, lower).
CURSOR_PATTERN = r"^[a-z]{1,16}_[0-7][0-9a-hjkmnp-tv-z]{25}$"
_CURSOR_CHARS = frozenset("0123456789abcdefghjkmnpqrstvwxyz")

T = TypeVar("T")
M = TypeVar("M", bound=Model)


def _is_cursor(token: str) -> bool:
    prefix, _, suffix = token.rpartition("_")
    return (
        0 < len(prefix) <= 16
        and prefix.isascii()
        and prefix.isalpha()
        and prefix.islower()
        and len(suffix) == 26
        and suffix[0] in "01234567"
        and set(suffix) <= _CURSOR_CHARS
    )


@dataclass(frozen=True)
class PageRequest:
    """Which page to read: at most ``limit`` rows below the id ``before`` (None: the newest)."""

    limit: int = DEFAULT_LIMIT
    before: str | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> "PageRequest":
        """``?limit=`` (1–200, default 50) and ``?cursor=``; a bad one is VALIDATION_ERROR."""
        errors: dict[str, list[str]] = {}
        raw_limit = query.get("limit")
        limit = DEFAULT_LIMIT
        if raw_limit is not None:
            if raw_limit.isascii() and raw_limit.isdigit() and 1 <= int(raw_limit) <= MAX_LIMIT:
                limit = int(raw_limit)
            else:
                errors["limit"] = [f"Must be a whole number from 1 to {MAX_LIMIT}."]
        before = query.get("cursor")
        if before is not None and not _is_cursor(before):
            errors["cursor"] = ["Invalid cursor: pass the `next` of the previous page."]
        if errors:
            raise ValidationFailed(errors)
        return cls(limit=limit, before=before)

    @property
    def fetch(self) -> int:
        """How many rows a selector reads: one more than the limit tells whether more follow."""
        return self.limit + 1

    def of(self, rows: Sequence[T], *, key: Callable[[T], str] | None = None) -> "Page[T]":
        """The page made of up to ``fetch`` rows read newest first."""
        items = list(rows[: self.limit])
        more = len(rows) > self.limit
        last = (key(items[-1]) if key else items[-1].id) if more else None  # type: ignore[attr-defined]
        return Page(items=items, next=last)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next: str | None

    def render(self, render: Callable[[T], dict[str, Any]]) -> dict[str, Any]:
        """The list's answer: ``{"data": [render(item), …], "next": cursor | None}``."""
        return {"data": [render(item) for item in self.items], "next": self.next}


def keyset_page(queryset: "QuerySet[M]", page: PageRequest) -> Page[M]:
    """A page of an (already org-scoped and filtered) queryset, newest first."""
    if page.before is not None:
        queryset = queryset.filter(pk__lt=page.before)
    return page.of(list(queryset.order_by("-pk")[: page.fetch]))


@functools.cache
def page_serializer(item: type[Any]) -> type[Any]:
    """The schema of a list's answer: ``{"data": [item], "next": cursor | null}``; the component
    is named ``<Item>Page``."""
    name = item.__name__.removesuffix("Serializer")
    fields = {
        "data": item(many=True),
        "next": serializers.CharField(
            allow_null=True, help_text="Pass as `?cursor=` for the next page; null on the last."
        ),
    }
    # many=False: this is already the whole page, not an array of pages.
    return extend_schema_serializer(many=False)(
        type(f"{name}Page", (serializers.Serializer,), fields)
    )
