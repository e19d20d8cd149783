from django.db import migrations

from weavz.db.migrations import drop_pattern_indexes


class Migration(migrations.Migration):
    dependencies = [("webhooks", "0001_initial")]

    operations = [drop_pattern_indexes("webhooks")]
