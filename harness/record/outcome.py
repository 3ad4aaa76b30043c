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

__all__ = ["SWAPPED", "FeedRecord", "RecordMode", "Verdict"]


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

    @property
    def ok(self) -> bool:
        """Whether this feed needs no attention."""
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
