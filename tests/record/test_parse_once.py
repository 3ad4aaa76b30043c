"""`harness record` parses a recording once when its parser never fetches (the check's parse),
and live as well only for a parser that may fetch more pages while parsing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from record_servers import FeedServer, FollowParser, Reply, Sleeps, rss_linking

from harness.config import load_config
from harness.parsers import fetches_pages, get_parser
from harness.parsers.rss import RssParser
from harness.record import Verdict, record_feeds
from harness.record.fetcher import Fetcher


@pytest.mark.parametrize("name", ["rss", "feedx-rfi", "itemdump"])
def test_the_built_in_parsers_never_fetch(name: str) -> None:
    assert not fetches_pages(get_parser(name))
    assert not fetches_pages(get_parser(name)())


def test_a_parser_may_fetch_unless_its_own_class_says_not() -> None:
    class Subclass(RssParser):  # may fetch where its base did not: it must say so itself
        pass

    assert fetches_pages(Subclass)
    assert fetches_pages(FollowParser)
    assert fetches_pages(object())


def test_a_feed_is_parsed_once_and_its_items_still_counted(
    tmp_path: Path, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    parses: list[str] = []
    real = RssParser.parse

    def counted(self: RssParser, response: Any, **kw: Any) -> Any:
        parses.append(response.url)
        return real(self, response, **kw)

    monkeypatch.setattr(RssParser, "parse", counted)
    server.route("/feed.xml", Reply(body=rss_linking(server.base, 1, 2, 3)))
    (tmp_path / "harness.toml").write_text(
        'cassettes = "cassettes"\n\n[record]\nretries = 0\n\n'
        f'[[feeds]]\nname = "one"\nurl = "{server.url("/feed.xml")}"\nparser = "rss"\n',
        encoding="utf-8",
    )
    config = load_config(tmp_path / "harness.toml")
    report = record_feeds(config, fetcher=Fetcher(config.record, sleep=Sleeps()))
    (record,) = report.feeds
    assert record.verdict is Verdict.CREATED
    assert record.items == 3
    assert parses == [server.url("/feed.xml")]  # the check's parse only
