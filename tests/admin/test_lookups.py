"""The console filters only through its list filters: a query-string lookup on any other field
(the sealed value, a hash, a password) is refused in every admin, so no list can be used as a
yes/no oracle for what the pages hide."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse

from connections.fields import EncryptedJSONField
from orgs.services import api_key_create

pytestmark = pytest.mark.django_db


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _refused(response):
    assert response.status_code == 400, (response.status_code, response.content[:300])


def test_a_regex_on_the_sealed_value_is_refused(console, connection):
    url = "/admin/connections/connection/"
    _refused(console.get(url, {"value__regex": "^enc"}))
    _refused(console.get(url, {"value__startswith": "enc:v2:"}))
    _refused(console.get(url, {"value": "x"}))


def test_a_prefix_of_an_api_key_hash_is_refused(console, org):
    api_key_create(org=org, name="k", actor="test", scopes=["audit:read"])
    url = "/admin/orgs/apikey/"
    _refused(console.get(url, {"secret_hash__startswith": "a"}))
    _refused(console.get(url, {"org__api_keys__secret_hash__startswith": "a"}))


def test_a_prefix_of_a_password_hash_is_refused(console):
    _refused(console.get("/admin/auth/user/", {"password__startswith": "pbkdf2"}))


def test_a_lookup_through_a_relation_to_a_sealed_value_is_refused(console, connection):
    url = "/admin/policies/connectionpolicy/"
    _refused(console.get(url, {"connection__value__regex": "^enc"}))
    _refused(console.get("/admin/orgs/organization/", {"connections__value__startswith": "e"}))


def test_a_lookup_on_a_list_filter_field_that_is_not_its_filter_is_refused(console, connection):
    url = "/admin/connections/connection/"
    _refused(console.get(url, {"org__name__regex": "^A"}))
    _refused(console.get(url, {"display_name__startswith": "A"}))


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_every_admin_refuses_a_lookup_that_is_not_a_list_filter(console, model):
    _refused(console.get(changelist(model), {"pk__regex": "."}))
    for field in model._meta.concrete_fields:
        if isinstance(field, EncryptedJSONField) or field.name in ("secret_hash", "password"):
            _refused(console.get(changelist(model), {f"{field.name}__startswith": "a"}))


def test_the_list_filters_still_work(console, connection, org):
    ok = [
        ("/admin/connections/connection/", {"status__exact": "ACTIVE"}),
        (
            "/admin/connections/connection/",
            {"org__id__exact": org.pk, "piece__name__exact": "openai"},
        ),
        ("/admin/connections/connection/", {"value_type": "SECRET_TEXT", "has_external_id": "no"}),
        ("/admin/orgs/apikey/", {"state": "live", "org__id__exact": org.pk}),
        ("/admin/orgs/auditevent/", {"action": "connection.created", "created_at__year": "2026"}),
        ("/admin/orgs/auditevent/", {"actor": "test", "org__isnull": "True"}),
        ("/admin/connections/connection/", {"q": "Acme", "o": "1"}),
    ]
    for url, params in ok:
        response = console.get(url, params)
        assert response.status_code == 200, (url, params, response.status_code)
    response = console.get("/admin/connections/connection/", {"status__exact": "ACTIVE"})
    assert connection.display_name in response.content.decode()


def test_the_users_list_filters_still_work(console):
    User.objects.create_user("bob", password="x" * 12)
    assert console.get("/admin/auth/user/", {"is_staff__exact": "1"}).status_code == 200
