"""Built-in invariants on records like the seed item: each passes on it, fails on a variant."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest

from harness.errors import ConfigError, UnknownPluginError
from harness.invariants import CheckContext, available_invariants, get_invariant, parse_duration
from harness.model import Severity

URL = (
    "https://www.rfi.fr/cn/%E4%B8%93%E6%A0%8F%E6%A3%80%E7%B4%A2/%E8%A6%81%E9%97%BB%E8%A7%A3%E8%AF%B4/"
    "20231206-%E7%8E%8B%E6%AF%85"
)
SEED: dict[str, Any] = {  # the seed item (corpus/seed), as the feedx-rfi parser returns it
    "id": URL,
    "url": URL,
    "title": "王毅与布林肯通电话 聚焦加沙战事和台湾问题 - 要闻解说",
    "published": "2023-12-06T15:45:03Z",
    "published_raw": "Wed, 06 Dec 2023 15:45:03 GMT",
    "author": "夏榕",
    "summary": "<div>06/12/2023 - 16:42</div>…",
    "content": None,
    "categories": [],
    "enclosures": [],
    "dateline": {
        "text": "06/12/2023 - 16:42",
        "time": "2023-12-06T16:42:00+01:00",
        "timezone": "Europe/Paris",
    },
    "lead": "据法新社援引中国外交部称，中国外交部长王毅周三12月6日通过电话与美国国务卿布林肯讨论了以色列与哈马斯之间的冲突。",
    "paragraphs": [
        "法新社说，据中国外交部一份新闻稿指出，有关加沙局势王毅在电话中说：“当务之急是停火，以尽快结束战斗。”",
        "上个月，中国国家主席习近平在金砖国家（Brics）虚拟特别峰会上亲自呼吁立即停止敌对行动。",
    ],
    "images": [
        "https://s.rfi.fr/media/display/e8ac8e10-744e-11ee-a457-005056bfb2b6/w:1280/p:16x9/AP23299790617867.jpg"
    ],
}
CTX = CheckContext(
    feed="rfi",
    timezone="Europe/Paris",
    boilerplate=("获取更多RSS",),
    allowed_hosts=("rfi.fr",),
    language="zh",
)


def run(check: str, items: list[dict[str, Any]], **params: Any) -> list[Any]:
    bound = get_invariant(check).bind(params)
    return list(bound.iter_violations(items, CTX))


def variant(**changes: Any) -> dict[str, Any]:
    item = copy.deepcopy(SEED)
    item.update(changes)
    return item


ALL = [
    "timestamp-matches-dateline",
    "url-date-matches-timestamp",
    "paragraphs-nonempty",
    "boilerplate-stripped",
    "no-markup-in-text",
    "links-absolute",
    "unique-ids",
    "title-nonempty",
    "script-matches-language",
]


@pytest.mark.parametrize("check", ALL)
def test_every_builtin_passes_on_the_seed(check: str) -> None:
    assert run(check, [SEED]) == []


def test_builtins_are_registered() -> None:
    assert set(ALL) <= set(available_invariants())


def dateline(text: str, time: str) -> dict[str, str]:
    return {"text": text, "time": time, "timezone": "Europe/Paris"}


@pytest.mark.parametrize(
    ("item", "field", "fragment"),
    [
        (variant(published="2023-12-06T15:30:00Z"), "published", "-12m00s"),  # 12 min before
        (variant(published="2023-12-06T07:45:03Z"), "published", "-7h56m57s"),  # 8-hour shift
        (variant(published="2023-12-06T23:45:03Z"), "published", "+8h03m03s"),
        (
            variant(dateline=dateline("12/06/2023 - 16:42", "2023-06-12T16:42:00+02:00")),
            "published",
            "+4",
        ),
        (variant(dateline=None), "dateline", "no date line"),
        (
            variant(dateline={"text": "Dec 6, 2023", "time": None}),
            "dateline/time",
            "does not parse",
        ),
        (variant(published="2023-12-06T17:43:00Z"), "published", "+2h01m"),  # 2 h late
        (variant(published=None, published_raw="Wes, 32 Dec"), "published", "no usable timestamp"),
    ],
)
def test_timestamp_matches_dateline_fails(item: dict[str, Any], field: str, fragment: str) -> None:
    (found,) = run("timestamp-matches-dateline", [item])
    assert found.field == field
    assert fragment in found.message
    assert found.item_url == URL
    assert found.check == "timestamp-matches-dateline"


def test_timestamp_one_sided_tolerance_and_midnight() -> None:
    late_ok = variant(published="2023-12-06T16:33:00Z")  # 51 min after, as in the archive
    early_ok = variant(published="2023-12-06T15:39:00Z")  # 3 min before
    midnight = variant(
        published="2023-12-31T23:45:00Z",
        dateline=dateline("01/01/2024 - 00:30", "2024-01-01T00:30:00+01:00"),
    )
    assert run("timestamp-matches-dateline", [late_ok, early_ok, midnight]) == []
    assert run("timestamp-matches-dateline", [late_ok], max_lag="30m") != []


def test_url_date() -> None:
    wrong = variant(url=URL.replace("20231206", "20231209"))
    (found,) = run("url-date-matches-timestamp", [wrong])
    assert found.observed == "20231209"
    assert "+" not in found.message or "-3 days" in found.message
    assert (
        run("url-date-matches-timestamp", [variant(url=URL.replace("20231206", "20231207"))]) == []
    )
    no_date = variant(url="http://www.rfi.fr//cn/%E5%85%A8%E7%90%83")
    assert run("url-date-matches-timestamp", [no_date]) == []
    assert run("url-date-matches-timestamp", [no_date], required=True) != []


@pytest.mark.parametrize("paragraphs", [[], ["正文", "   "], ["\u3000"]])
def test_paragraphs_nonempty_fails(paragraphs: list[str]) -> None:
    assert run("paragraphs-nonempty", [variant(paragraphs=paragraphs)])


@pytest.mark.parametrize(
    ("item", "field"),
    [
        (
            variant(paragraphs=[*SEED["paragraphs"], "获取更多RSS：https://feedx.net"]),
            "paragraphs/2",
        ),
        (variant(author="夏榕 获取更多RSS"), "author"),
        (variant(lead="推广 promo-block 新版"), "lead"),
    ],
)
def test_boilerplate_stripped_fails(item: dict[str, Any], field: str) -> None:
    found = run("boilerplate-stripped", [item], markers=["promo-block"])
    assert [v.field for v in found] == [field]


@pytest.mark.parametrize(
    "text",
    [
        "<p>正文</p>",
        "&lt;p&gt;正文",
        "正文&nbsp;正文",
        "&#160;",
        "&amp;lt;div&amp;gt;",
        "<!-- x -->",
    ],
)
def test_no_markup_in_text_fails(text: str) -> None:
    (found,) = run("no-markup-in-text", [variant(paragraphs=[text])])
    assert found.field == "paragraphs/0"


def test_no_markup_allows_plain_ampersands_and_comparisons() -> None:
    assert run("no-markup-in-text", [variant(paragraphs=["AT&T 与 P&G", "3 < 5 > 2"])]) == []


@pytest.mark.parametrize(
    ("item", "field"),
    [
        (variant(images=["/media/display/x.jpg"]), "images/0"),
        (variant(images=["data:image/png;base64,xx"]), "images/0"),
        (variant(url="https://evil.example/cn/20231206-x"), "url"),
        (variant(url="//www.rfi.fr/cn/20231206-x"), "url"),
    ],
)
def test_links_absolute_fails(item: dict[str, Any], field: str) -> None:
    (found,) = run("links-absolute", [item])
    assert found.field == field


def test_unique_ids_and_title() -> None:
    (dupe,) = run("unique-ids", [SEED, copy.deepcopy(SEED)])
    assert dupe.item_index == 1
    assert "item 0" in dupe.message
    assert run("title-nonempty", [variant(title="  ")])
    assert run("title-nonempty", [variant(title=None)])


def test_script_matches_language_catches_mojibake() -> None:
    mojibake = [p.encode("utf-8").decode("latin-1") for p in SEED["paragraphs"]]
    (found,) = run("script-matches-language", [variant(paragraphs=mojibake, lead=None, title="x")])
    assert "Latin-1" in found.message
    english = variant(
        paragraphs=["The quick brown fox jumps over the lazy dog " * 3],
        lead=None,
        title="Fox",
        author=None,
    )
    assert run("script-matches-language", [english])
    assert run("script-matches-language", [english], language="en") == []


def test_parameters_are_validated_with_the_allowed_names() -> None:
    inv = get_invariant("timestamp-matches-dateline")
    with pytest.raises(
        ConfigError, match=r"no parameter 'tolerance'; allowed: max-lag, max-lead, severity"
    ):
        inv.bind({"tolerance": "5m"})
    with pytest.raises(ConfigError, match="expected a duration"):
        inv.bind({"max-lag": "soon"})
    with pytest.raises(ConfigError, match="expected int"):
        get_invariant("paragraphs-nonempty").bind({"min-paragraphs": "3"})
    bound = inv.bind({"max-lag": "1h30m"}, severity=Severity.WARNING)
    assert bound.params["max_lag"] == timedelta(minutes=90)
    assert bound.severity is Severity.WARNING


def test_unknown_invariant_lists_available() -> None:
    with pytest.raises(
        UnknownPluginError, match=r"no invariant 'title-present'; available: .*title-nonempty"
    ):
        get_invariant("title-present")


@pytest.mark.parametrize(
    ("text", "seconds"), [("90m", 5400), ("1h30m", 5400), ("45s", 45), (60, 60), ("7d", 604800)]
)
def test_parse_duration(text: Any, seconds: int) -> None:
    assert parse_duration(text).total_seconds() == seconds
