from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Webhooks listen to the audit trail; no domain app imports this one.
        from webhooks import events

        events.connect()
