"""Keys made before execute and the proxy existed are given `connections:use` by migration."""

import importlib

import pytest
from django.apps import apps as django_apps

from orgs.models import ApiKey
from orgs.services import api_key_create

pytestmark = pytest.mark.django_db

migration = importlib.import_module("orgs.migrations.0003_connections_use_scope")


def test_existing_keys_get_connections_use_and_keep_their_other_scopes(org):
    old, _ = api_key_create(org=org, name="old", actor="test", scopes=["connections:read"])
    narrow, _ = api_key_create(org=org, name="narrow", actor="test", scopes=["audit:read"])

    migration.grant(django_apps, None)
    migration.grant(django_apps, None)  # idempotent

    assert ApiKey.objects.get(pk=old.pk).scopes == ["connections:read", "connections:use"]
    assert ApiKey.objects.get(pk=narrow.pk).scopes == ["audit:read", "connections:use"]


def test_unapplying_it_takes_the_scope_away_again(org):
    key, _ = api_key_create(org=org, name="k", actor="test", scopes=["connections:read"])
    migration.grant(django_apps, None)

    migration.revoke(django_apps, None)

    assert ApiKey.objects.get(pk=key.pk).scopes == ["connections:read"]
