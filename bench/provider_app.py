"""The fake third-party provider the `execute` and `proxy` scenarios call (and wrk calls directly
for the baseline): a bare WSGI app answering a small JSON document, like a typical API read.

    gunicorn -b 127.0.0.1:PORT bench.provider_app:application

Only for `make bench`; never installed, routed or imported by the app.
"""

from collections.abc import Callable, Iterable
from typing import Any

_BODY = b'{"ok":true,"items":[{"id":1,"name":"first"},{"id":2,"name":"second"}]}'


def application(
    environ: dict[str, Any], start_response: Callable[[str, list[tuple[str, str]]], Any]
) -> Iterable[bytes]:
    if not environ.get("HTTP_X_API_KEY"):
        start_response("401 Unauthorized", [("Content-Length", "0")])
        return [b""]
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(_BODY)))]
    )
    return [_BODY]
