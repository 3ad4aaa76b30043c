"""Record the vcrpy cassettes under tests/data/vcrpy/ with real clients, on 127.0.0.1 only.

    python tools/record_vcrpy_fixtures.py [OUT_FOLDER]

Also writes the files no current client records (:func:`write_by_hand`): cassettes as vcrpy wrote
them under Python 2 (``!!python/unicode`` strings, flow style) and Betamax cassettes.

Needs vcrpy, feedparser, requests, httpx, urllib3, brotli and zstandard. A local HTTP server
serves one RSS feed (non-ASCII titles, an emoji) compressed as the request path says (identity,
gzip, deflate, br, zstd) when the client's Accept-Encoding allows it; each client fetches it inside
``vcr.use_cassette`` with the YAML and the JSON serializer. vcrpy's JSON serializer cannot hold a
compressed body, so JSON cassettes of compressed responses are recorded as a JSON user must:
with ``decode_compressed_response=True``. The server's port is replaced by 8080 in the files
(they are replayed, never fetched again), so recording twice gives the same bytes but for the
Date header.
"""

from __future__ import annotations

import base64
import gzip
import json
import sys
import threading
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import brotli
import feedparser
import httpx
import requests
import urllib3
import vcr
import zstandard

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "vcrpy"
PORT = 8080  # written into the files in place of the server's port
FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Fixture feed · vcrpy</title><link>http://127.0.0.1:{port}/</link>
<description>Recorded by tools/record_vcrpy_fixtures.py</description>
<language>en</language>
<item><title>Party time 🎉 for the recorder</title><link>http://127.0.0.1:{port}/a/1</link>
<guid>http://127.0.0.1:{port}/a/1</guid><pubDate>Tue, 01 Dec 2026 10:00:00 GMT</pubDate>
<description>First item, with an emoji in its title.</description></item>
<item><title>Café crème and naïve façades</title><link>http://127.0.0.1:{port}/a/2</link>
<guid>http://127.0.0.1:{port}/a/2</guid><pubDate>Tue, 01 Dec 2026 11:00:00 GMT</pubDate>
<description>Second item: accented Latin letters.</description></item>
<item><title>Third item: 中文标题</title><link>http://127.0.0.1:{port}/a/3</link>
<guid>http://127.0.0.1:{port}/a/3</guid><pubDate>Tue, 01 Dec 2026 12:00:00 GMT</pubDate>
<description>Third item: Chinese characters.</description></item>
</channel></rss>
"""
ENCODERS: dict[str, Callable[[bytes], bytes]] = {
    "identity": lambda body: body,
    "gzip": lambda body: gzip.compress(body, mtime=0),
    "deflate": zlib.compress,
    "br": brotli.compress,
    "zstd": zstandard.ZstdCompressor().compress,
}
ACCEPT_ALL = "gzip, deflate, br, zstd"
SERVED: list[str] = []  # the coding of each response the server sent


def serve() -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            port = self.server.server_address[1]
            body = FEED.format(port=port).encode("utf-8")
            wanted = self.path.strip("/").split("/")[0]
            accepted = self.headers.get("Accept-Encoding", "")
            coding = wanted if wanted in accepted else "identity"
            SERVED.append(coding)
            body = ENCODERS[coding](body)
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            if coding != "identity":
                self.send_header("Content-Encoding", coding)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def with_feedparser(url: str) -> None:
    feedparser.parse(url)  # urllib; asks for gzip and deflate


def with_requests(url: str) -> None:
    requests.get(url, timeout=5)


def with_httpx(url: str) -> None:
    httpx.get(url, timeout=5)


def with_urllib3(url: str) -> None:
    pool = urllib3.PoolManager()  # made inside the cassette: vcrpy patches its connections
    pool.request("GET", url, headers={"Accept-Encoding": ACCEPT_ALL})


CLIENTS = {
    "urllib3": (with_urllib3, ("identity", "gzip", "deflate", "br", "zstd")),
    "feedparser": (with_feedparser, ("identity", "gzip", "deflate")),
    "requests": (with_requests, ("identity", "gzip", "deflate", "br", "zstd")),
    "httpx": (with_httpx, ("identity", "gzip", "deflate", "br", "zstd")),
}


def record(out: Path) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    server = serve()
    port = server.server_address[1]
    made = []
    try:
        for client, (fetch, codings) in CLIENTS.items():
            for coding in codings:
                for serializer in ("yaml", "json"):
                    name = cassette_name(client, coding, serializer)
                    path = out / name
                    path.unlink(missing_ok=True)
                    if serializer == "json" and coding == "zstd":
                        continue  # vcrpy cannot decode zstd: its JSON serializer refuses the body
                    decode = serializer == "json" and coding != "identity"
                    recorder = vcr.VCR(
                        serializer=serializer,
                        record_mode="all",
                        decode_compressed_response=decode,
                    )
                    with recorder.use_cassette(str(path)):
                        fetch(f"http://127.0.0.1:{port}/{coding}/feed.xml")
                    text = path.read_text(encoding="utf-8")
                    path.unlink()
                    served = cassette_name(client, SERVED[-1], serializer)
                    if served in made:  # the client did not ask for this coding: a duplicate
                        continue
                    local = text.replace(f"127.0.0.1:{port}", f"127.0.0.1:{PORT}")
                    (out / served).write_text(local, encoding="utf-8")
                    made.append(served)
    finally:
        server.shutdown()
    return made


def cassette_name(client: str, coding: str, serializer: str) -> str:
    """vcrpy's default name (module.Class.test, no suffix) for YAML, ``.json`` for JSON."""
    if serializer == "json":
        return f"{client}-{coding}.json"
    return f"test_feeds.TestFeeds.test_{client}_{coding}"


PY2_PLAIN = """interactions:
- request:
    body: null
    headers:
      Accept: ['*/*']
      Accept-Encoding: ['gzip, deflate']
      Connection: [keep-alive]
      User-Agent: [!!python/unicode 'python-requests/2.18.4']
    method: GET
    uri: http://127.0.0.1:8080/py2/feed.xml
  response:
    body: {{string: !!python/unicode {body}}}
    headers:
      Content-Type: [!!python/unicode 'application/rss+xml; charset=utf-8']
      Date: ['Tue, 01 Dec 2026 12:30:00 GMT']
    status: {{code: 200, message: OK}}
version: 1
"""
PY2_GZIP = """interactions:
- request:
    body: null
    headers:
      Accept: ['*/*']
      Accept-Encoding: ['gzip, deflate']
      User-Agent: [!!python/str 'python-requests/2.18.4']
    method: GET
    uri: http://127.0.0.1:8080/py2/gzip/feed.xml
  response:
    body:
      string: !!binary |
        {body}
    headers:
      content-encoding: [!!python/unicode gzip]
      content-type: [!!python/unicode 'application/rss+xml; charset=utf-8']
    status: {{code: 200, message: OK}}
version: 1
"""


def write_by_hand(out: Path) -> list[str]:
    """Python 2 vcrpy cassettes and Betamax cassettes, as those tools wrote them."""
    feed = FEED.format(port=PORT)
    utf8 = feed.encode("utf-8")
    files = {
        "py2-unicode.yaml": PY2_PLAIN.format(body=py2_quoted(feed)),
        "test_py2.TestFeeds.test_gzip": PY2_GZIP.format(
            body=base64.b64encode(gzip.compress(utf8, mtime=0)).decode("ascii")
        ),
        "betamax-gzip.json": betamax(
            {"encoding": "utf-8", "base64_string": base64.b64encode(gzip.compress(utf8, mtime=0))},
            [("Content-Encoding", "gzip")],
        ),
        "betamax-latin1.json": betamax(
            {"encoding": "ISO-8859-1", "string": latin1_feed()}, [], "ISO-8859-1"
        ),
    }
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    return list(files)


def py2_quoted(text: str) -> str:
    """A double-quoted YAML scalar as Python 2's PyYAML wrote it (non-ASCII escaped)."""
    quoted = json.dumps(text, ensure_ascii=False)
    return "".join(char if ord(char) < 0x80 else _escape(ord(char)) for char in quoted)


def _escape(code: int) -> str:
    if code < 0x100:
        return f"\\x{code:02X}"
    return f"\\u{code:04X}" if code < 0x10000 else f"\\U{code:08X}"


def latin1_feed() -> str:
    """The feed in ISO-8859-1, without the characters that encoding lacks."""
    feed = FEED.format(port=PORT).replace('encoding="utf-8"', 'encoding="ISO-8859-1"')
    return feed.replace(" 🎉", "").replace(": 中文标题", "").replace("Chinese characters", "plain")


def betamax(body: dict[str, object], headers: list[tuple[str, str]], charset: str = "utf-8") -> str:
    """A Betamax 0.8 cassette of one GET (its JSON layout: sorted keys, lists of header values)."""
    url = f"http://127.0.0.1:{PORT}/betamax/feed.xml"
    if isinstance(body.get("base64_string"), bytes):
        body = {**body, "base64_string": body["base64_string"].decode("ascii")}  # type: ignore[union-attr]
    response_headers = {"Content-Type": [f"application/rss+xml; charset={charset}"]}
    response_headers.update({name: [value] for name, value in headers})
    cassette = {
        "http_interactions": [
            {
                "recorded_at": "2026-12-01T12:30:00",
                "request": {
                    "body": {"encoding": "utf-8", "string": ""},
                    "headers": {
                        "Accept": ["*/*"],
                        "Accept-Encoding": ["gzip, deflate"],
                        "User-Agent": ["python-requests/2.18.4"],
                    },
                    "method": "GET",
                    "uri": url,
                },
                "response": {
                    "body": body,
                    "headers": response_headers,
                    "status": {"code": 200, "message": "OK"},
                    "url": url,
                },
            }
        ],
        "recorded_with": "betamax/0.8.1",
    }
    return json.dumps(cassette, sort_keys=True)


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    names = record(folder) + write_by_hand(folder)
    print(json.dumps(names, indent=1))
