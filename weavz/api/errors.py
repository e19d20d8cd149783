"""The one error envelope: ``{"error": {"code", "message", "details"?, "requestId"}}``.

Every error goes through ``error_response``: DRF exceptions via ``exception_handler``, Django's own
404/400/403/500 via the ``handler*`` views, and middleware via ``error_response`` directly. Views
never build an error body; they raise one of the typed exceptions below.
"""

import logging
import math
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response

logger = logging.getLogger("weavz.errors")

_INTERNAL = (
    "INTERNAL_ERROR",
    "The server failed to handle this request; quote the request id when reporting it.",
)


class ApiError(exceptions.APIException):
    """A typed API error; subclasses set the HTTP status and the envelope code.

    Services and views raise these (never DRF's exceptions): ``raise NotFound("No such policy.")``,
    ``raise ValidationFailed({"projectId": [NO_SUCH_PROJECT]})``. ``details`` (field name, dotted
    if nested, -> messages) is rendered as the envelope's ``details``.
    """

    status_code: int = status.HTTP_400_BAD_REQUEST
    code = "VALIDATION_ERROR"
    default_detail = "The request is invalid."
    details: dict[str, list[str]] | None = None

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_detail)


class ValidationFailed(ApiError):
    """400 VALIDATION_ERROR naming each bad field: ``ValidationFailed({"name": ["…"]})``."""

    default_detail = "The request is invalid; see details."

    def __init__(self, details: Mapping[str, list[str]], message: str | None = None) -> None:
        super().__init__(message)
        self.details = dict(details)


class Forbidden(ApiError):
    status_code: int = status.HTTP_403_FORBIDDEN
    code = "FORBIDDEN"
    default_detail = "You may not do this."


class NotFound(ApiError):
    """404 NOT_FOUND; also what another organization's object is."""

    status_code: int = status.HTTP_404_NOT_FOUND
    code = "NOT_FOUND"
    default_detail = "Not found."


class Conflict(ApiError):
    status_code: int = status.HTTP_409_CONFLICT
    code = "CONFLICT"
    default_detail = "The request conflicts with an existing object."


class PolicyViolation(ApiError):
    status_code: int = status.HTTP_403_FORBIDDEN
    code = "POLICY_VIOLATION"
    default_detail = "The connection policy does not allow this connection."


class ConnectionRequired(ApiError):
    status_code: int = status.HTTP_404_NOT_FOUND
    code = "CONNECTION_REQUIRED"
    default_detail = "A connection is required."


class ConnectionNotActive(ApiError):
    status_code: int = status.HTTP_409_CONFLICT
    code = "CONNECTION_NOT_ACTIVE"
    default_detail = "The connection is not active."


class PayloadTooLarge(ApiError):
    status_code: int = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = "PAYLOAD_TOO_LARGE"
    default_detail = "The request body is too large."


class Gone(ApiError):
    status_code: int = status.HTTP_410_GONE
    code = "GONE"
    default_detail = "This is no longer available."


class EgressDenied(ApiError):
    """The destination of an outgoing call is not allowed (a private, loopback, link-local or
    metadata address not listed in EGRESS_ALLOWED_NETWORKS)."""

    status_code: int = status.HTTP_403_FORBIDDEN
    code = "EGRESS_DENIED"
    default_detail = "The destination address is not allowed."


class UpstreamUnavailable(ApiError):
    status_code: int = status.HTTP_502_BAD_GATEWAY
    code = "UPSTREAM_UNAVAILABLE"
    default_detail = "The upstream service could not be reached."


class UpstreamTimeout(ApiError):
    status_code: int = status.HTTP_504_GATEWAY_TIMEOUT
    code = "UPSTREAM_TIMEOUT"
    default_detail = "The upstream service did not answer in time."


class UpstreamResponseTooLarge(ApiError):
    status_code: int = status.HTTP_502_BAD_GATEWAY
    code = "UPSTREAM_RESPONSE_TOO_LARGE"
    default_detail = "The upstream response is larger than allowed."


# Messages more than one module raises: written once.
NO_SUCH_PROJECT = "No such project in this organization."
# A field naming a connection (400); the connection asked for by its path is NO_SUCH_CONNECTION.
NO_SUCH_CONNECTION_IN_ORG = "No such connection in this organization."
NO_SUCH_CONNECTION = "No such connection."


def unknown_piece(name: str) -> str:
    return f"Unknown piece {name!r}."


_CODES: list[tuple[type[Exception], str]] = [
    (exceptions.ParseError, "MALFORMED_JSON"),
    (exceptions.NotAuthenticated, "UNAUTHENTICATED"),
    (exceptions.AuthenticationFailed, "UNAUTHENTICATED"),
    (exceptions.PermissionDenied, "FORBIDDEN"),
    (exceptions.NotFound, "NOT_FOUND"),
    (exceptions.MethodNotAllowed, "METHOD_NOT_ALLOWED"),
    (exceptions.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"),
    (exceptions.Throttled, "RATE_LIMITED"),
    (exceptions.NotAcceptable, "NOT_ACCEPTABLE"),
    (exceptions.ValidationError, "VALIDATION_ERROR"),
]


def flatten_details(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"value.secret_text": ["…"]}``."""
    if isinstance(detail, Mapping):
        out: dict[str, list[str]] = {}
        for key, sub in detail.items():
            name = "" if key == "non_field_errors" else str(key)
            out.update(
                flatten_details(sub, f"{prefix}.{name}" if prefix and name else prefix or name)
            )
        return out
    if isinstance(detail, list) and any(isinstance(item, (Mapping, list)) for item in detail):
        out = {}
        for index, sub in enumerate(detail):
            out.update(flatten_details(sub, f"{prefix}.{index}" if prefix else str(index)))
        return out
    messages = [str(item) for item in detail] if isinstance(detail, list) else [str(detail)]
    return {prefix or "nonFieldErrors": messages}


def request_id_of(request: HttpRequest | None) -> str | None:
    return getattr(request, "request_id", None) if request is not None else None


def error_body(
    code: str,
    message: str,
    *,
    request: HttpRequest | None = None,
    details: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    # Always present: RequestIdMiddleware sets one on every request; "" only outside a request.
    error["requestId"] = request_id_of(request) or ""
    return {"error": error}


def error_response(
    code: str,
    message: str,
    http_status: int,
    *,
    request: HttpRequest | None = None,
    details: dict[str, list[str]] | None = None,
) -> JsonResponse:
    return JsonResponse(
        error_body(code, message, request=request, details=details), status=http_status
    )


def _message(exc: exceptions.APIException) -> str:
    detail = exc.detail
    if isinstance(detail, (list, dict)):
        return "The request is invalid; see details."
    text = str(detail)
    return text if text.endswith(".") else f"{text}."


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response:
    request = context.get("request")
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        logger.exception(
            "Unhandled error", extra={"request_id": request_id_of(request)}, exc_info=exc
        )
        body = error_body(*_INTERNAL, request=request)
        return Response(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)

    code = getattr(exc, "code", None) if isinstance(exc, ApiError) else None
    if code is None:
        code = next((c for cls, c in _CODES if isinstance(exc, cls)), "ERROR")
    details = exc.details if isinstance(exc, ApiError) else None
    message = _message(exc)
    if isinstance(exc, exceptions.ValidationError):
        details = flatten_details(exc.detail)
        message = "The request is invalid; see details."
    if isinstance(exc, exceptions.MethodNotAllowed) and request is not None:
        message = f"Method {request.method} is not allowed here."
    headers: dict[str, str] = {}
    wait = getattr(exc, "wait", None)
    if isinstance(exc, exceptions.Throttled) and wait is not None:
        headers["Retry-After"] = str(max(1, math.ceil(wait)))
        message = f"Too many requests; retry in {headers['Retry-After']} seconds."
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    body = error_body(code, message, request=request, details=details)
    return Response(body, status=exc.status_code, headers=headers)


# The envelope for a bare HTTP status, when all that is known is the status: Django's own error
# views below and the last-line middleware (weavz.api.middleware.JsonErrorsMiddleware).
STATUS_ERRORS = {
    400: ("VALIDATION_ERROR", "The request is malformed."),
    401: ("UNAUTHENTICATED", "Authentication required."),
    403: ("FORBIDDEN", "You may not do this."),
    404: ("NOT_FOUND", "No such endpoint or object."),
    405: ("METHOD_NOT_ALLOWED", "This method is not allowed here."),
    413: ("PAYLOAD_TOO_LARGE", "The request body is too large."),
    415: ("UNSUPPORTED_MEDIA_TYPE", "This content type is not supported."),
    429: ("RATE_LIMITED", "Too many requests."),
    500: _INTERNAL,
}


def status_error_response(http_status: int, request: HttpRequest | None = None) -> JsonResponse:
    code, message = STATUS_ERRORS.get(http_status, _INTERNAL)
    return error_response(code, message, http_status, request=request)


# Django's own error views (routing 404, SuspiciousOperation 400, CSRF/permission 403, crashes).
def handler400(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return status_error_response(400, request)


def handler403(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return status_error_response(403, request)


def handler404(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return status_error_response(404, request)


def handler500(request: HttpRequest) -> JsonResponse:
    return status_error_response(500, request)


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    return error_response("FORBIDDEN", "CSRF verification failed.", 403, request=request)


def error_codes() -> list[str]:
    """Every envelope code the service can answer (the ``ErrorCode`` schema enum): the typed
    errors above (subclasses added later included), DRF's and Django's statuses."""
    codes: list[str] = []

    def add(code: str) -> None:
        if code not in codes:
            codes.append(code)

    pending: list[type[ApiError]] = [ApiError]
    while pending:
        cls = pending.pop(0)
        add(cls.code)
        pending.extend(cls.__subclasses__())
    for _cls, code in _CODES:
        add(code)
    for code, _message in STATUS_ERRORS.values():
        add(code)
    return codes
