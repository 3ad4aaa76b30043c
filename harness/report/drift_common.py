"""What every format of a `DriftReport` shares: findings by scope, and the commits drift is
traced to when the recordings came from git."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from harness.drift import FeedHistory, Finding, Scope
from harness.drift.gitversions import Commit

__all__ = ["SUBJECT_WIDTH", "bisect_line", "commit_words", "split_findings", "traced"]

SUBJECT_WIDTH = 72
"""A commit subject is cut at this many characters (git's own advice for a subject line)."""


def split_findings(h: FeedHistory) -> tuple[list[Finding], list[Finding], list[Finding]]:
    """A feed's findings as (feed drift, item problems, transport failures)."""
    drift = [f for f in h.findings if f.scope is Scope.FEED]
    items = [f for f in h.findings if f.scope is Scope.ITEM]
    transport = [f for f in h.findings if f.scope is Scope.RECORDING]
    return drift, items, transport


def traced(f: Finding, commits: Mapping[str, Commit]) -> tuple[Commit, Commit | None] | None:
    """The commit whose recording first showed the finding, and the last good one before it
    (None: the recordings did not come from git)."""
    first = commits.get(f.first_seen or "")
    if first is None:
        return None
    return first, commits.get(f.last_good or "")


def commit_words(c: Commit, quote: Callable[[str], str]) -> str:
    """``1a2b3c4 (2016-03-02, 'record: nightly')``: the date as the committer wrote it (its
    own offset, so the same in every time zone); ``quote`` makes the subject inert."""
    return f"{c.short} ({c.date[:10]}, {quote(c.subject)})"


def bisect_line(f: Finding, commits: Mapping[str, Commit], quote: Callable[[str], str]) -> str:
    """``first drifted in 1a2b3c4 (...) — last good 9f8e7d6 (...)``; empty when not traced."""
    found = traced(f, commits)
    if found is None:
        return ""
    first, good = found
    before = commit_words(good, quote) if good is not None else "none before it"
    return f"first drifted in {commit_words(first, quote)} — last good {before}"
