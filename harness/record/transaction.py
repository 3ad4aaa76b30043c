"""Live recording (`harness record`): scratch cassette, scrub, check, compare, atomic swap.

For each feed: fetch its URLs live (and every page its parser ``fetch``es while parsing them),
scrub, write ``<cassette>.new.yaml`` beside the committed cassette (atomically), run the same
checks as `harness check` on it and compare it with the committed one. The new recording
replaces the committed cassette (``os.replace``: atomic) only when it is complete (no transport
failure) and clean (no error-level violation, no drift); ``accept=True`` replaces it despite
violations and drift, never when incomplete. Otherwise the committed cassette stays
byte-identical and the new recording is left beside it for review. An interrupted run (Ctrl-C,
kill, network error) never changes a committed cassette: until the final rename everything is
written to the scratch file or to temporary files, which the next run clears.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any

from harness.cassettes.load import DEFAULT_MAX_BYTES, decode_cassette
from harness.cassettes.model import Cassette, Interaction
from harness.cassettes.paths import scratch_path
from harness.cassettes.scrub import Scrubber
from harness.config import FeedConfig, HarnessConfig
from harness.dates import to_utc_rfc3339
from harness.drift import BaselineStep
from harness.errors import CassetteError, ConfigError, FetchError
from harness.fileio import os_reason, read_bounded, replace_durably
from harness.findings import Finding
from harness.model import CassetteResult, Response, Severity
from harness.parsers import fetches_pages
from harness.record.fetcher import (
    RETRY_STATUSES,
    Fetcher,
    LiveTransportError,
    http_problem,
)
from harness.record.judge import (
    Candidate,
    Judge,
    PoolJudge,
    Scratch,
    judge_for,
    write_scratch,
)
from harness.record.notafeed import feed_problem
from harness.record.outcome import FeedRecord, RecordMode, Verdict
from harness.record.progress import Progress, SilentProgress
from harness.record.report import RecordReport
from harness.record.schedule import DEFAULT_JOBS, network_done, run_feeds
from harness.record.schedule import Interrupted as _Interrupted
from harness.record.state import RecordState
from harness.runner import Runner
from harness.verdict import fails

__all__ = ["Leftovers", "clear_scratch", "record_feeds"]


# --- the flow ------------------------------------------------------------------------------


def record_feeds(
    config: HarnessConfig,
    names: Sequence[str] = (),
    *,
    mode: RecordMode | str = RecordMode.REWRITE,
    accept: bool = False,
    fetcher: Fetcher | None = None,
    progress: Progress | None = None,
    now: Callable[[], datetime] | None = None,
    jobs: int = DEFAULT_JOBS,
    state: Path | None = None,
    fail_after: int | None = None,
    check_jobs: int = 1,
) -> RecordReport:
    """Record the named feeds (default: all configured) and replace the cassettes that pass.

    With a ``state`` file, transport failures are counted across runs: one fails the run only
    from ``fail_after`` consecutive failures on (default: the configuration's ``fail-after``).
    ``check_jobs`` worker processes check the recordings (1: this process, between fetches).
    """
    feeds = _select(config, names)
    allowed = _fail_after(config, state, fail_after)
    recorder = _Recorder(
        config,
        mode=RecordMode.parse(mode) if isinstance(mode, str) else mode,
        accept=accept,
        fetcher=fetcher or Fetcher(config.record),
        now=now or (lambda: datetime.now(UTC)),
    )
    loaded = None if state is None else RecordState.load(state)
    shown = progress or SilentProgress()
    checking = 0 if recorder.mode is RecordMode.ONCE else len(feeds)  # once: mostly skips
    recorder.judge = judge_for(
        config, recorder.scrubber, recorder.runner, workers=check_jobs, feeds=checking
    )
    try:
        records = tuple(
            run_feeds(
                feeds,
                recorder.record,
                shown,
                jobs=jobs,
                stop=recorder.stop,
                fetcher=recorder.fetcher,
                per_origin=config.record.per_origin,
            )
        )
    finally:
        recorder.judge.close()
    if state is None or loaded is None:
        return RecordReport(recorder.mode, records)
    records = loaded.update(records, to_utc_rfc3339(recorder.now()), allowed)
    warnings = [loaded.warning] if loaded.warning else []
    try:
        if state.exists() or loaded.failing:  # no file appears while every feed is healthy
            loaded.save(state, {f.name for f in config.feeds})
    except OSError as err:
        warnings.append(f"{state}: cannot write the record state: {os_reason(err)}")
    return RecordReport(recorder.mode, records, tuple(warnings))


def _fail_after(config: HarnessConfig, state: Path | None, given: int | None) -> int:
    """--fail-after (or the configuration's): a positive count that needs the state file."""
    allowed = config.record.fail_after if given is None else given
    if isinstance(allowed, bool) or not isinstance(allowed, int) or allowed < 1:
        raise ConfigError(f"--fail-after: expected a positive integer, got {allowed!r}")
    if allowed > 1 and state is None:
        raise ConfigError(
            f"fail-after {allowed} counts failures across runs: it needs the state file "
            "(drop --no-state, or use --fail-after 1)"
        )
    return allowed


def _select(config: HarnessConfig, names: Sequence[str]) -> list[FeedConfig]:
    if not config.feeds:
        where = config.source or "the configuration (none found)"
        raise ConfigError(f"{where}: no feeds configured: nothing to record")
    return [config.feed_named(n) for n in dict.fromkeys(names)] if names else list(config.feeds)


class _Recorder:
    """Records one feed at a time; shared by the worker threads."""

    def __init__(
        self,
        config: HarnessConfig,
        *,
        mode: RecordMode,
        accept: bool,
        fetcher: Fetcher,
        now: Callable[[], datetime],
    ) -> None:
        self.config = config
        self.mode = mode
        self.accept = accept
        self.fetcher = fetcher
        self.now = now
        self.scrubber = Scrubber.from_settings(config.record, extra_headers=fetcher.headers)
        # Recorded URIs are scrubbed: the replay path claims them for their feeds as they are.
        self.runner = Runner(config, steps=(BaselineStep,))
        self.judge: Judge | PoolJudge = Judge(config, self.scrubber, self.runner)  # or a pool
        self.stop = threading.Event()
        self.leftovers = Leftovers()

    def record(self, feed: FeedConfig) -> FeedRecord:
        """Record, check, compare and maybe swap one feed's cassette."""
        committed = self.config.cassette_path(feed)
        shown = self.runner.display(committed)
        base = FeedRecord(feed.name, shown, Verdict.FAILED)
        start = time.monotonic()
        if self.mode is RecordMode.NONE:
            record = self._check_only(feed, committed, base)
        elif self.mode is RecordMode.ONCE and committed.exists():
            record = replace(
                base, verdict=Verdict.SKIPPED, reasons=("cassette exists (mode once)",)
            )
        else:
            record = self._record(feed, committed, base)
        return replace(record, seconds=time.monotonic() - start)

    def _check_only(self, feed: FeedConfig, committed: Path, base: FeedRecord) -> FeedRecord:
        if not committed.exists():
            reason = f"no cassette (mode none records nothing): run 'harness record {feed.name}'"
            return replace(base, verdict=Verdict.MISSING, reasons=(reason,))
        result = self.judge.check_file(committed)
        reasons = tuple(_check_reasons(result, self.config.fail_on))
        return replace(
            base, verdict=Verdict.CHECKED, reasons=reasons, items=result.items, check=result
        )

    def _record(self, feed: FeedConfig, committed: Path, base: FeedRecord) -> FeedRecord:
        scratch = scratch_path(committed)
        clear_scratch(scratch, self.leftovers)
        try:
            old_bytes = _read_committed(committed)
        except OSError as err:
            return replace(base, reasons=(f"cannot read {committed}: {os_reason(err)}",))
        old = _decode_or_none(committed, old_bytes)
        replay = old if self.mode is RecordMode.NEW_EPISODES else None
        session = _Session(self.fetcher, self.stop, replay)
        try:
            status, items = session.record_feed(feed, self.runner.setups[feed.name].parser)
        except LiveTransportError as err:
            session.failures.append(str(err))
            status, items = None, None
        network_done()  # the origin may serve the next feed while this one is checked
        base = replace(
            base,
            status=status,
            items=items,
            requests=session.requests,
            new_feed=old_bytes is None,
        )
        reasons = tuple(f"transport: {f}" for f in session.failures)
        recording = self._scratch(feed, session.interactions, old)
        if recording is not None and not reasons:  # written where it is checked (a worker)
            return self._decide(feed, committed, scratch, old_bytes, base, recording)
        try:
            if recording is not None:  # incomplete: kept for review, not checked
                write_scratch(self.scrubber, scratch, recording)
        except OSError as err:
            return replace(base, reasons=(*reasons, f"cannot write {scratch}: {os_reason(err)}"))
        if reasons:
            shown = None if recording is None else self.runner.display(scratch)
            return replace(base, scratch=shown, reasons=reasons)
        return self._decide(feed, committed, scratch, old_bytes, base, None)

    def _scratch(
        self, feed: FeedConfig, interactions: Sequence[Interaction], old: Cassette | None
    ) -> Scratch | None:
        """What the scratch file will hold: the interactions (scrubbed when written), meta."""
        if not interactions:
            return None
        stamp = to_utc_rfc3339(self.now())
        meta: dict[str, Any] = {"feed": feed.name, "recorded_at": stamp}
        if self.mode is RecordMode.NEW_EPISODES and old is not None:
            meta = {**old.meta, "feed": feed.name, "episodes_added_at": stamp}
        from harness import __version__

        meta["recorded_with"] = f"feedharness {__version__}"
        return Scratch(tuple(interactions), meta)

    def _decide(
        self,
        feed: FeedConfig,
        committed: Path,
        scratch: Path,
        old_bytes: bytes | None,
        base: FeedRecord,
        write: Scratch | None,
    ) -> FeedRecord:
        """Write (``write``) and check the recording, compare it with the committed one; swap
        it in when it passes."""
        candidate = Candidate(feed.name, committed, scratch, old_bytes is not None, write)
        try:
            assessed = self.judge.assess(candidate)
        except OSError as err:  # the scratch file could not be written
            return replace(base, reasons=(f"cannot write {scratch}: {os_reason(err)}",))
        if write is not None:
            base = replace(base, scratch=self.runner.display(scratch))
        result, findings, same = assessed.result, assessed.findings, assessed.same
        failing = [f for f in findings if fails(f.level, self.config.fail_on)]
        checked = list(_check_reasons(result, self.config.fail_on))
        reasons = [*checked, *map(_finding_reason, failing)]
        record = replace(
            base,
            reasons=tuple(reasons),
            comparison=assessed.comparison,
            check=result,
            items=result.items if base.items is None and result.error is None else base.items,
            findings=tuple(findings),
        )
        if result.error_kind == "transport":
            return record  # incomplete: never swapped in, not even with accept
        if reasons and not self.accept:
            return replace(record, verdict=Verdict.KEPT)
        if not _unchanged(committed, old_bytes):
            changed = "the committed cassette changed while recording: not replaced"
            return replace(record, verdict=Verdict.KEPT, reasons=(*record.reasons, changed))
        if self.stop.is_set():
            raise _Interrupted
        if same:  # the same responses: the committed file stays byte-identical (no git diff)
            clear_scratch(scratch)
            return replace(record, verdict=Verdict.UNCHANGED, scratch=None)
        try:
            replace_durably(scratch, committed)
        except OSError as err:
            return replace(record, reasons=(*reasons, f"cannot replace it: {os_reason(err)}"))
        if old_bytes is None:
            verdict = Verdict.CREATED
        else:
            verdict = Verdict.ACCEPTED if reasons else Verdict.REPLACED
        # the scratch file is the committed cassette now: name that in 'harness check' hints
        shown = self.runner.display(committed)
        reasons = [*_check_reasons(result, self.config.fail_on, shown), *reasons[len(checked) :]]
        return replace(record, verdict=verdict, scratch=None, reasons=tuple(reasons))


class _Session:
    """The live fetches of one feed, in order; replays an old cassette in new_episodes mode."""

    def __init__(self, fetcher: Fetcher, stop: threading.Event, replay: Cassette | None) -> None:
        self.fetcher = fetcher
        self.stop = stop
        self.replay = replay
        self.interactions: list[Interaction] = list(replay.interactions) if replay else []
        self.failures: list[str] = []  # transport failures: the recording is incomplete
        self.requests = 0
        self._seen: dict[str, Response] = {}

    def record_feed(self, feed: FeedConfig, parser: Any) -> tuple[str | None, int | None]:
        """Fetch and parse each URL of the feed live; (status of the first, its item count)."""
        first: tuple[str | None, int | None] | None = None
        for url in feed.urls:
            response, problem = self._get(url)
            problem = problem or _not_a_feed(url, response)
            items = None
            if problem is not None:
                self.failures.append(problem)
            elif fetches_pages(parser):  # else the check parses it, once (and counts the items)
                items = self._parse(parser, response)
            first = first or (_status_text(response.status), items)
        return first or (None, None)

    def _parse(self, parser: Any, response: Response) -> int | None:
        """Parse live so the parser fetches (and we record) its extra pages; the check reports."""
        try:
            output = parser.parse(response, fetch=self.fetch)
        except Exception:  # parse problems are for the check to report, on the recording
            return None
        return len(output.items) if hasattr(output, "items") else None

    def fetch(self, url: str) -> Response:
        """The ``fetch`` handed to the parser: live and recorded; FetchError when it failed."""
        try:
            response, problem = self._get(url)
        except LiveTransportError as err:
            self.failures.append(str(err))
            raise FetchError(str(err)) from None
        if problem is not None and response.status in RETRY_STATUSES:
            self.failures.append(problem)  # still 429/5xx after the retries
        return response

    def _get(self, url: str) -> tuple[Response, str | None]:
        """A live GET (or the recorded response when replaying) and its HTTP problem, if any."""
        if self.stop.is_set():
            raise _Interrupted
        if url in self._seen:
            return self._seen[url], None
        if self.replay is not None:
            with contextlib.suppress(FetchError):
                response = self._seen[url] = self.replay.fetch(url)
                return response, None
        exchange = self.fetcher.get(url)
        self.requests += len(exchange.interactions)
        self.interactions.extend(exchange.interactions)
        self._seen[url] = exchange.response
        return exchange.response, http_problem(exchange)


def _not_a_feed(url: str, response: Response) -> str | None:
    problem = feed_problem(response)
    return None if problem is None else f"GET {url}: {problem}"


def _status_text(status: int) -> str:
    with contextlib.suppress(ValueError):
        return f"{status} {HTTPStatus(status).phrase}"
    return str(status)


def _check_reasons(
    result: CassetteResult, fail_on: Severity, shown: str | None = None
) -> Iterator[str]:
    """Why the checks fail ``result``, naming the file as ``shown`` (default: its path)."""
    if result.error is not None:
        yield f"{result.error_kind or 'error'}: {result.error}"
    errors = [v for v in result.violations if fails(v.severity, fail_on)]
    if errors:
        checks = ", ".join(sorted({v.check for v in errors}))
        noun = "violation" if len(errors) == 1 else "violations"
        level = "error-level" if fail_on is Severity.ERROR else f"{fail_on.value}-or-worse"
        where = shown or result.path
        yield f"{len(errors)} {level} {noun} ({checks}): see 'harness check {where}'"


def _finding_reason(f: Finding) -> str:
    """One failing finding as a reason line: ``drift (error): description-markup: ...``."""
    since = f" (against {f.last_good})" if f.last_good else ""
    return f"drift ({f.level.value}): {f.kind}: {f.title}{since}"


def _read_committed(path: Path) -> bytes | None:
    """The committed cassette's bytes (bounded as loading is), None when there is none yet."""
    try:
        return read_bounded(path, DEFAULT_MAX_BYTES)
    except FileNotFoundError:
        return None


def _unchanged(path: Path, before: bytes | None) -> bool:
    """Whether the committed cassette still holds ``before`` (unreadable counts as changed)."""
    try:
        return _read_committed(path) == before
    except OSError:
        return False


def _decode_or_none(path: Path, data: bytes | None) -> Cassette | None:
    """The committed cassette, or None when there is none or it cannot be read (it is still
    never overwritten)."""
    if data is None:
        return None
    try:
        return decode_cassette(path, data)
    except CassetteError:
        return None


def clear_scratch(scratch: Path, leftovers: Leftovers | None = None) -> None:
    """Remove a previous run's scratch recording and the temporary files a killed run left
    (found in ``leftovers``, the run's one listing of the folder, else by a glob)."""
    found = leftovers.of(scratch) if leftovers else scratch.parent.glob(f".{scratch.name}.*.tmp")
    for leftover in (scratch, *found):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


class Leftovers:
    """The temporary files (``.NAME.XXXX.tmp``) in the cassette folders, listed once a folder
    per run: a glob per feed read a folder of N cassettes N times (quadratic at thousands)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hidden: dict[Path, tuple[str, ...]] = {}

    def of(self, scratch: Path) -> list[Path]:
        """The temporary files of ``scratch`` (written by :func:`harness.fileio.write_atomic`)."""
        folder = scratch.parent
        with self._lock:
            names = self._hidden.get(folder)
            if names is None:
                names = self._hidden[folder] = _temporary_names(folder)
        prefix = f".{scratch.name}."  # as the glob ".NAME.*.tmp": ".tmp" after the prefix
        return [folder / n for n in names if n.startswith(prefix) and len(n) >= len(prefix) + 4]


def _temporary_names(folder: Path) -> tuple[str, ...]:
    try:
        with os.scandir(folder) as listing:
            return tuple(e.name for e in listing if e.name[:1] == "." and e.name.endswith(".tmp"))
    except OSError:  # no folder yet (a first recording), or unreadable: nothing to clear
        return ()
