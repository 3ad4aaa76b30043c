"""text-complete and timezone-matches: each holds on the real recordings, fails on a variant."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from harness.cassettes import load_cassette
from harness.checks.dates import expected_offset
from harness.checks.text import cut_off, main_text
from harness.errors import ConfigError
from harness.invariants import CheckContext, get_invariant
from harness.model import Item, Response
from harness.parsers.feedx import FeedxRfiParser
from harness.parsers.rss import RssParser

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"
RFI = CheckContext(feed="rfi", timezone="Europe/Paris", language="zh")
DAPENTI = CheckContext(feed="dapenti", timezone="Asia/Shanghai", language="zh")
RSS = CheckContext(feed="ft-home", language="en")


def _no_fetch(url: str) -> Response:
    raise AssertionError(f"unexpected fetch of {url}")


@cache
def _items(name: str) -> tuple[Item, ...]:
    """The items of a bundled recording, as its feed's parser reads them."""
    cassette = load_cassette(CASSETTES / name)
    parser = FeedxRfiParser() if name.startswith("feedx-rfi") else RssParser()
    return tuple(parser.parse(cassette.fetch(cassette.url), fetch=_no_fetch).items)


def _items_copy(name: str) -> list[Item]:
    return copy.deepcopy(list(_items(name)))


def run(check: str, items: list[Item], ctx: CheckContext, **params: Any) -> list[Any]:
    return list(get_invariant(check).bind(params).iter_violations(items, ctx))


# --- text-complete -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "ctx"),
    [
        ("feedx-rfi_2023-05.yaml", RFI),
        ("feedx-rfi_2023-11.yaml", RFI),
        ("ft-home_2025-05-21.yaml", RSS),
        ("ft-home_2026-02-21.yaml", RSS),
        ("dw-en-all_2015-02-23.yaml", RSS),
    ],
)
def test_text_complete_holds_on_the_real_recordings(name: str, ctx: CheckContext) -> None:
    assert run("text-complete", list(_items(name)), ctx) == []


def test_an_article_cut_to_its_opening_fails() -> None:
    [item] = _items_copy("feedx-rfi_2023-05.yaml")
    item["paragraphs"] = [item["lead"][:84] + "…"]
    item["lead"] = None
    [found] = run("text-complete", [item], RFI)
    assert (found.check, found.field) == ("text-complete", "paragraphs/0")
    assert found.observed.endswith("…")
    assert "cut off" in found.message


def test_a_description_cut_with_an_ellipsis_fails() -> None:
    items = _items_copy("ft-home_2025-05-21.yaml")
    summary = items[5]["summary"]
    # the operator's "opening" form: the first link cut, the links after it dropped
    items[5]["summary"] = summary[: summary.index(">Markets</a>")] + ">Markets…</a>, "
    found = run("text-complete", items, RSS)
    assert [(v.item_index, v.field) for v in found] == [(5, "summary")]


def test_a_plain_teaser_cut_with_three_dots_fails() -> None:
    items = _items_copy("dw-en-all_2015-02-23.yaml")
    items[0]["summary"] = items[0]["summary"][:100] + "..."
    assert [v.item_index for v in run("text-complete", items, RSS)] == [0]


@pytest.mark.parametrize(
    ("text", "cut"),
    [
        ("这些数字截至2024年1月8日。", False),
        ("他说：“我们会……”", False),
        ("加拿大移民和难民委员会已下令将一名过去…", True),
        ("Markets…, ", True),
        ("Shares fell...", True),
        ("", False),
    ],
)
def test_cut_off(text: str, cut: bool) -> None:
    assert cut_off(text) is cut


def test_main_text_prefers_the_last_paragraph_then_the_lead_then_the_description() -> None:
    assert main_text({"paragraphs": ["一。", "二。", " "], "lead": "导语"}) == (
        "paragraphs/1",
        "二。",
    )
    assert main_text({"paragraphs": [], "lead": "导语"}) == ("lead", "导语")
    assert main_text({"content": "<p>A &amp; B</p>", "summary": "x"}) == ("content", " A & B ")
    assert main_text({"summary": None}) is None


# --- timezone-matches --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dapenti_2015-01-05.yaml", "dapenti_2015-06-14.yaml"])
def test_timezone_matches_holds_on_the_real_dapenti_recordings(name: str) -> None:
    items = list(_items(name))
    assert items
    assert run("timezone-matches", items, DAPENTI) == []


@pytest.mark.parametrize("zone", ["+0900", "GMT", "+0100", "-0500"])
def test_dates_relabelled_to_another_zone_fail(zone: str) -> None:
    items = _items_copy("dapenti_2015-06-14.yaml")
    raw = items[0]["published_raw"]
    assert raw.endswith("+0800")
    items[0]["published_raw"] = raw[: -len("+0800")] + zone
    [found] = run("timezone-matches", items, DAPENTI)
    assert (found.item_index, found.field, found.observed) == (
        0,
        "published",
        items[0]["published_raw"],
    )
    assert "Asia/Shanghai is at UTC+08:00" in found.message


def test_the_zone_parameter_overrides_the_feed_zone_and_takes_fixed_offsets() -> None:
    items = list(_items("ft-home_2025-05-21.yaml"))  # every pubDate is GMT
    assert run("timezone-matches", items, RSS, zone="UTC") == []
    assert run("timezone-matches", items, RSS, zone="+00:00") == []
    assert len(run("timezone-matches", items, RSS, zone="+08:00")) == len(items)


def test_no_zone_configured_checks_nothing() -> None:
    items = list(_items("ft-home_2025-05-21.yaml"))
    assert run("timezone-matches", items, RSS) == []


def test_the_expected_offset_follows_dst() -> None:
    summer = datetime(2023, 7, 1, 12, tzinfo=UTC)
    winter = datetime(2023, 12, 1, 12, tzinfo=UTC)
    assert expected_offset("Europe/Paris", summer) == timedelta(hours=2)
    assert expected_offset("Europe/Paris", winter) == timedelta(hours=1)
    assert expected_offset("UTC-5", winter) == timedelta(hours=-5)


def test_an_unknown_zone_is_a_config_error_naming_it() -> None:
    with pytest.raises(ConfigError, match="'Mars/Olympus'"):
        expected_offset("Mars/Olympus", datetime(2023, 7, 1, tzinfo=UTC))
