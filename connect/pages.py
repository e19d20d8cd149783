"""The hosted connect page: what an end user's browser sees (not the JSON API).

- ``/connect/cst_…`` exchanges the one-time token for a cookie bound to the session and
  redirects to ``/connect/cs_…``, so the token does not linger in history, logs or ``Referer``.
- ``/connect/cs_…`` shows the piece and the form its value type needs; a POST completes the
  session. Every answer is a page: 404/410 for unknown or used links, 429 over the rate limit.
- Pages carry a strict Content-Security-Policy (no scripts at all, ``frame-ancestors 'none'``),
  ``Cache-Control: no-store``; the link's redirect carries ``Referrer-Policy: no-referrer``.

The piece, the end user's ``externalId`` and the project come from the session, never from the
browser.
"""

import functools
import math
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from connect.authorization import (
    ProviderRefused,
    authorize_url_of,
    oauth_configured,
    oauth_consume,
    oauth_error_code,
    oauth_exchange,
    oauth_start,
    provider_for,
)
from connect.forms import TYPE_LABELS, CredentialsForm, page_types
from connect.models import ConnectSession, SessionStatus
from connect.selectors import session_for_page, session_status
from connect.services import (
    MAX_TTL_SECONDS,
    connect_session_complete,
    connect_session_fail,
    connect_token_exchange,
    gone_error,
)
from weavz.api.errors import ApiError, Gone, NotFound, ValidationFailed
from weavz.api.errors import csrf_failure as api_csrf_failure
from weavz.api.throttling import check, client_ip, rate_for

COOKIE_SALT = "connect.page"
PAGE_PREFIX = "/connect/"


def cookie_name(session_id: str) -> str:
    return f"connect_{session_id}"


def _csp(form_targets: Iterable[str]) -> str:
    origins = sorted({_origin(uri) for uri in form_targets if uri})
    return "; ".join(
        [
            "default-src 'none'",
            "style-src 'self'",
            "img-src 'self'",
            "form-action " + " ".join(["'self'", *origins]),
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ]
    )


def _origin(uri: str) -> str:
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}"


def page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status: int = 200,
    form_targets: Iterable[str] = (),
) -> HttpResponse:
    """A connect page with its security headers. ``form_targets`` are the URIs a form on it
    may end up at (redirects after a POST count for ``form-action``)."""
    response = render(request, template, context or {}, status=status)
    response["Content-Security-Policy"] = _csp(form_targets)
    response["Cache-Control"] = "no-store"
    # "same-origin" (not "no-referrer"): with no referrer chromium sends `Origin: null` on the
    # form's POST, which CSRF protection rightly refuses. The token is no longer in this URL.
    response["Referrer-Policy"] = "same-origin"
    # Tells the envelope middleware this error is a page on purpose, not an API answer.
    response.weavz_page = True  # type: ignore[attr-defined]
    return response


def problem(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return page(
        request,
        "connect/problem.html",
        {"title": title, "message": message},
        status=status,
    )


def _error_page(request: HttpRequest, error: ApiError) -> HttpResponse:
    titles = {
        404: "This link is not valid",
        410: "This link can no longer be used",
        403: "This page cannot be opened here",
    }
    message = str(error.detail)
    if error.status_code == 404:
        message = "Check that you copied the whole link, or ask for a new one."
    elif error.status_code == 410:
        message = f"{message} Ask the app that sent you here for a new link."
    return problem(
        request, error.status_code, titles.get(error.status_code, "Something went wrong"), message
    )


def throttled(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Per client IP, on the ``connect`` rate (``THROTTLE_CONNECT_RATE``); 429 page over it."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        rate = rate_for("connect")
        if rate is not None:
            verdict = check("connect", client_ip(request), rate)
            if not verdict.allowed:
                retry_after = max(1, math.ceil(verdict.wait))
                response = problem(
                    request,
                    429,
                    "Too many attempts",
                    f"Please wait {retry_after} seconds, then try again.",
                )
                response["Retry-After"] = str(retry_after)
                return response
        return view(request, *args, **kwargs)

    return wrapped


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=COOKIE_SALT)


@require_http_methods(["GET"])
@throttled
def open_link(request: HttpRequest, token: str) -> HttpResponse:
    """First load: the token (used once) becomes a cookie, and the browser moves on."""
    try:
        session = connect_token_exchange(token=token)
    except (NotFound, Gone) as exc:
        return _error_page(request, exc)
    response = _redirect(f"{PAGE_PREFIX}{session.id}")
    remaining = (session.expires_at - timezone.now()).total_seconds()
    response.set_cookie(
        cookie_name(session.id),
        _signer().sign(session.id),
        max_age=max(1, math.ceil(remaining)),
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def browser_session(request: HttpRequest, session_id: str) -> ConnectSession | None:
    """The session, if this browser holds its cookie (set when the link was opened)."""
    cookie = request.COOKIES.get(cookie_name(session_id), "")
    try:
        signed_id = _signer().unsign(cookie, max_age=MAX_TTL_SECONDS)
    except signing.BadSignature:
        return None
    if signed_id != session_id:
        return None
    return session_for_page(session_id=session_id)


def _not_this_browser(request: HttpRequest) -> HttpResponse:
    return problem(
        request,
        403,
        "Open the link you were sent",
        "This page works only in the browser that opened your connect link. Open that link "
        "again, or ask for a new one.",
    )


def _form_targets(session: ConnectSession) -> list[str]:
    return [
        session.success_redirect_uri,
        session.error_redirect_uri,
        authorize_url_of(session) or "",
    ]


def _redirect(uri: str, **params: str) -> HttpResponse:
    """303 to ``uri`` with ``params`` added to its query."""
    if params:
        uri = f"{uri}{'&' if '?' in uri else '?'}{urlencode(params)}"
    return HttpResponseRedirect(uri, status=303)


def _done(request: HttpRequest, session: ConnectSession) -> HttpResponse:
    if session.success_redirect_uri:
        return _redirect(session.success_redirect_uri, sessionId=session.id)
    return _redirect(f"{PAGE_PREFIX}{session.id}")


@require_http_methods(["GET", "POST"])
@throttled
def session_page(request: HttpRequest, session_id: str) -> HttpResponse:
    session = browser_session(request, session_id)
    if session is None:
        return _not_this_browser(request)
    status = session_status(session)
    if status == SessionStatus.COMPLETED:
        if request.method == "POST":  # a second completion: the session completes at most once
            return _error_page(request, gone_error(session))
        return page(request, "connect/done.html", {"piece": session.piece})
    if status == SessionStatus.FAILED:
        return problem(
            request,
            410,
            f"Connecting {session.piece.display_name} failed",
            f"{session.error} Ask the app that sent you here for a new link.",
        )
    if status != SessionStatus.PENDING:
        return _error_page(request, gone_error(session))

    types = page_types(session.piece)
    if not types:
        return problem(
            request,
            410,
            "This service cannot be connected here",
            f"{session.piece.display_name} accepts no credentials this page can ask for.",
        )
    chosen = request.POST.get("type") if request.method == "POST" else request.GET.get("type")
    value_type = chosen if chosen in types else types[0]
    form = CredentialsForm(
        request.POST if request.method == "POST" else None,
        piece=session.piece,
        value_type=value_type,
    )
    if request.method == "POST" and value_type != "OAUTH2":
        value = form.checked_value()
        if value is not None:
            try:
                connect_session_complete(session_id=session.id, value=value)
            except Gone as exc:
                return _error_page(request, exc)
            except ValidationFailed:
                form.add_error(None, "These details were not accepted; check them and try again.")
            except ApiError as exc:
                form.add_error(None, str(exc.detail))
            else:
                session.refresh_from_db()
                return _done(request, session)
    form.describe_errors()
    return page(
        request,
        "connect/form.html",
        {
            "session": session,
            "piece": session.piece,
            "form": form,
            "value_type": value_type,
            "choices": [(t, TYPE_LABELS[t]) for t in types] if len(types) > 1 else [],
            "oauth_ready": value_type == "OAUTH2" and oauth_configured(session),
        },
        status=400 if form.errors else 200,
        form_targets=_form_targets(session),
    )


@require_http_methods(["POST"])
@throttled
def oauth_begin(request: HttpRequest, session_id: str) -> HttpResponse:
    """The "Connect with …" button: a fresh one-time state, then off to the provider."""
    session = browser_session(request, session_id)
    if session is None:
        return _not_this_browser(request)
    if session_status(session) != SessionStatus.PENDING:
        return _error_page(request, gone_error(session))
    provider = provider_for(session)
    if provider is None:
        return _not_set_up(request, session)
    response = _redirect(oauth_start(session=session, provider=provider))
    response["Cache-Control"] = "no-store"
    return response


def _not_set_up(request: HttpRequest, session: ConnectSession) -> HttpResponse:
    return problem(
        request,
        409,
        f"{session.piece.display_name} is not set up yet",
        f"Signing in with {session.piece.display_name} is not available here yet. Ask the app "
        "that sent you here to set it up.",
    )


def _failed(request: HttpRequest, session: ConnectSession, code: str, reason: str) -> HttpResponse:
    """The session FAILED with ``reason``; the browser goes to ``errorRedirectUri`` if set."""
    connect_session_fail(session_id=session.id, reason=reason)
    if session.error_redirect_uri:
        return _redirect(session.error_redirect_uri, sessionId=session.id, error=code)
    return _redirect(f"{PAGE_PREFIX}{session.id}")


@require_http_methods(["GET"])
@throttled
def oauth_callback(request: HttpRequest) -> HttpResponse:
    """``<PUBLIC_URL>/api/v1/connect/oauth/callback``: the provider sends the browser back here
    with ``state`` and ``code`` (or ``error``)."""
    invalid = (
        "This sign-in is not valid",
        "Start again from the link you were sent, or ask for a new one.",
    )
    try:
        attempt = oauth_consume(state=request.GET.get("state", ""))
    except ValidationFailed:
        return problem(request, 400, *invalid)
    except Gone:
        return problem(
            request,
            410,
            "This sign-in can no longer be used",
            "It was already used or has expired. Go back to the connect page and try again.",
        )
    session = browser_session(request, attempt.session_id)
    if session is None:
        return _not_this_browser(request)
    if session_status(session) != SessionStatus.PENDING:
        return _error_page(request, gone_error(session))
    name = session.piece.display_name
    error = request.GET.get("error")
    if error is not None:
        code = oauth_error_code(error)
        if code == "access_denied":
            return _failed(request, session, code, f"Access to {name} was not granted.")
        return _failed(request, session, code, f"{name} refused the sign-in ({code}).")
    authorization_code = request.GET.get("code", "")
    if not authorization_code:
        return _failed(
            request, session, "invalid_request", f"{name} sent no authorization code back."
        )
    provider = provider_for(session)
    if provider is None:
        return _not_set_up(request, session)
    try:
        value = oauth_exchange(
            provider=provider, code=authorization_code, verifier=attempt.verifier()
        )
    except ProviderRefused as exc:
        return _failed(request, session, exc.code, f"{name} refused the sign-in ({exc.code}).")
    except ApiError:
        # Unreachable, timed out or not allowed: the session stays PENDING for another try.
        return problem(
            request,
            502,
            f"{name} could not be reached",
            "Nothing was saved. Go back to the connect page and try again in a moment.",
        )
    try:
        connect_session_complete(session_id=session.id, value=value)
    except Gone as exc:
        return _error_page(request, exc)
    except ValidationFailed:
        return _failed(
            request, session, "invalid_token_response", f"{name} sent back tokens we cannot use."
        )
    except ApiError as exc:
        return problem(request, exc.status_code, f"Connecting {name} failed", str(exc.detail))
    session.refresh_from_db()
    return _done(request, session)


@throttled
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return _error_page(request, NotFound())


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: a page on the connect pages, the envelope everywhere else."""
    if request.path.startswith(PAGE_PREFIX):
        return problem(
            request,
            403,
            "Please try again",
            "Your form expired or was sent from another page. Reload the page and try again.",
        )
    return api_csrf_failure(request, reason)
