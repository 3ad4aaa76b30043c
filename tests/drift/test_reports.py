"""Reports: Markdown inert against hostile feed text, GitHub annotations, JSON schema, HTML."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import cmarkgfm
import jsonschema
import pytest
from drift_paths import VARIANTS
from lxml import html as lxml_html
from markdown_it import MarkdownIt

from harness.cassettes import load_cassette, write_cassette
from harness.drift import DriftReport, Example, Finding, Level, Scope, SignalChange, diff
from harness.drift.fingerprint import Fingerprint
from harness.report.drift import (
    DRIFT_REPORT_SCHEMA,
    emit_github,
    github_annotations,
    render_json,
    render_markdown,
    to_json_data,
    write_github_summary,
)
from harness.report.html import render_html

Print = Callable[[Path], Fingerprint]
HOSTILE = (
    "<script>alert(1)</script> @someone [click](javascript:alert(1)) ``` `tick` "
    "<img src=x onerror=alert(2)> https://evil.example/x <!-- c --> | a | b |"
)


@pytest.fixture
def hostile_report(tmp_path: Path, fingerprint: Print) -> DriftReport:
    """rfi-base with a hostile block in every item (so it repeats: a boilerplate candidate)."""
    base = load_cassette(VARIANTS / "rfi-base.yaml")
    interaction = base.interactions[0]
    block = f'<div class="promo">{HOSTILE}</div>'.replace("]]>", "")
    body = interaction.response.body.decode("utf-8").replace(
        "]]></description>", block + "]]></description>"
    )
    body = body.replace("<title>", "<title>@someone `x` ", 2)
    from harness.cassettes import make_interaction

    path = tmp_path / "hostile.yaml"
    write_cassette(
        path,
        [
            make_interaction(
                interaction.uri, body.encode(), headers={"Content-Type": "application/rss+xml"}
            )
        ],
        base.meta,
    )
    result = diff(fingerprint(VARIANTS / "rfi-base.yaml"), fingerprint(path))
    assert result.drifted
    assert any("script" in e.excerpt for f in result.findings for e in f.examples)
    return DriftReport("diff", (result,))


def _outside_code(html_text: str, needle: str) -> list[str]:
    """Text holding ``needle`` that is not inside a <code> element."""
    root = lxml_html.fromstring(f"<div>{html_text}</div>")

    def in_code(el: object) -> bool:
        return any(a.tag == "code" for a in [el, *el.iterancestors()])  # type: ignore[attr-defined]

    bad = []
    for node in root.iter():
        if node.text and needle in node.text and not in_code(node):
            bad.append(node.text)
        parent = node.getparent()
        if node.tail and needle in node.tail and (parent is None or not in_code(parent)):
            bad.append(node.tail)
    return bad


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
    assert _outside_code(out, "@someone") == []
    assert _outside_code(out, "javascript:") == []
    assert _outside_code(out, "evil.example") == []


def test_markdown_title_line_and_body(hostile_report: DriftReport) -> None:
    first, blank, *_ = render_markdown(hostile_report).split("\n")
    assert first.startswith("feedharness: drift in `rfi`: ")
    assert blank == ""


def test_html_report_escapes_everything(hostile_report: DriftReport) -> None:
    page = render_html(hostile_report)
    assert "<script" not in page
    assert "onerror=alert" not in page.replace("onerror=alert(2)&gt;", "")
    assert "tag:div.promo" in page
    assert "[click](javascript:alert(1))" in page
    assert "<a " not in page
    assert "<img" not in page
    assert "<link" not in page
    assert "<svg" in page  # charts are inline
    assert "default-src 'none'" in page  # no external assets can load


def test_annotations_escape_by_githubs_rules() -> None:
    finding = Finding(
        kind="transport",
        feed="rfi",
        scope=Scope.RECORDING,
        level=Level.WARNING,
        title="transport failure (not drift)",
        explanation="e",
        field="f",
        first_seen="a,b:c.yaml",
        detail="100% broken\r\n::error::injected",
    )
    report = DriftReport("history", (_history(finding),))
    (line,) = github_annotations(report)
    assert line.startswith("::warning file=a%2Cb%3Ac.yaml,title=feedharness rfi%3A transport")
    assert "%0D%0A::error::injected" in line
    assert "100%25 broken" in line
    assert "\n" not in line
    assert "\r" not in line


def _history(*findings: Finding) -> object:
    from harness.drift import FeedHistory

    return FeedHistory("rfi", ("a,b:c.yaml",), findings)


def test_github_summary_and_annotations_only_on_actions(
    tmp_path: Path, hostile_report: DriftReport
) -> None:
    import io

    summary = tmp_path / "summary.md"
    out = io.StringIO()
    emit_github(
        hostile_report, out, {"GITHUB_ACTIONS": "false", "GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert out.getvalue() == ""
    assert not summary.exists()
    emit_github(
        hostile_report, out, {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    )
    assert out.getvalue().startswith("::warning file=")
    assert all(line.startswith("::") for line in out.getvalue().splitlines())
    assert summary.read_text(encoding="utf-8").startswith("feedharness: drift in `rfi`")
    assert write_github_summary(hostile_report, {}) is False


def test_json_report_matches_its_schema(hostile_report: DriftReport) -> None:
    jsonschema.Draft202012Validator.check_schema(DRIFT_REPORT_SCHEMA)
    data = json.loads(render_json(hostile_report))
    jsonschema.validate(data, DRIFT_REPORT_SCHEMA)
    assert data == json.loads(json.dumps(to_json_data(hostile_report)))
    assert data["exit_code"] == 1
    assert data["summary"]["drifted"] == 1


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
        render_markdown(DriftReport("diff", (_history(finding),)))
    )
    assert _outside_code(out, "@") == []
    assert "<script" not in out
    assert "<b>" not in out
