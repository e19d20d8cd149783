"""CPU per request, in-process, straight through the WSGI callable gunicorn would call.

    python -m bench.profile api|django|raw [--seed bench/results/seed-weavz_bench.json]
                                            [--scenario list] [--cprofile tottime]

Run with the server's environment (settings module, DATABASE_URL of a seeded bench database).
Robust on a busy machine: it counts this process's CPU time, not wall time, so other load on the
machine barely moves it. The database's own CPU is not included (same queries in every target).
With ``--cprofile`` prints the functions where the time goes (stdlib cProfile; py-spy or
pyinstrument work too when installed ad hoc).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bench.config import RESULTS_DIR
from bench.queries import scenarios


def application(target: str) -> Callable[..., Iterable[bytes]]:
    if target == "raw":
        from bench import raw_app

        return raw_app.application
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def environ_for(method: str, path: str, body: dict[str, Any] | None, key: str) -> dict[str, Any]:
    path_info, _, query = path.partition("?")
    payload = json.dumps(body).encode() if body is not None else b""
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": "application/json" if body is not None else "",
        "CONTENT_LENGTH": str(len(payload)),
        "HTTP_AUTHORIZATION": f"Bearer {key}",
        "HTTP_X_FORWARDED_PROTO": "https",
        "wsgi.input": io.BytesIO(payload),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("target", choices=["api", "django", "raw"])
    parser.add_argument("--seed", type=Path, default=RESULTS_DIR / "seed-weavz_bench.json")
    parser.add_argument("--key", help="an API key of the seeded org (default: BENCH_API_KEY)")
    parser.add_argument("--scenario", action="append", help="default: get list deep resolve")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--cprofile", metavar="SORT", help="print a cProfile sorted by SORT")
    args = parser.parse_args(argv)
    import os

    seed = json.loads(args.seed.read_text())
    key = args.key or os.environ["BENCH_API_KEY"]
    app = application(args.target)
    made = scenarios(seed, f"p{time.monotonic_ns()}")
    out = {}
    for name in args.scenario or ["get", "list", "deep", "resolve", "healthz"]:
        statuses: list[str] = []

        def call(n: int, name: str = name, statuses: list[str] = statuses) -> None:
            method, path, body = made[name](n % len(seed["getIds"]))
            answer = app(environ_for(method, path, body, key), lambda s, h: statuses.append(s))
            for _chunk in answer:
                pass
            # As gunicorn does: closing the answer ends the request (Django's request_finished).
            close = getattr(answer, "close", None)
            if close is not None:
                close()

        for n in range(50):
            call(n)
        if not statuses[-1].startswith("2"):
            raise SystemExit(f"{name}: {statuses[-1]}")
        profiler = cProfile.Profile(time.process_time) if args.cprofile else None
        cpu, wall = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        for n in range(args.requests):
            call(n)
        if profiler:
            profiler.disable()
        out[name] = {
            "cpu_ms": round((time.process_time() - cpu) / args.requests * 1000, 3),
            "wall_ms": round((time.perf_counter() - wall) / args.requests * 1000, 3),
        }
        if profiler:
            pstats.Stats(profiler, stream=sys.stderr).sort_stats(args.cprofile).print_stats(30)
    print(json.dumps({args.target: out}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
