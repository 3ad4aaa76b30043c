"""A `DriftReport` -> terminal text: findings per feed, then the totals; feed text made inert."""

from __future__ import annotations

from harness.drift import DriftReport, Finding
from harness.report.drift_common import SIGNALS_SHOWN, split_findings
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
        for f in drift:
            lines += _text_finding(f)
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


def _text_finding(f: Finding) -> list[str]:
    first, good = terminal_safe(f.first_seen or "?"), terminal_safe(f.last_good or "none")
    since = f"first seen {first}, last good {good}"
    out = [f"  {f.level.value.upper():7} {f.kind}: {f.title} ({since}); field: {f.field}"]
    for s in f.signals[:SIGNALS_SHOWN]:
        out.append(
            f"      {terminal_safe(shorten(s.signal, 70))}: {terminal_safe(s.before)} -> "
            f"{terminal_safe(s.after)}"
        )
    if len(f.signals) > SIGNALS_SHOWN:
        out.append(f"      ... and {len(f.signals) - SIGNALS_SHOWN} more signals")
    for e in f.examples:
        out.append(
            f"      e.g. {terminal_safe(shorten(e.item, 70))}: "
            f"{terminal_safe(shorten(e.excerpt, 100))}"
        )
    return out
