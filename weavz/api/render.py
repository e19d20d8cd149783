"""Small, fast helpers for rendering API objects as plain dicts (hot paths skip DRF fields)."""

from datetime import UTC, datetime


def iso(moment: datetime | str | None) -> str | None:
    """ISO 8601 in UTC with a ``Z`` suffix, microseconds kept so ordering is visible.

    Text passes through: it was rendered already (``weavz.api.sql.TimestampColumns``).
    """
    if moment is None or isinstance(moment, str):
        return moment
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
