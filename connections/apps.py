from django.apps import AppConfig


class ConnectionsConfig(AppConfig):
    name = "connections"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the encryption-key system checks (run by `check`, `migrate`, runserver).
        from connections import checks  # noqa: F401
