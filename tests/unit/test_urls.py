"""The one URL normaliser: what counts as the same feed URL for every command."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from harness.urls import normalize_url


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("HTTPS://FeedX.net:443/rss/rfi.xml#x", "https://feedx.net/rss/rfi.xml"),
        ("http://a.test", "http://a.test/"),
        ("http://a.test:80/feed", "http://a.test/feed"),
        ("  https://a.test/feed?x=1  ", "https://a.test/feed?x=1"),
    ],
)
def test_same_resource(a: str, b: str) -> None:
    assert normalize_url(a) == normalize_url(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # RFC 3986 6.2.3: only a scheme's own default port may be dropped
        ("https://example.com:80/feed", "https://example.com/feed"),
        ("http://example.com:443/feed", "http://example.com/feed"),
        ("https://a.test/feed?x=1", "https://a.test/feed?x=2"),
        ("https://a.test/Feed", "https://a.test/feed"),  # paths are case-sensitive
    ],
)
def test_different_resource(a: str, b: str) -> None:
    assert normalize_url(a) != normalize_url(b)


@pytest.mark.parametrize(
    "url", ["http://[::1/feed", "http://a.test:99999/feed", "http://a.test:x/"]
)
def test_malformed_url_is_compared_as_written(url: str) -> None:
    assert normalize_url(url) == url


@given(st.text(max_size=60))
@example("0\x0c?")  # an empty query dropped, whitespace left at the end
@settings(max_examples=2000)
def test_never_raises_and_is_idempotent(url: str) -> None:
    once = normalize_url(url)
    assert normalize_url(once) == once
