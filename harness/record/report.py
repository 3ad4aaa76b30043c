"""What `harness record` tells at the end: each feed's block of lines and a summary line.

The report is plain data with a ``lines`` property, printed identically by the CLI and the
pytest plugin.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from harness.findings import DRIFT_CHECK
from harness.record.outcome import SWAPPED, FeedRecord, RecordMode, Verdict
from harness.textsafe import terminal_safe

__all__ = ["RecordReport"]


@dataclass(frozen=True, slots=True)
class RecordReport:
    """Every feed's outcome; ``lines`` is the text the CLI and the pytest plugin print."""

    mode: RecordMode
    feeds: tuple[FeedRecord, ...]

    @property
    def exit_code(self) -> int:
        """0 when every feed is fine, 1 when any was kept, failed or is missing."""
        return 0 if all(f.ok for f in self.feeds) else 1

    @property
    def lines(self) -> tuple[str, ...]:
        """One block per feed, then a summary line."""
        lines = [line for record in self.feeds for line in _record_lines(record)]
        counts = {v: sum(1 for f in self.feeds if f.verdict is v) for v in Verdict}
        summary = ", ".join(f"{n} {v.value}" for v, n in counts.items() if n)
        lines.append(f"{len(self.feeds)} feed{'s' if len(self.feeds) != 1 else ''}: {summary}")
        return tuple(terminal_safe(line) for line in lines)


def _record_lines(r: FeedRecord) -> Iterator[str]:
    if r.verdict in SWAPPED or r.verdict in (Verdict.CHECKED, Verdict.UNCHANGED):
        head = f"{r.feed}: {r.verdict.value} {r.cassette}"
        yield head + (f" · {r.items} items" if r.items is not None else "")
    elif r.verdict is Verdict.KEPT:
        yield f"{r.feed}: kept {r.cassette} unchanged; new recording left at {r.scratch}"
    elif r.verdict is Verdict.FAILED:
        left = f"; what was received is in {r.scratch}" if r.scratch else ""
        yield f"{r.feed}: failed, {r.cassette} kept unchanged{left}"
    else:
        yield f"{r.feed}: {r.verdict.value} {r.cassette}"
    yield from (f"  {reason}" for reason in r.reasons)
    failing = set(r.reasons)
    for f in r.findings:  # what did not fail the verdict is still worth a line
        line = f"drift ({f.level.value}): {f.kind}: {f.title}"
        if not any(reason.startswith(line) for reason in failing):
            yield f"  {line}"
    if r.comparison is not None:  # content only: the verdict is the findings' (harness diff)
        yield from (f"  {line}" for line in r.comparison.lines if not line.startswith("drift: "))
    if r.verdict is Verdict.KEPT and r.scratch:
        yield f"  review it: harness diff {r.cassette} {r.scratch}"
        yield f"  take it: harness record {r.feed} --accept" + _bless_hint(r)
    elif r.verdict is Verdict.ACCEPTED and _bless_hint(r):
        yield f"  its baseline still holds the old form: run harness bless {r.feed}"


def _bless_hint(r: FeedRecord) -> str:
    """When a baseline judged the recording, it must learn the new form after accepting."""
    baseline = r.check is not None and DRIFT_CHECK in r.check.checks
    return f", then harness bless {r.feed}" if baseline else ""
