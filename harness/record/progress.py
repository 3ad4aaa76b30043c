"""The progress display of `harness record`: plain lines for logs and CI, or a status line
rewritten in place on an interactive terminal, behind the small :class:`Progress` protocol."""

from __future__ import annotations

import contextlib
import os
import threading
from typing import Protocol, TextIO

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


class PlainProgress:
    """One plain line per finished feed (CI logs, pipes)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.lock = threading.Lock()

    def started(self, feed: str) -> None:
        """Nothing: the line comes when the feed is done."""

    def finished(self, record: FeedRecord) -> None:
        """Print the feed's progress line."""
        with self.lock:
            print(record.progress_line, file=self.stream, flush=True)


class LiveProgress(PlainProgress):
    """On a terminal: the finished lines, under a status line rewritten in place."""

    def __init__(self, stream: TextIO, total: int) -> None:
        super().__init__(stream)
        self.total = total
        self.running: list[str] = []
        self.done = 0

    def started(self, feed: str) -> None:
        """Show the feed in the status line."""
        with self.lock:
            self.running.append(feed)
            self._status()

    def finished(self, record: FeedRecord) -> None:
        """Print the feed's line above the status line."""
        with self.lock:
            self.done += 1
            with contextlib.suppress(ValueError):
                self.running.remove(record.feed)
            self.stream.write(f"\r\x1b[K{record.progress_line}\n")
            self._status()

    def _status(self) -> None:
        if self.done == self.total:
            self.stream.write("\r\x1b[K")
        else:
            names = terminal_safe(", ".join(self.running))[:60]
            self.stream.write(f"\r\x1b[K[{self.done}/{self.total}] recording {names} …")
        self.stream.flush()


def progress_for(stream: TextIO, total: int) -> Progress:
    """A live status line on an interactive terminal (not under CI), plain lines otherwise."""
    interactive = stream.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"
    return LiveProgress(stream, total) if interactive and total > 1 else PlainProgress(stream)
