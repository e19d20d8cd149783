"""Cursor (keyset) pages answering ``{"data": [...], "next": "<cursor>" | null}``, newest first."""

from base64 import urlsafe_b64decode, urlsafe_b64encode
from collections.abc import Sequence
from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def parse_limit(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    # isascii: str.isdigit also accepts "²" and "①", which int() refuses.
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_LIMIT:
        raise ValidationError({"limit": [f"Must be a whole number from 1 to {MAX_LIMIT}."]})
    return int(raw)


def decode_cursor_token(token: str | None) -> str | None:
    """The id a ``?cursor=`` token points at (the next page starts below it)."""
    if token is None:
        return None
    try:
        position = urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
    except ValueError:
        position = ""
    if not position.isascii() or not position.replace("_", "").isalnum():
        raise ValidationError({"cursor": ["Invalid cursor."]})
    return position


def encode_cursor_token(position: str) -> str:
    # ``next`` is an opaque token to pass back as ``?cursor=``, not a URL. Ids are unique, so the
    # position alone (no offset, no reverse) marks where the next page starts.
    return urlsafe_b64encode(position.encode("ascii")).decode("ascii").rstrip("=")


class CursorPage(CursorPagination):
    # Ids are UUIDv7-based and unique, so ordering by id alone is newest first and keyset-exact:
    # a page is one index range scan wherever it starts.
    ordering = "-id"
    page_size = DEFAULT_LIMIT
    cursor_query_param = "cursor"

    def get_page_size(self, request: Request) -> int:
        return parse_limit(request.query_params.get("limit"))

    def decode_cursor(self, request: Request) -> Cursor | None:
        position = decode_cursor_token(request.query_params.get(self.cursor_query_param))
        if position is None:
            return None
        return Cursor(offset=0, reverse=False, position=position)  # type: ignore[arg-type]

    def encode_cursor(self, cursor: Cursor) -> str:
        return encode_cursor_token(str(cursor.position))

    def get_paginated_response(self, data: Sequence[Any]) -> Response:
        return Response({"data": data, "next": self.get_next_link()})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["data", "next"],
            "properties": {
                "data": schema,
                "next": {
                    "type": "string",
                    "nullable": True,
                    "description": "Cursor of the next page.",
                },
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "description": "The `next` of the previous page.",
                "schema": {"type": "string"},
            },
            {
                "name": "limit",
                "required": False,
                "in": "query",
                "description": f"Page size, 1–{MAX_LIMIT} (default {DEFAULT_LIMIT}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            },
        ]
