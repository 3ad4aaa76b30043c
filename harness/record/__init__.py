"""``harness record``: the live fetcher, the record transaction, comparing recordings, report.

``fetcher`` (live HTTP), ``transaction`` (record, check, compare, swap), ``comparison`` (two
recordings of a feed), ``outcome`` (modes, verdicts, a feed's record), ``report`` (the lines
printed at the end), ``progress`` (the lines printed while recording). Scrubbing is
:mod:`harness.cassettes.scrub`.
"""

from harness.record.outcome import FeedRecord, RecordMode, Verdict
from harness.record.progress import Progress, progress_for
from harness.record.report import RecordReport
from harness.record.transaction import record_feeds

__all__ = [
    "FeedRecord",
    "Progress",
    "RecordMode",
    "RecordReport",
    "Verdict",
    "progress_for",
    "record_feeds",
]
