"""Small, fast helpers for rendering API objects as plain dicts (hot paths skip DRF fields)."""

from datetime import UTC, datetime
from typing import TypeVar

from django.http.response import HttpResponseBase

ResponseT = TypeVar("ResponseT", bound=HttpResponseBase)


def iso(moment: datetime | str | None) -> str | None:
    """ISO 8601 in UTC with a ``Z`` suffix, microseconds kept so ordering is visible.

    Text passes through: it was rendered already (``weavz.api.sql.TimestampColumns``).
    """
    if moment is None or isinstance(moment, str):
        return moment
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def no_store(response: ResponseT) -> ResponseT:
    """Marks a response that carries a secret (a revealed value, a secret shown once) as never
    to be stored by a browser, a proxy or a CDN."""
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response
