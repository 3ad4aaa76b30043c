"""What `harness record` tells: each feed's verdict, the report lines, the progress display.

The report is plain data with a ``lines`` property, printed identically by the CLI and the
pytest plugin; progress goes through the small :class:`Progress` protocol (plain lines for
logs and CI, a status line rewritten in place on an interactive terminal).
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, TextIO

from harness.model import CassetteResult
from harness.textsafe import terminal_safe

if TYPE_CHECKING:
    from harness.record.comparison import Comparison
    from harness.record.transaction import RecordMode

__all__ = [
    "FeedRecord",
    "LiveProgress",
    "PlainProgress",
    "Progress",
    "RecordReport",
    "SilentProgress",
    "Verdict",
    "progress_for",
]


class Verdict(StrEnum):
    """What happened to one feed's committed cassette."""

    CREATED = "created"  # there was none: the clean recording is the cassette now
    REPLACED = "replaced"  # complete and clean: swapped in
    ACCEPTED = "accepted"  # swapped in despite violations or drift (accept=True)
    KEPT = "kept"  # violations or drift: old kept, new left beside it
    FAILED = "failed"  # transport failure, nothing complete recorded: old kept
    SKIPPED = "skipped"  # mode once and the cassette exists
    CHECKED = "checked"  # mode none: checked only
    MISSING = "missing"  # mode none and no cassette


_SWAPPED = frozenset({Verdict.CREATED, Verdict.REPLACED, Verdict.ACCEPTED})


@dataclass(frozen=True, slots=True)
class FeedRecord:
    """The outcome for one feed, with the reasons when its cassette was not replaced."""

    feed: str
    cassette: str  # as reports show paths
    verdict: Verdict
    reasons: tuple[str, ...] = ()  # one line each: transport, violations, drift
    scratch: str | None = None  # the new recording left for review
    status: str | None = None  # "200 OK" of the feed URL
    items: int | None = None
    requests: int = 0
    seconds: float = 0.0
    comparison: Comparison | None = None
    check: CassetteResult | None = None

    @property
    def ok(self) -> bool:
        """Whether this feed needs no attention."""
        if self.verdict is Verdict.CHECKED:
            return not self.reasons
        return self.verdict in _SWAPPED or self.verdict is Verdict.SKIPPED

    @property
    def progress_line(self) -> str:
        """``recording rfi … 200 OK, 34 items, 1.2 s`` (or what failed)."""
        verb = {Verdict.SKIPPED: "skipping", Verdict.CHECKED: "checking"}.get(
            self.verdict, "checking" if self.verdict is Verdict.MISSING else "recording"
        )
        parts = [self.status] if self.status else []
        if self.items is not None:
            parts.append(f"{self.items} item" + ("" if self.items == 1 else "s"))
        if self.verdict is Verdict.FAILED and self.reasons:
            parts.append("failed: " + _PROBLEM_PREFIX.sub("", self.reasons[0]))
        elif self.verdict in (Verdict.MISSING, Verdict.SKIPPED) and self.reasons:
            parts.append(self.reasons[0])
        parts.append(f"{self.seconds:.1f} s")
        return terminal_safe(f"{verb} {self.feed} … {', '.join(parts)}")


_PROBLEM_PREFIX = re.compile(r"^transport: GET \S+: ")


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
    if r.verdict in _SWAPPED or r.verdict is Verdict.CHECKED:
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
    if r.comparison is not None:  # its drift lines are among the reasons already
        yield from (f"  {line}" for line in r.comparison.lines if not line.startswith("drift: "))
    if r.verdict is Verdict.KEPT:
        yield (
            f"  review it (diff {r.cassette} {r.scratch}); to take it, move it over the old one "
            f"or re-record with 'harness record {r.feed} --accept'"
        )


# --- progress ------------------------------------------------------------------------------


class Progress(Protocol):
    """Told when each feed starts and ends (from worker threads: implementations lock)."""

    def started(self, feed: str) -> None:
        """A feed's recording began."""

    def finished(self, record: FeedRecord) -> None:
        """A feed's recording ended."""


class SilentProgress:
    """Says nothing."""

    def started(self, feed: str) -> None:
        """Nothing."""

    def finished(self, record: FeedRecord) -> None:
        """Nothing."""


class PlainProgress:
    """One plain line per finished feed (CI logs, pipes)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.lock = threading.Lock()

    def started(self, feed: str) -> None:
        """Nothing: the line comes when the feed is done."""

    def finished(self, record: FeedRecord) -> None:
        """Print the feed's progress line."""
        with self.lock:
            print(record.progress_line, file=self.stream, flush=True)


class LiveProgress(PlainProgress):
    """On a terminal: the finished lines, under a status line rewritten in place."""

    def __init__(self, stream: TextIO, total: int) -> None:
        super().__init__(stream)
        self.total = total
        self.running: list[str] = []
        self.done = 0

    def started(self, feed: str) -> None:
        """Show the feed in the status line."""
        with self.lock:
            self.running.append(feed)
            self._status()

    def finished(self, record: FeedRecord) -> None:
        """Print the feed's line above the status line."""
        with self.lock:
            self.done += 1
            with contextlib.suppress(ValueError):
                self.running.remove(record.feed)
            self.stream.write(f"\r\x1b[K{record.progress_line}\n")
            self._status()

    def _status(self) -> None:
        if self.done == self.total:
            self.stream.write("\r\x1b[K")
        else:
            names = terminal_safe(", ".join(self.running))[:60]
            self.stream.write(f"\r\x1b[K[{self.done}/{self.total}] recording {names} …")
        self.stream.flush()


def progress_for(stream: TextIO, total: int) -> Progress:
    """A live status line on an interactive terminal (not under CI), plain lines otherwise."""
    interactive = stream.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"
    return LiveProgress(stream, total) if interactive and total > 1 else PlainProgress(stream)
