"""Text invariants: paragraphs and title present, no markup in text, the text not cut off."""

from __future__ import annotations

import pytest
from invariant_items import RFI, RSS, recorded_items, run, variant

from harness.checks.text import cut_off, main_text
from harness.invariants import CheckContext


@pytest.mark.parametrize("paragraphs", [[], ["正文", "   "], ["\u3000"]])
def test_paragraphs_nonempty_fails(paragraphs: list[str]) -> None:
    assert run("paragraphs-nonempty", [variant(paragraphs=paragraphs)])


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


@pytest.mark.parametrize("title", ["\u3000", None, "", 3])
def test_title_nonempty_fails(title: object) -> None:
    (found,) = run("title-nonempty", [variant(title=title)])
    assert (found.field, found.observed) == ("title", repr(title))


def test_no_markup_allows_plain_ampersands_and_comparisons() -> None:
    assert run("no-markup-in-text", [variant(paragraphs=["AT&T 与 P&G", "3 < 5 > 2"])]) == []


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
    assert run("text-complete", recorded_items(name), ctx) == []


def test_an_article_cut_to_its_opening_fails() -> None:
    [item] = recorded_items("feedx-rfi_2023-05.yaml")
    item["paragraphs"] = [item["lead"][:84] + "…"]
    item["lead"] = None
    [found] = run("text-complete", [item], RFI)
    assert (found.check, found.field) == ("text-complete", "paragraphs/0")
    assert found.observed.endswith("…")
    assert "cut off" in found.message


def test_a_description_cut_with_an_ellipsis_fails() -> None:
    items = recorded_items("ft-home_2025-05-21.yaml")
    summary = items[5]["summary"]
    # the operator's "opening" form: the first link cut, the links after it dropped
    items[5]["summary"] = summary[: summary.index(">Markets</a>")] + ">Markets…</a>, "
    found = run("text-complete", items, RSS)
    assert [(v.item_index, v.field) for v in found] == [(5, "summary")]


def test_a_plain_teaser_cut_with_three_dots_fails() -> None:
    items = recorded_items("dw-en-all_2015-02-23.yaml")
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
