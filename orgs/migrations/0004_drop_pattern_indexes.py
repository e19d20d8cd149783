from django.db import migrations

from weavz.db.migrations import drop_pattern_indexes


class Migration(migrations.Migration):
    dependencies = [("orgs", "0003_connections_use_scope")]

    operations = [drop_pattern_indexes("orgs")]
