"""Which feed `harness record` works on next: bounded threads overall, one feed per origin.

A feed's politeness key is the origin (scheme, host, port) of its first URL. At most ``jobs``
feeds run at once and at most ``per_origin`` per origin (``[record] per-origin``, default 1), so
by default a host never sees two of our feeds at the same time, while feeds of other origins
(another host, or another port of the same host) never wait behind a slow or hanging one: a free
worker takes the next feed of an idle origin, never blocks on a busy one while other origins
have work. Among the idle origins it takes the one with the most feeds left (the per-origin
queues are the critical path of the run), the earliest feed first. A feed holds its origin until
its last request (:func:`network_done`, called by the recorder before checking the recording),
not while it is checked. Results come back in input order, whatever the order of work.

The fetcher reports each attempt (``on_attempt``); this module tells the progress which feed the
attempt belongs to (the worker thread's current feed), so the fetcher never imports the progress
and the progress never sees threads."""

from __future__ import annotations

import functools
import heapq
import threading
from collections import Counter, deque
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from harness.config import FeedConfig
from harness.record.outcome import FeedRecord
from harness.urls import origin

if TYPE_CHECKING:
    from harness.record.progress import Progress

__all__ = ["DEFAULT_JOBS", "Interrupted", "network_done", "origin", "run_feeds"]

# Threads mostly wait on the network (the checks run in worker processes, harness.record.judge),
# so more threads than CPUs pay off; 16 keeps 16 hanging feeds' timeouts in parallel while
# staying far below the per-process file limit (1024) and the usual pool sizes of clients
# (httpx: 100 connections; browsers: 6 per host, 256 in all). Memory: a feed body is held once
# per thread.
DEFAULT_JOBS = 16

Attempt = Callable[[str, int, int], None]  # (url, attempt number, attempts allowed)
_CURRENT = threading.local()  # per worker thread: .feed (its name), .release (its origin)


class Interrupted(BaseException):
    """The run was stopped; parsers must not swallow it (hence BaseException)."""


def _key(feed: FeedConfig) -> str:
    return origin(feed.urls[0]) if feed.urls else f"feed:{feed.name}"


class _Queue:
    """Feeds waiting, one FIFO per origin; ``take`` hands out a feed of an idle origin: the one
    with the most feeds waiting (its first feed in input order breaks a tie).

    The origins that may be served sit in a heap keyed by that rule, so a take costs a log of
    the origins, not a scan of them (a scan per take was quadratic: 10,000 feeds on as many
    hosts took 30 s of takes). An entry whose origin changed since it was pushed is skipped.
    """

    def __init__(
        self, feeds: Sequence[FeedConfig], stop: threading.Event, per_origin: int = 1
    ) -> None:
        self.waiting: dict[str, deque[tuple[int, FeedConfig]]] = {}
        for index, feed in enumerate(feeds):
            self.waiting.setdefault(_key(feed), deque()).append((index, feed))
        self.busy: Counter[str] = Counter()  # origin -> feeds of it being recorded
        self.per_origin = per_origin
        self.stop = stop
        self.cond = threading.Condition()
        self.ready: list[tuple[int, int, str]] = []  # (-feeds waiting, first index, origin)
        for key in self.waiting:
            self._offer(key)

    def _offer(self, key: str) -> None:
        """Put ``key`` in the heap as it is now, when it has feeds waiting and a free slot."""
        queue = self.waiting.get(key)
        if queue and self.busy[key] < self.per_origin:
            heapq.heappush(self.ready, (-len(queue), queue[0][0], key))

    def _current(self, entry: tuple[int, int, str]) -> bool:
        size, first, key = entry
        queue = self.waiting.get(key)
        return (
            queue is not None
            and -size == len(queue)
            and first == queue[0][0]
            and self.busy[key] < self.per_origin
        )

    def take(self) -> tuple[int, FeedConfig, str] | None:
        """The next feed to record (None when all are taken or the run stops)."""
        with self.cond:
            while not self.stop.is_set() and self.waiting:
                while self.ready:
                    entry = heapq.heappop(self.ready)
                    if not self._current(entry):
                        continue  # stale: the origin was offered again as it is now
                    key = entry[2]
                    queue = self.waiting[key]
                    index, feed = queue.popleft()
                    if not queue:
                        del self.waiting[key]
                    self.busy[key] += 1
                    self._offer(key)
                    return index, feed, key
                self.cond.wait(0.1)  # short: a stop is seen at once
            return None

    def done(self, key: str) -> None:
        """The origin ``key`` is free again."""
        with self.cond:
            self.busy[key] -= 1
            self._offer(key)
            self.cond.notify_all()


def run_feeds(
    feeds: Sequence[FeedConfig],
    record: Callable[[FeedConfig], FeedRecord],
    progress: Progress,
    *,
    jobs: int,
    stop: threading.Event,
    fetcher: Any = None,
    per_origin: int = 1,
) -> list[FeedRecord]:
    """``record`` each feed (``jobs`` threads, ``per_origin`` per origin at a time); in input
    order.

    ``fetcher`` (optional) gets an ``on_attempt`` hook for the run, so the progress can show
    the attempt number of each feed's current request. Ctrl-C sets ``stop`` and re-raises;
    an :class:`Interrupted` feed ends its worker quietly.
    """
    current = _CURRENT
    hook: Attempt = _attempt_reporter(progress, current)
    previous = getattr(fetcher, "on_attempt", None)
    if fetcher is not None:
        fetcher.on_attempt = hook
    try:
        return _run(feeds, record, progress, jobs, stop, current, per_origin)
    finally:
        if fetcher is not None:
            fetcher.on_attempt = previous
        close = getattr(progress, "close", None)
        if close is not None:
            close()


def network_done() -> None:
    """The current feed has made its last request: its origin may serve the next feed while
    this one is checked (the checks take CPU, not the origin's time). Idempotent; a no-op
    outside a scheduled run."""
    release = getattr(_CURRENT, "release", None)
    if release is not None:
        release()


def _once(fn: Callable[[], None]) -> Callable[[], None]:
    done = threading.Event()

    def call() -> None:
        if not done.is_set():
            done.set()
            fn()

    return call


def _attempt_reporter(progress: Progress, current: threading.local) -> Attempt:
    report = getattr(progress, "attempt", None)

    def on_attempt(url: str, attempt: int, tries: int) -> None:
        feed = getattr(current, "feed", None)
        if report is not None and feed is not None:
            report(feed, url, attempt, tries)

    return on_attempt


def _run(
    feeds: Sequence[FeedConfig],
    record: Callable[[FeedConfig], FeedRecord],
    progress: Progress,
    jobs: int,
    stop: threading.Event,
    current: threading.local,
    per_origin: int = 1,
) -> list[FeedRecord]:
    def one(feed: FeedConfig) -> FeedRecord:
        current.feed = feed.name
        progress.started(feed.name)
        result = record(feed)
        progress.finished(result)
        current.feed = None
        return result

    if jobs <= 1 or len(feeds) <= 1:
        return [one(feed) for feed in feeds]
    results: dict[int, FeedRecord] = {}
    errors: list[BaseException] = []
    queue = _Queue(feeds, stop, per_origin)

    def worker() -> None:
        while (taken := queue.take()) is not None:
            index, feed, key = taken
            current.release = _once(functools.partial(queue.done, key))
            try:
                results[index] = one(feed)
            except Interrupted:
                return
            except BaseException as err:  # a bug: stop the others, re-raise in the main thread
                errors.append(err)
                stop.set()
                return
            finally:
                current.release()
                current.release = None

    _run_threads(worker, min(jobs, len(feeds)), stop)
    if errors:
        raise errors[0]
    return [results[i] for i in sorted(results)]


def _run_threads(worker: Callable[[], None], count: int, stop: threading.Event) -> None:
    """Run ``count`` threads of ``worker`` to the end; on Ctrl-C set ``stop`` and re-raise.

    Daemon threads: on Ctrl-C the main thread returns at once; a thread cut off mid-write
    leaves only a temporary file, which the next run of that feed removes.
    """
    threads = [
        threading.Thread(target=worker, name=f"harness-record-{n}", daemon=True)
        for n in range(count)
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive():
                thread.join(0.1)  # short waits: Ctrl-C reaches the main thread at once
    except BaseException:
        stop.set()  # no cassette is replaced after this
        raise
