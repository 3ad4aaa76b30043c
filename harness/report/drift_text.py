"""A `DriftReport` -> terminal text: findings per feed, then the totals; feed text made inert."""

from __future__ import annotations

from harness.drift import DriftReport
from harness.report.drift_common import SUBJECT_WIDTH, bisect_line, split_findings
from harness.report.finding import text_lines
from harness.textsafe import shorten, terminal_safe

__all__ = ["render_text"]


def render_text(report: DriftReport) -> str:
    """A terminal summary: findings per feed, then the totals."""
    lines: list[str] = [f"error: {terminal_safe(e)}" for e in report.errors]
    for h in report.feeds:
        drift, items, transport = split_findings(h)
        lines.append(
            f"feed {terminal_safe(h.feed or '(unclaimed)')}: {len(h.recordings)} recording(s)"
        )
        lines += [f"  note: {terminal_safe(n)}" for n in h.notes]
        for f in drift:
            lines += text_lines(f)
            traced = bisect_line(f, h.commits, _quoted)
            if traced:
                lines.append(f"      {traced}")
        for f in items:
            sig = ", ".join(terminal_safe(s.signal) for s in f.signals[:3])
            lines.append(f"  ITEM  {f.title} in {terminal_safe(f.first_seen or '')}: {sig}")
        for f in transport:
            lines.append(
                f"  TRANSPORT {terminal_safe(f.first_seen or '')}: "
                f"{terminal_safe(shorten(f.detail or '', 160))} (not drift)"
            )
    lines += report.lines
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    return f"'{terminal_safe(shorten(text, SUBJECT_WIDTH))}'"
