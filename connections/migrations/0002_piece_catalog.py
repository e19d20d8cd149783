"""Ships the common pieces so every fresh database has a catalog; operators edit it in the admin."""

from django.db import migrations


def _prop(display, required=True, secret=False):
    return {"displayName": display, "required": required, "secret": secret}


CATALOG = [
    ("airtable", "Airtable", ["SECRET_TEXT", "OAUTH2"], {}),
    ("discord", "Discord", ["SECRET_TEXT", "OAUTH2"], {}),
    ("github", "GitHub", ["OAUTH2", "SECRET_TEXT"], {}),
    ("gmail", "Gmail", ["OAUTH2"], {}),
    ("google-sheets", "Google Sheets", ["OAUTH2"], {}),
    ("http", "HTTP", ["NO_AUTH", "BASIC_AUTH", "SECRET_TEXT", "CUSTOM_AUTH"], {
        "header_name": _prop("Header name"),
        "header_value": _prop("Header value", secret=True),
    }),
    ("hubspot", "HubSpot", ["OAUTH2", "SECRET_TEXT"], {}),
    ("jira", "Jira Cloud", ["CUSTOM_AUTH", "BASIC_AUTH"], {
        "instance_url": _prop("Instance URL"),
        "email": _prop("Email"),
        "api_token": _prop("API token", secret=True),
    }),
    ("notion", "Notion", ["OAUTH2", "SECRET_TEXT"], {}),
    ("openai", "OpenAI", ["SECRET_TEXT"], {}),
    ("postgres", "PostgreSQL", ["CUSTOM_AUTH"], {
        "host": _prop("Host"),
        "port": _prop("Port", required=False),
        "database": _prop("Database"),
        "user": _prop("User"),
        "password": _prop("Password", secret=True),
        "ssl": _prop("Use SSL", required=False),
    }),
    ("slack", "Slack", ["OAUTH2"], {}),
    ("stripe", "Stripe", ["SECRET_TEXT"], {}),
    ("telegram-bot", "Telegram Bot", ["SECRET_TEXT"], {}),
]


def load(apps, schema_editor):
    Piece = apps.get_model("connections", "Piece")
    for name, display, auth_types, props in CATALOG:
        Piece.objects.update_or_create(
            name=name,
            defaults={"display_name": display, "auth_types": auth_types, "props": props},
        )


def unload(apps, schema_editor):
    apps.get_model("connections", "Piece").objects.filter(
        name__in=[name for name, *_ in CATALOG], connections__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("connections", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
