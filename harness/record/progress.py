"""The progress display of `harness record`: plain lines for logs and CI, or a status line
rewritten in place on an interactive terminal, behind the small :class:`Progress` protocol.

Hand-written rather than ``rich``: one status line and one line per feed need ~100 lines here,
while rich would be a new runtime dependency (with pygments and markdown-it) for a display that
must also degrade to plain, flushed lines in pipes and CI, which is this module's main job.
Optional methods a display may have: ``attempt(feed, url, attempt, tries)`` (the fetcher is
about to try again) and ``close()`` (the run is over); the scheduler calls them when present.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TextIO
from urllib.parse import urlsplit

from harness.record.outcome import FeedRecord
from harness.textsafe import terminal_safe

__all__ = ["LiveProgress", "PlainProgress", "Progress", "SilentProgress", "progress_for"]


class Progress(Protocol):
    """Told when each feed starts and ends (from worker threads: implementations lock)."""

    def started(self, feed: str) -> None:
        """A feed's recording began."""

    def finished(self, record: FeedRecord) -> None:
        """A feed's recording ended."""


class SilentProgress:
    """Says nothing."""

    def started(self, feed: str) -> None:
        """Nothing."""

    def finished(self, record: FeedRecord) -> None:
        """Nothing."""


@dataclass
class _Running:
    """A feed being recorded: since when, and its current request's attempt."""

    start: float
    host: str = ""
    attempt: int = 1
    tries: int = 1
    retried: int = 1  # the most attempts any of its requests needed


class PlainProgress:
    """One plain line per finished feed, flushed at once (CI logs, pipes)."""

    def __init__(self, stream: TextIO, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self.lock = threading.Lock()
        self.running: dict[str, _Running] = {}

    def started(self, feed: str) -> None:
        """Note the start: the line comes when the feed is done."""
        with self.lock:
            self.running[feed] = _Running(self.clock())

    def attempt(self, feed: str, url: str, attempt: int, tries: int) -> None:
        """The fetcher is about to make attempt ``attempt`` of ``tries`` at ``url`` for ``feed``."""
        with self.lock:
            state = self.running.setdefault(feed, _Running(self.clock()))
            state.host = urlsplit(url).netloc
            state.attempt, state.tries = attempt, tries
            state.retried = max(state.retried, attempt)

    def finished(self, record: FeedRecord) -> None:
        """Print the feed's progress line."""
        with self.lock:
            line = self._line(record)
            print(line, file=self.stream, flush=True)

    def close(self) -> None:
        """The run is over."""

    def _line(self, record: FeedRecord) -> str:
        """The record's line, saying how many attempts a retried request took."""
        state = self.running.pop(record.feed, None)
        line = record.progress_line
        if state is not None and state.retried > 1 and "attempts)" not in line:
            line += f", {state.retried} attempts"
        return line


class LiveProgress(PlainProgress):
    """On a terminal: the finished lines, under a status line rewritten in place, once a second
    too (a ticker thread), so a slow feed shows its elapsed time and attempt as it waits."""

    def __init__(
        self,
        stream: TextIO,
        total: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        tick: float = 1.0,
    ) -> None:
        super().__init__(stream, clock=clock)
        self.total = total
        self.done = 0
        self.tick = tick
        self.closed = threading.Event()
        self.ticker: threading.Thread | None = None

    def started(self, feed: str) -> None:
        """Show the feed in the status line (and start the ticker)."""
        super().started(feed)
        with self.lock:
            self._status()
            if self.ticker is None and self.tick > 0:
                self.ticker = threading.Thread(
                    target=self._tick, name="harness-record-progress", daemon=True
                )
                self.ticker.start()

    def attempt(self, feed: str, url: str, attempt: int, tries: int) -> None:
        """Show a retry at once."""
        super().attempt(feed, url, attempt, tries)
        if attempt > 1:
            with self.lock:
                self._status()

    def finished(self, record: FeedRecord) -> None:
        """Print the feed's line above the status line."""
        with self.lock:
            self.done += 1
            self.stream.write(f"\r\x1b[K{self._line(record)}\n")
            self._status()

    def close(self) -> None:
        """Stop the ticker and clear the status line."""
        self.closed.set()
        if self.ticker is not None and self.ticker is not threading.current_thread():
            self.ticker.join(timeout=5)
        with self.lock:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def _tick(self) -> None:
        while not self.closed.wait(self.tick):
            with self.lock:
                if self.done >= self.total:
                    return
                self._status()

    def _status(self) -> None:
        if self.done >= self.total or self.closed.is_set():
            self.stream.write("\r\x1b[K")
        elif self.running:
            self.stream.write(f"\r\x1b[K[{self.done}/{self.total}] recording {self._busiest()}")
        self.stream.flush()

    def _busiest(self) -> str:
        """The longest-running feed, its host, elapsed time and attempt; how many others run."""
        now = self.clock()
        feed, state = min(self.running.items(), key=lambda item: item[1].start)
        text = feed + (f" (host {state.host})" if state.host else "")
        text += f" {now - state.start:.0f} s"
        if state.tries > 1 and state.attempt > 1:
            text += f", attempt {state.attempt}/{state.tries}"
        others = len(self.running) - 1
        text = terminal_safe(text + (f" +{others} more" if others else ""))
        return text[:100] + " …"


def progress_for(stream: TextIO, total: int) -> Progress:
    """A live status line on an interactive terminal (not under CI), plain lines otherwise;
    one feed too: a hanging one shows its seconds and attempts as it waits."""
    interactive = stream.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"
    return LiveProgress(stream, total) if interactive else PlainProgress(stream)
