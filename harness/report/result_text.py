"""A check's `Result` -> the terminal summary: a header per cassette, grouped examples, totals.

Feed text goes through `terminal_safe`; colour (ANSI) only ever wraps our own labels.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TextIO

from harness.model import CassetteResult, Outcome, Result, Violation
from harness.report.common import plural
from harness.report.finding import text_lines
from harness.report.result_common import (
    EXAMPLES_PER_CHECK,
    Summary,
    Tally,
    cassette_counts,
    entry_label,
    error_advice,
    group_by_check,
    severity_counts,
    skipped_line,
    summarize,
    unclaimed_label,
    violation_line,
)
from harness.textsafe import terminal_safe

__all__ = ["render_text", "summary_line", "write_text"]

_MARKS = {
    Outcome.PASS: "PASS",
    Outcome.FAIL: "FAIL",
    Outcome.BROKEN: "BROKEN",
    Outcome.SKIPPED: "SKIP",
}
_COLORS = {Outcome.PASS: "32", Outcome.FAIL: "31", Outcome.BROKEN: "35", Outcome.SKIPPED: "36"}
_ERROR_COLOR, _WARNING_COLOR = "31", "33"


def render_text(result: Result, *, color: bool = False) -> str:
    """Every cassette (header, error, notes, three examples per check), then the summary line."""
    out = io.StringIO()
    write_text(result.cassettes, out, color=color)
    return out.getvalue()


def write_text(
    results: Iterable[CassetteResult], out: TextIO, *, color: bool = False, flush: bool = False
) -> Tally:
    """`render_text`, written a cassette at a time as results arrive; returns the counts.

    ``flush`` flushes ``out`` after each cassette, so a reader of a pipe sees a failing feed
    while the run goes on.
    """
    tally = Tally()
    for c in results:
        tally.add(c)
        out.write("\n".join(_cassette_lines(c, color)) + "\n")
        if flush:
            out.flush()
    if tally.summary().cassettes:
        out.write("\n")
    out.write(_summary_text(tally.summary(), color) + "\n")
    return tally


def summary_line(result: Result, *, color: bool = False) -> str:
    """Return "7 cassettes: 5 passed, 1 failed, 1 broken · 212 items · 3 errors, 4 warnings".

    Cassettes with no feed add ", 2 skipped"; cassettes holding several feed responses (a
    result each) make it "3 cassettes (5 results): ...".
    """
    return _summary_text(summarize(result), color)


def _summary_text(s: Summary, color: bool) -> str:
    shown = [
        (s.passed, "passed", Outcome.PASS),
        (s.failed, "failed", Outcome.FAIL),
        (s.broken, "broken", Outcome.BROKEN),
    ]
    if s.skipped:
        shown.append((s.skipped, "skipped", Outcome.SKIPPED))
    outcomes = ", ".join(
        _paint(f"{n} {label}", _COLORS[outcome], color and n > 0) for n, label, outcome in shown
    )
    counts = _counts_label(s.errors, s.warnings, color)
    head = plural(s.cassettes, "cassette")
    if s.files != s.cassettes:
        head = f"{plural(s.files, 'cassette')} ({plural(s.cassettes, 'result')})"
    return f"{head}: {outcomes} · {plural(s.items, 'item')} · {counts}"


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def _counts_label(errors: int, warnings: int, color: bool) -> str:
    e = _paint(plural(errors, "error"), _ERROR_COLOR, color and errors > 0)
    w = _paint(plural(warnings, "warning"), _WARNING_COLOR, color and warnings > 0)
    return f"{e}, {w}"


def _header(c: CassetteResult, color: bool) -> str:
    outcome = c.outcome
    mark = _paint(f"{_MARKS[outcome]:<6}", _COLORS[outcome], color)
    feed = terminal_safe(c.feed) if c.feed is not None else terminal_safe(unclaimed_label(c))
    if outcome is Outcome.SKIPPED:
        return f"{mark} {terminal_safe(c.path)} · {terminal_safe(c.skip_reason or '')}"
    parts = [terminal_safe(entry_label(c)), feed, f"parser {terminal_safe(c.parser or '-')}"]
    if outcome is not Outcome.BROKEN:
        parts += [plural(c.items, "item"), plural(len(c.checks), "check")]
        parts.append(_counts_label(*cassette_counts(c), color))
    return f"{mark} " + " · ".join(parts)


def _group_lines(check: str, members: list[Violation], color: bool) -> list[str]:
    errors, warnings = severity_counts(members)
    counts = [_paint(plural(errors, "error"), _ERROR_COLOR, color)] if errors else []
    if warnings:
        counts.append(_paint(plural(warnings, "warning"), _WARNING_COLOR, color))
    lines = [f"  {terminal_safe(check)}: {', '.join(counts)}"]
    lines += [f"    {violation_line(v)}" for v in members[:EXAMPLES_PER_CHECK]]
    if len(members) > EXAMPLES_PER_CHECK:
        lines.append(f"    ... and {len(members) - EXAMPLES_PER_CHECK} more")
    return lines


def _error_lines(c: CassetteResult, color: bool) -> list[str]:
    if c.error is None:
        return []
    kind = f"{terminal_safe(c.error_kind)} error" if c.error_kind else "error"
    lines = [f"  {_paint(kind, _COLORS[Outcome.BROKEN], color)}: {terminal_safe(c.error)}"]
    advice = error_advice(c.error_kind)
    return lines if advice is None else [*lines, f"  hint: {advice}"]


def _cassette_lines(c: CassetteResult, color: bool) -> list[str]:
    lines = [_header(c, color), *_error_lines(c, color)]
    lines += [f"  note: {terminal_safe(note)}" for note in c.notes]
    lines += [f"  skipped {terminal_safe(skipped_line(s))}" for s in c.skipped]
    for check, members in group_by_check(c.violations):
        lines += _group_lines(check, members, color)
    if c.findings:
        lines.append(f"  drift against the baseline: {plural(len(c.findings), 'finding')}")
        for f in c.findings:
            lines += text_lines(f, "    ")
    return lines
