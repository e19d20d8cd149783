"""The console's door: failed sign-ins are limited per IP and per username (then a clear message,
a 429 and one audit event), and only a superuser may mint a key that can reveal credentials."""

import uuid

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission, User
from django.core.cache import cache, caches
from django.test import Client, override_settings

from orgs.models import ApiKey, AuditEvent, Scope
from tests.test_throttling import REDIS_URL, needs_redis
from weavz import console_login

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "correct horse battery"


def _login_rate(rate):
    return override_settings(
        REST_FRAMEWORK={
            **django_settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                **django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                "login": rate,
            },
        }
    )


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def sign_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def signed_in(response):
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_after_too_many_wrong_passwords_even_the_right_one_is_refused_with_a_message(staff):
    client = Client(REMOTE_ADDR="10.20.0.1")
    with _login_rate("5/15min"):
        for _ in range(5):
            response = sign_in(client, "alice", "wrong password")
            assert response.status_code == 200 and not signed_in(response)
        response = sign_in(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 900
    page = response.content.decode()
    assert "Too many failed sign-ins" in page and "Try again in" in page
    assert "_auth_user_id" not in client.session


class Clock:
    """Stands in for the ``time`` module in weavz.console_login."""

    def __init__(self, now):
        self.now = now

    def time(self):
        return self.now


def test_a_correct_sign_in_after_the_window_works(staff, monkeypatch):
    clock = Clock(900.0 * 1000)  # the start of a 15-minute window
    monkeypatch.setattr(console_login, "time", clock)
    client = Client(REMOTE_ADDR="10.20.0.2")
    with _login_rate("2/15min"):
        for _ in range(2):
            sign_in(client, "alice", "wrong password")
        clock.now += 899
        response = sign_in(client, "alice", PASSWORD)
        assert response.status_code == 429 and response["Retry-After"] == "1"
        clock.now += 1
        assert signed_in(sign_in(client, "alice", PASSWORD))


def test_the_limit_is_per_username_from_any_address(staff):
    with _login_rate("3/15min"):
        for n in range(3):
            sign_in(Client(REMOTE_ADDR=f"10.21.0.{n}"), "alice", "wrong password")
        assert sign_in(Client(REMOTE_ADDR="10.21.1.1"), "alice", PASSWORD).status_code == 429
        # Another operator is not locked out by attempts on alice.
        User.objects.create_superuser("bob", "bob@example.com", PASSWORD)
        assert signed_in(sign_in(Client(REMOTE_ADDR="10.21.1.1"), "bob", PASSWORD))


def test_the_limit_is_per_address_across_usernames(staff):
    client = Client(REMOTE_ADDR="10.22.0.1")
    with _login_rate("3/15min"):
        for name in ("root", "admin", "operator"):
            sign_in(client, name, "guess")
        assert sign_in(client, "alice", PASSWORD).status_code == 429
        assert signed_in(sign_in(Client(REMOTE_ADDR="10.22.0.2"), "alice", PASSWORD))


def test_a_lockout_is_audited_once_without_the_password(staff):
    client = Client(REMOTE_ADDR="10.23.0.1")
    with _login_rate("2/15min"):
        for _ in range(4):
            sign_in(client, "alice", "hunter2-wrong")
    events = list(AuditEvent.objects.filter(action="console.login_locked_out"))
    # One per counter that reached the limit (this IP, this username), not one per attempt.
    assert sorted(e.metadata["by"] for e in events) == ["ip", "username"]
    for event in events:
        assert event.actor == "admin:alice" and event.org_id is None
        assert event.metadata["ip"] == "10.23.0.1"
        assert "hunter2" not in str(event.metadata) and "hunter2" not in event.actor


def test_right_passwords_are_not_counted(staff):
    with _login_rate("2/15min"):
        for _ in range(4):
            assert signed_in(sign_in(Client(REMOTE_ADDR="10.24.0.1"), "alice", PASSWORD))


@pytest.fixture
def key_maker(db):
    """A staff user who may add keys but is not a superuser."""
    user = User.objects.create_user("carol", password=PASSWORD, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_apikey", "view_apikey", "view_organization"])
    )
    client = Client()
    client.force_login(user)
    return client


def test_only_a_superuser_may_create_a_key_that_reveals(key_maker, console, org):
    form = {
        "org": org.pk,
        "name": "reveal",
        "scopes": [Scope.CONNECTIONS_READ, Scope.CONNECTIONS_REVEAL],
    }
    response = key_maker.post("/admin/orgs/apikey/add/", form)
    assert response.status_code == 200
    assert "scopes" in response.context["adminform"].form.errors
    assert not ApiKey.objects.exists()
    page = key_maker.get("/admin/orgs/apikey/add/").content.decode()
    assert f'value="{Scope.CONNECTIONS_REVEAL}"' not in page
    assert "Only a superuser may grant connections:reveal." in page
    # Without reveal the same operator may make keys; a superuser may grant reveal.
    form["scopes"] = [Scope.CONNECTIONS_READ]
    assert key_maker.post("/admin/orgs/apikey/add/", form).status_code == 200
    assert ApiKey.objects.get(name="reveal").scopes == [Scope.CONNECTIONS_READ]
    form = {**form, "name": "revealer", "scopes": [Scope.CONNECTIONS_REVEAL]}
    assert console.post("/admin/orgs/apikey/add/", form).status_code == 200
    assert ApiKey.objects.get(name="revealer").scopes == [Scope.CONNECTIONS_REVEAL]


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        }
    }
    yield caches["default"]
    caches["default"].clear()


@needs_redis
def test_on_redis_the_counts_are_shared_by_every_replica(staff, redis_cache):
    # Two clients stand for two replicas: the counts live in Redis, not in a process.
    with _login_rate("2/15min"):
        sign_in(Client(REMOTE_ADDR="10.25.0.1"), "alice", "wrong")
        sign_in(Client(REMOTE_ADDR="10.25.0.1"), "alice", "wrong")
        assert sign_in(Client(REMOTE_ADDR="10.25.0.1"), "alice", PASSWORD).status_code == 429
    assert any(b"login-user" in key for key in redis_cache._cache.get_client().keys("*"))
