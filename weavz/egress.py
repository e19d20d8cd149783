"""The one outgoing HTTP client: every call to a third party (actions, the proxy, token refresh,
webhooks) goes through ``request``.

What it guarantees:

- The address checked is the address connected to. requests-hardened resolves the host once,
  refuses private, loopback, link-local, CGNAT, multicast and reserved addresses (IPv4, IPv6,
  IPv4-mapped; decimal and other spellings resolve to the same address) and then connects to
  exactly the address it checked, so a DNS answer that changes between check and connect
  (rebinding) cannot slip through. An address the library refuses is still allowed when it is in
  ``EGRESS_ALLOWED_NETWORKS`` (CIDRs, empty by default; tests and the benchmark list loopback).
- Redirects are never followed: a 3xx comes back as it came, ``Location`` included.
- ``EGRESS_TIMEOUT_SECONDS`` bounds connecting, each read and the whole body; more is a
  ``UpstreamTimeout``. A body over ``EGRESS_MAX_RESPONSE_BYTES`` (after decompression, so a
  small gzip bomb is caught too) is a ``UpstreamResponseTooLarge``.
- One pooled session per process; no proxy, ``.netrc`` or other setting is taken from the
  environment (``.netrc`` could add an ``Authorization`` header to a call).
- Nothing it logs or raises holds the URL's query or a credential: ``secrets`` are scrubbed from
  every log line written while the call runs, whoever writes it (urllib3's debug lines too).
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from requests_hardened import Config, HTTPSession
from requests_hardened.ip_filter import InvalidIPAddress, get_ip_address
from requests_hardened.ip_filter_adapter import IPFilterAdapter
from urllib3.exceptions import ReadTimeoutError
from urllib3.util.retry import Retry

from weavz.api.errors import (
    ApiError,
    EgressDenied,
    UpstreamResponseTooLarge,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from weavz.api.logging import redacting

logger = logging.getLogger("weavz.egress")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# RFC 9110 §7.6.1: these describe one connection, not the message, and are never passed on.
# Content-Encoding and Content-Length go too: the body handed back is always decoded.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)
_DECODED_AWAY = frozenset({"content-encoding", "content-length"})
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class EgressResponse:
    status: int
    headers: list[tuple[str, str]]  # as received (multi-valued kept), hop-by-hop removed
    body: bytes
    duration_ms: int


@lru_cache(maxsize=8)
def _parse_networks(spec: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in spec if cidr.strip())


def allowed_networks() -> tuple[IPNetwork, ...]:
    """``EGRESS_ALLOWED_NETWORKS`` as networks (read at each call, so settings overrides apply)."""
    return _parse_networks(tuple(settings.EGRESS_ALLOWED_NETWORKS))


def _allowed(ip: IPAddress) -> bool:
    return any(ip.version == net.version and ip in net for net in allowed_networks())


def _denied(host: str) -> EgressDenied:
    return EgressDenied(f"Calls to {host} are not allowed: it is not a public address.")


class _Adapter(IPFilterAdapter):
    """requests-hardened's filter, plus the operator's allow-list for the addresses it refuses.

    The refused address arrives in the exception, so an allowed one is connected to as it is,
    without resolving the name a second time.
    """

    def build_connection_pool_key_attributes(
        self,
        request: requests.PreparedRequest,
        verify: bool | str,
        cert: str | tuple[str, str] | None = None,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        try:
            attributes: tuple[dict[str, Any], dict[str, Any]] = (
                super().build_connection_pool_key_attributes(request, verify, cert)
            )
            return attributes
        except InvalidIPAddress as exc:
            ip = exc.args[0]
            if not _allowed(ip):
                raise
        host_params, pool_kwargs = HTTPAdapter.build_connection_pool_key_attributes(
            self, request, verify, cert
        )
        hostname = host_params["host"]
        if self._is_https_proto:
            # The certificate is still checked against the name, not the address.
            pool_kwargs["assert_hostname"] = hostname
            pool_kwargs["server_hostname"] = hostname
        host_params["host"] = str(ip) if ip.version == 4 else f"[{ip}]"
        return host_params, pool_kwargs


class _StaleConnectionRetry(Retry):
    """One more try of an idempotent request (GET, HEAD, PUT, DELETE, OPTIONS, TRACE) whose
    connection broke before any answer: typically a kept-alive connection the upstream closed as
    the request went out. Connection failures, read timeouts (the upstream may be working on it;
    the caller is owed its 504) and non-idempotent methods are never retried."""

    def increment(  # type: ignore[override]  # urllib3 passes everything by keyword
        self, *args: Any, **kwargs: Any
    ) -> Retry:
        error = kwargs.get("error")
        if isinstance(error, ReadTimeoutError):
            raise error
        retry: Retry = super().increment(*args, **kwargs)
        return retry


_RETRY = _StaleConnectionRetry(total=1, connect=0, read=1, status=0, other=0, redirect=0)


class _Session(HTTPSession):
    def __init__(self) -> None:
        super().__init__(
            Config(
                ip_filter_enable=False,  # mounted below, with the allow-list
                ip_filter_allow_loopback_ips=False,
                never_redirect=True,
                default_timeout=(30, 30),
            )
        )
        self.trust_env = False
        for prefix, https in (("http://", False), ("https://", True)):
            adapter = _Adapter(is_https_proto=https)
            adapter.max_retries = _RETRY
            self.mount(prefix, adapter)


_local = threading.local()


def _session() -> requests.Session:
    # One pooled session per thread: requests.Session is not documented as thread-safe, and a
    # gthread worker's few threads each keep their own keep-alive connections.
    session: requests.Session | None = getattr(_local, "session", None)
    if session is None:
        session = _local.session = _Session()
    return session


def _split(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL; a 400 ApiError for anything else."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise ApiError("The URL is malformed.") from None
    if parts.scheme not in ("http", "https"):
        raise ApiError("The URL must start with http:// or https://.")
    if not host:
        raise ApiError("The URL has no host.")
    if parts.username is not None or parts.password is not None:
        raise ApiError("The URL may not carry a user name or password.")
    return parts.scheme, host, port


def check_url(url: str) -> None:
    """Raises EgressDenied (or a 400 ApiError for a malformed URL / non-http(s) scheme) when a URL
    could never be called: used at creation time, e.g. for webhook endpoint URLs. Resolves the
    host and checks every address with the same rule as request()."""
    _scheme, host, port = _split(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise ApiError(f"The host {host} does not resolve.") from None
    for _family, _type, _proto, _name, address in infos:
        ip = ipaddress.ip_address(address[0])
        try:
            # The library's own rule, applied to one literal address (no lookup happens).
            get_ip_address(str(ip), port, allow_loopback=False)
        except InvalidIPAddress as exc:
            if not _allowed(exc.args[0]):
                raise _denied(host) from None


def request(
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
    timeout: float | None = None,
    secrets: Iterable[str] = (),
) -> EgressResponse:
    """Sends one request through the address checks; never follows redirects; raises EgressDenied,
    UpstreamTimeout, UpstreamUnavailable, UpstreamResponseTooLarge. `secrets` are scrubbed from
    anything logged (the URL may carry a token)."""
    _scheme, host, _port = _split(url)
    limit = timeout if timeout is not None else float(settings.EGRESS_TIMEOUT_SECONDS)
    max_bytes = int(settings.EGRESS_MAX_RESPONSE_BYTES)
    secrets = tuple(secrets)
    started = time.monotonic()
    with redacting(secrets):
        try:
            response = _session().request(
                method.upper(),
                url,
                headers=dict(headers or {}),
                data=body,
                timeout=(limit, limit),
                allow_redirects=False,
                stream=True,
            )
        except InvalidIPAddress:
            logger.warning("Egress refused: %s is not a public address", host)
            raise _denied(host) from None
        except requests.Timeout:
            raise UpstreamTimeout(f"{host} did not answer within {limit:g} seconds.") from None
        except (requests.RequestException, OSError, ValueError):
            # Refused, reset, unresolvable, TLS failure, an invalid header value. The exception
            # text may quote the URL (and a token in it), so it is not passed on.
            raise UpstreamUnavailable(f"{host} could not be reached.") from None
        try:
            content = _read(response, deadline=started + limit, max_bytes=max_bytes, host=host)
        finally:
            response.close()
        duration_ms = round((time.monotonic() - started) * 1000)
        logger.debug(
            "egress %s %s%s %s",
            method.upper(),
            host,
            urlsplit(url).path,
            response.status_code,
            extra={"durationMs": duration_ms},
        )
    return EgressResponse(
        status=response.status_code,
        headers=[
            (name, value)
            for name, value in response.raw.headers.items()
            if name.lower() not in HOP_BY_HOP and name.lower() not in _DECODED_AWAY
        ],
        body=content,
        duration_ms=duration_ms,
    )


def _read(response: requests.Response, *, deadline: float, max_bytes: int, host: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise UpstreamResponseTooLarge(
                    f"The response from {host} is larger than {max_bytes} bytes."
                )
            if time.monotonic() > deadline:
                raise UpstreamTimeout(f"{host} did not finish answering in time.")
            chunks.append(chunk)
    except requests.Timeout:
        raise UpstreamTimeout(f"{host} did not finish answering in time.") from None
    except (requests.RequestException, OSError):
        raise UpstreamUnavailable(f"{host} broke off its answer.") from None
    return b"".join(chunks)
