"""Request-wide plumbing that must run before any view: request ids, the body size limit, the
refusal of NUL characters in the path and query, and the one dispatch of API requests."""

import re
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.urls import URLResolver
from django.urls.resolvers import RegexPattern

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


class ApiDispatchMiddleware:
    """Where an API request (under ``/api/v1/``) leaves the middleware chain for its view.

    The middleware before this one runs for every request: the request id, the access line, the
    envelope, the failed-auth throttle, the security headers, the body size limit and the NUL
    check. The middleware after it is the site's (the console, the connect pages, the docs):
    static files, sessions, CSRF, users and messages, which an API request (a key, no cookie)
    does not use. An API request gets Django's host check, user-agent check and Content-Length
    (``CommonMiddleware``) and ``X-Frame-Options``, then is resolved against the API's routes
    alone (``settings.API_URLCONF``) and handed to its view. Every API operation takes this one
    path; it spares each request the site's middleware and Django's view-middleware pass.

    A path that matches no route raises ``Http404``, which Django answers with ``handler404``
    (the envelope), as it did when the root urlconf resolved it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.resolver = URLResolver(RegexPattern(f"^{API_PREFIX}"), settings.API_URLCONF)
        self.api: Callable[[HttpRequest], Any] = CommonMiddleware(
            XFrameOptionsMiddleware(self.view)  # type: ignore[arg-type]  # a sync middleware
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            response: HttpResponse = self.api(request)
            return response
        return self.get_response(request)

    def view(self, request: HttpRequest) -> HttpResponse:
        match = self.resolver.resolve(request.path_info)
        request.resolver_match = match
        response: HttpResponse = match.func(request, *match.args, **match.kwargs)
        render = getattr(response, "render", None)
        if callable(render):  # a DRF Response (a template response) renders its body now
            response = render()
        return response
