from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from orgs.models import ApiKey
from orgs.services import api_key_create, api_key_revoke

pytestmark = pytest.mark.django_db


def _get(client: APIClient, auth: str | None = None):
    if auth is not None:
        client.credentials(HTTP_AUTHORIZATION=auth)
    return client.get("/api/v1/projects")


def _assert_401(response) -> None:
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNAUTHENTICATED"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["requestId"]


def test_it_answers_401_without_a_header():
    _assert_401(_get(APIClient()))


@pytest.mark.parametrize(
    "auth",
    [
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "Bearer a b",
        "Token wvz_abc",
        "Bearer not-a-key",
        "Bearer wvz_",
        "Bearer wvz_abcdefgh_" + "x" * 43,
        "Bearer wvz_ABCDEFGH-" + "x" * 43,
    ],
)
def test_it_answers_401_for_a_wrong_scheme_or_malformed_or_unknown_key(auth):
    _assert_401(_get(APIClient(), auth))


def test_it_answers_401_for_a_right_prefix_with_a_wrong_secret(org):
    _key, secret = api_key_create(org=org, name="k", actor="test")
    forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    _assert_401(_get(APIClient(), f"Bearer {forged}"))


def test_it_answers_401_for_a_revoked_key(org):
    key, secret = api_key_create(org=org, name="k", actor="test")
    assert _get(APIClient(), f"Bearer {secret}").status_code == 200
    api_key_revoke(key=key, actor="test")
    _assert_401(_get(APIClient(), f"Bearer {secret}"))


def test_it_answers_401_for_an_expired_key(org):
    _key, secret = api_key_create(
        org=org, name="k", actor="test", expires_at=timezone.now() - timedelta(seconds=1)
    )
    _assert_401(_get(APIClient(), f"Bearer {secret}"))


def test_a_key_not_yet_expired_works(org):
    _key, secret = api_key_create(
        org=org, name="k", actor="test", expires_at=timezone.now() + timedelta(hours=1)
    )
    assert _get(APIClient(), f"Bearer {secret}").status_code == 200


def test_it_answers_403_when_the_key_lacks_the_scope(make_api, org):
    client = make_api(org, scopes=["connections:read"])
    response = client.get("/api/v1/projects")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"
    assert "projects:read" in response.json()["error"]["message"]
    assert client.post("/api/v1/projects", {"name": "x"}, format="json").status_code == 403


def test_a_new_key_gets_every_scope_but_reveal(org):
    key, _secret = api_key_create(org=org, name="k", actor="test")
    assert "connections:reveal" not in key.scopes
    assert {"connections:read", "connections:write", "projects:read", "audit:read"} <= set(
        key.scopes
    )


def test_the_secret_of_a_key_is_not_in_the_database(org):
    key, secret = api_key_create(org=org, name="k", actor="test")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM orgs_apikey")
        rows = cursor.fetchall()
        cursor.execute("SELECT * FROM orgs_auditevent")
        rows += cursor.fetchall()
    dump = repr(rows)
    assert secret not in dump
    assert secret.split("_", 2)[2] not in dump
    assert secret not in repr(key)


def test_last_used_at_is_written_at_most_once_a_minute(org, django_assert_num_queries):
    key, secret = api_key_create(org=org, name="k", actor="test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    with django_assert_num_queries(3):  # key lookup, last_used_at update, the page
        client.get("/api/v1/projects")
    first = ApiKey.objects.get(pk=key.pk).last_used_at
    assert first is not None
    with django_assert_num_queries(2):  # no write this time
        client.get("/api/v1/projects")
    assert ApiKey.objects.get(pk=key.pk).last_used_at == first
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get("/api/v1/projects")
    assert ApiKey.objects.get(pk=key.pk).last_used_at > first


def test_the_key_secret_has_at_least_256_bits_of_randomness(org):
    _key, secret = api_key_create(org=org, name="k", actor="test")
    random_part = secret.split("_", 2)[2]
    assert len(random_part) * 6 >= 256
