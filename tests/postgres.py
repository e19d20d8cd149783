"""Marks for tests that need PostgreSQL's real concurrency (skipped, and said so, on SQLite)."""

import pytest
from django.db import connection

only_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (run with DATABASE_URL=postgres://…; CI does)",
)
