"""What every verdict is made of: findings, with their kind, cause class, severity and examples.

A :class:`Finding` is one thing a run found about one feed: feed drift (its form changed), an
item problem, a transport failure, a change only of how the document is written. ``check``,
``diff``, ``record``, ``history``, ``audit`` and the pytest plugin all report findings of this
one shape and decide their exit code from them in :mod:`harness.verdict`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from harness.model import Severity

__all__ = ["DRIFT_CHECK", "Cause", "Example", "Finding", "Level", "Scope", "SignalChange"]

DRIFT_CHECK = "drift"
"""The check id under which ``check`` lists drift against a feed's baseline."""

Level = Severity
"""A finding's severity is a :class:`harness.model.Severity` (error, warning, info)."""


class Cause(StrEnum):
    """Why a finding happened: what a maintainer has to fix, or that nothing needs fixing."""

    TRANSPORT = "transport"  # the fetch failed (HTTP error, cut or empty body): not the feed
    NOT_A_FEED = "not-a-feed"  # the response is no feed document (an HTML page, garbage)
    FORMAT_DRIFT = "format-drift"  # the feed's form changed: a parser extracts other values
    CONTENT_CHANGE = "content-change"  # what the feed says changed, not how (counts, fill rates)
    ITEM_PROBLEM = "item-problem"  # items break a check (one odd item, or new violations)
    PARSER_BUG = "parser-bug"  # the parser or a check crashed: a bug to report
    SERIALIZATION_ONLY = "serialization-only"  # other bytes, the same parsed values


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
    """One cause of drift (or an item problem, or a transport failure) in one feed.

    ``last_good`` → ``first_seen`` are the recordings compared, always in that order: the
    baseline (or the previous recording) first, then the one where the finding appears.
    """

    kind: str
    feed: str | None
    scope: Scope
    level: Severity
    title: str  # our own words, no feed text
    explanation: str  # our own words, no feed text
    field: str  # the parser field most likely affected (our words and field names)
    signals: tuple[SignalChange, ...] = ()
    examples: tuple[Example, ...] = ()
    first_seen: str | None = None  # recording where it first appears
    last_good: str | None = None  # the recording before it (or the baseline)
    seen_in: tuple[str, ...] = ()  # recordings where it was observed
    detail: str | None = None  # transport reason or another raw one-liner (feed-derived)
    cause: Cause = Cause.FORMAT_DRIFT

    @property
    def is_drift(self) -> bool:
        """True for feed-scope findings: the form of the feed changed (or only its bytes)."""
        return self.scope is Scope.FEED

    @property
    def signal_names(self) -> frozenset[str]:
        """The signals this finding is made of (for deduplication)."""
        ups = ("appeared", "rose")
        return frozenset(f"{s.signal} {'+' if s.change in ups else '-'}" for s in self.signals)
