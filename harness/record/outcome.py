"""What `harness record` decides for each feed: the record modes, the verdicts, one feed's record.

Plain data shared by the record transaction (which makes them), its report and its progress
display (which show them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from harness.errors import ConfigError
from harness.findings import Finding
from harness.model import CassetteResult
from harness.record.comparison import Comparison
from harness.textsafe import terminal_safe

__all__ = ["SWAPPED", "FeedRecord", "RecordMode", "Streak", "Verdict"]


class RecordMode(StrEnum):
    """pytest-recording's record modes, as they apply to whole feeds."""

    ONCE = "once"  # record only feeds that have no cassette yet
    NEW_EPISODES = "new_episodes"  # keep every recorded interaction, record the missing ones
    REWRITE = "rewrite"  # record everything again (the default)
    NONE = "none"  # record nothing: check the cassettes; a missing one is an error

    @classmethod
    def parse(cls, value: str) -> RecordMode:
        """The mode named ``value``; ConfigError listing the valid ones otherwise."""
        try:
            return cls(value)
        except ValueError:
            valid = ", ".join(m.value for m in cls)
            raise ConfigError(f"No record mode {value!r}. Valid modes are: {valid}.") from None


class Verdict(StrEnum):
    """What happened to one feed's committed cassette."""

    CREATED = "created"  # there was none: the clean recording is the cassette now
    REPLACED = "replaced"  # complete and clean: swapped in
    UNCHANGED = "unchanged"  # the same responses as committed: the file is left byte-identical
    ACCEPTED = "accepted"  # swapped in despite a failing verdict (accept=True)
    KEPT = "kept"  # a failing verdict (violations, drift): old kept, new left beside it
    FAILED = "failed"  # transport failure, nothing complete recorded: old kept
    SKIPPED = "skipped"  # mode once and the cassette exists
    CHECKED = "checked"  # mode none: checked only
    MISSING = "missing"  # mode none and no cassette


SWAPPED = frozenset({Verdict.CREATED, Verdict.REPLACED, Verdict.ACCEPTED})
"""The verdicts that put the new recording in place of the committed cassette."""


@dataclass(frozen=True, slots=True)
class Streak:
    """A feed's consecutive transport failures across runs (kept in the record state file).

    While failing, ``failures`` counts this run; on the run that recovers, ``recovered`` is set
    and ``failures`` is how many runs failed before it (the state file then starts over).
    """

    failures: int
    since: str  # UTC RFC 3339 of the first failure of the streak
    allowed: int  # --fail-after: the streak fails the run from this many failures on
    recovered: bool = False

    @property
    def tolerated(self) -> bool:
        """A failing feed still below --fail-after: a warning (flaky), not a failed run."""
        return not self.recovered and self.failures < self.allowed

    @property
    def news(self) -> bool:
        """Whether the streak is worth a line (a first failure that fails the run is not)."""
        return self.recovered or self.tolerated or self.failures > 1

    @property
    def line(self) -> str:
        """``flaky: 1 of 3 allowed consecutive failures`` / ``failing since …, 2 runs`` / …"""
        runs = "run" if self.failures == 1 else "runs"
        if self.recovered:
            return f"recovered after {self.failures} failed {runs} since {self.since}"
        if self.tolerated:
            return (
                f"flaky: {self.failures} of {self.allowed} allowed consecutive failures"
                f" (failing since {self.since})"
            )
        return f"failing since {self.since}, {self.failures} {runs}"


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
    findings: tuple[Finding, ...] = ()  # the verdict's: against the baseline or committed one
    streak: Streak | None = None  # transport failures across runs (with a state file)
    new_feed: bool = False  # no committed cassette existed before this run

    @property
    def transport_failed(self) -> bool:
        """Whether the live fetch failed (DNS, TLS, HTTP error, not a feed, cut-off body)."""
        return self.verdict is Verdict.FAILED and any(
            r.startswith("transport:") for r in self.reasons
        )

    @property
    def flaky(self) -> bool:
        """A transport failure still below --fail-after: reported, not failing the run."""
        return self.streak is not None and self.streak.tolerated and self.transport_failed

    @property
    def ok(self) -> bool:
        """Whether this feed fails no run (a flaky one is only a warning)."""
        if self.flaky:
            return True
        if self.verdict is Verdict.CHECKED:
            return not self.reasons
        return self.verdict in SWAPPED or self.verdict in (Verdict.SKIPPED, Verdict.UNCHANGED)

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
