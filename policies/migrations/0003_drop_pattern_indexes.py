from django.db import migrations

from weavz.db.migrations import drop_pattern_indexes


class Migration(migrations.Migration):
    dependencies = [("policies", "0002_timestamps")]

    operations = [drop_pattern_indexes("policies")]
