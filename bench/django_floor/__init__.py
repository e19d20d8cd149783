"""Floor (b): the same API work as minimal Django views (ORM, no DRF, no middleware).

Served by `make bench` only (``DJANGO_SETTINGS_MODULE=bench.django_floor.settings``); the app's
settings and urlconf never reference it. The gap between this and the raw floor is Django's
cost; the gap between this and the API is ours.
"""
