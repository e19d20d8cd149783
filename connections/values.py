"""Credential value types and their validation against a piece.

Values are secrets: error messages name fields, never what was submitted.
Pure Python so the API serializers, the admin form and the services can all share it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple, TypedDict

MAX_VALUE_BYTES = 64 * 1024
VALUE_TYPES = ("SECRET_TEXT", "BASIC_AUTH", "OAUTH2", "CUSTOM_AUTH", "NO_AUTH")

REQUIRED = "This field is required."
BLANK = "This field may not be blank."
NOT_STRING = "Must be a string."
NOT_OBJECT = "Must be an object."
UNKNOWN_FIELD = "Unknown field."
UNKNOWN_PROP = "Unknown prop."


class PropSpec(TypedDict):
    displayName: str
    required: bool
    secret: bool


class InvalidValue(Exception):
    """`details` maps dotted field paths (``value.secret_text``) to messages."""

    def __init__(self, details: dict[str, list[str]]) -> None:
        self.details = details
        super().__init__(
            "; ".join(f"{path}: {' '.join(messages)}" for path, messages in details.items())
        )


def _join_or(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _string(item: object) -> str | None:
    return None if isinstance(item, str) else NOT_STRING


def _non_blank_string(item: object) -> str | None:
    return _string(item) or (BLANK if item == "" else None)


def _object(item: object) -> str | None:
    return None if isinstance(item, dict) else NOT_OBJECT


def _seconds(item: object) -> str | None:
    valid = isinstance(item, int) and not isinstance(item, bool) and item >= 0
    return None if valid else "Must be a whole number of seconds, 0 or more."


def _iso_datetime(item: object) -> str | None:
    message = "Must be an ISO 8601 date-time."
    if not isinstance(item, str):
        return message
    # Normalised here so a trailing "Z"/"z" does not depend on the Python version.
    text = item[:-1] + "+00:00" if item[-1:] in ("Z", "z") else item
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return message
    return None


class _Field(NamedTuple):
    required: bool
    check: Callable[[object], str | None]


_FIELDS: dict[str, dict[str, _Field]] = {
    "SECRET_TEXT": {"secret_text": _Field(True, _non_blank_string)},
    "BASIC_AUTH": {
        "username": _Field(True, _non_blank_string),
        "password": _Field(True, _non_blank_string),
    },
    "OAUTH2": {
        "access_token": _Field(True, _non_blank_string),
        **{
            name: _Field(False, _string)
            for name in (
                "refresh_token",
                "token_type",
                "scope",
                "client_id",
                "client_secret",
                "token_url",
            )
        },
        "expires_in": _Field(False, _seconds),
        "expires_at": _Field(False, _iso_datetime),
        # Free-form on purpose: providers put arbitrary token-response extras here.
        "data": _Field(False, _object),
    },
    # The props' contents depend on the piece; see _check_props.
    "CUSTOM_AUTH": {"props": _Field(True, _object)},
    "NO_AUTH": {},
}


def _check_props(
    props: dict[Any, Any],
    declared: Mapping[str, PropSpec],
    path: str,
    errors: dict[str, list[str]],
) -> None:
    for name, item in props.items():
        if name not in declared:
            errors[f"{path}.{name}"] = [UNKNOWN_PROP]
        elif item is None or not isinstance(item, str | int | float | bool):
            errors[f"{path}.{name}"] = ["Must be a string, number or boolean."]
        elif declared[name].get("required") and item == "":
            errors[f"{path}.{name}"] = [BLANK]
    for name, spec in declared.items():
        if spec.get("required") and name not in props:
            errors[f"{path}.{name}"] = [REQUIRED]


def _check_shape(
    value: object, auth_types: Sequence[str], field: str
) -> tuple[dict[str, Any], str]:
    """Check what every value shares (shape, size, type); return it and its type."""
    if not isinstance(value, dict):
        raise InvalidValue({field: [NOT_OBJECT]})
    try:
        serialized = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        raise InvalidValue({field: ["Must contain only JSON data."]}) from None
    # Checked before the fields so an oversized value costs no further work.
    if len(serialized.encode()) > MAX_VALUE_BYTES:
        raise InvalidValue({field: ["The value is larger than 64 KiB."]})
    if "type" not in value:
        expected = _join_or(VALUE_TYPES)
        raise InvalidValue({field: [f'A "type" is required: one of {expected}.']})
    value_type = value["type"]
    if not isinstance(value_type, str) or value_type not in VALUE_TYPES:
        expected = _join_or(VALUE_TYPES)
        raise InvalidValue({f"{field}.type": [f"Unknown type; expected {expected}."]})
    if value_type not in auth_types:
        accepted = [t for t in VALUE_TYPES if t in auth_types]
        message = (
            f"This piece accepts only {_join_or(accepted)}."
            if accepted
            else "This piece accepts no credentials."
        )
        raise InvalidValue({f"{field}.type": [message]})
    return value, value_type


def validate_value(
    value: object,
    *,
    auth_types: Sequence[str],
    props: Mapping[str, PropSpec] | None = None,
    field: str = "value",
) -> dict[str, Any]:
    """Return a clean copy of `value`, or raise InvalidValue with every field error."""
    value, value_type = _check_shape(value, auth_types, field)
    fields = _FIELDS[value_type]
    errors: dict[str, list[str]] = {}
    for name, spec in fields.items():
        if spec.required and name not in value:
            errors[f"{field}.{name}"] = [REQUIRED]
    for key, item in value.items():
        if key == "type":
            continue
        known = fields.get(key)
        problem = UNKNOWN_FIELD if known is None else known.check(item)
        if problem:
            errors[f"{field}.{key}"] = [problem]
    if value_type == "CUSTOM_AUTH" and isinstance(value.get("props"), dict):
        _check_props(value["props"], props or {}, f"{field}.props", errors)
    if errors:
        raise InvalidValue(errors)
    # Deep copy: the caller's dicts (OAUTH2 data, props) must not alias what is stored.
    return {key: copy.deepcopy(item) for key, item in value.items()}


def _parse_expiry(text: str) -> datetime | None:
    if _iso_datetime(text) is not None:
        return None
    moment = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def token_expiry(value: Mapping[str, Any]) -> datetime | None:
    """When an OAUTH2 value's access token expires (aware), or None when it does not say."""
    expires_at = value.get("expires_at")
    if value.get("type") != "OAUTH2" or not isinstance(expires_at, str):
        return None
    return _parse_expiry(expires_at)


def with_expires_at(value: dict[str, Any], now: datetime) -> dict[str, Any]:
    """An OAUTH2 value that gives only ``expires_in`` gains the ``expires_at`` it means."""
    if value.get("type") == "OAUTH2" and "expires_in" in value and "expires_at" not in value:
        moment = now.astimezone(UTC) + timedelta(seconds=value["expires_in"])
        return {**value, "expires_at": moment.strftime("%Y-%m-%dT%H:%M:%SZ")}
    return value
