"""Content-Encoding undone on read: only over compressed bytes, stacked in reverse, and bounded."""

from __future__ import annotations

import gzip
import sys
import time
import zlib
from pathlib import Path

import pytest

from harness.cassettes import load_cassette, make_interaction, write_cassette
from harness.cassettes.cache import CassetteCache
from harness.cassettes.encoding import ContentDecodingError, decode_content, encodings_of
from harness.errors import CassetteError

FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
    + b"x" * 5000
    + (b"<item><title>One</title><link>https://example.invalid/1</link></item></channel></rss>")
)
LIMIT = 1_000_000
URL = "http://127.0.0.1:8080/feed.xml"


def _br(body: bytes) -> bytes:
    import brotli  # the test extra installs it (optional at run time: a missing one is named)

    return bytes(brotli.compress(body))


def _zstd(body: bytes) -> bytes:
    import zstandard  # the test extra installs it

    return bytes(zstandard.ZstdCompressor().compress(body))


ENCODERS = {
    "gzip": lambda body: gzip.compress(body, mtime=0),
    "x-gzip": lambda body: gzip.compress(body, mtime=0),
    "deflate": zlib.compress,
    "deflate-raw": lambda body: zlib.compress(body)[2:-4],  # RFC 1951 without the zlib wrapper
    "br": _br,
    "zstd": _zstd,
}


@pytest.mark.parametrize("name", sorted(ENCODERS))
def test_each_coding_is_undone(name: str) -> None:
    coding = name.removesuffix("-raw")
    assert decode_content(ENCODERS[name](FEED), encodings_of([coding]), LIMIT) == (FEED, True)


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br", "zstd", "compress", "identity"])
def test_a_plain_body_under_a_stale_header_stays_as_it_is(coding: str) -> None:
    assert decode_content(FEED, [coding], LIMIT) == (FEED, False)
    bom = b"\xef\xbb\xbf" + FEED
    assert decode_content(bom, [coding], LIMIT) == (bom, False)


def test_stacked_codings_are_undone_last_applied_first() -> None:
    twice = zlib.compress(gzip.compress(FEED))  # gzip applied, then deflate
    assert encodings_of(["gzip, deflate"]) == ["gzip", "deflate"]
    assert decode_content(twice, encodings_of(["gzip", "deflate"]), LIMIT) == (FEED, True)
    with pytest.raises(ContentDecodingError):  # the other order is damaged gzip
        decode_content(gzip.compress(zlib.compress(FEED)), ["gzip", "deflate"], LIMIT)


def test_every_gzip_member_is_read() -> None:
    two = gzip.compress(FEED[:100]) + gzip.compress(FEED[100:])
    assert decode_content(two, ["gzip"], LIMIT) == (FEED, True)


@pytest.mark.parametrize(
    ("body", "coding", "says"),
    [
        (gzip.compress(FEED)[:-30], "gzip", "truncated gzip data"),
        (b"\x1f\x8b\x08junkjunkjunk", "gzip", "damaged gzip data"),
        (b"\x78\x9cjunkjunk", "deflate", "deflate data"),
        (b"\x00\x01\x02binary", "compress", "unsupported Content-Encoding 'compress'"),
    ],
)
def test_damaged_data_is_refused_in_one_line(body: bytes, coding: str, says: str) -> None:
    with pytest.raises(ContentDecodingError, match=says) as caught:
        decode_content(body, [coding], LIMIT)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(("module", "coding"), [("brotli", "br"), ("zstandard", "zstd")])
def test_a_missing_optional_decoder_is_named(
    module: str, coding: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = b"\x28\xb5\x2f\xfd" + b"\x00" * 20 if coding == "zstd" else b"\x8b\x03\x80ab\x03"
    monkeypatch.setitem(sys.modules, module, None)  # import fails as if not installed
    with pytest.raises(ContentDecodingError, match=f"the {module} package is not installed"):
        decode_content(body, [coding], LIMIT)
    assert decode_content(FEED, [coding], LIMIT) == (FEED, False)  # a stale header needs none


def gzip_bomb(gigabytes: int) -> bytes:
    """``gigabytes`` GiB of zeros as gzip members of 64 MiB each (~64 KB per member)."""
    member = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9, mtime=0)
    return member * (gigabytes * 16)


def test_a_gzip_bomb_is_refused_at_the_limit_quickly() -> None:
    bomb = gzip_bomb(10)  # 10 GiB once decoded
    started = time.monotonic()
    with pytest.raises(ContentDecodingError, match=r"over the 1,000,000-byte limit") as caught:
        decode_content(bomb, ["gzip"], LIMIT)
    assert time.monotonic() - started < 5
    assert "max-body-bytes" in str(caught.value)


def test_a_bomb_in_a_cassette_is_a_one_line_cassette_error(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    headers = {"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"}
    write_cassette(path, [make_interaction(URL, gzip_bomb(10), headers=headers)])
    started = time.monotonic()
    with pytest.raises(CassetteError) as caught:
        load_cassette(path)  # the default limit: the parsers' 64 MiB
    assert time.monotonic() - started < 20
    message = str(caught.value)
    assert message.startswith(f"{path}: interactions[0].response.body: the gzip-decoded body")
    assert "over the 67,108,864-byte limit ([limits] max-body-bytes)" in message
    assert "\n" not in message


def test_the_cache_keys_decoded_cassettes_by_the_body_limit(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    headers = {"Content-Encoding": "gzip", "Content-Length": "99"}
    write_cassette(path, [make_interaction(URL, gzip.compress(FEED), headers=headers)])
    cache = CassetteCache(tmp_path / "cache")
    first, key = cache.load_keyed(path, max_body_bytes=LIMIT)
    again = cache.load(path, max_body_bytes=LIMIT)
    assert (cache.misses, cache.hits) == (1, 1)
    assert first == again == load_cassette(path)
    assert again.interactions[0].response.body == FEED
    assert again.interactions[0].response_headers == {"Content-Length": (str(len(FEED)),)}
    with pytest.raises(CassetteError, match="over the 100-byte limit"):
        cache.load(path, max_body_bytes=100)  # decoded under a higher limit: never served
    assert key == cache.load_keyed(path, max_body_bytes=LIMIT)[1]


def test_harness_check_decodes_within_the_configured_body_limit(tmp_path: Path) -> None:
    import io
    import json

    from harness.cli import run

    fixture = (
        Path(__file__).resolve().parents[2]
        / "tests/data/vcrpy/test_feeds.TestFeeds.test_httpx_gzip"
    )
    config = tmp_path / "harness.toml"
    config.write_text('cassettes = "."\n\n[limits]\nmax-body-bytes = 500\n', encoding="utf-8")
    out = io.StringIO()
    code = run(["--config", str(config), "check", "--format", "json", str(fixture)], stdout=out)
    (cassette,) = json.loads(out.getvalue())["cassettes"]
    assert (code, cassette["outcome"]) == (2, "broken")
    assert "the gzip-decoded body is over the 500-byte limit" in cassette["error"]["message"]
