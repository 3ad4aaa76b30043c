"""What every format of a check's `Result` shares: counts, grouping, labels, the violation line.

Every format depends only on the `Result`: no clock, no host, no dict-order surprises. Feed
text is hostile, so it always goes through `harness.textsafe` before it is written out.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, TextIO

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
    "SPOOL_BYTES",
    "URL_WIDTH",
    "VALUE_WIDTH",
    "Summary",
    "Tally",
    "cassette_counts",
    "copy_spool",
    "entry_label",
    "error_advice",
    "group_by_check",
    "severity_counts",
    "skipped_line",
    "spool",
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
    tally = Tally()
    for c in result.cassettes:
        tally.add(c)
    return tally.summary()


class Tally:
    """The counts of a report's summary, kept while results stream past (their items dropped).

    Holds numbers only, plus the paths of cassettes holding several feed responses (to count
    files once): a report of any size needs the memory of one cassette's result.
    """

    def __init__(self) -> None:
        self.outcomes = dict.fromkeys(Outcome, 0)
        self.items = self.errors = self.warnings = self.singles = 0
        self.several: set[str] = set()  # paths of cassettes with several feed responses
        self.fail_on: Severity | None = None  # the run's threshold, from its first result

    def add(self, c: CassetteResult) -> None:
        """Count one result."""
        self.outcomes[c.outcome] += 1
        self.items += c.items
        errors, warnings = cassette_counts(c)
        self.errors += errors
        self.warnings += warnings
        if c.interaction is None:
            self.singles += 1
        else:
            self.several.add(c.path)
        if self.fail_on is None:
            self.fail_on = c.fail_on

    def summary(self) -> Summary:
        """The counts so far."""
        o = self.outcomes
        return Summary(
            cassettes=sum(o.values()),
            passed=o[Outcome.PASS],
            failed=o[Outcome.FAIL],
            broken=o[Outcome.BROKEN],
            items=self.items,
            errors=self.errors,
            warnings=self.warnings,
            skipped=o[Outcome.SKIPPED],
            files=self.singles + len(self.several),
        )

    @property
    def exit_code(self) -> int:
        """`Result.exit_code` of the results counted: 2 any broken, 1 any failing, else 0."""
        if self.outcomes[Outcome.BROKEN]:
            return 2
        return 1 if self.outcomes[Outcome.FAIL] else 0


SPOOL_BYTES = 1 << 20
"""Report text kept in memory before it spills to a temporary file (`spool`)."""


def spool() -> IO[str]:
    """A text buffer for the part of a report written before its totals are known.

    JSON, JUnit and Markdown open with the run's totals; their per-cassette text is written
    here while results stream past, then copied out after the totals (`copy_spool`). Past
    SPOOL_BYTES it lives in a temporary file, so memory stays flat whatever the run's size.
    """
    return tempfile.SpooledTemporaryFile(
        max_size=SPOOL_BYTES, mode="w+", encoding="utf-8", errors="surrogatepass", newline=""
    )


def copy_spool(source: IO[str], out: TextIO) -> None:
    """Write everything spooled in ``source`` to ``out``."""
    source.seek(0)
    shutil.copyfileobj(source, out)


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
