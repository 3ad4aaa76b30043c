"""feedx-rfi warns when the feed writes an item link relative (RSS links are absolute URLs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cassettes import load_cassette
from harness.model import Response, Severity
from harness.parsers.feedx import FeedxRfiParser, relative_links

CASSETTE = Path(__file__).resolve().parents[2] / "cassettes" / "feedx-rfi_2024-02.yaml"
LINK = "https://www.rfi.fr/cn/%E5%9B%BD%E9%99%85/20240203-"


def _real() -> Response:
    cassette = load_cassette(CASSETTE)
    return cassette.fetch(cassette.url)


def _no_fetch(url: str) -> Response:
    raise AssertionError(f"unexpected fetch of {url}")


def _with_link(new: str) -> Response:
    real = _real()
    body = real.body.replace(f"<link>{LINK}".encode(), f"<link>{new}".encode(), 1)
    assert body != real.body
    return Response(real.url, real.status, real.headers, body)


def test_the_real_recording_has_absolute_links() -> None:
    output = FeedxRfiParser().parse(_real(), fetch=_no_fetch)
    assert [p for p in output.problems if p.check == "link-relative"] == []


@pytest.mark.parametrize(
    "link", ["/cn/%E5%9B%BD%E9%99%85/20240203-", "//www.rfi.fr/cn/%E5%9B%BD%E9%99%85/20240203-"]
)
def test_a_relative_item_link_is_an_error_and_still_resolved(link: str) -> None:
    real = FeedxRfiParser().parse(_real(), fetch=_no_fetch).items[0]
    output = FeedxRfiParser().parse(_with_link(link), fetch=_no_fetch)
    assert output.items[0]["url"] == real["url"]
    [problem] = [p for p in output.problems if p.check == "link-relative"]
    assert (problem.severity, problem.item_index, problem.field) == (Severity.ERROR, 0, "url")
    assert (problem.observed or "").startswith(link[:10])
    assert problem.message == (
        "the item link is relative in the feed: resolved against https://www.rfi.fr/cn/"
    )


def test_only_items_whose_link_was_relative_are_named() -> None:
    body = (
        b"<rss><channel><link>https://www.rfi.fr/cn/</link>"
        b"<item><link>https://www.rfi.fr/cn/a</link></item>"
        b"<item><link>/cn/b?x=1&amp;y=2</link></item>"
        b"<item><link><![CDATA[/cn/c?x=1&y=2]]></link></item></channel></rss>"
    )
    urls = [
        "https://www.rfi.fr/cn/a",
        "https://www.rfi.fr/cn/b?x=1&y=2",
        "https://www.rfi.fr/cn/c?x=1&y=2",
    ]
    items = [{"url": url} for url in urls]
    found = list(relative_links(body, items, base="https://www.rfi.fr/cn/"))
    assert [(v.item_index, v.observed) for v in found] == [
        (1, "/cn/b?x=1&y=2"),
        (2, "/cn/c?x=1&y=2"),
    ]
