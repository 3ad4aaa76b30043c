"""Result -> a terminal summary, JSON, Markdown (report_markdown) or JUnit XML (report_junit).

Every format depends only on the `Result`: no clock, no host, no dict-order surprises. Feed
text is hostile, so it always goes through `harness.textsafe` before it is written out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from harness.errors import ConfigError
from harness.model import CassetteResult, Outcome, Result, Severity, Violation
from harness.textsafe import json_safe, shorten, terminal_safe

__all__ = [
    "ERROR_KINDS",
    "Format",
    "Summary",
    "group_by_check",
    "plural",
    "render",
    "severity_counts",
    "summarize",
    "summary_line",
    "to_json_data",
    "unclaimed_label",
    "violation_line",
]

ERROR_KINDS = ("cassette", "parse", "transport", "config")
"""The `CassetteResult.error_kind` values; the JSON report writes any other as "unknown"."""

EXAMPLES_PER_CHECK = 3
ID_WIDTH, URL_WIDTH, VALUE_WIDTH, MESSAGE_WIDTH = 60, 100, 80, 200

_MARKS = {Outcome.PASS: "PASS", Outcome.FAIL: "FAIL", Outcome.BROKEN: "BROKEN"}
_COLORS = {Outcome.PASS: "32", Outcome.FAIL: "31", Outcome.BROKEN: "35"}
_ERROR_COLOR, _WARNING_COLOR = "31", "33"


class Format(StrEnum):
    """The report formats `render` writes."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    JUNIT = "junit"


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts over a whole run."""

    cassettes: int
    passed: int
    failed: int
    broken: int
    items: int
    errors: int
    warnings: int


def render(result: Result, fmt: Format | str, *, color: bool = False) -> str:
    """Render result in fmt; color adds ANSI colour to our own TEXT labels, never to feed text."""
    try:
        fmt = Format(fmt)
    except ValueError:
        valid = ", ".join(f.value for f in Format)
        raise ConfigError(f"No report format {fmt!r}; valid formats are: {valid}.") from None
    # The other formats import this module's helpers, so they are imported here, not at the top.
    if fmt is Format.MARKDOWN:
        from harness.report.markdown import render_markdown

        return render_markdown(result)
    if fmt is Format.JUNIT:
        from harness.report.junit import render_junit

        return render_junit(result)
    if fmt is Format.JSON:
        return _render_json(result)
    return _render_text(result, color=color)


# --- shared by every format -------------------------------------------------------------------


def plural(n: int, word: str) -> str:
    """Return "1 error" / "3 errors"."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def severity_counts(violations: tuple[Violation, ...] | list[Violation]) -> tuple[int, int]:
    """Return (errors, warnings) among violations."""
    errors = sum(1 for v in violations if v.severity is Severity.ERROR)
    return errors, len(violations) - errors


def summarize(result: Result) -> Summary:
    """Count cassettes by outcome, items and violations by severity."""
    outcomes = [c.outcome for c in result.cassettes]
    errors, warnings = severity_counts([v for c in result.cassettes for v in c.violations])
    return Summary(
        cassettes=len(outcomes),
        passed=outcomes.count(Outcome.PASS),
        failed=outcomes.count(Outcome.FAIL),
        broken=outcomes.count(Outcome.BROKEN),
        items=sum(c.items for c in result.cassettes),
        errors=errors,
        warnings=warnings,
    )


def group_by_check(violations: tuple[Violation, ...]) -> list[tuple[str, list[Violation]]]:
    """Group violations by check: checks with errors first, then by name; errors first within."""
    groups: dict[str, list[Violation]] = {}
    for v in violations:
        groups.setdefault(v.check, []).append(v)
    for members in groups.values():
        members.sort(key=lambda v: v.severity is not Severity.ERROR)  # stable: input order kept
    return sorted(groups.items(), key=lambda kv: (severity_counts(kv[1])[0] == 0, kv[0]))


def unclaimed_label(c: CassetteResult) -> str:
    """Return the feed label of a cassette no configured feed claims (raw text, not escaped)."""
    if c.parser is None:
        return "(feed unknown: the input could not be read)"
    return f"(unclaimed: checked with {c.parser} + generic checks)"


def _quoted(value: str) -> str:
    return '"' + terminal_safe(shorten(value, VALUE_WIDTH)) + '"'


def _values(v: Violation) -> str:
    if v.observed is not None and v.expected is not None:
        return f"{_quoted(v.observed)} → {_quoted(v.expected)}"
    if v.observed is not None:
        return f"observed {_quoted(v.observed)}"
    if v.expected is not None:
        return f"expected {_quoted(v.expected)}"
    return ""


def _item_label(v: Violation) -> str:
    parts = [] if v.item_index is None else [f"item {v.item_index}"]
    if v.item_id is not None:
        parts.append("id=" + terminal_safe(shorten(v.item_id, ID_WIDTH)))
    if v.item_url is not None:
        parts.append("url=" + terminal_safe(shorten(v.item_url, URL_WIDTH)))
    return " ".join(parts) or "feed"


def violation_line(v: Violation) -> str:
    """Return one terminal-safe line: item, field, observed → expected, message."""
    where = terminal_safe(v.field)
    values = _values(v)
    detail = f"{where}: {values}" if where and values else values or (where and f"field {where}")
    parts = [_item_label(v), detail, terminal_safe(shorten(v.message, MESSAGE_WIDTH))]
    line = " · ".join(p for p in parts if p)
    return line if v.severity is Severity.ERROR else f"{line} (warning)"


# --- JSON --------------------------------------------------------------------------------------


def to_json_data(result: Result) -> dict[str, Any]:
    """Return the JSON report as plain data (schemas/report.schema.json); text is not escaped."""
    from harness import __version__  # harness/__init__ is the one place the version is written

    s = summarize(result)
    summary = {
        "cassettes": s.cassettes,
        "passed": s.passed,
        "failed": s.failed,
        "broken": s.broken,
        "items": s.items,
        "errors": s.errors,
        "warnings": s.warnings,
        "exit_code": result.exit_code,
    }
    cassettes = [_cassette_data(c) for c in result.cassettes]
    return {
        "tool": "feedharness",
        "version": __version__,
        "summary": summary,
        "cassettes": cassettes,
    }


def _cassette_data(c: CassetteResult) -> dict[str, Any]:
    error = None
    if c.error is not None:
        kind = c.error_kind if c.error_kind in ERROR_KINDS else "unknown"
        error = {"kind": kind, "message": c.error}
    return {
        "path": c.path,
        "feed": c.feed,
        "url": c.url,
        "parser": c.parser,
        "schema": c.schema,
        "dialect": c.dialect,
        "items": c.items,
        "checks": list(c.checks),
        "outcome": c.outcome.value,
        "error": error,
        "notes": list(c.notes),
        "violations": [_violation_data(v) for v in c.violations],
    }


def _violation_data(v: Violation) -> dict[str, Any]:
    return {
        "check": v.check,
        "severity": v.severity.value,
        "message": v.message,
        "field": v.field,
        "observed": v.observed,
        "expected": v.expected,
        "item": {"index": v.item_index, "id": v.item_id, "url": v.item_url},
    }


def _render_json(result: Result) -> str:
    return json_safe(json.dumps(to_json_data(result), ensure_ascii=False, indent=2)) + "\n"


# --- TEXT --------------------------------------------------------------------------------------


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
    parts = [terminal_safe(c.path), feed, f"parser {terminal_safe(c.parser or '-')}"]
    if outcome is not Outcome.BROKEN:
        parts += [plural(c.items, "item"), plural(len(c.checks), "check")]
        parts.append(_counts_label(*severity_counts(c.violations), color))
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


def _cassette_lines(c: CassetteResult, color: bool) -> list[str]:
    lines = [_header(c, color)]
    if c.error is not None:
        kind = f"{terminal_safe(c.error_kind)} error" if c.error_kind else "error"
        lines.append(f"  {_paint(kind, _COLORS[Outcome.BROKEN], color)}: {terminal_safe(c.error)}")
    lines += [f"  note: {terminal_safe(note)}" for note in c.notes]
    for check, members in group_by_check(c.violations):
        lines += _group_lines(check, members, color)
    return lines


def summary_line(result: Result, *, color: bool = False) -> str:
    """Return "7 cassettes: 5 passed, 1 failed, 1 broken · 212 items · 3 errors, 4 warnings"."""
    s = summarize(result)
    outcomes = ", ".join(
        _paint(f"{n} {label}", _COLORS[outcome], color and n > 0)
        for n, label, outcome in (
            (s.passed, "passed", Outcome.PASS),
            (s.failed, "failed", Outcome.FAIL),
            (s.broken, "broken", Outcome.BROKEN),
        )
    )
    counts = _counts_label(s.errors, s.warnings, color)
    return f"{plural(s.cassettes, 'cassette')}: {outcomes} · {plural(s.items, 'item')} · {counts}"


def _render_text(result: Result, *, color: bool) -> str:
    lines: list[str] = []
    for c in result.cassettes:
        lines += _cassette_lines(c, color)
    if lines:
        lines.append("")
    lines.append(summary_line(result, color=color))
    return "\n".join(lines) + "\n"
