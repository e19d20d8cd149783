"""Input checks and output rendering for ``POST /actions/execute``."""

import json
from typing import Any

from rest_framework import serializers

from actions.engine import Outcome
from weavz.api.serializers import StrictSerializer
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


class StrictCharField(serializers.CharField):
    """A string, and only a string: a number or boolean is an error, never converted."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


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


class HttpRequestInputSerializer(StrictSerializer):
    method = serializers.ChoiceField(choices=METHODS)
    path = StrictCharField(max_length=2048, trim_whitespace=False)
    query = QueryField(required=False)
    headers = HeadersField(required=False)
    body = serializers.JSONField(
        required=False,
        help_text="A string is sent as it is; anything else as JSON (application/json).",
    )


class ExecuteSerializer(StrictSerializer):
    pieceName = StrictCharField(max_length=100)
    actionName = serializers.ChoiceField(choices=ACTIONS)
    input = HttpRequestInputSerializer()
    connectionId = StrictCharField(required=False, allow_null=True, max_length=40)
    externalId = StrictCharField(
        required=False, allow_null=True, min_length=1, max_length=255, trim_whitespace=False
    )
    projectId = StrictCharField(required=False, allow_null=True, max_length=40)


class OutputSerializer(serializers.Serializer[Any]):
    status = serializers.IntegerField()
    headers = serializers.DictField(child=serializers.CharField())
    body = serializers.JSONField(help_text="Parsed JSON when the upstream sent JSON, else text.")


class ExecutionSerializer(serializers.Serializer[Any]):
    success = serializers.BooleanField(help_text="Whether the upstream answered 2xx.")
    output = OutputSerializer()
    durationMs = serializers.IntegerField()
    connectionId = serializers.CharField()


def render_output_body(outcome: Outcome) -> Any:
    content_type = next((v for k, v in outcome.headers if k.lower() == "content-type"), "")
    text = outcome.body.decode("utf-8", "replace")
    if "json" in content_type.lower() and text.strip():
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def render_execution(outcome: Outcome) -> dict[str, Any]:
    headers: dict[str, str] = {}
    for name, value in outcome.headers:
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return {
        "success": 200 <= outcome.status < 300,
        "output": {
            "status": outcome.status,
            "headers": headers,
            "body": render_output_body(outcome),
        },
        "durationMs": outcome.duration_ms,
        "connectionId": outcome.connection_id,
    }
