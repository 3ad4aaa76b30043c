"""harness.record.progress: what `harness record` shows while it records."""

from __future__ import annotations

import io
import time

import pytest

from harness.record.outcome import FeedRecord, Verdict
from harness.record.progress import LiveProgress, PlainProgress, progress_for


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_live_progress_rewrites_a_status_line() -> None:
    stream = io.StringIO()
    clock = Clock()
    progress = LiveProgress(stream, total=2, clock=clock, tick=0)  # no ticker: redraws on events
    progress.started("a")
    clock.now += 1
    progress.started("b")
    progress.attempt("b", "http://b.example:8080/feed", 1, 4)
    clock.now += 12
    progress.attempt("a", "https://a.example/rss", 2, 4)
    progress.finished(FeedRecord("a", "a.yaml", Verdict.CREATED, status="200 OK", items=1))
    progress.finished(FeedRecord("b", "b.yaml", Verdict.CREATED, status="200 OK", items=3))
    progress.close()
    assert stream.getvalue().split("\r\x1b[K") == [
        "",
        "[0/2] recording a 0 s …",
        "[0/2] recording a 1 s +1 more …",
        "[0/2] recording a (host a.example) 13 s, attempt 2/4 +1 more …",
        "recording a … 200 OK, 1 item, 0.0 s, 2 attempts\n",
        "[1/2] recording b (host b.example:8080) 12 s …",
        "recording b … 200 OK, 3 items, 0.0 s\n",
        "",
        "",
    ]


def test_the_ticker_shows_a_waiting_feed_once_a_second() -> None:
    stream = io.StringIO()
    clock = Clock()
    progress = LiveProgress(stream, total=2, clock=clock, tick=0.01)
    progress.started("hanging")
    progress.attempt("hanging", "http://a.example/", 3, 4)
    deadline = time.monotonic() + 5
    clock.now += 7
    while "7 s, attempt 3/4" not in stream.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    progress.close()
    assert "[0/2] recording hanging (host a.example) 7 s, attempt 3/4 …" in stream.getvalue()
    assert progress.ticker is not None
    assert not progress.ticker.is_alive()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_plain_lines_say_attempts_and_come_as_each_feed_ends() -> None:
    stream = io.StringIO()
    progress = PlainProgress(stream)
    progress.started("a")
    progress.started("b")
    progress.attempt("b", "http://b.example/", 1, 2)
    progress.attempt("b", "http://b.example/", 2, 2)
    progress.finished(FeedRecord("b", "b.yaml", Verdict.CREATED, status="200 OK", items=3))
    assert stream.getvalue() == "recording b … 200 OK, 3 items, 0.0 s, 2 attempts\n"
    failed = ("transport: GET http://a.example/: timed out after 2 s (2 attempts)",)
    progress.attempt("a", "http://a.example/", 2, 2)
    progress.finished(FeedRecord("a", "a.yaml", Verdict.FAILED, reasons=failed))
    assert stream.getvalue().splitlines()[1] == (
        "recording a … failed: timed out after 2 s (2 attempts), 0.0 s"
    )


def test_plain_lines_off_a_terminal() -> None:
    stream = io.StringIO()
    progress = progress_for(stream, total=3)
    assert isinstance(progress, PlainProgress)
    assert not isinstance(progress, LiveProgress)
    progress.started("a")
    progress.finished(FeedRecord("a", "a.yaml", Verdict.SKIPPED, reasons=("cassette exists",)))
    assert stream.getvalue() == "skipping a … cassette exists, 0.0 s\n"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_the_live_line_even_for_one_feed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert isinstance(progress_for(Terminal(), total=1), LiveProgress)
    monkeypatch.setenv("CI", "true")
    assert not isinstance(progress_for(Terminal(), total=1), LiveProgress)
