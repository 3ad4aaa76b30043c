"""What every format of a check's `Result` shares: counts, grouping, labels, the violation line.

Every format depends only on the `Result`: no clock, no host, no dict-order surprises. Feed
text is hostile, so it always goes through `harness.textsafe` before it is written out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.findings import Finding
from harness.model import (
    CassetteResult,
    Outcome,
    Result,
    Severity,
    SkippedInteraction,
    Violation,
)
from harness.textsafe import shorten, terminal_safe

__all__ = [
    "ERROR_KINDS",
    "EXAMPLES_PER_CHECK",
    "ID_WIDTH",
    "INTERNAL",
    "MESSAGE_WIDTH",
    "URL_WIDTH",
    "VALUE_WIDTH",
    "Summary",
    "cassette_counts",
    "entry_label",
    "error_advice",
    "group_by_check",
    "severity_counts",
    "skipped_line",
    "summarize",
    "unclaimed_label",
    "violation_line",
]

INTERNAL = "internal"
"""The error kind of a crash: an exception that is a bug, not a fault of the input."""

ERROR_KINDS = ("cassette", "parse", "transport", "config", INTERNAL)
"""The `CassetteResult.error_kind` values; the JSON report writes any other as "unknown"."""

_ADVICE = {
    INTERNAL: (
        "This is a bug in feedharness or in a third-party parser or invariant, not a fault of "
        "the recording: please report it with the message above"
    ),
}

EXAMPLES_PER_CHECK = 3
ID_WIDTH, URL_WIDTH, VALUE_WIDTH, MESSAGE_WIDTH = 60, 100, 80, 200


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts over a whole run (``cassettes`` counts results: one per feed response)."""

    cassettes: int
    passed: int
    failed: int
    broken: int
    items: int
    errors: int
    warnings: int
    skipped: int = 0  # cassettes with no feed in them
    files: int = 0  # distinct cassette files (fewer than ``cassettes`` when one holds several)


def error_advice(kind: str | None) -> str | None:
    """What an error of this kind means and what to do, when the message alone does not say."""
    return _ADVICE.get(kind or "")


def severity_counts(
    violations: Sequence[Violation], findings: Sequence[Finding] = ()
) -> tuple[int, int]:
    """Return (errors, warnings) among violations and findings (infos are not counted)."""
    levels = [v.severity for v in violations] + [f.level for f in findings]
    return levels.count(Severity.ERROR), levels.count(Severity.WARNING)


def cassette_counts(c: CassetteResult) -> tuple[int, int]:
    """(errors, warnings) of one cassette: its violations and its drift findings."""
    return severity_counts(c.violations, c.findings)


def summarize(result: Result) -> Summary:
    """Count cassettes by outcome, items and violations by severity."""
    outcomes = [c.outcome for c in result.cassettes]
    errors, warnings = severity_counts(
        [v for c in result.cassettes for v in c.violations],
        [f for c in result.cassettes for f in c.findings],
    )
    return Summary(
        cassettes=len(outcomes),
        passed=outcomes.count(Outcome.PASS),
        failed=outcomes.count(Outcome.FAIL),
        broken=outcomes.count(Outcome.BROKEN),
        items=sum(c.items for c in result.cassettes),
        errors=errors,
        warnings=warnings,
        skipped=outcomes.count(Outcome.SKIPPED),
        files=_files(result.cassettes),
    )


def _files(results: Sequence[CassetteResult]) -> int:
    """Cassette files: a result without an interaction is one; several feed responses of one
    cassette (``interaction`` set, the same path) are one."""
    several = {c.path for c in results if c.interaction is not None}
    return sum(1 for c in results if c.interaction is None) + len(several)


def entry_label(c: CassetteResult) -> str:
    """The result's path, with ``#N`` when it is one of several feed responses of the cassette
    (raw text, not escaped)."""
    return c.path if c.interaction is None else f"{c.path}#{c.interaction}"


def skipped_line(s: SkippedInteraction) -> str:
    """'#1 https://example.test/: HTML page, not a feed' (raw text, not escaped)."""
    return f"#{s.interaction} {s.url}: {s.reason}"


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
