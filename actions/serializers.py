"""``POST /actions/execute``: the request body (strict serializers), the call it asks for, and
the answer's shape (one ``Shape`` each for the execution and its output)."""

import json
from typing import Any
from urllib.parse import urlencode

from rest_framework import serializers

from actions.engine import Outcome, Outgoing
from weavz.api.ids import ID_MAX_LENGTH
from weavz.api.render import Shape
from weavz.api.serializers import StrictCharField, StrictSerializer
from weavz.egress import HOP_BY_HOP

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
ACTIONS = ("http_request",)


def refused_header(name: str) -> bool:
    """Headers a caller may not set: the credential's, the connection's, and ours."""
    lowered = name.lower()
    return (
        lowered in ("authorization", "cookie", "host", "content-length")
        or lowered in HOP_BY_HOP
        or lowered.startswith(("proxy-", "weavz-"))
    )


class HeadersField(serializers.DictField):
    child = StrictCharField(allow_blank=True, trim_whitespace=False)

    def to_internal_value(self, data: Any) -> dict[str, str]:
        clean: dict[str, str] = super().to_internal_value(data)
        refused = sorted(name for name in clean if refused_header(name))
        if refused:
            raise serializers.ValidationError(
                {
                    name: [
                        "This header may not be set: the credential and the connection are "
                        "the service's to send."
                    ]
                    for name in refused
                }
            )
        return clean


class QueryField(serializers.DictField):
    """``{"name": "value" | ["v1", "v2"]}``"""

    def to_internal_value(self, data: Any) -> dict[str, list[str]]:
        if not isinstance(data, dict):
            self.fail("not_a_dict", input_type=type(data).__name__)
        clean: dict[str, list[str]] = {}
        errors: dict[str, list[str]] = {}
        for name, item in data.items():
            items = item if isinstance(item, list) else [item]
            if not all(isinstance(i, str) for i in items):
                errors[str(name)] = ["Must be a string or a list of strings."]
            else:
                clean[str(name)] = items
        if errors:
            raise serializers.ValidationError(errors)
        return clean


class HttpRequestInput(StrictSerializer):
    """The ``http_request`` action: one request to the piece's API, relative to its base URL."""

    method = serializers.ChoiceField(choices=METHODS)
    path = StrictCharField(
        max_length=2048,
        trim_whitespace=False,
        help_text="Relative to the piece's base URL; a URL, a scheme or `..` is refused.",
    )
    query = QueryField(required=False)
    headers = HeadersField(
        required=False, help_text="Authorization, Cookie, Host, Proxy-* and hop-by-hop refused."
    )
    body = serializers.JSONField(
        required=False,
        allow_null=True,
        help_text="A string is sent as it is; anything else as JSON (application/json); "
        "absent or null: no body.",
    )


class Execute(StrictSerializer):
    """Which action of which piece, with which input, and the connection as in resolution."""

    pieceName = StrictCharField(max_length=100)
    actionName = serializers.ChoiceField(choices=ACTIONS)
    input = HttpRequestInput()
    connectionId = StrictCharField(required=False, allow_null=True, max_length=ID_MAX_LENGTH)
    externalId = StrictCharField(
        required=False, allow_null=True, min_length=1, max_length=255, trim_whitespace=False
    )
    projectId = StrictCharField(required=False, allow_null=True, max_length=ID_MAX_LENGTH)


def json_bytes(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def outgoing(spec: dict[str, Any]) -> Outgoing:
    """The request a validated ``http_request`` input asks for: a JSON body gets
    ``Content-Type: application/json`` unless the caller set one."""
    headers = dict(spec.get("headers") or {})
    body: bytes | None = None
    if spec.get("body") is not None:
        if isinstance(spec["body"], str):
            body = spec["body"].encode()
        else:
            body = json_bytes(spec["body"])
            if not any(name.lower() == "content-type" for name in headers):
                headers["Content-Type"] = "application/json"
    query = spec.get("query") or {}
    return Outgoing(
        method=spec["method"],
        path=spec["path"],
        query=urlencode([(name, item) for name, items in query.items() for item in items]),
        headers=headers,
        body=body,
    )


def render_output_body(outcome: Outcome) -> Any:
    content_type = next((v for k, v in outcome.headers if k.lower() == "content-type"), "")
    text = outcome.body.decode("utf-8", "replace")
    if "json" in content_type.lower() and text.strip():
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def joined_headers(outcome: Outcome) -> dict[str, str]:
    """The upstream's headers, a repeated one joined with ``, ``."""
    headers: dict[str, str] = {}
    for name, value in outcome.headers:
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


OUTPUT = Shape(
    "Output",
    status=("status", serializers.IntegerField()),
    headers=(joined_headers, serializers.DictField(child=serializers.CharField())),
    body=(
        render_output_body,
        serializers.JSONField(help_text="Parsed JSON when the upstream sent JSON, else text."),
    ),
)

EXECUTION = Shape(
    "Execution",
    success=(
        lambda outcome: 200 <= outcome.status < 300,
        serializers.BooleanField(help_text="Whether the upstream answered 2xx."),
    ),
    output=(OUTPUT.render, OUTPUT.serializer()),
    durationMs=("duration_ms", serializers.IntegerField()),
    connectionId=("connection_id", serializers.CharField()),
)
render_execution = EXECUTION.render
