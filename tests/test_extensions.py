"""Third-party parsers and invariants: dotted paths in the config, fetch() served from the cassette."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from helpers import rss

from harness.cassettes import make_interaction, write_cassette
from harness.cli import run

PLUGIN = '''
from typing import ClassVar
from harness.model import FeedOutput
from harness.checks import violation
from harness.parsers.rss import RssParser


class PagedParser:
    """Feed items whose full text lives on a second page, fetched through the harness."""

    name: ClassVar[str] = "paged"
    schema: ClassVar[str] = "feed-item"
    default_invariants: ClassVar[tuple[str, ...]] = ("items-present",)

    def parse(self, response, *, fetch):
        feed = RssParser().parse(response, fetch=fetch)
        items = []
        for item in feed.items:
            page = fetch(item["url"])
            items.append({**item, "content": page.body.decode("utf-8")})
        return FeedOutput(dialect=feed.dialect, feed=feed.feed, items=items)


def content_mentions_title(items, ctx, *, required: bool = True):
    """Each item's fetched page mentions its title."""
    for i, item in enumerate(items):
        if required and item["title"] not in (item["content"] or ""):
            yield violation(item, i, "content", "page does not mention the title",
                            observed=item["content"], expected=item["title"])
'''

CONFIG = """
cassettes = "cassettes"

[[feeds]]
name = "paged"
url = "https://site.test/feed.xml"
parser = "paged_plugin:PagedParser"

[feeds.invariants]
"paged_plugin:content_mentions_title" = { required = true }
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "paged_plugin.py").write_text(PLUGIN, encoding="utf-8")
    (tmp_path / "harness.toml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)
    yield tmp_path
    sys.modules.pop("paged_plugin", None)


def record(project: Path, pages: dict[str, str]) -> None:
    items = [{"title": f"Story {n}", "link": f"https://site.test/{n}"} for n in (1, 2)]
    interactions = [make_interaction("https://site.test/feed.xml", rss(items).encode())]
    interactions += [make_interaction(url, body.encode()) for url, body in pages.items()]
    (project / "cassettes").mkdir(exist_ok=True)
    write_cassette(project / "cassettes" / "paged.yaml", interactions)


def check(*args: str) -> tuple[int, dict]:
    out = io.StringIO()
    code = run(["check", "--format", "json", *args], stdout=out, stderr=io.StringIO())
    return code, json.loads(out.getvalue())


def test_parser_pages_come_from_the_same_cassette(project: Path) -> None:
    record(project, {"https://site.test/1": "Story 1 in full", "https://site.test/2": "Story 2"})
    code, report = check()
    (result,) = report["cassettes"]
    assert (code, result["parser"], result["items"]) == (0, "paged_plugin:PagedParser", 2)
    assert "paged_plugin:content_mentions_title" in result["checks"]


def test_dotted_invariant_fails_with_its_message(project: Path) -> None:
    record(project, {"https://site.test/1": "Story 1", "https://site.test/2": "something else"})
    code, report = check()
    (violation,) = report["cassettes"][0]["violations"]
    assert code == 1
    assert violation["check"] == "paged_plugin:content_mentions_title"
    assert violation["item"]["url"] == "https://site.test/2"


def test_an_unrecorded_page_is_an_error_not_a_network_request(project: Path) -> None:
    record(project, {"https://site.test/1": "Story 1"})
    code, report = check()
    (result,) = report["cassettes"]
    assert (code, result["outcome"]) == (2, "broken")
    assert "no recorded response for https://site.test/2" in result["error"]["message"]
