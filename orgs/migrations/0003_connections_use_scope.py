"""Keys that existed before execute and the proxy get the new `connections:use` scope, as new
keys do by default, so upgrading does not take the new endpoints away from anyone."""

from django.db import migrations

SCOPE = "connections:use"


def grant(apps, schema_editor):
    ApiKey = apps.get_model("orgs", "ApiKey")
    for key in ApiKey.objects.all().only("id", "scopes").iterator():
        if SCOPE not in key.scopes:
            key.scopes = [*key.scopes, SCOPE]
            key.save(update_fields=["scopes"])


def revoke(apps, schema_editor):
    ApiKey = apps.get_model("orgs", "ApiKey")
    for key in ApiKey.objects.all().only("id", "scopes").iterator():
        if SCOPE in key.scopes:
            key.scopes = [s for s in key.scopes if s != SCOPE]
            key.save(update_fields=["scopes"])


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_idempotency_record")]
    operations = [migrations.RunPython(grant, revoke)]
