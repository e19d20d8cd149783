"""The app's settings with only what the floor needs: its models, no middleware, its urlconf."""

from weavz.settings import *  # noqa: F403

INSTALLED_APPS = ["django.contrib.contenttypes", "orgs", "connections", "policies"]
MIDDLEWARE = []
ROOT_URLCONF = "bench.django_floor.urls"
