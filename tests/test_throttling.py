"""Rate limits: 429 RATE_LIMITED with Retry-After, per key, reads and writes apart, on Redis."""

import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from django.core.cache import caches
from django.test import Client, override_settings

from weavz.api import throttling
from weavz.api.throttling import check, hit, parse_rate

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/13"  # a db of its own, so tests never touch real counters


def _rates(read="1000/min", write="1000/min", anon="1000/min"):
    from django.conf import settings

    return override_settings(
        REST_FRAMEWORK={
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"read": read, "write": write, "anon": anon},
        }
    )


def _redis_available() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except Exception:
        return False
    return True


needs_redis = pytest.mark.skipif(not _redis_available(), reason="no Redis on 127.0.0.1:6379")


@pytest.fixture
def redis_cache(settings):
    """The default cache on a real Redis, under a key prefix no other run shares."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        }
    }
    yield caches["default"]
    caches["default"].clear()


def _error(response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    return response.json()["error"]


@pytest.mark.parametrize(
    ("rate", "limit", "seconds"),
    [("6000/min", 6000, 60), ("100/s", 100, 1), ("5/10s", 5, 10), ("50/hour", 50, 3600)],
)
def test_rates_parse(rate, limit, seconds):
    parsed = parse_rate(rate)
    assert parsed is not None and (parsed.limit, parsed.seconds) == (limit, seconds)


@pytest.mark.parametrize("rate", ["lots", "0/min", "5/fortnight", "/min"])
def test_a_malformed_rate_is_refused(rate):
    with pytest.raises(ValueError, match="throttle rate"):
        parse_rate(rate)


def test_an_empty_rate_switches_the_limit_off():
    assert parse_rate("") is None


def test_over_the_write_limit_a_key_gets_429_with_retry_after(api):
    with _rates(write="3/min"):
        for n in range(3):
            response = api.post("/api/v1/projects", {"name": f"p{n}"}, format="json")
            assert response.status_code == 201
        response = api.post("/api/v1/projects", {"name": "one too many"}, format="json")
    error = _error(response, 429, "RATE_LIMITED")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["Retry-After"] in error["message"]
    assert error["requestId"] == response["X-Request-ID"]


def test_reads_have_their_own_budget(api):
    with _rates(read="5/min", write="2/min"):
        assert api.post("/api/v1/projects", {"name": "a"}, format="json").status_code == 201
        assert api.post("/api/v1/projects", {"name": "b"}, format="json").status_code == 201
        _error(api.post("/api/v1/projects", {"name": "c"}, format="json"), 429, "RATE_LIMITED")
        for _ in range(5):
            assert api.get("/api/v1/projects").status_code == 200
        _error(api.get("/api/v1/projects"), 429, "RATE_LIMITED")


def test_the_limit_is_per_key(api, make_api, org, charlie):
    other_key_same_org = make_api(org)
    with _rates(read="2/min"):
        api.get("/api/v1/projects")
        api.get("/api/v1/projects")
        _error(api.get("/api/v1/projects"), 429, "RATE_LIMITED")
        assert other_key_same_org.get("/api/v1/projects").status_code == 200
        assert charlie.get("/api/v1/projects").status_code == 200


def test_unauthenticated_requests_are_limited_per_client_ip():
    with _rates(anon="2/min"):
        for _ in range(2):
            assert Client(REMOTE_ADDR="10.0.0.1").get("/api/v1/schema").status_code == 200
        _error(Client(REMOTE_ADDR="10.0.0.1").get("/api/v1/schema"), 429, "RATE_LIMITED")
        assert Client(REMOTE_ADDR="10.0.0.2").get("/api/v1/schema").status_code == 200


def test_failed_authentication_is_limited_per_ip_then_blocked_without_work(
    api, django_assert_num_queries
):
    attacker = Client(REMOTE_ADDR="10.9.9.9", HTTP_AUTHORIZATION="Bearer wvz_abcdefgh_guess")
    with _rates(anon="3/min"):
        for _ in range(3):
            _error(attacker.get("/api/v1/connections"), 401, "UNAUTHENTICATED")
        response = attacker.get("/api/v1/connections")
        _error(response, 429, "RATE_LIMITED")
        assert int(response["Retry-After"]) >= 1
        with django_assert_num_queries(0):  # blocked before the key lookup
            _error(attacker.get("/api/v1/connections"), 429, "RATE_LIMITED")
        # A well-behaved client elsewhere is not affected.
        assert api.get("/api/v1/connections", REMOTE_ADDR="10.1.1.1").status_code == 200


def test_service_endpoints_are_not_limited():
    with _rates(anon="1/min"):
        for _ in range(3):
            assert Client().get("/healthz").status_code == 200


def test_an_unreachable_cache_lets_requests_through(api, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    with _rates(read="1/min"):
        assert api.get("/api/v1/projects").status_code == 200
        assert api.get("/api/v1/projects").status_code == 200


def test_the_locmem_fallback_counts_within_a_window_and_restarts_in_the_next():
    rate = parse_rate("2/min")
    assert rate is not None
    ident = uuid.uuid4().hex
    assert check("read", ident, rate, now=120.0).allowed
    assert check("read", ident, rate, now=150.0).allowed
    blocked = check("read", ident, rate, now=179.5)
    assert not blocked.allowed and blocked.wait == pytest.approx(0.5)
    assert check("read", ident, rate, now=180.0).allowed


@needs_redis
def test_on_redis_a_hit_is_one_round_trip(redis_cache, monkeypatch):
    client = redis_cache._cache.get_client(write=True)
    calls = []
    real_execute_command = type(client).execute_command

    def count_command(self, *args, **kwargs):
        calls.append(args[0])
        return real_execute_command(self, *args, **kwargs)

    monkeypatch.setattr(type(client), "execute_command", count_command)
    assert hit("one-trip", 60) == 1
    assert hit("one-trip", 60) == 2
    assert calls == ["EVAL", "EVAL"]
    ttl = client.ttl(redis_cache.make_and_validate_key("one-trip"))
    assert 0 < ttl <= 61


@needs_redis
def test_on_redis_a_key_is_limited(api, redis_cache):
    with _rates(read="2/min"):
        assert api.get("/api/v1/projects").status_code == 200
        assert api.get("/api/v1/projects").status_code == 200
        response = api.get("/api/v1/projects")
    _error(response, 429, "RATE_LIMITED")
    assert "Retry-After" in response


_WORKER = textwrap.dedent(
    """
    import os, sys, django
    os.environ["DJANGO_SETTINGS_MODULE"] = "weavz.settings"
    django.setup()
    from weavz.api.throttling import check, parse_rate
    rate = parse_rate("50/day")
    allowed = sum(check("write", sys.argv[1], rate).allowed for _ in range(40))
    print(allowed)
    """
)


@needs_redis
def test_two_processes_share_one_limit_through_redis(redis_cache):
    """Each process tries 40 hits against a 50/day budget: together only 50 get through."""
    ident = f"shared-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "CACHE_URL": REDIS_URL,
        "WEAVZ_ENV_FILE": "/nonexistent/.env",
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, ident],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [w.communicate(timeout=60) for w in workers]
    for worker, (_out, err) in zip(workers, results, strict=True):
        assert worker.returncode == 0, err
    allowed = [int(out.strip().splitlines()[-1]) for out, _err in results]
    assert sum(allowed) == 50, allowed
    assert all(a >= 10 for a in allowed), allowed
    # Cleanup: the workers wrote without this test's key prefix.
    import redis

    conn = redis.Redis.from_url(REDIS_URL)
    for key in conn.scan_iter(f"*{ident}*"):
        conn.delete(key)


def test_the_throttle_is_wired_in_by_default(settings):
    assert "weavz.api.throttling.ApiThrottle" in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]
    assert throttling.rate_for("read").limit > throttling.rate_for("write").limit


def _from(ip, bearer):
    return Client(REMOTE_ADDR=ip, HTTP_AUTHORIZATION=f"Bearer {bearer}")


def _fresh_ip():
    return f"10.77.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"


def test_a_valid_key_is_still_served_from_an_ip_locked_out_for_a_bad_key(api):
    ip = _fresh_ip()
    misconfigured = _from(ip, "wvz_revokedk_no-longer-valid")
    with _rates(anon="3/min"):
        for _ in range(3):
            _error(misconfigured.get("/api/v1/connections"), 401, "UNAUTHENTICATED")
        _error(misconfigured.get("/api/v1/connections"), 429, "RATE_LIMITED")
        # Everyone else behind the same egress address keeps working.
        assert _from(ip, api.secret).get("/api/v1/connections").status_code == 200
        _error(misconfigured.get("/api/v1/connections"), 429, "RATE_LIMITED")


def test_requests_without_a_key_are_limited_apart_from_keyed_ones(api):
    ip = _fresh_ip()
    with _rates(anon="2/min"):
        for _ in range(2):
            _error(Client(REMOTE_ADDR=ip).get("/api/v1/connections"), 401, "UNAUTHENTICATED")
        _error(Client(REMOTE_ADDR=ip).get("/api/v1/connections"), 429, "RATE_LIMITED")
        assert _from(ip, api.secret).get("/api/v1/connections").status_code == 200


def test_an_ip_cycling_through_keys_is_limited_as_a_whole(api, django_assert_num_queries):
    ip = _fresh_ip()
    factor = throttling.FailedAuthThrottleMiddleware.IP_FACTOR
    attacker = Client(REMOTE_ADDR=ip)
    with _rates(anon="2/min"):
        for n in range(2 * factor):
            response = attacker.get(
                "/api/v1/connections", HTTP_AUTHORIZATION=f"Bearer wvz_guess{n:03d}_x"
            )
            _error(response, 401, "UNAUTHENTICATED")
        response = attacker.get("/api/v1/connections", HTTP_AUTHORIZATION="Bearer wvz_guessnew_x")
        _error(response, 429, "RATE_LIMITED")
        with django_assert_num_queries(0):  # blocked before any key lookup
            _error(attacker.get("/api/v1/connections"), 429, "RATE_LIMITED")


def test_the_failure_counters_never_hold_the_presented_secret(rf):
    request = rf.get("/api/v1/connections", HTTP_AUTHORIZATION="Bearer wvz_abcdefgh_TOPSECRET")
    ident = throttling.presented_key(request)
    assert ident and "TOPSECRET" not in ident and "abcdefgh" not in ident
    assert throttling.presented_key(rf.get("/", HTTP_AUTHORIZATION="Basic abc_def")) == ""
