"""Rate limits: fixed-window counters on Django's cache, one cache round trip per request.

DRF's ``SimpleRateThrottle`` keeps a list of timestamps per client and does a get and a set per
request (two round trips, and a read-modify-write race between replicas). A fixed window is one
atomic increment: on Redis an ``INCR`` and an ``EXPIRE`` in one ``EVAL``; on the local-memory
cache (one process, no network) ``incr`` falling back to ``add``.

Who is counted: an authenticated request by its API key id, anything else by client IP (which
honours ``NUM_PROXIES`` for ``X-Forwarded-For``). Reads (GET, HEAD, OPTIONS) and writes have
separate budgets. Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (set from the
environment in settings): ``"6000/min"``; an empty rate switches that budget off.

DRF authenticates before it throttles, so a request with a bad key is answered 401 before any
throttle runs. ``FailedAuthThrottleMiddleware`` counts those 401s per client IP and presented key
(its public part) against the ``anon`` rate and, past it, answers 429 without touching the
database; a valid key from the same address is still served.
"""

import hashlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from weavz.api.errors import error_response

if TYPE_CHECKING:
    from rest_framework.views import APIView

logger = logging.getLogger("weavz.throttling")

CACHE_ALIAS = "default"
KEY_PREFIX = "throttle"
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int


@lru_cache(maxsize=32)
def parse_rate(rate: str | None) -> Rate | None:
    """``"6000/min"`` -> Rate(6000, 60); ``"100/10s"`` -> Rate(100, 10); empty -> None (off)."""
    if not rate or not rate.strip():
        return None
    try:
        count, period = rate.strip().split("/")
        digits = "".join(ch for ch in period if ch.isdigit())
        unit = period[len(digits) :][:1].lower()
        limit, seconds = int(count), int(digits or 1) * _PERIODS[unit]
    except (ValueError, KeyError):
        raise ValueError(
            f"Malformed throttle rate {rate!r}: use N/s, N/min, N/hour or N/day."
        ) from None
    if limit < 1 or seconds < 1:
        raise ValueError(f"Malformed throttle rate {rate!r}: the count must be at least 1.")
    return Rate(limit, seconds)


def rate_for(scope: str) -> Rate | None:
    # Looked up per request (a dict lookup; parsing is cached) so override_settings works.
    return parse_rate(api_settings.DEFAULT_THROTTLE_RATES.get(scope))


_last_outage_log = 0.0

# INCR and EXPIRE in one command: one round trip, and no pipeline object built per request.
_INCR_EXPIRE = (
    "local n = redis.call('INCR', KEYS[1]) redis.call('EXPIRE', KEYS[1], ARGV[1]) return n"
)


def _redis_client(cache: RedisCache) -> Any:
    """The cache's redis client, made once per cache object (Django's ``get_client`` builds a
    new ``redis.Redis``, copying its table of response callbacks, on every call)."""
    client = cache.__dict__.get("_weavz_counter_client")
    if client is None:
        client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
        cache.__dict__["_weavz_counter_client"] = client
    return client


def hit(key: str, window_seconds: int, *, cache: BaseCache | None = None) -> int:
    """Adds one to the counter ``key`` (created for ``window_seconds``) and returns it.

    If the cache is unreachable the request is let through (returns 0): an outage of the
    throttle store must not become an outage of the API. That is logged at most once a minute.
    """
    global _last_outage_log
    cache = cache or caches[CACHE_ALIAS]
    try:
        if isinstance(cache, RedisCache):
            # make_key, not make_and_validate_key: the counters' keys are ours (scope, key id or
            # IP, window), and validation walks every character for memcached's sake.
            full_key = cache.make_key(key)
            return int(
                _redis_client(cache).execute_command(
                    "EVAL", _INCR_EXPIRE, 1, full_key, window_seconds + 1
                )
            )
        try:
            return int(cache.incr(key))
        except ValueError:
            if cache.add(key, 1, window_seconds + 1):
                return 1
            return int(cache.incr(key))
    except Exception as exc:  # any cache/driver error: fail open, loudly
        now = time.monotonic()
        if now - _last_outage_log > 60:
            _last_outage_log = now
            logger.warning("throttle cache unavailable, not limiting: %s", type(exc).__name__)
        return 0


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    wait: float
    count: int = 0  # this window's count, this hit included (0 when the cache is unreachable)


def check(scope: str, ident: str, rate: Rate, *, now: float | None = None) -> Verdict:
    """Counts one hit for ``ident`` in ``scope``'s current window."""
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    count = hit(f"{KEY_PREFIX}:{scope}:{ident}:{window}", rate.seconds)
    return Verdict(allowed=count <= rate.limit, wait=(window + 1) * rate.seconds - now, count=count)


def counted(scope: str, ident: str, rate: Rate, *, now: float | None = None) -> int:
    """What ``check`` has counted for ``ident`` in ``scope``'s current window, adding nothing.

    An unreachable cache reads as 0 (fail open, as ``hit`` does).
    """
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    try:
        value = caches[CACHE_ALIAS].get(f"{KEY_PREFIX}:{scope}:{ident}:{window}")
    except Exception:  # any cache/driver error: fail open; hit() logs the outage
        return 0
    return int(value or 0)


def client_ip(request: HttpRequest | Request) -> str:
    return str(BaseThrottle().get_ident(request))  # type: ignore[arg-type]


class ApiThrottle(BaseThrottle):
    """Per API key (per client IP when unauthenticated); separate read and write budgets."""

    def __init__(self) -> None:
        self._wait: float | None = None

    def allow_request(self, request: Request, view: "APIView") -> bool:
        key_id = getattr(request.user, "key_id", None)
        if key_id:
            scope = "read" if request.method in SAFE_METHODS else "write"
            ident = str(key_id)
        else:
            scope, ident = "anon", client_ip(request)
        rate = rate_for(scope)
        if rate is None:
            return True
        verdict = check(scope, ident, rate)
        self._wait = verdict.wait
        return verdict.allowed

    def wait(self) -> float | None:
        return self._wait


def rate_limited(request: HttpRequest, wait: float) -> HttpResponse:
    retry_after = max(1, math.ceil(wait))
    response = error_response(
        "RATE_LIMITED",
        f"Too many requests; retry in {retry_after} seconds.",
        429,
        request=request,
    )
    response["Retry-After"] = str(retry_after)
    return response


def presented_key(request: HttpRequest) -> str:
    """Who a failed request claimed to be, without its secret: a digest of the public part of the
    bearer key (``wvz_<prefix>``, everything before the last ``_``); "" when there is none."""
    scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").strip().partition(" ")
    public = token.strip().rpartition("_")[0] if scheme.lower() == "bearer" else ""
    if not public:
        return ""
    return hashlib.sha256(public.encode("utf-8", "replace")).hexdigest()[:16]


class FailedAuthThrottleMiddleware:
    """Limits failed authentication (401) under ``/api/`` per client IP and presented key.

    Counting costs one cache round trip per counter, and only on a 401. Failures are counted per
    (IP, presented key): once one is over the ``anon`` rate, this process answers that key from
    that IP 429 until the window ends without doing any work, while other keys from the same IP
    (a shared egress address: one misconfigured client among many) are still served. A client
    that varies the key it presents gets a budget per key, so the IP as a whole is also limited,
    at ``IP_FACTOR`` times the rate; past that, everything from the IP is answered 429. The
    decision is local, but the counts are shared, so every replica reaches it on the next
    failure there.
    """

    MAX_BLOCKED = 10_000
    IP_FACTOR = 10
    _ANY_KEY = "*"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.blocked_until: dict[tuple[str, str], float] = {}

    def _blocks(self, request: HttpRequest) -> tuple[tuple[str, str], tuple[str, str]]:
        ip = client_ip(request)
        return ((ip, self._ANY_KEY), (ip, presented_key(request)))

    def _blocked_for(self, blocks: tuple[tuple[str, str], ...], now: float) -> float | None:
        for block in blocks:
            until = self.blocked_until.get(block)
            if until is None:
                continue
            if until > now:
                return until - now
            del self.blocked_until[block]
        return None

    def _block(self, block: tuple[str, str], until: float) -> None:
        if len(self.blocked_until) >= self.MAX_BLOCKED:
            self.blocked_until.clear()
        self.blocked_until[block] = until

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        now = time.time()
        # Who is asking is worked out only when it matters: something is blocked, or a 401.
        blocks = self._blocks(request) if self.blocked_until else None
        if blocks is not None:
            wait = self._blocked_for(blocks, now)
            if wait is not None:
                return rate_limited(request, wait)
        response = self.get_response(request)
        rate = rate_for("anon") if response.status_code == 401 else None
        if rate is None:
            return response
        blocks = blocks or self._blocks(request)
        ip, key = blocks[1]
        per_ip = Rate(rate.limit * self.IP_FACTOR, rate.seconds)
        verdicts = (
            check("auth-failed-ip", ip, per_ip, now=now),
            check("auth-failed", f"{ip}:{key}", rate, now=now),
        )
        refused = [(b, v) for b, v in zip(blocks, verdicts, strict=True) if not v.allowed]
        for block, verdict in refused:
            self._block(block, now + verdict.wait)
        if refused:
            return rate_limited(request, max(v.wait for _b, v in refused))
        return response
