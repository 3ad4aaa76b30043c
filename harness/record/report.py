"""What `harness record` tells at the end: each feed's block of lines and a summary line.

The report is plain data with a ``lines`` property, printed identically by the CLI and the
pytest plugin.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from dataclasses import dataclass

from harness.findings import DRIFT_CHECK
from harness.record.outcome import SWAPPED, FeedRecord, RecordMode, Verdict
from harness.textsafe import terminal_safe

__all__ = ["RecordReport", "next_steps"]


@dataclass(frozen=True, slots=True)
class RecordReport:
    """Every feed's outcome; ``lines`` is the text the CLI and the pytest plugin print."""

    mode: RecordMode
    feeds: tuple[FeedRecord, ...]
    warnings: tuple[str, ...] = ()  # about the run itself (an unreadable state file), not a feed

    @property
    def exit_code(self) -> int:
        """0 when every feed is fine (or only flaky), 1 when any was kept, failed or is missing."""
        return 0 if all(f.ok for f in self.feeds) else 1

    @property
    def lines(self) -> tuple[str, ...]:
        """One block per feed, then a summary line."""
        lines = [line for record in self.feeds for line in _record_lines(record)]
        counts = {v: sum(1 for f in self.feeds if f.verdict is v) for v in Verdict}
        parts = [f"{n} {v.value}" for v, n in counts.items() if n]
        flaky = sum(1 for f in self.feeds if f.flaky)
        recovered = sum(1 for f in self.feeds if f.streak is not None and f.streak.recovered)
        parts += [f"{flaky} flaky"] * bool(flaky) + [f"{recovered} recovered"] * bool(recovered)
        lines.append(
            f"{len(self.feeds)} feed{'s' if len(self.feeds) != 1 else ''}: {', '.join(parts)}"
        )
        return tuple(terminal_safe(line) for line in lines)


def _record_lines(r: FeedRecord) -> Iterator[str]:
    if r.verdict in SWAPPED or r.verdict in (Verdict.CHECKED, Verdict.UNCHANGED):
        head = f"{r.feed}: {r.verdict.value} {r.cassette}"
        yield head + (f" · {r.items} items" if r.items is not None else "")
    elif r.verdict is Verdict.KEPT and r.new_feed:
        yield (
            f"{r.feed}: not recorded, {r.cassette} does not exist yet; "
            f"new recording left at {r.scratch}"
        )
    elif r.verdict is Verdict.KEPT:
        yield f"{r.feed}: kept {r.cassette} unchanged; new recording left at {r.scratch}"
    elif r.verdict is Verdict.FAILED:
        yield _failed_head(r)
    else:
        yield f"{r.feed}: {r.verdict.value} {r.cassette}"
    if r.streak is not None and r.streak.news:
        yield f"  {r.streak.line}"
    yield from (f"  {reason}" for reason in r.reasons)
    failing = set(r.reasons)
    for f in r.findings:  # what did not fail the verdict is still worth a line
        line = f"drift ({f.level.value}): {f.kind}: {f.title}"
        if not any(reason.startswith(line) for reason in failing):
            yield f"  {line}"
    if r.comparison is not None:  # content only: the verdict is the findings' (harness diff)
        yield from (f"  {line}" for line in r.comparison.lines if not line.startswith("drift: "))
    yield from _next_lines(r)


def _failed_head(r: FeedRecord) -> str:
    """What a failed recording left: the committed cassette as it was, or nothing at all."""
    if r.new_feed:
        head = f"{r.feed}: failed, nothing recorded: {r.cassette} does not exist yet"
    else:
        head = f"{r.feed}: failed, {r.cassette} kept unchanged"
    return head + (f"; what was received is in {r.scratch}" if r.scratch else "")


def next_steps(r: FeedRecord) -> list[tuple[str, tuple[str, ...]]]:
    """What to do next, as (why, commands to run in order); only files that exist are named.

    Names and paths are shell-quoted when they need it, so each command can be pasted.
    """
    feed, cassette, scratch = (shlex.quote(s) for s in (r.feed, r.cassette, r.scratch or ""))
    again = f"harness record {feed}"
    if r.verdict is Verdict.KEPT and r.scratch:
        # a first recording has nothing to compare with: check it alone
        review = f"harness check {scratch}" if r.new_feed else f"harness diff {cassette} {scratch}"
        return [("review it", (review,)), ("take it", (f"{again} --accept", *_bless(r)))]
    if r.verdict is Verdict.ACCEPTED and _bless(r):
        return [("its baseline still holds the old form", _bless(r))]
    if r.verdict is Verdict.FAILED and r.new_feed and r.transport_failed:
        return [("check the feed's URL in the configuration, then retry", (again,))]
    return []


def _next_lines(r: FeedRecord) -> Iterator[str]:
    for why, commands in next_steps(r):
        yield f"  {why}: {', then '.join(commands)}"


def _bless(r: FeedRecord) -> tuple[str, ...]:
    """When a baseline judged the recording, it must learn the new form after accepting."""
    baseline = r.check is not None and DRIFT_CHECK in r.check.checks
    return (f"harness bless {shlex.quote(r.feed)}",) if baseline else ()
