"""harness.record: proxies from the environment, through a real forward proxy on 127.0.0.1.

The proxy handles what a forward proxy must (RFC 9112 section 3.2.2 absolute-form GET, RFC 9110
section 9.3.6 CONNECT), counts the requests and keeps what it was sent, so each test can tell
whether a request went through it, with which credentials, and that the cassette records only
the origin. The conftest clears the machine's own proxy settings.
"""

from __future__ import annotations

import base64
import http.client
import select
import socket
import socketserver
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from record_servers import RFI_BODY, FeedServer, Reply, Sleeps, write_project

from harness.config import RecordSettings
from harness.record import Verdict, record_feeds
from harness.record.fetcher import Failure, Fetcher, LiveTransportError

FEED_PATH = "/rss/rfi.xml"


@dataclass
class ProxyLog:
    """What the proxy was asked: request lines and their headers."""

    lines: list[str] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.lines)


class ForwardProxy(socketserver.ThreadingTCPServer):
    """A tiny forward proxy: absolute-form GET (forwarded) and CONNECT (a byte tunnel)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.log = ProxyLog()
        self.lock = threading.Lock()

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _ProxyHandler(socketserver.StreamRequestHandler):
    server: ForwardProxy

    def handle(self) -> None:
        line = self.rfile.readline(65536).decode("latin-1").strip()
        headers: dict[str, str] = {}
        while (raw := self.rfile.readline(65536)) not in (b"\r\n", b"\n", b""):
            name, _, value = raw.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        with self.server.lock:
            self.server.log.lines.append(line)
            self.server.log.headers.append(headers)
        method, target, _ = line.split(" ", 2)
        if method == "CONNECT":
            self._tunnel(target)
        else:
            self._forward(target, headers)

    def _tunnel(self, target: str) -> None:
        host, _, port = target.rpartition(":")
        upstream = socket.create_connection((host, int(port)), timeout=10)
        self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        self.wfile.flush()
        sockets = [self.connection, upstream]
        try:
            while True:
                ready, _, _ = select.select(sockets, [], [], 10)
                if not ready:
                    return
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (upstream if sock is self.connection else self.connection).sendall(data)
        finally:
            upstream.close()

    def _forward(self, target: str, headers: dict[str, str]) -> None:
        parts = urlsplit(target)
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port or 80, timeout=10)
        sent = {k: v for k, v in headers.items() if k not in ("proxy-authorization", "host")}
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request("GET", path, headers=sent)
        response = conn.getresponse()
        body = response.read()
        conn.close()
        self.wfile.write(f"HTTP/1.1 {response.status} {response.reason}\r\n".encode())
        for name, value in response.getheaders():
            if name.lower() not in ("connection", "transfer-encoding", "content-length"):
                self.wfile.write(f"{name}: {value}\r\n".encode("latin-1"))
        self.wfile.write(f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode())
        self.wfile.write(body)


@pytest.fixture
def proxy() -> Iterator[ForwardProxy]:
    server = ForwardProxy()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_http_goes_through_the_proxy_with_its_credentials(
    monkeypatch: pytest.MonkeyPatch, proxy: ForwardProxy, server: FeedServer, sleeps: Sleeps
) -> None:
    server.route("/feed.xml", Reply())
    monkeypatch.setenv("http_proxy", f"http://bob:p%40ss@127.0.0.1:{proxy.port}")
    url = server.url("/feed.xml?x=1")
    exchange = Fetcher(RecordSettings(timeout=5, retries=0), sleep=sleeps).get(url)
    assert exchange.response.status == 200
    assert exchange.response.body == RFI_BODY
    assert proxy.log.lines == [f"GET {url} HTTP/1.1"]  # absolute-form
    assert proxy.log.headers[0]["proxy-authorization"] == _basic("bob", "p@ss")
    assert server.hits("/feed.xml") == 1
    (interaction,) = exchange.interactions
    assert interaction.uri == url  # the origin, not the proxy
    assert not any(k.lower().startswith("proxy") for k in interaction.request_headers)


@pytest.mark.parametrize(
    "no_proxy",
    ["127.0.0.1", "localhost, 127.0.0.1", "*", "127.0.0.1:{port}", ".0.0.1"],
)
def test_no_proxy_bypasses_it(
    monkeypatch: pytest.MonkeyPatch,
    proxy: ForwardProxy,
    server: FeedServer,
    sleeps: Sleeps,
    no_proxy: str,
) -> None:
    server.route("/feed.xml", Reply())
    port = urlsplit(server.base).port
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
    monkeypatch.setenv("NO_PROXY", no_proxy.format(port=port))
    exchange = Fetcher(RecordSettings(timeout=5, retries=0), sleep=sleeps).get(
        server.url("/feed.xml")
    )
    assert exchange.response.status == 200
    assert proxy.log.count == 0
    assert server.hits("/feed.xml") == 1


def test_no_proxy_for_another_port_or_host_does_not_bypass_it(
    monkeypatch: pytest.MonkeyPatch, proxy: ForwardProxy, server: FeedServer, sleeps: Sleeps
) -> None:
    server.route("/feed.xml", Reply())
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1:1,example.com")
    Fetcher(RecordSettings(timeout=5, retries=0), sleep=sleeps).get(server.url("/feed.xml"))
    assert proxy.log.count == 1


def test_a_recording_through_the_proxy_names_only_the_origin(
    monkeypatch: pytest.MonkeyPatch, proxy: ForwardProxy, server: FeedServer, tmp_path: Path
) -> None:
    server.route(FEED_PATH, Reply())
    monkeypatch.setenv("HTTP_PROXY", f"http://alice:s3cret-proxy-pw@127.0.0.1:{proxy.port}")
    config = write_project(tmp_path, {"rfi": server.url(FEED_PATH)})
    (result,) = record_feeds(config, fetcher=Fetcher(config.record, sleep=Sleeps())).feeds
    assert result.verdict is Verdict.CREATED, result.reasons
    assert proxy.log.count == 1
    text = (tmp_path / "cassettes" / config.feeds[0].cassette).read_text(encoding="utf-8")
    assert server.url(FEED_PATH) in text
    assert f":{proxy.port}" not in text
    assert "s3cret-proxy-pw" not in text
    assert base64.b64encode(b"alice:s3cret-proxy-pw").decode() not in text
    assert "proxy-authorization" not in text.lower()


TLS = Path(__file__).resolve().parents[1] / "data" / "tls"


@pytest.fixture
def tls_server() -> Iterator[tuple[FeedServer, ssl.SSLContext]]:
    """A FeedServer speaking TLS with a self-signed certificate for 127.0.0.1 kept with the
    tests (tests/data/tls), and a client context trusting it."""
    cert, key = TLS / "cert.pem", TLS / "key.pem"
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(cert, key)
    feed_server = FeedServer()
    feed_server.httpd.socket = server_side.wrap_socket(feed_server.httpd.socket, server_side=True)
    feed_server.start()
    client = ssl.create_default_context(cafile=str(cert))
    try:
        yield feed_server, client
    finally:
        feed_server.stop()


def test_https_goes_through_a_connect_tunnel(
    monkeypatch: pytest.MonkeyPatch,
    proxy: ForwardProxy,
    tls_server: tuple[FeedServer, ssl.SSLContext],
    sleeps: Sleeps,
) -> None:
    server, client = tls_server
    server.route("/feed.xml", Reply())
    port = urlsplit(server.base).port
    monkeypatch.setenv("HTTPS_PROXY", f"http://carol:pw@127.0.0.1:{proxy.port}")
    url = f"https://127.0.0.1:{port}/feed.xml"
    fetcher = Fetcher(RecordSettings(timeout=5, retries=0), sleep=sleeps, tls=client)
    exchange = fetcher.get(url)
    assert exchange.response.status == 200
    assert exchange.response.body == RFI_BODY
    (line,) = proxy.log.lines
    assert line.startswith(f"CONNECT 127.0.0.1:{port} HTTP/1.")  # http.client says 1.0
    assert proxy.log.headers[0]["proxy-authorization"] == _basic("carol", "pw")
    assert server.requests[0].path == "/feed.xml"  # origin-form inside the tunnel
    assert "Proxy-Authorization" not in server.requests[0].headers
    assert exchange.interactions[0].uri == url
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    Fetcher(RecordSettings(timeout=5, retries=0), sleep=sleeps, tls=client).get(url)
    assert proxy.log.count == 1  # bypassed the second time


def test_a_proxy_that_refuses_is_named_in_the_failure(
    monkeypatch: pytest.MonkeyPatch, server: FeedServer, sleeps: Sleeps
) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
    with pytest.raises(LiveTransportError) as caught:
        Fetcher(RecordSettings(timeout=5, retries=0), sleep=sleeps).get(server.url("/x"))
    assert caught.value.kind is Failure.REFUSED
    assert str(caught.value) == (
        f"GET {server.url('/x')}: connection refused by proxy 127.0.0.1:{port}"
    )
    assert server.requests == []


def test_a_socks_proxy_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, server: FeedServer, sleeps: Sleeps
) -> None:
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:1080")
    with pytest.raises(LiveTransportError) as caught:
        Fetcher(RecordSettings(timeout=5, retries=0), sleep=sleeps).get(server.url("/x"))
    assert str(caught.value) == (
        f"GET {server.url('/x')}: proxy socks5://127.0.0.1 is not supported "
        "(feedharness talks to http:// proxies: set HTTPS_PROXY=http://host:port)"
    )
    assert server.requests == []
