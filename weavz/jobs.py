"""Background jobs: the one seam every app uses to declare, enqueue and schedule work.

Declare a job in the app's ``tasks.py`` (the module the worker imports) and enqueue it from a
service, inside the transaction of the change that needs it::

    from weavz.jobs import defer, job

    @job(queue="webhooks", retry=8)
    def deliver_webhook(*, delivery_id: str) -> None: ...

    @job(queue="maintenance", periodic="*/10 * * * *")   # cron; periodic jobs take no arguments
    def purge_idempotency_records() -> None: ...

    with transaction.atomic():
        delivery = ...
        defer(deliver_webhook, delivery_id=delivery.id)   # runs only if this commits

Job arguments are stored in the database, so they are ids (``conn_…``, ``whd_…``) or integers,
never values: ``defer`` refuses anything else. A job loads what it needs by id and must be safe to
run twice (a worker can die after the work and before recording it).

Two engines, chosen by ``JOBS_BACKEND`` (default: ``procrastinate`` on PostgreSQL, ``thread`` on
SQLite):

- ``procrastinate``: ``defer`` inserts the job through Django's own connection, so it commits or
  rolls back with the caller's transaction; workers (``manage.py procrastinate worker``, as many
  processes and machines as needed) fetch jobs with ``SKIP LOCKED``, retry failures with
  exponential back-off, and defer each periodic job once per tick however many workers run.
- ``thread`` (the SQLite quick start): ``defer`` runs the job after the caller's transaction
  commits (``transaction.on_commit``), in a background thread of the same process; a job of a
  transaction that rolls back never runs. Periodic jobs run in ``manage.py run_jobs`` (which
  ``make run`` starts beside the server). Jobs still queued when the process exits are lost:
  this engine is for development, not production.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction

logger = logging.getLogger("weavz.jobs")

PROCRASTINATE = "procrastinate"
THREAD = "thread"
BACKENDS = (PROCRASTINATE, THREAD)

# A TypeID (``conn_01jd…``): a lowercase prefix and 26 base32 characters.
_ID = re.compile(r"^[a-z]{1,32}_[0-7][0-9a-hjkmnp-tv-z]{25}$")
JobArgument = str | int


@dataclass(frozen=True)
class Job:
    """A declared job. Calling it runs the work here and now (tests, commands)."""

    name: str
    func: Callable[..., None]
    queue: str
    retry: int
    periodic: str | None

    def __call__(self, **ids: JobArgument) -> None:
        self.func(**ids)


_registry: dict[str, Job] = {}


def backend() -> str:
    chosen: str = settings.JOBS_BACKEND
    return chosen


def registered() -> dict[str, Job]:
    """Every declared job by name (after the apps' ``tasks`` modules are imported)."""
    return dict(_registry)


def job(
    *, queue: str = "default", retry: int = 0, periodic: str | None = None
) -> Callable[[Callable[..., None]], Job]:
    """Declares a job; ``retry`` failed attempts are retried, ``periodic`` is a cron line."""

    def declare(func: Callable[..., None]) -> Job:
        declared = Job(
            name=f"{func.__module__}.{func.__name__}",
            func=func,
            queue=queue,
            retry=retry,
            periodic=periodic,
        )
        if declared.name in _registry:
            raise ValueError(f"The job {declared.name} is declared twice.")
        _registry[declared.name] = declared
        if backend() == PROCRASTINATE:
            _register_procrastinate(declared)
        return declared

    return declare


def _check_arguments(declared: Job, ids: dict[str, Any]) -> None:
    for name, value in ids.items():
        is_int = isinstance(value, int) and not isinstance(value, bool)
        if not is_int and not (isinstance(value, str) and _ID.match(value)):
            # Never echo the value: it may be exactly the secret this rule keeps out.
            raise TypeError(
                f"{declared.name}: argument {name!r} must be an id or an integer; job arguments "
                "are stored in the database, so values are never passed."
            )


def defer(declared: Job, *, run_at: datetime | None = None, **ids: JobArgument) -> None:
    """Enqueues ``declared`` in the caller's transaction (after it commits, on ``thread``).

    ``run_at`` (aware) delays the job until then; by default it runs as soon as a worker is free.
    """
    if declared.periodic is not None and ids:
        raise TypeError(f"{declared.name} is periodic and takes no arguments.")
    _check_arguments(declared, ids)
    if backend() == PROCRASTINATE:
        task = _procrastinate_tasks[declared.name]
        if run_at is not None:
            task = task.configure(schedule_at=run_at)
        task.defer(**ids)
    elif run_at is None:
        transaction.on_commit(functools.partial(_submit, declared, ids))
    else:
        transaction.on_commit(functools.partial(_submit_later, declared, ids, run_at))


# --- procrastinate ---------------------------------------------------------------------------

_procrastinate_tasks: dict[str, Any] = {}


def _register_procrastinate(declared: Job) -> None:
    from procrastinate import RetryStrategy
    from procrastinate.contrib.django import app

    retry = (
        RetryStrategy(max_attempts=declared.retry, exponential_wait=5) if declared.retry else False
    )
    task: Any
    if declared.periodic is None:

        def run(**ids: JobArgument) -> None:
            _run_once(declared, ids)

        task = app.task(name=declared.name, queue=declared.queue, retry=retry)(run)
    else:

        def run_periodic(timestamp: int) -> None:
            _run_once(declared, {})

        periodic_task: Any = app.task(name=declared.name, queue=declared.queue, retry=retry)(
            run_periodic
        )
        task = app.periodic(cron=declared.periodic, periodic_id=declared.name)(periodic_task)
    _procrastinate_tasks[declared.name] = task


def _run_once(declared: Job, ids: dict[str, JobArgument]) -> None:
    """One attempt in a worker thread: a usable database connection before, none left after."""
    close_old_connections()
    try:
        declared.func(**ids)
    finally:
        connection.close()


# --- thread: the in-process fallback -----------------------------------------------------------

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()
_pending: set[Future[None]] = set()


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="weavz-job")
        return _executor


def _submit(declared: Job, ids: dict[str, JobArgument]) -> None:
    future = _pool().submit(_run_with_retries, declared, ids)
    with _executor_lock:
        _pending.add(future)
    future.add_done_callback(_forget)


def _submit_later(declared: Job, ids: dict[str, JobArgument], run_at: datetime) -> None:
    delay = max(0.0, (run_at - datetime.now(UTC)).total_seconds())
    timer = threading.Timer(delay, _submit, args=(declared, ids))
    timer.daemon = True
    timer.start()


def _forget(future: Future[None]) -> None:
    with _executor_lock:
        _pending.discard(future)


def _run_with_retries(declared: Job, ids: dict[str, JobArgument]) -> None:
    for attempt in range(declared.retry + 1):
        try:
            _run_once(declared, ids)
            return
        except Exception:
            logger.exception(
                "Job failed", extra={"job": declared.name, "attempt": attempt + 1, "jobArgs": ids}
            )
            if attempt < declared.retry:
                time.sleep(min(2**attempt, 30))


def wait_for_jobs(timeout: float = 10.0) -> bool:
    """``thread`` engine: waits until no job is queued or running (jobs deferred with a later
    ``run_at`` count once their time has come); False on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with _executor_lock:
            if not _pending:
                return True
        time.sleep(0.02)
    return False


def due_periodic_jobs(since: datetime, until: datetime) -> list[Job]:
    """The periodic jobs with a cron tick in ``(since, until]``."""
    from croniter import croniter  # type: ignore[import-untyped]

    due = []
    for declared in _registry.values():
        if declared.periodic is not None:
            tick = croniter(declared.periodic, since).get_next(datetime)
            if tick <= until:
                due.append(declared)
    return due


def run_scheduler(stop: threading.Event, *, poll_seconds: float = 1.0) -> None:
    """``thread`` engine: runs each periodic job at its ticks until ``stop`` is set.

    Like procrastinate's worker, it runs every periodic job once at start (for its latest
    tick), so a restart does not skip a long interval.
    """
    for declared in [j for j in _registry.values() if j.periodic is not None]:
        _run_with_retries(declared, {})
    last = datetime.now(UTC)
    while not stop.wait(poll_seconds):
        now = datetime.now(UTC)
        for declared in due_periodic_jobs(last, now):
            _run_with_retries(declared, {})
        last = now
