"""The one outgoing HTTP client: address checks on the address connected to, no redirects,
limits, and no credential in any log line.

Every refusal test below aims at an address that must never be contacted. The suite runs with
pytest-socket allowing loopback only (pyproject addopts), so a broken refusal fails with
SocketBlockedError instead of sending a packet anywhere.
"""

import logging
import socket
import threading
from typing import Any

import pytest
import pytest_socket
from pytest_httpserver import HTTPServer
from werkzeug import Response

from tests.conftest import PROVIDER_HOST
from weavz import egress
from weavz.api.errors import (
    ApiError,
    EgressDenied,
    UpstreamResponseTooLarge,
    UpstreamTimeout,
    UpstreamUnavailable,
)

pytestmark = pytest.mark.usefixtures("allow_provider")


def test_the_suite_may_connect_to_loopback_only(pytestconfig: pytest.Config) -> None:
    assert pytestconfig.getoption("--allow-hosts") == "127.0.0.0/8,::1/128"
    assert socket.socket.connect is not pytest_socket._true_connect


def test_it_returns_status_headers_and_body_as_received(httpserver: HTTPServer) -> None:
    response = Response("hello", status=201, headers=[("X-Tag", "a"), ("X-Tag", "b")])
    response.headers["Keep-Alive"] = "timeout=5"
    httpserver.expect_request("/v1/things", query_string="q=1").respond_with_response(response)

    answer = egress.request("GET", httpserver.url_for("/v1/things?q=1"))

    assert answer.status == 201
    assert answer.body == b"hello"
    assert [v for k, v in answer.headers if k == "X-Tag"] == ["a", "b"]
    assert not [k for k, _v in answer.headers if k.lower() == "keep-alive"]
    assert answer.duration_ms >= 0


def test_it_sends_method_headers_and_body(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/echo", method="PUT", headers={"X-Api-Key": "k1"}, data=b'{"a": 1}'
    ).respond_with_data("ok")

    answer = egress.request(
        "PUT", httpserver.url_for("/echo"), headers={"X-Api-Key": "k1"}, body=b'{"a": 1}'
    )

    assert answer.status == 200


def test_it_hands_back_a_decompressed_body(httpserver: HTTPServer) -> None:
    import gzip

    httpserver.expect_request("/z").respond_with_data(
        gzip.compress(b"plain text"), headers={"Content-Encoding": "gzip"}
    )

    answer = egress.request("GET", httpserver.url_for("/z"))

    assert answer.body == b"plain text"
    assert not [k for k, _v in answer.headers if k.lower() == "content-encoding"]


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://2130706433/",
        "http://10.0.0.1/",
        "http://100.64.0.1/",
        "http://localhost/",
        "http://127.0.0.1/",
        "http://127.1/",
        "http://0x7f000001/",
    ],
)
def test_it_refuses_addresses_that_are_not_public(url: str) -> None:
    with pytest.raises(EgressDenied):
        egress.request("GET", url)
    with pytest.raises(EgressDenied):
        egress.check_url(url)


def test_it_refuses_loopback_when_no_network_is_allowed(
    httpserver: HTTPServer, settings: Any
) -> None:
    settings.EGRESS_ALLOWED_NETWORKS = []
    httpserver.expect_request("/").respond_with_data("reached")

    with pytest.raises(EgressDenied):
        egress.request("GET", httpserver.url_for("/"))

    assert httpserver.log == []


def test_it_reaches_an_allowed_network_under_a_host_name_too(settings: Any) -> None:
    settings.EGRESS_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with HTTPServer(host="127.0.0.1", port=0) as server:
        server.expect_request("/").respond_with_data("reached")

        answer = egress.request("GET", f"http://localhost:{server.port}/")

    assert answer.body == b"reached"


def test_it_returns_a_redirect_without_following_it(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/start").respond_with_data(
        "", status=302, headers={"Location": httpserver.url_for("/target")}
    )
    httpserver.expect_request("/target").respond_with_data("followed")

    answer = egress.request("GET", httpserver.url_for("/start"))

    assert answer.status == 302
    assert dict(answer.headers)["Location"] == httpserver.url_for("/target")
    assert [r.path for r, _ in httpserver.log] == ["/start"]


def test_it_times_out_on_a_slow_provider(httpserver: HTTPServer, slow_answer: Any) -> None:
    httpserver.expect_request("/slow").respond_with_handler(slow_answer(1.0))

    with pytest.raises(UpstreamTimeout):
        egress.request("GET", httpserver.url_for("/slow"), timeout=0.2)


def test_a_timeout_comes_from_the_setting_by_default(
    httpserver: HTTPServer, settings: Any, slow_answer: Any
) -> None:
    settings.EGRESS_TIMEOUT_SECONDS = 0.2
    httpserver.expect_request("/slow").respond_with_handler(slow_answer(1.0))

    with pytest.raises(UpstreamTimeout):
        egress.request("GET", httpserver.url_for("/slow"))


def test_a_closed_port_is_upstream_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind((PROVIDER_HOST, 0))
        port = probe.getsockname()[1]

    with pytest.raises(UpstreamUnavailable):
        egress.request("GET", f"http://{PROVIDER_HOST}:{port}/")


def test_an_oversized_body_is_refused(httpserver: HTTPServer, settings: Any) -> None:
    settings.EGRESS_MAX_RESPONSE_BYTES = 1000
    httpserver.expect_request("/big").respond_with_data(b"x" * 1001)
    httpserver.expect_request("/fits").respond_with_data(b"x" * 1000)

    with pytest.raises(UpstreamResponseTooLarge):
        egress.request("GET", httpserver.url_for("/big"))
    assert len(egress.request("GET", httpserver.url_for("/fits")).body) == 1000


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/", "file:///etc/passwd", "http:///nohost", "not a url", "http://u:p@h/"],
)
def test_it_rejects_urls_that_are_not_plain_http(url: str) -> None:
    with pytest.raises(ApiError) as caught:
        egress.request("GET", url)
    assert caught.value.status_code == 400
    with pytest.raises(ApiError):
        egress.check_url(url)


def test_check_url_accepts_an_allowed_address(httpserver: HTTPServer) -> None:
    egress.check_url(httpserver.url_for("/hooks"))


def test_check_url_refuses_a_host_that_does_not_resolve() -> None:
    with pytest.raises(ApiError):
        egress.check_url("http://no-such-host.invalid/")


def test_secrets_in_the_url_never_reach_a_log_line(
    httpserver: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    token = "123456:AAE-telegram-bot-token-xyz"
    httpserver.expect_request(f"/bot{token}/getMe").respond_with_data("{}")
    caplog.set_level(logging.DEBUG)

    egress.request("GET", httpserver.url_for(f"/bot{token}/getMe?x={token}"), secrets=[token])
    with pytest.raises(UpstreamUnavailable):
        egress.request("GET", f"http://{PROVIDER_HOST}:1/bot{token}/getMe", secrets=[token])

    # The fake provider's own access log (werkzeug) is the provider's, not ours.
    ours = [r.getMessage() for r in caplog.records if r.name != "werkzeug"]
    assert any("getMe" in line for line in ours)  # the lines were written, token taken out
    assert not [line for line in ours if token in line]


def test_an_error_never_quotes_the_url() -> None:
    token = "sk-in-the-url-000"
    with pytest.raises(UpstreamUnavailable) as caught:
        egress.request("GET", f"http://{PROVIDER_HOST}:1/x?key={token}", secrets=[token])

    assert token not in str(caught.value.detail)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_the_address_checked_is_the_address_connected_to(httpserver: HTTPServer, monkeypatch):
    """DNS rebinding: a name that answers an allowed address to the check and a private one
    afterwards. The name is resolved once and the checked address is the one connected to (a
    second lookup would connect to 10.0.0.1, which pytest-socket would stop loudly)."""
    real = socket.getaddrinfo
    lookups = []

    def rebinding(host, port, *args, **kwargs):
        if host != "rebind.test":
            return real(host, port, *args, **kwargs)
        lookups.append(host)
        address = PROVIDER_HOST if len(lookups) == 1 else "10.0.0.1"
        return real(address, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    httpserver.expect_request("/").respond_with_data("reached")

    answer = egress.request("GET", f"http://rebind.test:{httpserver.port}/")

    assert answer.body == b"reached"
    assert lookups == ["rebind.test"]
    ((request, _),) = httpserver.log
    assert request.headers["Host"] == f"rebind.test:{httpserver.port}"


class _ClosesKeptAliveConnections:
    """A server on the provider's address that answers the first request of each connection
    and closes the connection when the second one arrives, without answering it: what an
    upstream that drops idle kept-alive connections does to the request that reused one."""

    def __init__(self) -> None:
        self.listener = socket.create_server((PROVIDER_HOST, 0))
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                if not self._read_request(conn):
                    continue
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                self._read_request(conn)  # the reuse: read it, then close without a word

    @staticmethod
    def _read_request(conn: socket.socket) -> bool:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                return False
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = next(
            (
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ),
            0,
        )
        while len(body) < length:
            body += conn.recv(4096)
        return True

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def dropping_server():
    server = _ClosesKeptAliveConnections()
    yield server
    server.close()


def test_an_idempotent_request_on_a_connection_the_upstream_dropped_is_sent_again_once(
    dropping_server,
):
    url = f"http://{PROVIDER_HOST}:{dropping_server.port}/x"

    first = egress.request("GET", url)
    second = egress.request("GET", url)  # reuses the kept-alive connection, which is dropped

    assert (first.status, second.status) == (200, 200)
    assert dropping_server.connections == 2


def test_a_post_on_a_dropped_connection_is_not_sent_again(dropping_server):
    url = f"http://{PROVIDER_HOST}:{dropping_server.port}/x"
    egress.request("POST", url, body=b"{}")

    with pytest.raises(UpstreamUnavailable):
        egress.request("POST", url, body=b"{}")  # it may have been acted on: no second try
    assert dropping_server.connections == 1
