from django.db import migrations

from weavz.db.migrations import drop_pattern_indexes


class Migration(migrations.Migration):
    dependencies = [("connections", "0008_merge_piece_calling_refresh_bookkeeping")]

    operations = [drop_pattern_indexes("connections")]
