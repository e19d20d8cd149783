"""Small, fast helpers for rendering API objects as plain dicts (hot paths skip DRF fields)."""

from datetime import UTC, datetime


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z`` suffix, microseconds kept so ordering is visible."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
