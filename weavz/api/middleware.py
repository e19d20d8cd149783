"""Request-wide plumbing that must run before any view: request ids, the body size limit, the
refusal of NUL characters in the path and query, and the site-only wrappers that keep the
console's middleware (sessions, users, messages) off API requests."""

import re
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware as _DjangoAuthentication
from django.contrib.messages.middleware import MessageMiddleware as _DjangoMessages
from django.contrib.sessions.middleware import SessionMiddleware as _DjangoSessions
from django.http import HttpRequest, HttpResponse

from weavz.api.errors import error_response, status_error_response

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_NO_NUL = "Must not contain a NUL character."


class RequestIdMiddleware:
    """Honours a sane incoming ``X-Request-ID`` (else makes one) and returns it in the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # From META: request.headers would build a dict of every header on each request.
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        return response


class BodySizeLimitMiddleware:
    """Answers 413 from the declared length, before anything reads (or buffers) the body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.limit: int = settings.MAX_REQUEST_BODY_BYTES

    def __call__(self, request: HttpRequest) -> HttpResponse:
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if not (declared.isascii() and declared.isdigit()):
            return error_response(
                "VALIDATION_ERROR", "The Content-Length header is malformed.", 400, request=request
            )
        if int(declared) > self.limit:
            return error_response(
                "PAYLOAD_TOO_LARGE",
                f"The request body is larger than {self.limit} bytes.",
                413,
                request=request,
            )
        return self.get_response(request)


class JsonErrorsMiddleware:
    """Last line of the envelope: any non-JSON error outside the admin (e.g. Django's bare 405
    from ``require_GET``) is answered as the envelope, so no client ever parses HTML.

    A response marked ``weavz_page = True`` is a page meant for a person (the connect page's
    404 and 410 pages) and is left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_PATH

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            # An upstream's answer relayed by the proxy is the upstream's, not ours.
            and not getattr(response, "passthrough", False)
            and not response.get("Content-Type", "").startswith("application/json")
            and not request.path.startswith(self.admin_prefix)
            and not getattr(response, "weavz_page", False)
        ):
            replacement = status_error_response(response.status_code, request)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    replacement[header] = response[header]
            return replacement
        return response


class NulCharacterMiddleware:
    """A NUL character in the path or the query string is 400, before any view runs.

    No id, filter or parameter of this service can contain one, and PostgreSQL refuses it in
    any text parameter, so without this a ``conn%00`` id would reach the database and fail there.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        details: dict[str, list[str]] = {}
        if "\x00" in request.path:
            details["path"] = [_NO_NUL]
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                details[name.replace("\x00", "") or "query"] = [_NO_NUL]
        if details:
            return error_response(
                "VALIDATION_ERROR",
                "The request is invalid; see details.",
                400,
                request=request,
                details=details,
            )
        return self.get_response(request)


API_PREFIX = "/api/v1/"


def site_only(middleware: type[Any]) -> type[Any]:
    """``middleware`` for the site (the console, the connect pages, the docs) but not for API
    requests under ``/api/v1/``, which carry no session or CSRF cookie: an API request skips
    its ``__call__`` (process_request and process_response).

    CSRF's middleware is not wrapped: ``check --deploy`` looks for it by its own name, and on an
    API request it only reads the (absent) cookie; the API's views are all csrf-exempt."""

    class SiteOnly(middleware):
        def __call__(self, request: HttpRequest) -> HttpResponse:
            if request.path_info.startswith(API_PREFIX):
                response: HttpResponse = self.get_response(request)
                return response
            return super().__call__(request)  # type: ignore[no-any-return]

    SiteOnly.__name__ = SiteOnly.__qualname__ = middleware.__name__
    SiteOnly.__doc__ = middleware.__doc__
    return SiteOnly


SessionMiddleware = site_only(_DjangoSessions)
AuthenticationMiddleware = site_only(_DjangoAuthentication)
MessageMiddleware = site_only(_DjangoMessages)
