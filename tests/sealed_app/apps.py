from django.apps import AppConfig


class SealedAppConfig(AppConfig):
    name = "tests.sealed_app"
    label = "sealed_app"
    default_auto_field = "django.db.models.BigAutoField"
