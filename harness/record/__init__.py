"""``harness record``: the live fetcher, the record transaction, comparing recordings, report.

``fetcher`` (live HTTP), ``proxies`` (proxies from the environment), ``decoding``
(Content-Encoding undone), ``notafeed`` (a 2xx that cannot be a feed), ``schedule`` (feeds in
parallel, one request per origin at a time), ``transaction`` (record, check, compare, swap),
``sameness`` (an unchanged re-recording), ``comparison`` (two recordings of a feed),
``outcome`` (modes, verdicts, a feed's record), ``state`` (transport failures counted across
runs), ``report`` (the lines printed at the end), ``reportdir`` (summary.json and issue bodies
for CI), ``progress`` (the lines printed while recording). Scrubbing is
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
