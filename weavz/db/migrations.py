"""Migration helpers shared by the apps."""

from typing import Any

from django.db import migrations


def drop_pattern_indexes(app_label: str) -> migrations.RunPython:
    """Drops the ``*_like`` indexes (``varchar_pattern_ops``/``text_pattern_ops``) PostgreSQL's
    schema editor adds beside the btree of every indexed text column: primary keys, foreign keys,
    unique hashes. They only serve ``LIKE 'prefix%'``, which no query of this service runs on
    those columns (ids, keys and hashes are matched exactly; the console's searches are
    case-insensitive and cannot use them), and every insert paid for them.

    PostgreSQL only; the reverse adds nothing back. ``tests/test_db_backend.py`` checks that no
    such index is left, so a later field that brings one gets its own drop.
    """

    def forward(apps: Any, schema_editor: Any) -> None:
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        tables = [model._meta.db_table for model in apps.get_app_config(app_label).get_models()]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
                " AND tablename = ANY(%s) AND indexname LIKE %s"
                " AND indexdef ~ '(varchar|text)_pattern_ops'",
                [tables, r"%\_like"],
            )
            names = [name for (name,) in cursor.fetchall()]
        for name in names:
            schema_editor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")

    return migrations.RunPython(forward, migrations.RunPython.noop, elidable=False)
