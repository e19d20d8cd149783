"""SQL queries per request, per scenario, counted in-process.

    python -m bench.queries app|django|raw  < seed.json

``app`` and ``django`` go through Django's test client under the settings module in the
environment (the API, or the Django floor) and count with ``CaptureQueriesContext``; ``raw`` calls
the raw floor's WSGI callable with a counting database handle. Each scenario is requested twice
and the second (steady-state) request is counted, so a once-a-minute ``last_used_at`` write does
not count as per-request work. Prints ``{"scenario": {"queries": n, "status": s}}``.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from typing import Any

Request = tuple[str, str, dict[str, Any] | None]


def scenarios(seed: dict[str, Any], token: str) -> dict[str, Callable[[int], Request]]:
    base = "/api/v1/connections"
    listing = f"{base}?pieceName={seed['listPiece']}&limit=50"
    user = seed["resolveExternalIds"][0] if seed["resolveExternalIds"] else "nobody"
    return {
        "get": lambda n: ("GET", f"{base}/{seed['getIds'][n]}", None),
        "list": lambda n: ("GET", listing, None),
        "deep": lambda n: ("GET", f"{listing}&cursor={seed['deepCursor']}", None),
        "create": lambda n: (
            "POST",
            base,
            {
                "pieceName": seed["createPiece"],
                "displayName": f"Queries {n}",
                "externalId": f"queries-{token}-{n}",
                "value": {"type": "SECRET_TEXT", "secret_text": f"sk-queries-{n}"},
            },
        ),
        "resolve": lambda n: (
            "POST",
            f"{base}/resolve",
            {"pieceName": seed["resolvePiece"], "externalId": user},
        ),
        "resolve_default": lambda n: (
            "POST",
            f"{base}/resolve",
            {"pieceName": seed["resolvePiece"], "externalId": f"nobody-{token}"},
        ),
        "healthz": lambda n: ("GET", "/healthz", None),
    }


def count_django(seed: dict[str, Any], token: str) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {seed['apiKey']}", HTTP_X_FORWARDED_PROTO="https")
    out: dict[str, Any] = {}
    for name, make in scenarios(seed, token).items():
        status = 0
        for n in range(2):
            method, path, body = make(n)
            with CaptureQueriesContext(connection) as ctx:
                if method == "GET":
                    response = client.get(path)
                else:
                    response = client.post(path, json.dumps(body), content_type="application/json")
            status = response.status_code
        # BEGIN/COMMIT are not queries the database plans; savepoints are.
        counted = [q for q in ctx.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]
        out[name] = {"queries": len(counted), "status": status}
    return out


def count_raw(seed: dict[str, Any], token: str) -> dict[str, Any]:
    from bench import raw_app

    real_db = raw_app.db
    counter = {"n": 0}

    class Counting:
        def __init__(self, conn: Any) -> None:
            self._conn = conn

        def execute(self, *args: Any, **kwargs: Any) -> Any:
            counter["n"] += 1
            return self._conn.execute(*args, **kwargs)

        def __getattr__(self, name: str) -> Any:
            return getattr(self._conn, name)

    raw_app.db = lambda: Counting(real_db())  # type: ignore[assignment,return-value]
    out: dict[str, Any] = {}
    for name, make in scenarios(seed, token).items():
        status = ""
        for n in range(2):
            method, path, body = make(n)
            path_info, _, query = path.partition("?")
            payload = json.dumps(body).encode() if body is not None else b""
            environ = {
                "REQUEST_METHOD": method,
                "PATH_INFO": path_info,
                "QUERY_STRING": query,
                "CONTENT_LENGTH": str(len(payload)),
                "wsgi.input": io.BytesIO(payload),
                "HTTP_AUTHORIZATION": f"Bearer {seed['apiKey']}",
            }
            counter["n"] = 0
            captured: list[str] = []
            raw_app.application(environ, lambda s, h, c=captured: c.append(s))  # type: ignore[misc]
            status = captured[0]
        out[name] = {"queries": counter["n"], "status": int(status.split()[0])}
    return out


def main() -> int:
    target = sys.argv[1]
    token = sys.argv[2] if len(sys.argv) > 2 else "q"
    seed = json.load(sys.stdin)
    result = count_raw(seed, token) if target == "raw" else count_django(seed, token)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
