"""Gunicorn settings for production (`gunicorn weavz.wsgi`); every knob from the environment.

The defaults are what `make bench` measured best on a 2-core machine (see README, "Performance"):
threaded workers (gthread), cores + 1 processes × 4 threads. Against sync workers (2 × cores + 1)
they served 2.2× the GETs and 2× the list pages: connections are kept alive instead of one TCP
connect per request, and a thread waiting on PostgreSQL leaves the CPU to another. Database
connections are persistent (CONN_MAX_AGE in settings): one per thread, so a replica holds
workers × threads of them; size PostgreSQL's max_connections for every replica.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{_int('PORT', 8000)}"
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = _int("GUNICORN_THREADS", 4)
backlog = _int("GUNICORN_BACKLOG", 2048)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Recycle workers now and then so a slow leak can never take a replica down; the jitter keeps
# them from restarting together.
max_requests = _int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 1000)
# Import the app once in the master: workers fork with Django loaded (faster start, shared
# memory). Django opens no database connection at import, so none is shared across the fork.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in ("1", "true", "yes")
# The heartbeat file lives in memory, not on a container's overlay filesystem.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# The TLS-terminating proxy in front sets X-Forwarded-Proto (Django trusts it when
# BEHIND_TLS_PROXY=true); by default only a proxy on this host is believed.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The app writes its own access line (JSON, with request id, org and key); gunicorn's would be
# a second, unstructured one.
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "").lower() in ("1", "true") else None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
