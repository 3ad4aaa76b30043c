"""Reading a compressed cassette: load time of one body stored plain and stored gzip-compressed.

    python bench/load_compressed.py [--loads 15]

The body is the bundled dapenti recording's (883 KB). Both cassettes are written to a temporary
folder; each is loaded ``--loads`` times with ``harness.cassettes.load_cassette`` (no cache) and
the median is printed, with the median of gzip decompression alone: the goal of issue 16 is that
a compressed cassette costs at most the decompression on top of a plain one's load.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import yaml

from harness.cassettes import load_cassette

ROOT = Path(__file__).resolve().parents[1]
URL = "http://www.dapenti.com/blog/rssfortugua.asp"


def _cassette(body: str | bytes, encoding: str | None) -> bytes:
    headers = {"Content-Type": ["application/rss+xml"]}
    if encoding:
        headers["Content-Encoding"] = [encoding]
    request = {"body": None, "headers": {}, "method": "GET", "uri": URL}
    response = {"body": {"string": body}, "headers": headers, "status": {"code": 200}}
    data = {"interactions": [{"request": request, "response": response}], "version": 1}
    return yaml.safe_dump(data).encode("utf-8")


def _median(fn: Callable[[], object], loads: int) -> float:
    times = []
    for _ in range(loads):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Write both cassettes, time their loads and the decompression, print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=15)
    loads = parser.parse_args().loads
    body = load_cassette(ROOT / "cassettes" / "dapenti_2015-06-14.yaml").interactions[0]
    raw = body.response.body
    packed = gzip.compress(raw)
    with tempfile.TemporaryDirectory() as tmp:
        plain, compressed = Path(tmp, "plain.yaml"), Path(tmp, "gzip.yaml")
        plain.write_bytes(_cassette(raw.decode("utf-8", "replace"), None))
        compressed.write_bytes(_cassette(packed, "gzip"))
        t_plain = _median(lambda: load_cassette(plain), loads)
        t_gzip = _median(lambda: load_cassette(compressed), loads)
    t_inflate = _median(lambda: zlib.decompress(packed, 47), loads)  # 47: gzip header, 32 KiB
    print(f"body {len(raw):,} B, gzip {len(packed):,} B; medians of {loads} loads")
    print(f"load, plain text body:  {t_plain * 1000:.1f} ms")
    print(f"load, gzip !!binary:    {t_gzip * 1000:.1f} ms")
    print(f"gzip decompression:     {t_inflate * 1000:.1f} ms")
    print(f"gzip load <= plain load + decompression: {t_gzip <= t_plain + t_inflate}")


if __name__ == "__main__":
    main()
