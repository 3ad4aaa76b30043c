"""harness.record.progress: what `harness record` shows while it records."""

from __future__ import annotations

import io

from harness.record.outcome import FeedRecord, Verdict
from harness.record.progress import LiveProgress, PlainProgress, progress_for


def test_live_progress_rewrites_a_status_line() -> None:
    stream = io.StringIO()
    progress = LiveProgress(stream, total=2)
    progress.started("a")
    progress.started("b")
    progress.finished(FeedRecord("a", "a.yaml", Verdict.CREATED, status="200 OK", items=1))
    progress.finished(FeedRecord("b", "b.yaml", Verdict.CREATED, status="200 OK", items=3))
    assert stream.getvalue().split("\r\x1b[K") == [
        "",
        "[0/2] recording a …",
        "[0/2] recording a, b …",
        "recording a … 200 OK, 1 item, 0.0 s\n",
        "[1/2] recording b …",
        "recording b … 200 OK, 3 items, 0.0 s\n",
        "",
    ]


def test_plain_lines_off_a_terminal() -> None:
    stream = io.StringIO()
    progress = progress_for(stream, total=3)
    assert isinstance(progress, PlainProgress)
    assert not isinstance(progress, LiveProgress)
    progress.started("a")
    progress.finished(FeedRecord("a", "a.yaml", Verdict.SKIPPED, reasons=("cassette exists",)))
    assert stream.getvalue() == "skipping a … cassette exists, 0.0 s\n"
