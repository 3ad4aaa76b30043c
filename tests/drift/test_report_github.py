"""A drift report on GitHub Actions: annotations escaped by its rules, the job summary."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hostile_drift import Print, build_hostile_report, history_of

from harness.drift import DriftReport, Finding, Level, Scope
from harness.report.github import emit_github, github_annotations, write_github_summary


@pytest.fixture
def hostile_report(tmp_path: Path, fingerprint: Print) -> DriftReport:
    """rfi-base with a hostile block in every item (so it repeats: a boilerplate candidate)."""
    return build_hostile_report(tmp_path, fingerprint)


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
    report = DriftReport("history", (history_of(finding),))
    (line,) = github_annotations(report)
    assert line.startswith("::warning file=a%2Cb%3Ac.yaml,title=feedharness rfi%3A transport")
    assert "%0D%0A::error::injected" in line
    assert "100%25 broken" in line
    assert "\n" not in line
    assert "\r" not in line


def test_github_summary_and_annotations_only_on_actions(
    tmp_path: Path, hostile_report: DriftReport
) -> None:
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
