from django.db import migrations

from weavz.db.migrations import drop_pattern_indexes


class Migration(migrations.Migration):
    dependencies = [("connect", "0002_oauth_attempt")]

    operations = [drop_pattern_indexes("connect")]
