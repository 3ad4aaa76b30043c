"""Real HTTP servers on 127.0.0.1 whose replies each test scripts; a project that records from them.

Nothing here touches the internet. A route is a list of replies served in order (the last one
repeats) or a function of the request; every request is kept for the test to inspect. Slow
replies wait on the server's stop event, so shutting the server down ends them at once.
"""

from __future__ import annotations

import gzip
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

from harness.cassettes import load_cassette
from harness.config import HarnessConfig, load_config
from harness.errors import ParseError
from harness.model import FeedOutput, Fetch, Response
from harness.parsers.rss import RssParser
from harness.record.fetcher import Fetcher

ROOT = Path(__file__).resolve().parents[2]
RFI_CASSETTE = ROOT / "cassettes" / "feedx-rfi_2023-11.yaml"
RFI_BODY = load_cassette(RFI_CASSETTE).interactions[0].response.body
RSS_TYPE = "application/rss+xml; charset=utf-8"


@dataclass
class Reply:
    """One scripted response."""

    status: int = 200
    body: bytes = RFI_BODY
    headers: list[tuple[str, str]] = field(default_factory=lambda: [("Content-Type", RSS_TYPE)])
    encoding: str | None = None  # "gzip" or "deflate": compress the body and say so
    chunked: bool = False
    chunk_delay: float = 0.0  # seconds between chunks (a slow server)
    chunk_size: int = 1024


@dataclass
class Seen:
    """One request the server received."""

    path: str  # with the query string
    headers: dict[str, str]


Route = list[Reply] | Callable[["Seen"], Reply]


class FeedServer:
    """A ThreadingHTTPServer on 127.0.0.1 with scripted routes (keyed by path, query ignored)."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        self.stopping = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, *replies: Reply) -> None:
        self.routes[path] = list(replies) or [Reply()]

    def route_fn(self, path: str, fn: Callable[[Seen], Reply]) -> None:
        self.routes[path] = fn

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if urlsplit(r.path).path == path)

    def reply_for(self, seen: Seen) -> Reply:
        route = self.routes.get(urlsplit(seen.path).path)
        if route is None:
            return Reply(status=404, body=b"not found", headers=[("Content-Type", "text/plain")])
        if callable(route):
            return route(seen)
        return route.pop(0) if len(route) > 1 else route[0]

    def start(self) -> FeedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.stopping.is_set():
            return
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            seen = Seen(self.path, dict(self.headers.items()))
            server.requests.append(seen)
            self._send(server.reply_for(seen))

        def _send(self, reply: Reply) -> None:
            body = _encode(reply.body, reply.encoding)
            self.send_response(reply.status)
            for name, value in reply.headers:
                self.send_header(name, value)
            if reply.encoding:
                self.send_header("Content-Encoding", reply.encoding)
            self.send_header("Connection", "close")
            if not reply.chunked:
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for start in range(0, len(body), reply.chunk_size):
                if reply.chunk_delay and server.stopping.wait(reply.chunk_delay):
                    return
                chunk = body[start : start + reply.chunk_size]
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def _encode(body: bytes, encoding: str | None) -> bytes:
    if encoding == "gzip":
        return gzip.compress(body, mtime=0)
    if encoding == "deflate":
        return zlib.compress(body)
    if encoding == "br":
        import brotli  # type: ignore[import-not-found, unused-ignore]

        return bytes(brotli.compress(body))
    return body


RFI_FEED = """
[[feeds]]
name = "{name}"
url = "{url}"
parser = "feedx-rfi"
language = "zh"
timezone = "Europe/Paris"
allowed-hosts = ["rfi.fr"]
boilerplate = ["获取更多RSS", "© 2020 AFP"]

[feeds.parser-options]
timezone = "Europe/Paris"

[feeds.invariants.timestamp-matches-dateline]
max-lead = "5m"
max-lag = "90m"
"""


FOLLOW_FEED = """
[[feeds]]
name = "{name}"
url = "{url}"
parser = "record_servers:FollowParser"

[feeds.parser-options]
follow = {follow}
"""


def write_project(
    folder: Path, feeds: dict[str, str], *, retries: int = 2, record: str = "", extra: str = ""
) -> HarnessConfig:
    """A harness.toml with one feedx-rfi feed per (name, url) plus ``extra``; the loaded config."""
    text = f'cassettes = "cassettes"\n\n[record]\ntimeout = 5\nretries = {retries}\n{record}\n'
    text += "".join(RFI_FEED.format(name=n, url=u) for n, u in feeds.items()) + extra
    (folder / "cassettes").mkdir(parents=True, exist_ok=True)
    (folder / "harness.toml").write_text(text, encoding="utf-8")
    return load_config(folder / "harness.toml")


class FollowParser:
    """The rss parser, then a fetch of each item's link: a parser that needs more pages."""

    name: ClassVar[str] = "follow-test"
    schema: ClassVar[str] = "feed-item"
    default_invariants: ClassVar[tuple[str, ...]] = ("items-present", "unique-ids")

    def __init__(self, *, follow: bool = True) -> None:
        self.follow = follow

    def parse(self, response: Response, *, fetch: Fetch) -> FeedOutput:
        output = RssParser().parse(response, fetch=fetch)
        if self.follow:
            for item in output.items:
                page = fetch(item["url"])
                if page.status != 200:
                    raise ParseError(f"article {item['url']}: HTTP {page.status}")
        return output


def rss_linking(base: str, *numbers: int) -> bytes:
    """An RSS 2.0 feed whose items link to ``{base}/articles/N``."""
    items = "".join(
        f"<item><title>Article {n}</title><link>{base}/articles/{n}</link>"
        f"<guid>{base}/articles/{n}</guid><pubDate>Wed, 06 Dec 2023 15:45:03 GMT</pubDate></item>"
        for n in numbers
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>T</title>'
        f"<link>{base}/</link>{items}</channel></rss>\n"
    ).encode()


class Sleeps(list[float]):
    """An injected sleep: remembers each wait instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def fetcher_for(config: HarnessConfig, sleeps: Sleeps, **kw: object) -> Fetcher:
    """The configured fetcher, with the waits recorded instead of slept."""
    return Fetcher(config.record, sleep=sleeps, **kw)  # type: ignore[arg-type]
