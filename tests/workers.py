"""Real job workers for tests: procrastinate worker processes on PostgreSQL, the in-process
engine on SQLite. Nothing here mocks the queue.

- ``run_jobs()`` runs every job queued so far to completion (a one-shot worker process, or
  waiting for the in-process threads) — after the transaction that enqueued them committed.
- ``worker_process()`` is a long-running ``manage.py procrastinate worker`` (PostgreSQL), which
  also defers periodic jobs; stop it by leaving the ``with`` block.

Tests using them need ``transactional_db``: a worker is another connection and sees only
committed rows.
"""

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.db import connection

from weavz import jobs

ROOT = Path(__file__).resolve().parent.parent
PROCRASTINATE_TABLES = (
    "procrastinate_events",
    "procrastinate_periodic_defers",
    "procrastinate_jobs",
    "procrastinate_workers",
)


def worker_database_url() -> str:
    """The DATABASE_URL of the database this test runs on (pytest-django's test database)."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "postgres")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def worker_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, DATABASE_URL=worker_database_url(), LOG_LEVEL="WARNING")
    env.update(extra)
    return env


def client_processes(module: str, *args: str, count: int = 2, **env: str) -> list[Any]:
    """Runs ``count`` copies of ``python -m module *args`` at once against the test database and
    returns what each printed as JSON, in order; a process that fails fails the test."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", module, *args],
            cwd=ROOT,
            env=worker_env(**env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(count)
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=90)
        assert process.returncode == 0, err.decode()[-2000:]
        results.append(json.loads(out))
    return results


def clear_queue() -> None:
    """Procrastinate's tables are not Django-managed, so test flushes leave them; empty them."""
    if jobs.backend() == jobs.PROCRASTINATE:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(PROCRASTINATE_TABLES)} CASCADE")


def queued_jobs() -> list[tuple[str, dict[str, object]]]:
    """(task name, arguments) of every job in procrastinate's queue, any status."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT task_name, args FROM procrastinate_jobs ORDER BY id")
        return [(name, args) for name, args in cursor.fetchall()]


def run_jobs(timeout: float = 60.0, **env: str) -> None:
    """Runs every queued job to completion with the configured engine."""
    if jobs.backend() == jobs.THREAD:
        assert jobs.wait_for_jobs(timeout), "in-process jobs did not finish in time"
        return
    subprocess.run(
        [sys.executable, "manage.py", "procrastinate", "worker", "--one-shot"],
        cwd=ROOT,
        env=worker_env(**env),
        check=True,
        timeout=timeout,
        capture_output=True,
    )


@contextlib.contextmanager
def worker_process(*args: str, **env: str) -> Iterator[subprocess.Popen[bytes]]:
    """A long-running ``manage.py procrastinate worker`` against the test database."""
    process = subprocess.Popen(
        [sys.executable, "manage.py", "procrastinate", "worker", *args],
        cwd=ROOT,
        env=worker_env(**env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()


def eventually(check: Callable[[], bool], timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")
