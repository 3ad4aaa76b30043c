"""Drift detection: compare fingerprints of recordings; changes of form become findings.

- :mod:`harness.drift.findings`: what is reported (findings, examples, a feed's history);
- :mod:`harness.kinds`: the kinds of finding, their cause and severity, which signal is which;
- :mod:`harness.drift.compare`: one recording against a baseline profile (the statistics);
- :mod:`harness.drift.history`: two recordings (``diff``) or a feed's whole history;
- :mod:`harness.drift.recordings`: recordings on disk, and drift against a blessed baseline.
"""

from __future__ import annotations

from harness.drift.changes import ALPHA, MIN_EFFECT, MIN_ITEMS
from harness.drift.compare import block_texts, compare
from harness.drift.findings import (
    DriftReport,
    Example,
    FeedHistory,
    Finding,
    Level,
    Scope,
    SignalChange,
    TimelinePoint,
)
from harness.drift.history import current_form, diff, history, timeline
from harness.drift.recordings import (
    BaselineStep,
    Fingerprinter,
    feed_recordings,
    folder_recordings,
    ordered,
    pair_history,
    rated_history,
    violation_findings,
)
from harness.kinds import KINDS

__all__ = [
    "ALPHA",
    "KINDS",
    "MIN_EFFECT",
    "MIN_ITEMS",
    "BaselineStep",
    "DriftReport",
    "Example",
    "FeedHistory",
    "Finding",
    "Fingerprinter",
    "Level",
    "Scope",
    "SignalChange",
    "TimelinePoint",
    "block_texts",
    "compare",
    "current_form",
    "diff",
    "feed_recordings",
    "folder_recordings",
    "history",
    "ordered",
    "pair_history",
    "rated_history",
    "timeline",
    "violation_findings",
]
