from django.db import migrations

from weavz.db.migrations import drop_pattern_indexes


class Migration(migrations.Migration):
    dependencies = [("oauth", "0001_oauth_apps")]

    operations = [drop_pattern_indexes("oauth")]
