"""An :class:`~harness.audit.run.AuditReport` as text, JSON or Markdown (feed text made inert)."""

from __future__ import annotations

from typing import Any

from harness import __version__
from harness.audit.operators import Kind
from harness.audit.run import AuditReport, FeedAudit, Score
from harness.report.common import json_document
from harness.textsafe import md_table_cell, shorten, terminal_safe

__all__ = ["FORMATS", "render_audit", "summary_lines", "to_json_data"]

FORMATS = ("text", "json", "markdown")
_NOTE_WIDTH = 110


def render_audit(report: AuditReport, fmt: str = "text") -> str:
    """The report in ``fmt`` (text, json or markdown), ending with a newline."""
    if fmt == "json":
        return json_document(to_json_data(report))
    if fmt == "markdown":
        return "\n".join(_markdown(report)) + "\n"
    return "\n".join(_text(report)) + "\n"


def _result(score: Score) -> str:
    verdict = score.verdict
    if verdict in ("n/a", "crashed"):
        return verdict
    if score.kind is Kind.BENIGN:
        return f"{verdict} {score.alarms}/{score.examples}"
    if verdict == "absorbed":
        return f"absorbed {score.absorbed}/{score.examples}"
    return f"{verdict} {score.caught}/{score.examples}" + (
        f" (+{score.absorbed} absorbed)" if score.absorbed else ""
    )


def _by(score: Score) -> str:
    return ", ".join(f"{check} {n}" for check, n in sorted(score.by_check.items()))


def _detail(score: Score) -> str:
    if score.crashes:
        return "operator crashed: " + sorted(score.crashes)[0]
    return score.example or ""


def summary_lines(report: AuditReport) -> list[str]:
    """The closing lines: misses, alarms, the false-alarm rate and the verdict."""
    failed = [s for f in report.feeds for s in f.scores if s.failed]
    alarms, benign = report.false_alarms()
    rate = f"{alarms / benign:.1%}" if benign else "n/a"
    drift = [s for f in report.feeds for s in f.scores if s.kind is Kind.DRIFT and s.examples]
    caught = sum(1 for s in drift if not s.failed)
    return [
        f"drift operators caught (or absorbed): {caught}/{len(drift)} operator x feed pairs",
        f"false alarms of benign operators: {alarms}/{benign} examples ({rate})",
        "audit passed" if not failed else f"audit failed: {len(failed)} operator x feed pair(s)",
    ]


def _text(report: AuditReport) -> list[str]:
    lines = [
        f"harness audit: {len(report.feeds)} feed(s), {report.examples} examples per operator "
        f"and recording; checks: {' + '.join(report.detectors)}",
        *(f"note: {n}" for n in report.notes),
    ]
    for feed in report.feeds:
        lines += ["", *_feed_header(feed)]
        width = max(len(s.operator) for s in feed.scores)
        for s in feed.scores:
            row = f"  {s.operator:<{width}}  {s.kind.value:<6}  {_result(s):<28}  {_by(s)}"
            lines.append(terminal_safe(row.rstrip()))
            if s.failed and _detail(s):
                lines.append("      e.g. " + terminal_safe(shorten(_detail(s), _NOTE_WIDTH)))
    return [*lines, "", *summary_lines(report)]


def _feed_header(feed: FeedAudit) -> list[str]:
    head = f"{feed.feed}: {len(feed.recordings)} recording(s): {', '.join(feed.recordings)}"
    lines = [terminal_safe(head)]
    if feed.masked:
        lines.append(
            "  masked (already firing on a real recording): "
            + terminal_safe(", ".join(feed.masked))
        )
    return lines


def _markdown(report: AuditReport) -> list[str]:
    lines = [
        "# harness audit",
        "",
        f"{report.examples} examples per operator and recording; checks: "
        f"{' + '.join(report.detectors)}.",
        *(f"\n> {n}" for n in report.notes),
    ]
    for feed in report.feeds:
        lines += ["", f"## {md_table_cell(feed.feed)}", ""]
        lines.append("Recordings: " + ", ".join(md_table_cell(r) for r in feed.recordings))
        if feed.masked:
            lines.append("Masked: " + ", ".join(md_table_cell(m) for m in feed.masked))
        lines += ["", "| operator | kind | result | by | example |", "|---|---|---|---|---|"]
        for s in feed.scores:
            detail = (
                md_table_cell(shorten(_detail(s), _NOTE_WIDTH)) if s.failed and _detail(s) else ""
            )
            lines.append(
                f"| `{s.operator}` | {s.kind.value} | {_result(s)} | "
                f"{md_table_cell(_by(s)) if s.by_check else ''} | {detail} |"
            )
    return [*lines, "", *(f"- {line}" for line in summary_lines(report))]


def to_json_data(report: AuditReport) -> dict[str, Any]:
    """The report as plain data."""
    alarms, benign = report.false_alarms()
    return {
        "tool": "feedharness",
        "version": __version__,
        "command": "audit",
        "examples": report.examples,
        "detectors": list(report.detectors),
        "notes": list(report.notes),
        "feeds": [
            {
                "feed": f.feed,
                "recordings": list(f.recordings),
                "masked": list(f.masked),
                "operators": [_score_data(s) for s in f.scores],
            }
            for f in report.feeds
        ],
        "summary": {
            "failed": sum(1 for f in report.feeds for s in f.scores if s.failed),
            "false_alarms": alarms,
            "benign_examples": benign,
            "exit_code": report.exit_code,
        },
    }


def _score_data(s: Score) -> dict[str, Any]:
    return {
        "operator": s.operator,
        "kind": s.kind.value,
        "doc": s.doc,
        "verdict": s.verdict,
        "examples": s.examples,
        "caught": s.caught,
        "absorbed": s.absorbed,
        "missed": s.missed,
        "alarms": s.alarms,
        "noop": s.noop,
        "not_applicable": sorted(s.not_applicable),
        "crashes": sorted(s.crashes),
        "by_check": dict(sorted(s.by_check.items())),
        "example": s.example,
    }
