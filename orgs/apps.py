from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from orgs import schema  # noqa: F401  (registers the OpenAPI auth extension)
        from orgs.models import IdempotencyRecord
        from weavz.api.idempotency import use_record_model

        # weavz.api imports no app: the app that owns the table hands its model down.
        use_record_model(IdempotencyRecord)
