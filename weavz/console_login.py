"""The console's door: a limit on failed sign-ins, per client IP and per username.

Whoever signs in to the console can mint an API key for any org, so guessing passwords there must
not be free. Failures are counted in fixed windows on the shared cache (the API's throttle
counters: Redis in production, so every replica sees the same counts; local memory otherwise)
against ``THROTTLE_LOGIN_RATE`` (default 10 per 15 minutes), separately per client IP and per
username. Once either is at the limit, every sign-in through it is refused until the window ends,
the right password included, with a message saying when to retry; the failure that starts a
lockout writes one ``console.login_locked_out`` audit event (the username as typed, the IP, never
the password). Counters are read before the password is checked and written only on a failure.
"""

import hashlib
import math
import time
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.db import transaction
from django.http import HttpRequest

from weavz.api.throttling import check, client_ip, counted, rate_for

RATE_SCOPE = "login"
LOCKED_ATTR = "_weavz_login_locked_for"
_USERNAME_AUDIT_LENGTH = 150


@dataclass(frozen=True)
class _Counter:
    scope: str
    ident: str
    reason: str


def _counters(request: HttpRequest, username: str) -> list[_Counter]:
    digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]
    return [
        _Counter("login-ip", client_ip(request), "ip"),
        _Counter("login-user", digest, "username"),
    ]


def locked_for(request: HttpRequest, username: str, *, now: float | None = None) -> float:
    """Seconds until sign-ins from this IP or for this username are accepted again (0: now)."""
    rate = rate_for(RATE_SCOPE)
    if rate is None:
        return 0.0
    now = time.time() if now is None else now
    for counter in _counters(request, username):
        if counted(counter.scope, counter.ident, rate, now=now) >= rate.limit:
            return (int(now // rate.seconds) + 1) * rate.seconds - now
    return 0.0


def record_failure(request: HttpRequest, username: str, *, now: float | None = None) -> None:
    """Counts a failed sign-in; the failure that reaches a limit audits the lockout."""
    rate = rate_for(RATE_SCOPE)
    if rate is None:
        return
    now = time.time() if now is None else now
    for counter in _counters(request, username):
        verdict = check(counter.scope, counter.ident, rate, now=now)
        if verdict.count == rate.limit:  # exactly once per lockout, however many replicas
            _audit_lockout(request, username, counter.reason, verdict.wait)


def _audit_lockout(request: HttpRequest, username: str, reason: str, wait: float) -> None:
    from orgs.audit import audit_record  # weavz depends on no app at import time

    with transaction.atomic():
        audit_record(
            org_id=None,
            action="console.login_locked_out",
            actor=f"admin:{username[:_USERNAME_AUDIT_LENGTH]}",
            metadata={"ip": client_ip(request), "by": reason, "seconds": math.ceil(wait)},
        )


class ConsoleAuthenticationForm(AdminAuthenticationForm):
    """The admin's sign-in form with the failed-sign-in limit in front of the password check."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "locked_out": "Too many failed sign-ins from this address or for this username. "
        "Try again in %(minutes)s minute(s).",
    }

    def clean(self) -> dict[str, Any]:
        request = self.request
        assert request is not None
        username = str(self.cleaned_data.get("username") or "")
        wait = locked_for(request, username)
        if wait > 0:
            setattr(request, LOCKED_ATTR, wait)
            raise forms.ValidationError(
                self.error_messages["locked_out"],
                code="locked_out",
                params={"minutes": max(1, math.ceil(wait / 60))},
            )
        try:
            return super().clean()
        except forms.ValidationError as exc:
            if exc.code == "invalid_login":
                record_failure(request, username)
            raise
