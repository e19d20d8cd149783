from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from orgs import schema  # noqa: F401  (registers the OpenAPI auth extension)
