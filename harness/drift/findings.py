"""What drift detection reports: findings, their examples and signals, a feed's history."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from harness.drift.gitversions import Commit
from harness.findings import Cause, Example, Finding, Level, Scope, SignalChange
from harness.model import Severity
from harness.verdict import exit_code

__all__ = [
    "Cause",
    "DriftReport",
    "Example",
    "FeedHistory",
    "Finding",
    "Level",
    "Scope",
    "SignalChange",
    "TimelinePoint",
]


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    """Key numbers of one recording, for the history chart."""

    recording: str
    path: str
    recorded_at: str | None
    items: int
    transport: str | None
    fill: dict[str, float] = field(default_factory=dict)
    offset: float | None = None  # median minutes, timestamp minus date line
    boilerplate: float | None = None  # median share of body text
    findings: tuple[str, ...] = ()  # kinds first seen here


@dataclass(frozen=True, slots=True)
class FeedHistory:
    """The findings of one feed (a diff, a baseline check or a whole history)."""

    feed: str | None
    recordings: tuple[str, ...]
    findings: tuple[Finding, ...]
    timeline: tuple[TimelinePoint, ...] = ()
    notes: tuple[str, ...] = ()  # where the recordings came from: git, a shallow clone, files
    commits: dict[str, Commit] = field(default_factory=dict)  # recording name -> its commit

    @property
    def drifted(self) -> bool:
        """True when a feed finding is worth a look (a warning or an error): an info finding
        (bytes written otherwise, a namespace nobody reads) is no drift of the feed."""
        return any(f.is_drift and f.level is not Level.INFO for f in self.findings)


@dataclass(frozen=True, slots=True)
class DriftReport:
    """Findings of one run over one or more feeds."""

    mode: str  # "diff", "history", "baseline"
    feeds: tuple[FeedHistory, ...]
    errors: tuple[str, ...] = ()
    fail_on: Severity = Severity.ERROR  # the run's threshold (harness.verdict)

    @property
    def exit_code(self) -> int:
        """2 on errors (or a transport failure in a diff), 1 when a finding is at or above
        ``fail_on``, else 0: :func:`harness.verdict.exit_code`."""
        if self.errors:
            return 2
        if self.mode == "diff" and any(
            f.scope is Scope.RECORDING for h in self.feeds for f in h.findings
        ):
            return 2
        return exit_code((f.level for h in self.feeds for f in h.findings), self.fail_on)

    @property
    def lines(self) -> list[str]:
        """One summary line per feed and a total, e.g. ``rfi: 2 drift findings, 1 item``."""
        out = []
        for h in self.feeds:
            counts = Counter(f.scope for f in h.findings)
            parts = [f"{counts[Scope.FEED]} drift finding{'s' * (counts[Scope.FEED] != 1)}"]
            if counts[Scope.ITEM]:
                parts.append(f"{counts[Scope.ITEM]} item problem{'s' * (counts[Scope.ITEM] != 1)}")
            if counts[Scope.RECORDING]:
                parts.append(f"{counts[Scope.RECORDING]} transport failure(s)")
            out.append(f"{h.feed or '(unclaimed)'}: {', '.join(parts)}")
        drifted = sum(h.drifted for h in self.feeds)
        out.append(f"{len(self.feeds) - drifted} feed(s) unchanged. {drifted} feed(s) drifted.")
        return out
