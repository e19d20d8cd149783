import json
from collections.abc import Mapping
from typing import Any

import pytest

from connections.values import (
    MAX_VALUE_BYTES,
    VALUE_TYPES,
    InvalidValue,
    PropSpec,
    validate_value,
)

ALL = VALUE_TYPES
SECRET = "sk-live-do-not-leak-0123456789"
AIRTABLE_PROPS: dict[str, PropSpec] = {
    "api_key": {"displayName": "API key", "required": True, "secret": True},
    "base_url": {"displayName": "Base URL", "required": False, "secret": False},
    "retries": {"displayName": "Retries", "required": False, "secret": False},
}


def details_of(value: object, **kwargs: Any) -> dict[str, list[str]]:
    kwargs.setdefault("auth_types", ALL)
    with pytest.raises(InvalidValue) as caught:
        validate_value(value, **kwargs)
    return caught.value.details


def errors_at(value: object, **kwargs: Any) -> set[str]:
    return set(details_of(value, **kwargs))


# Happy paths


def test_it_accepts_a_secret_text() -> None:
    value = {"type": "SECRET_TEXT", "secret_text": SECRET}
    assert validate_value(value, auth_types=["SECRET_TEXT"]) == value


def test_it_accepts_basic_auth() -> None:
    value = {"type": "BASIC_AUTH", "username": "ada", "password": SECRET}
    assert validate_value(value, auth_types=["BASIC_AUTH"]) == value


def test_it_accepts_a_minimal_oauth2_value() -> None:
    value = {"type": "OAUTH2", "access_token": SECRET}
    assert validate_value(value, auth_types=["OAUTH2"]) == value


def test_it_accepts_an_oauth2_value_with_every_optional_field() -> None:
    value = {
        "type": "OAUTH2",
        "access_token": "xoxb-1",
        "refresh_token": "xoxr-1",
        "token_type": "bot",
        "scope": "chat:write,channels:read",
        "expires_in": 3600,
        "expires_at": "2025-01-15T10:30:00Z",
        "client_id": "cid",
        "client_secret": SECRET,
        "token_url": "https://slack.com/api/oauth.v2.access",
        "data": {"team": {"id": "T1"}, "anything": [1, None, {"deep": True}]},
    }
    assert validate_value(value, auth_types=["OAUTH2"]) == value


@pytest.mark.parametrize(
    "expires_at",
    ["2025-01-15T10:30:00+02:00", "2025-01-15T10:30:00.123z", "2025-01-15"],
)
def test_it_accepts_iso_8601_expiry_times(expires_at: str) -> None:
    value = {"type": "OAUTH2", "access_token": "t", "expires_at": expires_at}
    assert validate_value(value, auth_types=["OAUTH2"])["expires_at"] == expires_at


def test_it_accepts_oauth2_data_free_form_without_key_checks() -> None:
    data = {"unknown_key": {"nested": [{"x": None}]}, "type": "whatever", "": ""}
    value = {"type": "OAUTH2", "access_token": "t", "data": data}
    assert validate_value(value, auth_types=["OAUTH2"])["data"] == data


def test_it_accepts_custom_auth_with_declared_props() -> None:
    value = {
        "type": "CUSTOM_AUTH",
        "props": {"api_key": SECRET, "base_url": "", "retries": 3},
    }
    assert validate_value(value, auth_types=["CUSTOM_AUTH"], props=AIRTABLE_PROPS) == value


def test_it_accepts_custom_auth_props_that_are_numbers_or_booleans() -> None:
    value = {
        "type": "CUSTOM_AUTH",
        "props": {"api_key": 12345, "retries": 2.5, "base_url": True},
    }
    assert validate_value(value, auth_types=["CUSTOM_AUTH"], props=AIRTABLE_PROPS) == value


def test_it_accepts_no_auth() -> None:
    assert validate_value({"type": "NO_AUTH"}, auth_types=["NO_AUTH"]) == {"type": "NO_AUTH"}


def test_it_returns_a_copy_that_does_not_alias_the_input() -> None:
    nested = {"a": 1}
    value = {"type": "OAUTH2", "access_token": "t", "data": {"nested": nested}}
    clean = validate_value(value, auth_types=["OAUTH2"])
    nested["a"] = 2
    assert clean["data"] == {"nested": {"a": 1}}


# The value itself


@pytest.mark.parametrize("value", [None, "SECRET_TEXT", 42, ["type", "SECRET_TEXT"], True])
def test_it_rejects_a_value_that_is_not_an_object(value: object) -> None:
    assert details_of(value) == {"value": ["Must be an object."]}


def test_it_rejects_a_value_without_a_type() -> None:
    assert errors_at({"secret_text": SECRET}) == {"value"}


@pytest.mark.parametrize("value_type", ["API_KEY", "secret_text", "", None, 1, ["OAUTH2"]])
def test_it_rejects_an_unknown_type(value_type: object) -> None:
    assert errors_at({"type": value_type}) == {"value.type"}


def test_it_rejects_a_type_the_piece_does_not_accept() -> None:
    details = details_of({"type": "SECRET_TEXT", "secret_text": SECRET}, auth_types=["OAUTH2"])
    assert details == {"value.type": ["This piece accepts only OAUTH2."]}


def test_it_lists_every_type_the_piece_accepts() -> None:
    details = details_of({"type": "NO_AUTH"}, auth_types=["OAUTH2", "SECRET_TEXT"])
    assert details == {"value.type": ["This piece accepts only SECRET_TEXT or OAUTH2."]}


def test_it_uses_the_given_field_name_as_the_path_prefix() -> None:
    assert errors_at({"type": "SECRET_TEXT"}, field="credentials") == {"credentials.secret_text"}


# Per-type fields


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"type": "SECRET_TEXT"}, "value.secret_text"),
        ({"type": "BASIC_AUTH", "password": "p"}, "value.username"),
        ({"type": "BASIC_AUTH", "username": "u"}, "value.password"),
        ({"type": "OAUTH2"}, "value.access_token"),
        ({"type": "CUSTOM_AUTH"}, "value.props"),
    ],
)
def test_it_requires_each_types_required_field(value: dict[str, Any], path: str) -> None:
    assert details_of(value) == {path: ["This field is required."]}


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"type": "SECRET_TEXT", "secret_text": ""}, "value.secret_text"),
        ({"type": "BASIC_AUTH", "username": "", "password": "p"}, "value.username"),
        ({"type": "BASIC_AUTH", "username": "u", "password": ""}, "value.password"),
        ({"type": "OAUTH2", "access_token": ""}, "value.access_token"),
    ],
)
def test_it_rejects_a_blank_required_string(value: dict[str, Any], path: str) -> None:
    assert details_of(value) == {path: ["This field may not be blank."]}


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"type": "SECRET_TEXT", "secret_text": 123}, "value.secret_text"),
        ({"type": "BASIC_AUTH", "username": "u", "password": None}, "value.password"),
        ({"type": "OAUTH2", "access_token": ["t"]}, "value.access_token"),
        (
            {"type": "OAUTH2", "access_token": "t", "refresh_token": 1},
            "value.refresh_token",
        ),
        ({"type": "OAUTH2", "access_token": "t", "scope": None}, "value.scope"),
        ({"type": "OAUTH2", "access_token": "t", "token_url": {}}, "value.token_url"),
    ],
)
def test_it_rejects_a_string_field_of_another_type(value: dict[str, Any], path: str) -> None:
    assert details_of(value) == {path: ["Must be a string."]}


@pytest.mark.parametrize("expires_in", [-1, 1.5, "3600", True, None])
def test_it_rejects_an_expires_in_that_is_not_whole_seconds(expires_in: object) -> None:
    value = {"type": "OAUTH2", "access_token": "t", "expires_in": expires_in}
    assert errors_at(value) == {"value.expires_in"}


def test_it_accepts_an_expires_in_of_zero() -> None:
    value = {"type": "OAUTH2", "access_token": "t", "expires_in": 0}
    assert validate_value(value, auth_types=["OAUTH2"])["expires_in"] == 0


@pytest.mark.parametrize("expires_at", ["tomorrow", "", "Z", 1736937000, "2025-13-01T00:00:00Z"])
def test_it_rejects_an_expires_at_that_is_not_iso_8601(expires_at: object) -> None:
    value = {"type": "OAUTH2", "access_token": "t", "expires_at": expires_at}
    assert errors_at(value) == {"value.expires_at"}


@pytest.mark.parametrize("data", [[], "x", None, 1])
def test_it_rejects_oauth2_data_that_is_not_an_object(data: object) -> None:
    assert errors_at({"type": "OAUTH2", "access_token": "t", "data": data}) == {"value.data"}


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"type": "SECRET_TEXT", "secret_text": "s", "secret": "s"}, "value.secret"),
        (
            {"type": "BASIC_AUTH", "username": "u", "password": "p", "host": "h"},
            "value.host",
        ),
        (
            {"type": "OAUTH2", "access_token": "t", "accessToken": "t"},
            "value.accessToken",
        ),
        ({"type": "OAUTH2", "access_token": "t", "props": {}}, "value.props"),
        ({"type": "CUSTOM_AUTH", "props": {"api_key": "k"}, "data": {}}, "value.data"),
        ({"type": "NO_AUTH", "secret_text": "s"}, "value.secret_text"),
    ],
)
def test_it_rejects_unknown_fields(value: dict[str, Any], path: str) -> None:
    assert details_of(value, props=AIRTABLE_PROPS) == {path: ["Unknown field."]}


def test_it_reports_every_field_error_of_a_value_at_once() -> None:
    value = {
        "type": "OAUTH2",
        "access_token": "",
        "expires_in": -5,
        "data": [],
        "extra": 1,
    }
    assert errors_at(value) == {
        "value.access_token",
        "value.expires_in",
        "value.data",
        "value.extra",
    }


# CUSTOM_AUTH props


@pytest.mark.parametrize("props", [[], "api_key=k", None])
def test_it_rejects_props_that_are_not_an_object(props: object) -> None:
    value = {"type": "CUSTOM_AUTH", "props": props}
    assert details_of(value, props=AIRTABLE_PROPS) == {"value.props": ["Must be an object."]}


def test_it_rejects_an_undeclared_prop() -> None:
    value = {"type": "CUSTOM_AUTH", "props": {"api_key": "k", "region": "eu"}}
    assert details_of(value, props=AIRTABLE_PROPS) == {"value.props.region": ["Unknown prop."]}


def test_it_rejects_every_prop_when_the_piece_declares_none() -> None:
    value = {"type": "CUSTOM_AUTH", "props": {"api_key": "k"}}
    assert details_of(value) == {"value.props.api_key": ["Unknown prop."]}


def test_it_requires_a_required_prop() -> None:
    value = {"type": "CUSTOM_AUTH", "props": {"base_url": "https://x"}}
    assert details_of(value, props=AIRTABLE_PROPS) == {
        "value.props.api_key": ["This field is required."]
    }


def test_it_rejects_a_blank_required_prop_but_not_a_blank_optional_one() -> None:
    value = {"type": "CUSTOM_AUTH", "props": {"api_key": "", "base_url": ""}}
    assert details_of(value, props=AIRTABLE_PROPS) == {
        "value.props.api_key": ["This field may not be blank."]
    }


@pytest.mark.parametrize("prop", [None, {"k": "v"}, ["k"]])
def test_it_rejects_a_prop_that_is_not_a_json_scalar(prop: object) -> None:
    value = {"type": "CUSTOM_AUTH", "props": {"api_key": "k", "base_url": prop}}
    assert errors_at(value, props=AIRTABLE_PROPS) == {"value.props.base_url"}


# Size


def _secret_text_of_size(size: int) -> dict[str, str]:
    overhead = len(json.dumps({"type": "SECRET_TEXT", "secret_text": ""}, separators=(",", ":")))
    return {"type": "SECRET_TEXT", "secret_text": "x" * (size - overhead)}


def test_it_accepts_a_value_of_exactly_64_kib() -> None:
    assert validate_value(_secret_text_of_size(MAX_VALUE_BYTES), auth_types=ALL)


def test_it_rejects_a_value_over_64_kib() -> None:
    details = details_of(_secret_text_of_size(MAX_VALUE_BYTES + 1))
    assert details == {"value": ["The value is larger than 64 KiB."]}


def test_it_counts_the_size_in_utf8_bytes_not_characters() -> None:
    # 3 bytes per character: under the limit in characters, over it in bytes.
    value = {
        "type": "OAUTH2",
        "access_token": "t",
        "data": {"n": "€" * (MAX_VALUE_BYTES // 3)},
    }
    assert details_of(value) == {"value": ["The value is larger than 64 KiB."]}


def test_it_rejects_a_value_that_is_not_json() -> None:
    assert errors_at({"type": "OAUTH2", "access_token": "t", "data": {"x": float("nan")}}) == {
        "value"
    }
    assert errors_at({"type": "OAUTH2", "access_token": "t", "data": {"x": object()}}) == {"value"}


# Secrecy


@pytest.mark.parametrize(
    ("value", "props"),
    [
        ({"type": "SECRET_TEXT", "secret_text": SECRET, "oops": SECRET}, None),
        ({"type": "BASIC_AUTH", "username": SECRET, "password": [SECRET]}, None),
        (
            {
                "type": "OAUTH2",
                "access_token": SECRET,
                "expires_at": SECRET,
                "expires_in": SECRET,
            },
            None,
        ),
        ({"type": "OAUTH2", "access_token": SECRET, "data": SECRET}, None),
        ({"type": SECRET}, None),
        (
            {"type": "CUSTOM_AUTH", "props": {"api_key": [SECRET], "x": SECRET}},
            AIRTABLE_PROPS,
        ),
        ({"type": "SECRET_TEXT", "secret_text": SECRET * 5000}, None),
    ],
)
def test_error_messages_never_hold_a_submitted_secret(
    value: dict[str, Any], props: Mapping[str, PropSpec] | None
) -> None:
    with pytest.raises(InvalidValue) as caught:
        validate_value(value, auth_types=["SECRET_TEXT", "OAUTH2", "CUSTOM_AUTH"], props=props)
    assert SECRET not in str(caught.value)
    assert SECRET not in repr(caught.value)
    assert SECRET not in json.dumps(caught.value.details)


def test_an_invalid_value_reads_as_paths_and_messages() -> None:
    with pytest.raises(InvalidValue) as caught:
        validate_value({"type": "BASIC_AUTH", "foo": 1}, auth_types=ALL)
    message = str(caught.value)
    assert "value.username: This field is required." in message
    assert "value.foo: Unknown field." in message
