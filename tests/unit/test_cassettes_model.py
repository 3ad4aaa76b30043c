"""harness.cassettes.model: interactions, and a cassette's offline fetch through its redirects."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness.cassettes.model import Cassette, Interaction, make_interaction
from harness.errors import FetchError


def _cassette(*interactions: Interaction) -> Cassette:
    return Cassette(path=Path("cassettes/t.yaml"), interactions=interactions, meta={})


def test_fetch_follows_a_recorded_redirect_chain() -> None:
    final = make_interaction("https://other.test/c", b"<rss/>")
    cassette = _cassette(
        make_interaction("http://x.test/a", b"", status=301, headers={"Location": "/b"}),
        make_interaction("http://x.test/b", b"", status=302, headers={"location": "//y.test/d"}),
        make_interaction(
            "http://y.test/d", b"", status=308, headers={"LOCATION": "https://other.test/c"}
        ),
        final,
    )
    assert cassette.fetch("http://x.test/a") is final.response
    assert cassette.fetch("http://x.test/a").url == "https://other.test/c"
    assert cassette.url == "http://x.test/a"


def test_fetch_matches_equivalent_urls_and_only_gets() -> None:
    get = make_interaction("https://x.test/a?q=1", b"get")
    cassette = _cassette(make_interaction("https://x.test/a?q=1", b"post", method="POST"), get)
    assert cassette.fetch("HTTPS://X.test:443/a?q=1#top") is get.response


def test_fetch_returns_a_redirect_without_location() -> None:
    bare = make_interaction("https://x.test/a", b"moved", status=301)
    assert _cassette(bare).fetch("https://x.test/a") is bare.response


def test_fetch_of_an_unrecorded_url_is_an_error() -> None:
    cassette = _cassette(*(make_interaction(f"https://x.test/{n}", b"") for n in range(7)))
    with pytest.raises(FetchError) as info:
        cassette.fetch("https://x.test/nope")
    assert str(info.value) == (
        "cassettes/t.yaml: no recorded response for https://x.test/nope; recorded: "
        "https://x.test/0, https://x.test/1, https://x.test/2, https://x.test/3, "
        "https://x.test/4 (+2 more)"
    )


def test_fetch_names_the_redirect_to_an_unrecorded_url() -> None:
    cassette = _cassette(
        make_interaction("https://x.test/a", b"", status=307, headers={"Location": "gone"})
    )
    with pytest.raises(
        FetchError,
        match=re.escape(
            "no recorded response for https://x.test/gone (redirected from https://x.test/a); "
            "recorded: https://x.test/a"
        ),
    ):
        cassette.fetch("https://x.test/a")


def test_fetch_stops_a_redirect_loop() -> None:
    cassette = _cassette(
        make_interaction("https://x.test/a", b"", status=302, headers={"Location": "/b"}),
        make_interaction("https://x.test/b", b"", status=302, headers={"Location": "/a"}),
    )
    with pytest.raises(FetchError, match=r"more than 10 redirects from https://x\.test/a"):
        cassette.fetch("https://x.test/a")


def test_make_interaction_headers() -> None:
    interaction = make_interaction(
        "https://x.test/",
        b"",
        headers={"Content-Type": "text/xml", "Vary": ["Accept", "Cookie"], "vary": "Origin"},
    )
    assert interaction.response_headers == {
        "Content-Type": ("text/xml",),
        "Vary": ("Accept", "Cookie"),
        "vary": ("Origin",),
    }
    assert interaction.response.headers == {
        "content-type": "text/xml",
        "vary": "Accept, Cookie, Origin",
    }
    assert interaction.response.content_type == "text/xml"
    assert interaction.method == "GET"
    assert interaction.reason == "OK"
    assert interaction.request_headers == {}


def test_interaction_response_must_match_uri() -> None:
    response = make_interaction("https://x.test/a", b"").response
    with pytest.raises(ValueError, match="differs from uri"):
        Interaction("GET", "https://x.test/b", {}, response, {})
