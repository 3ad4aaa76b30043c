"""What drift detection reports: findings, their examples and signals, a feed's history."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "DriftReport",
    "Example",
    "FeedHistory",
    "Finding",
    "Level",
    "Scope",
    "SignalChange",
    "TimelinePoint",
]


class Level(StrEnum):
    """How much a finding matters: data corrupted or lost, form changed, or one odd item."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Scope(StrEnum):
    """What a finding is about: the feed's form, one item, or one recording's transport."""

    FEED = "feed"
    ITEM = "item"
    RECORDING = "recording"


@dataclass(frozen=True, slots=True)
class Example:
    """One item showing a finding; ``excerpt`` is raw feed text (renderers escape it)."""

    item: str
    title: str
    excerpt: str


@dataclass(frozen=True, slots=True)
class SignalChange:
    """One signal before → after; ``signal`` may hold feed text (tag, class, host names)."""

    signal: str
    before: str
    after: str
    change: str = ""  # appeared, vanished, rose, fell


@dataclass(frozen=True, slots=True)
class Finding:
    """One cause of drift (or an item problem, or a transport failure) in one feed."""

    kind: str
    feed: str | None
    scope: Scope
    level: Level
    title: str  # our own words, no feed text
    explanation: str  # our own words, no feed text
    field: str  # the parser field most likely affected (our words and field names)
    signals: tuple[SignalChange, ...] = ()
    examples: tuple[Example, ...] = ()
    first_seen: str | None = None  # recording where it first appears
    last_good: str | None = None  # the recording before it
    seen_in: tuple[str, ...] = ()  # recordings where it was observed
    detail: str | None = None  # transport reason or another raw one-liner (feed-derived)

    @property
    def is_drift(self) -> bool:
        """True for feed-scope findings: the form of the feed changed."""
        return self.scope is Scope.FEED

    @property
    def signal_names(self) -> frozenset[str]:
        """The signals this finding is made of (for deduplication)."""
        ups = ("appeared", "rose")
        return frozenset(f"{s.signal} {'+' if s.change in ups else '-'}" for s in self.signals)


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

    @property
    def drifted(self) -> bool:
        """True when any finding is feed drift."""
        return any(f.is_drift for f in self.findings)


@dataclass(frozen=True, slots=True)
class DriftReport:
    """Findings of one run over one or more feeds."""

    mode: str  # "diff", "history", "baseline"
    feeds: tuple[FeedHistory, ...]
    errors: tuple[str, ...] = ()

    @property
    def exit_code(self) -> int:
        """2 on errors or transport failures in the compared recording, 1 on drift, else 0."""
        if self.errors:
            return 2
        if any(f.is_drift for h in self.feeds for f in h.findings):
            return 1
        if self.mode == "diff" and any(
            f.scope is Scope.RECORDING for h in self.feeds for f in h.findings
        ):
            return 2
        return 0

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
