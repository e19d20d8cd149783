import signal
import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.module_loading import autodiscover_modules

from weavz import jobs


class Command(BaseCommand):
    help = (
        "Runs background jobs with the configured engine. On PostgreSQL this is "
        "`manage.py procrastinate worker` (run as many as you like). On the SQLite quick start "
        "(JOBS_BACKEND=thread) it runs the periodic jobs in-process; the server itself runs "
        "the jobs it enqueues, after each commit."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if jobs.backend() == jobs.PROCRASTINATE:
            call_command("procrastinate", "worker")
            return
        autodiscover_modules("tasks")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        names = ", ".join(sorted(j.name for j in jobs.registered().values() if j.periodic))
        self.stdout.write(f"In-process scheduler (SQLite quick start) running: {names}")
        try:
            jobs.run_scheduler(stop)
        except KeyboardInterrupt:
            stop.set()
