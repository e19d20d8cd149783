"""Keep the planner's statistics of the connections table fresh.

A list page is ``WHERE org_id = … [AND piece_id = …] ORDER BY id DESC LIMIT n``. With stale
statistics PostgreSQL may walk the primary key backwards and filter, instead of using the
(org, piece, -id) index: measured in ``make bench`` after 50,000 creates, a page then read 51,000
rows (30 ms) instead of 51 (0.2 ms) until the next ANALYZE. By default that ANALYZE waits for 10%
of the table to change; here it runs after 1%. Vacuum runs sooner too, since rotation and value
replacements leave a dead version of every row they rewrite. SQLite has no such knobs.
"""

from django.db import migrations

SETTINGS = "autovacuum_analyze_scale_factor = 0.01, autovacuum_vacuum_scale_factor = 0.05"


def tune(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE connections_connection SET ({SETTINGS})")


def untune(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE connections_connection RESET "
            "(autovacuum_analyze_scale_factor, autovacuum_vacuum_scale_factor)"
        )


class Migration(migrations.Migration):
    dependencies = [("connections", "0005_org_index_covered_by_composites")]
    operations = [migrations.RunPython(tune, untune)]
