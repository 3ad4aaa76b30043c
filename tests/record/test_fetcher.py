"""The live client against real servers on 127.0.0.1: decoding, redirects, retries, failures."""

from __future__ import annotations

import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from record_servers import RFI_BODY, ROOT, FeedServer, Reply, Seen, Sleeps

from harness.config import RecordSettings
from harness.model import Response
from harness.record.fetcher import (
    Failure,
    Fetcher,
    LiveTransportError,
    http_problem,
    retry_after,
)
from harness.record.notafeed import feed_problem

SETTINGS = RecordSettings(
    timeout=5, retries=2, user_agent="feedharness-test/1 (+mailto:t@example.test)"
)


def fetcher(sleeps: Sleeps, **kw: object) -> Fetcher:
    return Fetcher(SETTINGS, sleep=sleeps, **kw)  # type: ignore[arg-type]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
@pytest.mark.parametrize("chunked", [False, True])
def test_compressed_and_chunked_bodies_are_decoded(
    server: FeedServer, sleeps: Sleeps, encoding: str, chunked: bool
) -> None:
    server.route("/feed", Reply(encoding=encoding, chunked=chunked, chunk_size=700))
    exchange = fetcher(sleeps).get(server.url("/feed"))
    (interaction,) = exchange.interactions
    assert interaction.response.body == RFI_BODY
    names = {n.lower() for n in interaction.response_headers}
    assert not names & {"content-encoding", "transfer-encoding", "connection"}
    if not chunked:
        assert interaction.response.headers["content-length"] == str(len(RFI_BODY))
    assert server.requests[0].headers["Accept-Encoding"].startswith("gzip, deflate")


def test_brotli_body_is_decoded(server: FeedServer, sleeps: Sleeps) -> None:
    server.route("/feed", Reply(encoding="br"))
    exchange = fetcher(sleeps).get(server.url("/feed"))
    assert exchange.response.body == RFI_BODY
    assert "br" in server.requests[0].headers["Accept-Encoding"]


def test_corrupt_gzip_is_a_one_line_decoding_error(server: FeedServer, sleeps: Sleeps) -> None:
    server.route("/feed", Reply(body=b"not gzip at all", headers=[("Content-Encoding", "gzip")]))
    with pytest.raises(LiveTransportError) as info:
        fetcher(sleeps).get(server.url("/feed"))
    assert info.value.kind is Failure.DECODING
    assert str(info.value).startswith(f"GET {server.url('/feed')}: cannot decode the gzip body")
    assert "\n" not in str(info.value)
    assert sleeps == []  # not retried: the same bytes would come again


def test_user_agent_accept_and_extra_headers_are_sent(server: FeedServer, sleeps: Sleeps) -> None:
    server.route("/feed", Reply())
    fetcher(sleeps, headers={"Authorization": "Bearer abc"}).get(server.url("/feed"))
    sent = server.requests[0].headers
    assert sent["User-Agent"] == SETTINGS.user_agent
    assert sent["Accept"].startswith("application/rss+xml")
    assert sent["Authorization"] == "Bearer abc"


def test_redirect_chain_is_one_interaction_per_hop(server: FeedServer, sleeps: Sleeps) -> None:
    server.route("/old", Reply(status=301, body=b"", headers=[("Location", server.url("/mid"))]))
    server.route("/mid", Reply(status=302, body=b"moved", headers=[("Location", "/feed?v=2")]))
    server.route("/feed", Reply())
    exchange = fetcher(sleeps).get(server.url("/old"))
    assert [(i.uri, i.response.status) for i in exchange.interactions] == [
        (server.url("/old"), 301),
        (server.url("/mid"), 302),
        (server.url("/feed?v=2"), 200),
    ]
    assert exchange.response.body == RFI_BODY


def test_redirect_loop_ends_in_a_clear_error(server: FeedServer, sleeps: Sleeps) -> None:
    server.route("/loop", Reply(status=302, body=b"", headers=[("Location", "/loop")]))
    with pytest.raises(LiveTransportError, match=r"more than 10 redirects") as info:
        fetcher(sleeps).get(server.url("/loop"))
    assert info.value.kind is Failure.REDIRECTS
    assert server.hits("/loop") == 11


def test_429_then_200_is_retried_after_retry_after(server: FeedServer, sleeps: Sleeps) -> None:
    server.route(
        "/feed", Reply(status=429, body=b"slow down", headers=[("Retry-After", "7")]), Reply()
    )
    exchange = fetcher(sleeps).get(server.url("/feed"))
    assert exchange.response.status == 200
    assert (exchange.attempts, server.hits("/feed")) == (2, 2)
    assert sleeps == [7.0]
    assert http_problem(exchange) is None


def test_retry_after_as_an_http_date(server: FeedServer, sleeps: Sleeps) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    server.route("/feed", Reply(status=503, body=b"", headers=[("Retry-After", when)]), Reply())
    fetcher(sleeps).get(server.url("/feed"))
    (waited,) = sleeps
    assert 25 <= waited <= 30


def test_5xx_backs_off_exponentially(server: FeedServer, sleeps: Sleeps) -> None:
    server.route("/feed", Reply(status=502, body=b""), Reply(status=503, body=b""), Reply())
    exchange = fetcher(sleeps).get(server.url("/feed"))
    assert (exchange.response.status, exchange.attempts) == (200, 3)
    assert sleeps == [1.0, 2.0]


def test_500_forever_gives_up_with_a_clear_line(server: FeedServer, sleeps: Sleeps) -> None:
    server.route("/feed", Reply(status=500, body=b"oops", headers=[("Content-Type", "text/plain")]))
    exchange = fetcher(sleeps).get(server.url("/feed"))
    assert server.hits("/feed") == 3  # retries = 2
    assert http_problem(exchange) == (
        f"GET {server.url('/feed')}: HTTP 500 Internal Server Error (3 attempts)"
    )


def test_a_retry_after_over_the_limit_stops_retrying(server: FeedServer, sleeps: Sleeps) -> None:
    server.route("/feed", Reply(status=429, body=b"", headers=[("Retry-After", "3600")]))
    exchange = fetcher(sleeps).get(server.url("/feed"))
    assert sleeps == []
    assert server.hits("/feed") == 1
    assert http_problem(exchange) == (
        f"GET {server.url('/feed')}: HTTP 429 Too Many Requests "
        "(Retry-After 3600 s is over the 60 s limit)"
    )


def test_404_is_not_retried(server: FeedServer, sleeps: Sleeps) -> None:
    exchange = fetcher(sleeps).get(server.url("/nothing-here"))
    assert (exchange.response.status, server.hits("/nothing-here"), sleeps) == (404, 1, [])
    assert http_problem(exchange) == f"GET {server.url('/nothing-here')}: HTTP 404 Not Found"


def test_dns_failure_is_one_clear_line(sleeps: Sleeps) -> None:
    with pytest.raises(LiveTransportError) as info:
        fetcher(sleeps).get("http://nonexistent.invalid/feed.xml")
    message = str(info.value)
    assert info.value.kind is Failure.DNS
    assert message.startswith(
        "GET http://nonexistent.invalid/feed.xml: DNS lookup failed for nonexistent.invalid ("
    )
    assert "\n" not in message


def test_connection_refused_is_retried_then_one_clear_line(sleeps: Sleeps) -> None:
    port = closed_port()
    with pytest.raises(LiveTransportError) as info:
        fetcher(sleeps).get(f"http://127.0.0.1:{port}/feed.xml")
    assert info.value.kind is Failure.REFUSED
    assert str(info.value) == (
        f"GET http://127.0.0.1:{port}/feed.xml: connection refused by 127.0.0.1:{port} (3 attempts)"
    )
    assert sleeps == [1.0, 2.0]


def test_tls_failure_is_not_retried(server: FeedServer, sleeps: Sleeps) -> None:
    url = server.url("/feed").replace("http://", "https://")  # TLS spoken to a plain HTTP server
    with pytest.raises(LiveTransportError) as info:
        fetcher(sleeps).get(url)
    assert info.value.kind is Failure.TLS
    assert str(info.value).startswith(f"GET {url}: TLS error with 127.0.0.1:")
    assert sleeps == []


def test_a_slow_body_times_out(server: FeedServer, sleeps: Sleeps) -> None:
    server.route("/feed", Reply(chunked=True, chunk_delay=2.0))
    quick = Fetcher(RecordSettings(timeout=0.3, retries=0), sleep=sleeps)
    started = time.monotonic()
    with pytest.raises(LiveTransportError, match=r": timed out after 0.3 s$") as info:
        quick.get(server.url("/feed"))
    assert info.value.kind is Failure.TIMEOUT
    assert time.monotonic() - started < 2


def test_an_oversized_body_is_refused(server: FeedServer, sleeps: Sleeps) -> None:
    server.route("/feed", Reply())
    with pytest.raises(LiveTransportError, match="body over 1,000 bytes") as info:
        fetcher(sleeps, max_bytes=1000).get(server.url("/feed"))
    assert info.value.kind is Failure.TOO_LARGE


def test_cookies_a_server_sets_are_sent_back(server: FeedServer, sleeps: Sleeps) -> None:
    server.route("/login", Reply(headers=[("Set-Cookie", "sid=abc123; Path=/")]))
    server.route("/feed", Reply())
    client = fetcher(sleeps)
    client.get(server.url("/login"))
    client.get(server.url("/feed"))
    assert "Cookie" not in server.requests[0].headers
    assert server.requests[1].headers["Cookie"] == "sid=abc123"


def test_one_request_at_a_time_per_host_several_hosts_in_parallel(server: FeedServer) -> None:
    in_flight: dict[str, int] = {}
    peak: dict[str, int] = {}
    total = {"now": 0, "peak": 0}
    lock = threading.Lock()

    def slow(seen: Seen) -> Reply:
        host = seen.headers["Host"].split(":")[0]
        with lock:
            in_flight[host] = in_flight.get(host, 0) + 1
            peak[host] = max(peak.get(host, 0), in_flight[host])
            total["now"] += 1
            total["peak"] = max(total["peak"], total["now"])
        server.stopping.wait(0.15)
        with lock:
            in_flight[host] -= 1
            total["now"] -= 1
        return Reply()

    server.route_fn("/feed", slow)
    client = Fetcher(SETTINGS)
    port = server.base.rsplit(":", 1)[1]
    urls = [f"http://{host}:{port}/feed" for host in ("127.0.0.1", "localhost") for _ in range(3)]
    threads = [threading.Thread(target=client.get, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert peak == {"127.0.0.1": 1, "localhost": 1}
    assert total["peak"] == 2


@pytest.mark.parametrize(
    ("body", "headers", "expected"),
    [
        (RFI_BODY, {}, None),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', {}, None),
        (b"", {}, "empty body"),
        (b"  \n", {}, "body is only whitespace (3 bytes)"),
        (
            b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>",
            {"content-type": "text/html"},
            "not a feed: an HTML page (text/html, title '502 Bad Gateway')",
        ),
        (
            b"<?xml version='1.0'?>\n<!-- hi -->\n<html><body>no title</body></html>",
            {},
            "not a feed: an HTML page (no Content-Type, no <title>)",
        ),
        (
            (ROOT / "tests" / "data" / "rss" / "html-antibot-page.html").read_bytes(),
            {"content-type": "text/html; charset=UTF-8"},
            "not a feed: an anti-bot challenge page (text/html; charset=UTF-8, "
            "title 'Just a moment...')",
        ),
    ],
    ids=["rss", "jsonfeed", "empty", "blank", "html-error", "html-after-prolog", "anti-bot"],
)
def test_feed_problem(body: bytes, headers: dict[str, str], expected: str | None) -> None:
    assert feed_problem(Response("https://x.test/", 200, headers, body)) == expected


def test_retry_after_values() -> None:
    now = datetime(2024, 1, 1, tzinfo=UTC)
    assert retry_after(None, now=now) is None
    assert retry_after("120", now=now) == 120.0
    assert retry_after("Mon, 01 Jan 2024 00:00:30 GMT", now=now) == 30.0
    assert retry_after("Sun, 31 Dec 2023 00:00:00 GMT", now=now) == 0.0
    assert retry_after("soon", now=now) is None
