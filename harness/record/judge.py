"""Checking what `harness record` fetched, as `harness check` and `harness diff` would.

Fetching is waiting; checking is CPU work (decode, parse, schema, invariants, drift) that the
fetch threads of one interpreter can only do one at a time. :class:`Judge` checks in this
process, one recording at a time; :class:`PoolJudge` checks in worker processes, one per CPU by
default, forked before the first fetch (as `harness check -j` forks them), so a run over
thousands of feeds uses every CPU while the threads wait on the network. Both give the same
:class:`Assessment`; the decision to swap a cassette in stays with the recorder.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.cassettes.model import Interaction
from harness.cassettes.scrub import Scrubber
from harness.cassettes.write import write_cassette
from harness.config import HarnessConfig
from harness.drift import BaselineStep, Fingerprinter, pair_history
from harness.findings import DRIFT_CHECK, Finding
from harness.model import CassetteResult
from harness.record.comparison import Comparison, Recording, compare
from harness.record.sameness import same_responses
from harness.replay import Replay
from harness.runner import Runner

__all__ = ["Assessment", "Candidate", "Judge", "PoolJudge", "Scratch", "judge_for", "write_scratch"]


@dataclass(frozen=True, slots=True)
class Scratch:
    """A recording to write, scrubbed, to the scratch file before it is checked."""

    interactions: Sequence[Interaction]
    meta: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A feed's new recording to judge: at ``scratch`` (written from ``write`` first, when
    given: scrubbing and serializing are CPU work too), compared with ``committed`` when
    ``has_old``."""

    feed: str
    committed: Path
    scratch: Path
    has_old: bool
    write: Scratch | None = None


def write_scratch(scrubber: Scrubber, path: Path, scratch: Scratch) -> None:
    """Scrub and write the recording (atomically; OSError when it cannot be written)."""
    path.parent.mkdir(parents=True, exist_ok=True)  # a first recording, a new sub-folder
    write_cassette(path, scrubber.interactions(scratch.interactions), scratch.meta)


@dataclass(frozen=True, slots=True)
class Assessment:
    """A new recording checked, and compared with the committed cassette when there is one."""

    result: CassetteResult  # `harness check` on the new recording (against the baseline, if any)
    findings: tuple[Finding, ...]  # drift: against the baseline, else against the committed one
    comparison: Comparison | None = None  # item by item, against the committed cassette
    same: bool = False  # the same responses as the committed cassette (nothing to replace)


class Judge:
    """Checks recordings with one :class:`~harness.runner.Runner`, one at a time (its caches
    are not shared across threads)."""

    def __init__(
        self, config: HarnessConfig, scrubber: Scrubber, runner: Runner | None = None
    ) -> None:
        self.runner = runner or Runner(config, steps=(BaselineStep,))
        self.scrubber = scrubber
        self.prints = Fingerprinter(self.runner.replayer)
        self._lock = threading.Lock()

    def check_file(self, path: Path) -> CassetteResult:
        """`harness check` on one cassette (``--record-mode none``)."""
        with self._lock:
            return self.runner.check_file(path)

    def assess(self, candidate: Candidate) -> Assessment:
        """Write the candidate's recording (when it says so), check and compare it."""
        if candidate.write is not None:
            write_scratch(self.scrubber, candidate.scratch, candidate.write)
        with self._lock:
            return self._assess(candidate)

    def close(self) -> None:
        """Nothing to release in this process."""

    def _assess(self, candidate: Candidate) -> Assessment:
        new = self.runner.replayer.replay(candidate.scratch)  # each recording parsed once
        result = self.runner.check_replay(new)
        if not candidate.has_old:
            return Assessment(result, result.findings)
        old = self.runner.replayer.replay(candidate.committed)
        same = (
            old.cassette is not None
            and new.cassette is not None
            and same_responses(old.cassette, new.cassette)
        )
        old_result = self.runner.check_replay(old)
        comparison = compare(_recording(old, old_result), _recording(new, result))
        findings = result.findings  # against the feed's baseline, when it has one
        if DRIFT_CHECK not in result.checks:  # no baseline: `harness diff COMMITTED NEW`'s
            before, after = self.prints.replay(old), self.prints.replay(new)
            setup = self.runner.setups[candidate.feed]
            findings = pair_history(before, after, (old_result, result), setup).findings
        return Assessment(result, findings, comparison, same)


class PoolJudge:
    """A :class:`Judge` in each of ``workers`` processes; the calling threads wait for them.

    Should the pool break (a worker killed by the system, say), the checks go on in this
    process: a lost worker costs speed, never a feed's result.
    """

    def __init__(
        self, config: HarnessConfig, scrubber: Scrubber, workers: int, runner: Runner
    ) -> None:
        self._config = config
        self._scrubber = scrubber
        self._runner = runner
        self._local: Judge | None = None
        self._local_lock = threading.Lock()
        self._pool = ProcessPoolExecutor(
            workers, initializer=_init_worker, initargs=(config, scrubber)
        )
        # Start every worker now, before any fetch thread exists: a fork copies only the
        # thread that calls it, and a lock another thread holds would stay held in the child.
        self._pool.submit(_ready).result()

    def check_file(self, path: Path) -> CassetteResult:
        try:
            return self._pool.submit(_check_file, path).result()
        except BrokenExecutor:
            return self._fallback().check_file(path)

    def assess(self, candidate: Candidate) -> Assessment:
        try:
            return self._pool.submit(_assess, candidate).result()
        except BrokenExecutor:
            return self._fallback().assess(candidate)

    def close(self) -> None:
        """Stop the workers; checks not started are dropped (an interrupted run)."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _fallback(self) -> Judge:
        with self._local_lock:
            if self._local is None:
                self._local = Judge(self._config, self._scrubber, self._runner)
            return self._local


def judge_for(
    config: HarnessConfig, scrubber: Scrubber, runner: Runner, *, workers: int, feeds: int
) -> Judge | PoolJudge:
    """Worker processes when more than one would have work (``workers`` and ``feeds`` > 1)."""
    count = min(workers, feeds)
    if count > 1:
        return PoolJudge(config, scrubber, count, runner)
    return Judge(config, scrubber, runner)


_WORKER: Judge | None = None


def _init_worker(config: HarnessConfig, scrubber: Scrubber) -> None:
    global _WORKER  # one Judge per worker process, built once
    # Ctrl-C is the recorder's to handle (it stops, then closes the pool): a worker that died
    # of it mid-check would break the pool under the feeds still being checked.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER = Judge(config, scrubber)


def _ready() -> None:
    """Nothing: submitted once so that the pool starts its workers."""


def _check_file(path: Path) -> CassetteResult:
    assert _WORKER is not None
    return _WORKER.check_file(path)


def _assess(candidate: Candidate) -> Assessment:
    assert _WORKER is not None
    return _WORKER.assess(candidate)


def _recording(replay: Replay, result: CassetteResult) -> Recording:
    """What compare needs: the parsed feed of a recording the checks could read."""
    if result.error is not None or replay.output is None:
        return Recording(error=f"{result.error_kind}: {result.error}")
    output = replay.output
    return Recording(output.dialect, output.feed, output.items, result.violations)
