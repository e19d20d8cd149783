"""OpenAPI: the error envelope, documented once for every operation.

Any operation can answer any of these (a bad query parameter, a missing key, another org's id,
a wrong method, a body too large or not JSON, a rate limit, a crash), always in the one envelope of
``weavz.api.errors``. A drf-spectacular postprocessing hook adds them, so views declare only
their success responses and the schema still tells clients (and schemathesis) the whole truth.
"""

from typing import Any

ERROR_COMPONENT = "ErrorEnvelope"

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every error has this shape (see API.md, Errors).",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "additionalProperties": False,
            "properties": {
                "code": {
                    "type": "string",
                    "description": "Machine-readable: VALIDATION_ERROR, NOT_FOUND, CONFLICT, …",
                },
                "message": {"type": "string", "description": "One human-readable sentence."},
                "details": {
                    "type": "object",
                    "description": "Validation errors: field name (dotted if nested) -> messages.",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
                "requestId": {"type": "string", "description": "Also the X-Request-ID header."},
            },
        }
    },
}

ERROR_RESPONSES: dict[str, str] = {
    "400": "VALIDATION_ERROR (with details) or MALFORMED_JSON.",
    "401": "UNAUTHENTICATED: the API key is missing, malformed, unknown, revoked or expired.",
    "403": "FORBIDDEN (the key lacks the scope), POLICY_VIOLATION or EGRESS_DENIED.",
    "404": "NOT_FOUND (also another organization's object) or CONNECTION_REQUIRED.",
    "405": "METHOD_NOT_ALLOWED.",
    "409": "CONFLICT or CONNECTION_NOT_ACTIVE.",
    "413": "PAYLOAD_TOO_LARGE.",
    "415": "UNSUPPORTED_MEDIA_TYPE: send application/json.",
    "410": "GONE: the object existed but can no longer be used.",
    "429": "RATE_LIMITED: retry after the number of seconds in Retry-After.",
    "500": "INTERNAL_ERROR: quote the requestId when reporting it.",
    "502": "UPSTREAM_UNAVAILABLE or UPSTREAM_RESPONSE_TOO_LARGE (calls to a third party).",
    "504": "UPSTREAM_TIMEOUT (calls to a third party).",
}
_METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}


def add_error_responses(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """POSTPROCESSING_HOOKS entry: documents the error envelope on every operation."""
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    ref = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_RESPONSES.items():
                if status in responses:
                    continue
                response: dict[str, Any] = {
                    "description": description,
                    "content": {"application/json": {"schema": ref}},
                }
                if status == "429":
                    response["headers"] = {
                        "Retry-After": {
                            "schema": {"type": "integer", "minimum": 1},
                            "description": "Seconds to wait before retrying.",
                        }
                    }
                responses[status] = response
    return result
