"""What every bench process shares: database names, the environment the servers run with.

Plain Python (no Django import): the orchestrator drives Django only through subprocesses, so
each subprocess can point at its own database and keyring.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
RESULTS_DIR = BENCH_DIR / "results"
PYTHON = str(ROOT / ".venv" / "bin" / "python")

# Every database the harness creates or drops starts with this, so it never touches another's.
DB_PREFIX = "weavz_bench"
DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432"


def server_url() -> str:
    """The PostgreSQL server (no database part), from BENCH_PG_URL."""
    return os.environ.get("BENCH_PG_URL", DEFAULT_SERVER_URL).rstrip("/")


def db_url(name: str) -> str:
    if not name.startswith(DB_PREFIX):
        raise ValueError(f"Bench database names must start with {DB_PREFIX!r}: {name!r}")
    parts = urlsplit(server_url())
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def db_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name.startswith(DB_PREFIX):
        raise ValueError(f"Bench database names must start with {DB_PREFIX!r}: {name!r}")
    return name


def admin_conninfo(url: str) -> str:
    """The same server's maintenance database, for CREATE/DROP DATABASE."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))


def app_env(
    database_url: str,
    *,
    encryption_key: str,
    previous_keys: str = "",
    secret_key: str,
    settings_module: str = "weavz.settings",
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """The environment of a production-like process: DEBUG off, behind a TLS proxy, no .env."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        DATABASE_URL=database_url,
        ENCRYPTION_KEY=encryption_key,
        ENCRYPTION_KEYS_PREVIOUS=previous_keys,
        SECRET_KEY=secret_key,
        DEBUG="false",
        # Production reads real variables; the development .env must not leak in.
        WEAVZ_ENV_FILE="/nonexistent/.env",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        # TLS ends at the proxy; wrk sends X-Forwarded-Proto: https as the proxy would.
        BEHIND_TLS_PROXY="true",
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra or {})
    return env
