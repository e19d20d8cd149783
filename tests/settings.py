"""The project's settings plus tests-only apps (a second model with a sealed column)."""

from weavz.settings import *  # noqa: F403
from weavz.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.sealed_app"]
