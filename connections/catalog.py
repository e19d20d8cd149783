"""How the catalog says to call a piece: its base URL, where each value type's credential goes
(``auth`` templates) and its OAuth 2 settings (API.md, "The catalog learns how to call each piece").

Pure Python: the admin form, ``import_pieces`` and the call engine share these functions.

An ``auth`` entry, per value type, is any of::

    {"headers": {"Authorization": "Bot {secret_text}", "Notion-Version": "2022-06-28"},
     "query": {"key": "{secret_text}"},
     "basic": {"username": "{email}", "password": "{api_token}"},   # Authorization: Basic …
     "path": "/bot{secret_text}"}                                   # prefix after the base URL

``{name}`` names a field of the value (``secret_text``, ``access_token``, …; a declared prop for
CUSTOM_AUTH). A type without an entry uses the default below. A rendered header whose name or
value comes out empty is left out, so optional props can carry optional headers.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from connections.values import VALUE_TYPES

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # RFC 9110 header field name
_ENTRY_KEYS = ("headers", "query", "basic", "path")
# Headers no template may set: they describe the connection, not the call.
RESERVED_HEADERS = frozenset(
    {
        "host",
        "content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "te",
        "trailer",
        "upgrade",
        "cookie",
    }
)
# Props that hold a connection's own API root when the piece has no baseUrl.
BASE_URL_PROPS = ("base_url", "instance_url")
TOKEN_AUTH_METHODS = ("client_secret_basic", "client_secret_post")

DEFAULT_AUTH: dict[str, dict[str, Any]] = {
    "OAUTH2": {"headers": {"Authorization": "Bearer {access_token}"}},
    "SECRET_TEXT": {"headers": {"Authorization": "Bearer {secret_text}"}},
    "BASIC_AUTH": {"basic": {"username": "{username}", "password": "{password}"}},
    "NO_AUTH": {},
    "CUSTOM_AUTH": {},
}
_VALUE_FIELDS = {
    "SECRET_TEXT": ("secret_text",),
    "BASIC_AUTH": ("username", "password"),
    "OAUTH2": ("access_token", "token_type", "scope", "client_id"),
    "NO_AUTH": (),
}


_PROP_KEYS = {"displayName": str, "required": bool, "secret": bool}


def props_errors(props: object) -> list[str]:
    """Problems with a piece's CUSTOM_AUTH prop declarations; empty when they are valid."""
    if not isinstance(props, dict):
        return ["Props must be a JSON object of name → declaration."]
    errors: list[str] = []
    for name, spec in props.items():
        if not isinstance(spec, dict):
            errors.append(f"{name}: must be an object.")
            continue
        for key in sorted(set(spec) - set(_PROP_KEYS)):
            errors.append(f"{name}.{key}: unknown key.")
        for key, kind in _PROP_KEYS.items():
            if not isinstance(spec.get(key), kind):
                errors.append(f"{name}.{key}: required, must be a {kind.__name__}.")
    return errors


_PIECE_NAME = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")
PIECE_KEYS = ("name", "displayName", "authTypes", "props", "baseUrl", "auth", "oauth2")


def piece_errors(item: object) -> dict[str, list[str]]:
    """Problems with a piece in the ``GET /pieces/:name`` shape (``import_pieces``)."""
    if not isinstance(item, dict):
        return {"": ["Must be an object."]}
    errors: dict[str, list[str]] = {}
    for key in sorted(set(item) - set(PIECE_KEYS)):
        errors[key] = ["Unknown field."]
    name = item.get("name")
    if not isinstance(name, str) or not _PIECE_NAME.match(name):
        errors["name"] = ["Required: letters, digits, - and _ (at most 100)."]
    display = item.get("displayName")
    if not isinstance(display, str) or not 1 <= len(display) <= 255:
        errors["displayName"] = ["Required: a string of 1 to 255 characters."]
    auth_types = item.get("authTypes")
    if not isinstance(auth_types, list) or not all(t in VALUE_TYPES for t in auth_types):
        errors["authTypes"] = [f"Required: a list of {', '.join(VALUE_TYPES)}."]
        auth_types = []
    props = item.get("props", {})
    problems = props_errors(props)
    if problems:
        errors["props"] = problems
        props = {}
    elif props and "CUSTOM_AUTH" not in auth_types:
        errors["props"] = ["Props apply only to pieces that accept CUSTOM_AUTH."]
    errors.update(
        catalog_errors(
            auth_types=auth_types,
            props=props,
            base_url=item.get("baseUrl"),
            auth=item.get("auth", {}),
            oauth2=item.get("oauth2"),
        )
    )
    return errors


def template_fields(value_type: str, props: Mapping[str, Any]) -> tuple[str, ...]:
    """The names a template for ``value_type`` may use."""
    if value_type == "CUSTOM_AUTH":
        return tuple(props)
    return _VALUE_FIELDS.get(value_type, ())


def _check_template(
    text: object, allowed: tuple[str, ...], path: str, errors: dict[str, list[str]]
) -> None:
    if not isinstance(text, str):
        errors[path] = ["Must be a string."]
        return
    unknown = sorted({name for name in PLACEHOLDER.findall(text) if name not in allowed})
    if unknown:
        choices = ", ".join(allowed) if allowed else "none"
        errors[path] = [
            f"Names {', '.join(unknown)}, which this value type does not have (it has: {choices})."
        ]
    elif "{" in PLACEHOLDER.sub("", text) or "}" in PLACEHOLDER.sub("", text):
        errors[path] = ["A brace must enclose a field name, as in {access_token}."]


def auth_errors(
    auth: object, *, auth_types: list[str], props: Mapping[str, Any], field: str = "auth"
) -> dict[str, list[str]]:
    """Field path -> messages for a malformed ``auth``; empty when it is valid."""
    errors: dict[str, list[str]] = {}
    if not isinstance(auth, dict):
        return {field: ["Must be an object of value type -> injection."]}
    for value_type, entry in auth.items():
        at = f"{field}.{value_type}"
        if value_type not in VALUE_TYPES:
            errors[at] = [f"Unknown value type; expected one of {', '.join(VALUE_TYPES)}."]
            continue
        if value_type not in auth_types:
            errors[at] = ["The piece does not accept this value type."]
            continue
        if not isinstance(entry, dict):
            errors[at] = ["Must be an object with headers, query, basic and/or path."]
            continue
        allowed = template_fields(value_type, props)
        for key, part in entry.items():
            where = f"{at}.{key}"
            if key not in _ENTRY_KEYS:
                errors[where] = [f"Unknown key; expected {', '.join(_ENTRY_KEYS)}."]
            elif key == "path":
                _check_template(part, allowed, where, errors)
                if isinstance(part, str) and not part.startswith("/"):
                    errors.setdefault(where, []).append("Must start with /.")
            elif not isinstance(part, dict):
                errors[where] = ["Must be an object of name -> template."]
            elif key == "basic" and set(part) != {"username", "password"}:
                errors[where] = ["Must have exactly username and password."]
            else:
                for name, template in part.items():
                    _check_template(name, allowed, f"{where}.{name}", errors)
                    _check_template(template, allowed, f"{where}.{name}", errors)
                    literal = PLACEHOLDER.sub("x", name)
                    if key == "headers" and (
                        not _TOKEN.match(literal) or literal.lower() in RESERVED_HEADERS
                    ):
                        errors.setdefault(f"{where}.{name}", []).append(
                            "Not a header name a template may set."
                        )
    return errors


def base_url_errors(base_url: object, field: str = "baseUrl") -> dict[str, list[str]]:
    if base_url is None:
        return {}
    problem = url_problem(base_url)
    return {field: [problem]} if problem else {}


def url_problem(url: object) -> str | None:
    """Why ``url`` cannot be an API root (a fixed http(s) origin and path), or None."""
    if not isinstance(url, str):
        return "Must be a string or null."
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (parses the port, raising on a bad one)
    except ValueError:
        return "Must be an http(s) URL."
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "Must be an http(s) URL with a host."
    if parts.username is not None or parts.password is not None:
        return "May not carry a user name or password."
    if parts.query or parts.fragment or "{" in url:
        return "May not have a query, a fragment or a placeholder."
    return None


def oauth2_errors(oauth2: object, field: str = "oauth2") -> dict[str, list[str]]:
    if oauth2 is None:
        return {}
    if not isinstance(oauth2, dict):
        return {field: ["Must be an object or null."]}
    errors: dict[str, list[str]] = {}
    known = {"authorizeUrl", "tokenUrl", "scopes", "pkce", "tokenAuthMethod"}
    for key in sorted(set(oauth2) - known):
        errors[f"{field}.{key}"] = ["Unknown field."]
    for key in ("authorizeUrl", "tokenUrl"):
        if key not in oauth2:
            errors[f"{field}.{key}"] = ["This field is required."]
        else:
            problem = url_problem(oauth2[key])
            # Authorize URLs may carry fixed parameters (e.g. Google's access_type=offline).
            if problem and not (key == "authorizeUrl" and problem.startswith("May not have")):
                errors[f"{field}.{key}"] = [problem]
    scopes = oauth2.get("scopes", [])
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
        errors[f"{field}.scopes"] = ["Must be a list of strings."]
    if not isinstance(oauth2.get("pkce", False), bool):
        errors[f"{field}.pkce"] = ["Must be true or false."]
    if oauth2.get("tokenAuthMethod", "client_secret_basic") not in TOKEN_AUTH_METHODS:
        errors[f"{field}.tokenAuthMethod"] = [f"Must be one of {', '.join(TOKEN_AUTH_METHODS)}."]
    return errors


def catalog_errors(
    *,
    auth_types: list[str],
    props: Mapping[str, Any],
    base_url: object,
    auth: object,
    oauth2: object,
) -> dict[str, list[str]]:
    """Every problem with a piece's calling fields, keyed by API field name."""
    return {
        **base_url_errors(base_url),
        **auth_errors(auth, auth_types=auth_types, props=props),
        **oauth2_errors(oauth2),
    }


def injection(auth: Mapping[str, Any], value_type: str) -> dict[str, Any]:
    """The auth entry in force for a value type: the piece's own, else the default."""
    entry = auth.get(value_type)
    return entry if isinstance(entry, dict) else DEFAULT_AUTH.get(value_type, {})


def template_values(value: Mapping[str, Any]) -> dict[str, str]:
    """The names templates see: the value's fields, or a CUSTOM_AUTH value's props."""
    source = value.get("props", {}) if value.get("type") == "CUSTOM_AUTH" else value
    return {
        str(k): ("" if v is None else str(v).lower() if isinstance(v, bool) else str(v))
        for k, v in source.items()
        if k != "type" and not isinstance(v, dict | list)
    }


def render(template: str, fields: Mapping[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: fields.get(m.group(1), ""), template)


def basic_credentials(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


def connection_base_url(base_url: str | None, value: Mapping[str, Any]) -> str | None:
    """Where a connection's calls go: the piece's root, else the value's own base/instance URL."""
    if base_url:
        return base_url
    if value.get("type") == "CUSTOM_AUTH":
        props = value.get("props") or {}
        for name in BASE_URL_PROPS:
            candidate = props.get(name)
            if isinstance(candidate, str) and candidate:
                return candidate
    return None
