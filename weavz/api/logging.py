"""Structured logs that cannot carry a secret.

Three layers, so that no single forgotten call site leaks a credential:

1. ``install_record_factory`` scrubs every record's message, arguments, traceback and stack at
   creation, whatever handler later receives it (ours, pytest's, an error tracker's).
2. ``RedactingFilter`` (on every configured handler) scrubs the same again plus the ``extra``
   attributes, which the logging module attaches only after the record factory has run.
3. ``JsonFormatter`` and ``PlainFormatter`` scrub a record no filter saw before formatting it.

What is redacted: API key secrets (``wvz_<prefix>_<secret>``), connect session tokens
(``cst_…``), encrypted envelopes
(``enc:v2:…``, any version), bearer tokens, and any value held under a key whose name says it
is a secret (``authorization``, ``password``, ``secret_text``, ``access_token``, …).

``AccessLogMiddleware`` writes one line per request to the ``weavz.request`` logger, and binds the
request id so that every other line logged while the request runs carries it too.
"""

import json
import logging
import re
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from django.http import HttpRequest, HttpResponse

REDACTED = "[REDACTED]"

_SECRET_PATTERNS = re.compile(
    r"wvz_[A-Za-z0-9]{8}_[A-Za-z0-9_-]+"  # an API key secret
    r"|cst_[A-Za-z0-9_-]+"  # a connect session token (in the connect page's first URL)
    r"|enc:v\d+:[^\s\"']+"  # an encrypted envelope (ciphertext)
    r"|(?i:bearer)\s+\S+"  # whatever follows Bearer in an Authorization header
)
# Keys whose value is a secret whatever it looks like (credential value fields, headers).
_SECRET_KEY_NAMES = re.compile(
    r"authorization|password|passwd|secret|token|api[_-]?key|client[_-]?secret|cookie|"
    r"credential|private[_-]?key|^value$",
    re.IGNORECASE,
)

request_id_var: ContextVar[str | None] = ContextVar("weavz_request_id", default=None)
# Literal values to scrub besides the patterns: the credential of the outgoing call in progress
# (weavz.egress binds it), which may look like nothing in particular and may sit in a URL path.
_call_secrets_var: ContextVar[tuple[str, ...]] = ContextVar("weavz_call_secrets", default=())

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD_ATTRS = frozenset(
    logging.LogRecord("", 0, "", 0, "", (), None).__dict__.keys()
    | {"message", "asctime", "request_id"}
)


# ``'password': 'hunter2'``, ``"access_token": "…"``, ``client_secret=…`` inside free text such as
# an exception message that quoted a credential dict.
_SECRET_ASSIGNMENTS = re.compile(
    r"""(?P<lead>(?:password|passwd|secret|token|api_?key|authorization)[a-z_]*["']?"""
    r"""\s*[:=]\s*)(?!["']?\[REDACTED\])"""
    r"""(?P<value>"(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;&}\]]+)""",
    re.IGNORECASE,
)


def _may_hold_a_secret(text: str) -> bool:
    """Nearly every text holds none of these; the check spares it the two patterns above (every
    access line passes here about six times). Spelled out: a generator over a tuple of the same
    markers costs two to three times as much, and a case-insensitive regex more still."""
    lowered = text.lower()
    return (
        "wvz_" in lowered
        or "cst_" in lowered
        or "enc:v" in lowered
        or "bearer" in lowered
        or "passw" in lowered
        or "secret" in lowered
        or "token" in lowered
        or "apikey" in lowered
        or "api_key" in lowered
        or "auth" in lowered
    )


@lru_cache(maxsize=4096)
def _secret_name(name: str) -> bool:
    return _SECRET_KEY_NAMES.search(name) is not None


@contextmanager
def redacting(secrets: Iterable[str]) -> Iterator[None]:
    """Within the block, every record logged in this context is also scrubbed of ``secrets``
    (whatever logger writes it: ours, urllib3's, an exception's traceback)."""
    values = tuple(sorted({s for s in secrets if s}, key=len, reverse=True))
    token = _call_secrets_var.set(_call_secrets_var.get() + values)
    try:
        yield
    finally:
        _call_secrets_var.reset(token)


def redact_text(text: str) -> str:
    for secret in _call_secrets_var.get():
        text = text.replace(secret, REDACTED)
    if not _may_hold_a_secret(text):
        return text
    text = _SECRET_PATTERNS.sub(REDACTED, text)
    return _SECRET_ASSIGNMENTS.sub(_redact_assignment, text)


def _redact_assignment(match: re.Match[str]) -> str:
    value = match.group("value")
    quote = value[0] if value[0] in "\"'" else ""
    return f"{match.group('lead')}{quote}{REDACTED}{quote}"


def redact(value: Any, *, depth: int = 0) -> Any:
    """A copy of ``value`` with secrets replaced; containers are walked, other objects are
    turned into (redacted) text so that no ``repr`` can slip a secret past the filter."""
    if depth > 8:
        return REDACTED
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, bytes):
        return redact_text(value.decode("utf-8", "replace"))
    if isinstance(value, Mapping):
        return {
            str(k): REDACTED if _secret_name(str(k)) else redact(v, depth=depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [redact(v, depth=depth + 1) for v in value]
    return redact_text(str(value))


def scrub_record(record: logging.LogRecord, *, extras: bool) -> logging.LogRecord:
    """Redacts ``record`` in place (idempotent; a fully scrubbed record is not scanned again)."""
    if record.__dict__.get("_redacted"):
        return record
    if record.args:
        # Render now, so a secret split across the format string and an argument is caught too.
        try:
            message = record.msg % record.args if isinstance(record.msg, str) else str(record.msg)
        except (TypeError, ValueError, KeyError):
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = redact_text(message), ()
    elif not isinstance(record.msg, str):
        record.msg = redact_text(str(record.msg))
    else:
        record.msg = redact_text(record.msg)
    if record.exc_info:
        if not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        # The exception object may hold a secret in its args; once rendered (and redacted below)
        # it is dropped, so no handler can render it again. Formatters print exc_text instead.
        record.exc_info = None
    if record.exc_text:
        record.exc_text = redact_text(record.exc_text)
    if record.stack_info:
        record.stack_info = redact_text(record.stack_info)
    if extras:
        # Until now, ``extra=`` attributes could still be added; from here on nothing is.
        record.__dict__["_redacted"] = True
        for name in list(record.__dict__):
            if name in _STANDARD_ATTRS or name == "_redacted":
                continue
            record.__dict__[name] = (
                REDACTED if _secret_name(name) else redact(record.__dict__[name])
            )
    return record


_factory_installed = False


def install_record_factory() -> None:
    """Wraps the process's LogRecord factory so every record is scrubbed when it is made."""
    global _factory_installed
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return scrub_record(previous(*args, **kwargs), extras=False)

    logging.setLogRecordFactory(factory)
    _factory_installed = True


def skip_unused_record_fields() -> None:
    """No formatter of ours prints where a call came from, or the thread and process: the
    logging HOWTO's "Optimization" switches spare every record finding them (the caller's frame
    walk is most of it)."""
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


class RedactingFilter(logging.Filter):
    """Put on every handler: scrubs message, args, traceback and ``extra`` attributes."""

    def __init__(self, name: str = "") -> None:
        super().__init__(name)
        install_record_factory()
        skip_unused_record_fields()

    def filter(self, record: logging.LogRecord) -> bool:
        scrub_record(record, extras=True)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extras, traceback."""

    def format(self, record: logging.LogRecord) -> str:
        scrub_record(record, extras=True)
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
            if record.created
            else None,
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or request_id_var.get()
        if request_id:
            line["requestId"] = request_id
        for name, value in record.__dict__.items():
            if name not in _STANDARD_ATTRS and not name.startswith("_"):
                line[name] = value
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, default=str, ensure_ascii=False)


class PlainFormatter(logging.Formatter):
    """The human-readable alternative (``LOG_FORMAT=plain``), redacted the same way."""

    def format(self, record: logging.LogRecord) -> str:
        scrub_record(record, extras=True)
        return redact_text(super().format(record))


access_logger = logging.getLogger("weavz.request")


class AccessLogMiddleware:
    """One line per request: request id, org, key, method, path, status, duration.

    Sits right after ``RequestIdMiddleware`` so it sees the final response (the envelope
    middleware's included) and the id that the response and any error body carry. The path is
    logged without its query string, which is client-controlled and may hold anything.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id: str | None = getattr(request, "request_id", None)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        duration_ms = round((time.perf_counter() - started) * 1000, 2)
        client = getattr(request, "user", None)  # a weavz.api.principal.Principal, or not
        status = response.status_code
        level = logging.ERROR if status >= 500 else logging.INFO
        access_logger.log(
            level,
            "%s %s %s",
            request.method,
            request.path,
            status,
            extra={
                "request_id": request_id,
                "orgId": getattr(client, "org_id", None),
                "keyId": getattr(client, "key_id", None),
                "method": request.method,
                "path": request.path,
                "status": status,
                "durationMs": duration_ms,
            },
        )
        return response
