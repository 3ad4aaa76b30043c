"""The terminal report of a check: exact text, grouping, hostile text, colour."""

from __future__ import annotations

import re
from dataclasses import replace

from hypothesis import given
from report_samples import (
    BROKEN,
    FAILING,
    HOSTILE_RESULT,
    NO_LINK,
    PROPERTY,
    RESULTS,
    SMALL,
    dateline,
)

from harness.model import Result, Severity
from harness.report.result_text import render_text

# --- TEXT ----------------------------------------------------------------------------------------

SMALL_TEXT = """\
FAIL   cassettes/rfi-zh.yaml · rfi-zh · parser feedx-rfi · 12 items · 3 checks · 2 errors, 1 warning
  timestamp-matches-dateline: 2 errors
    item 4 id=a4 url=https://www.rfi.fr/cn/a4 · dateline/time: "10:00" → "11:00" · timestamp is 1h off the date line
    item 7 id=a7 url=https://www.rfi.fr/cn/a7 · dateline/time: "10:00" → "11:00" · timestamp is 1h off the date line
  items-have-links: 1 warning
    item 9 · field url · item has no link (warning)
PASS   cassettes/other.yaml · (unclaimed: checked with rss + generic checks) · parser rss · 3 items · 1 check · 0 errors, 0 warnings
  note: no configured feed claims this URL: checked with rss
BROKEN cassettes/down.yaml · voa-zh · parser rss
  transport error: HTTP 503 Service Unavailable

3 cassettes: 1 passed, 1 failed, 1 broken · 15 items · 2 errors, 1 warning
"""


def test_text_exact() -> None:
    assert render_text(SMALL) == SMALL_TEXT


def test_text_of_an_empty_run() -> None:
    assert render_text(Result()) == (
        "0 cassettes: 0 passed, 0 failed, 0 broken · 0 items · 0 errors, 0 warnings\n"
    )


def test_text_shows_three_examples_per_check_then_counts_the_rest() -> None:
    many = replace(FAILING, violations=tuple(dateline(i) for i in range(5)))
    lines = render_text(Result(cassettes=(many,))).splitlines()
    assert lines[1] == "  timestamp-matches-dateline: 5 errors"
    assert [line[:10] for line in lines[2:5]] == ["    item 0", "    item 1", "    item 2"]
    assert lines[5] == "    ... and 2 more"


def test_text_puts_error_checks_first_and_errors_first_within_a_check() -> None:
    mixed = replace(FAILING, violations=(NO_LINK, dateline(1, Severity.WARNING), dateline(2)))
    lines = render_text(Result(cassettes=(mixed,))).splitlines()
    assert lines[1] == "  timestamp-matches-dateline: 1 error, 1 warning"
    assert lines[2].startswith("    item 2 ")
    assert lines[3].startswith("    item 1 ")
    assert lines[3].endswith(" (warning)")
    assert lines[4] == "  items-have-links: 1 warning"


def test_text_neutralises_hostile_feed_text() -> None:
    text = render_text(HOSTILE_RESULT)
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)
    assert "\\x1b[31mred" in text
    assert "\\u202eevil" in text
    # every line is one of ours: nothing the feed wrote started a line
    assert all(
        re.match(r"(PASS|FAIL|BROKEN|  \S|    \S|\d+ cassettes|$)", ln) for ln in text.split("\n")
    )


def test_text_shortens_long_values() -> None:
    long = replace(dateline(1), observed="x" * 5000, item_url="https://e.org/" + "p" * 5000)
    text = render_text(Result(cassettes=(replace(FAILING, violations=(long,)),)))
    assert max(len(line) for line in text.splitlines()) < 500
    assert "x…" in text


def test_text_colour_only_wraps_our_labels() -> None:
    coloured = render_text(HOSTILE_RESULT, color=True)
    sgr = re.compile(r"\x1b\[\d+m")
    assert sgr.search(coloured)
    assert sgr.sub("", coloured) == render_text(HOSTILE_RESULT)
    assert "\x1b[31mFAIL  \x1b[0m" in render_text(SMALL, color=True)


@given(RESULTS)
@PROPERTY
def test_text_never_carries_a_control_character(result: Result) -> None:
    text = render_text(result)
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028]", text)
    assert text.splitlines()[-1].startswith(f"{len(result.cassettes)} cassette")


INTERNAL = replace(BROKEN, error_kind="internal", error="TypeError: boom")


def test_text_says_what_an_internal_error_is_and_what_to_do() -> None:
    lines = render_text(Result(cassettes=(INTERNAL,))).splitlines()
    assert lines[1] == "  internal error: TypeError: boom"
    assert lines[2] == (
        "  hint: This is a bug in feedharness or in a third-party parser or invariant, not a "
        "fault of the recording: please report it with the message above"
    )


def test_text_gives_no_hint_for_errors_of_the_input() -> None:
    assert "hint:" not in render_text(SMALL)
