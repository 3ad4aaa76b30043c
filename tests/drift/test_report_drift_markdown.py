"""A drift report as Markdown: the title line, nothing in it comes alive in a real renderer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cmarkgfm
import pytest
from hostile_drift import Print, build_hostile_report, history_of, outside_code
from markdown_it import MarkdownIt

from harness.drift import DriftReport, Example, Finding, Level, Scope, SignalChange
from harness.report.drift_markdown import render_markdown


@pytest.fixture
def hostile_report(tmp_path: Path, fingerprint: Print) -> DriftReport:
    """rfi-base with a hostile block in every item (so it repeats: a boilerplate candidate)."""
    return build_hostile_report(tmp_path, fingerprint)


@pytest.mark.parametrize(
    "render",
    [
        MarkdownIt("commonmark").render,
        cmarkgfm.github_flavored_markdown_to_html,
        cmarkgfm.markdown_to_html,
    ],
    ids=["markdown-it", "cmark-gfm", "cmark"],
)
def test_markdown_is_inert(hostile_report: DriftReport, render: Callable[[str], str]) -> None:
    markdown = render_markdown(hostile_report)
    assert "@someone" in markdown
    assert "javascript:" in markdown
    out = render(markdown)
    assert "<script" not in out  # ...but nothing of it comes alive
    assert "<img" not in out
    assert "<a href" not in out
    assert "<a " not in out
    assert "<!--" not in out
    assert outside_code(out, "@someone") == []
    assert outside_code(out, "javascript:") == []
    assert outside_code(out, "evil.example") == []


def test_markdown_title_line_and_body(hostile_report: DriftReport) -> None:
    first, blank, *_ = render_markdown(hostile_report).split("\n")
    assert first.startswith("feedharness: drift in `rfi`: ")
    assert blank == ""


def test_signal_change_fields_are_all_rendered_as_code() -> None:
    finding = Finding(
        kind="new-block",
        feed="f",
        scope=Scope.FEED,
        level=Level.WARNING,
        title="t",
        explanation="x",
        field="paragraphs",
        signals=(SignalChange("tag:@someone", "<b>", "](javascript:x)", "appeared"),),
        examples=(Example("@item", "`", "<script>"),),
        first_seen="@new",
        last_good="@old",
    )
    out = cmarkgfm.github_flavored_markdown_to_html(
        render_markdown(DriftReport("diff", (history_of(finding),)))
    )
    assert outside_code(out, "@") == []
    assert "<script" not in out
    assert "<b>" not in out
