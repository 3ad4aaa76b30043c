"""The pipeline: replay a recording, then schema -> steps handed in -> invariants -> a result."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Protocol

from harness.cassettes import Cassette
from harness.cassettes.age import stale_warning
from harness.cassettes.paths import scan
from harness.config import HarnessConfig
from harness.errors import CassetteError
from harness.feedsetup import FeedSetup
from harness.findings import Finding
from harness.model import (
    CassetteResult,
    FeedOutput,
    Fetch,
    Response,
    Result,
    Severity,
    SkippedInteraction,
    Violation,
)
from harness.replay import Failure, Recording, Replay, Replayer, crash_text, internal_failure
from harness.schemas import validate_item
from harness.verdict import rated


class Step(Protocol):
    """An extra check of each parsed recording, handed to the runner (drift against a baseline).

    ``applies`` says whether the step checks this recording at all (then ``check`` is listed
    among the recording's checks); ``findings`` yields what it found, rated afterwards by the
    feed's ``[feeds.severity]`` (by kind) like every other command's findings.
    """

    check: str

    def applies(self, replay: Replay) -> bool:
        """Whether this recording gets the step (e.g. its feed has a baseline)."""
        ...

    def findings(self, replay: Replay) -> Iterable[Finding]:
        """What the step finds in a parsed recording."""
        ...

    def planned(self, feed: str) -> bool:
        """Whether recordings of ``feed`` will get the step (known before parsing)."""
        ...


Plan = tuple[int | None, str | None, tuple[str, ...]]
"""What a feed response of a cassette will get: its interaction (None: the cassette's one feed
response, first), its configured feed (None: unclaimed) and its checks."""

StepFactory = Callable[[HarnessConfig, Replayer], Step]
"""Builds a step for a configuration (module-level, so worker processes can build their own)."""


class Runner:
    """Checks files against a configuration; parsers and validators are built once."""

    def __init__(self, config: HarnessConfig, *, steps: Sequence[StepFactory] = ()) -> None:
        self.config = config
        self.replayer = Replayer(config)
        self.schema_dir = self.replayer.schema_dir
        self.setups = self.replayer.setups
        self._step_factories = tuple(steps)
        self.steps = tuple(make(config, self.replayer) for make in steps)

    def generic(self, parser_name: str) -> FeedSetup:
        """The setup for inputs no configured feed claims: default invariants of the parser."""
        return self.replayer.generic(parser_name)

    def check_paths(self, paths: Sequence[Path], *, jobs: int = 1) -> Result:
        """Check every cassette or stored item under ``paths`` (default: the cassettes folder).

        With ``jobs > 1`` files are checked in that many worker processes; results keep the
        input order, so the report is identical to a serial run. Holds every result: a report
        of a large run is better written from :meth:`iter_paths`.
        """
        return Result(tuple(self.iter_paths(paths, jobs=jobs)))

    def iter_paths(self, paths: Sequence[Path], *, jobs: int = 1) -> Iterator[CassetteResult]:
        """The results of :meth:`check_paths` one at a time, in input order, as they are ready.

        Only the results of the few files in flight are held (see ``_check_parallel``), so a
        report written while iterating needs memory for one cassette, not for the run.
        """
        targets = scan(paths or [self.config.cassettes]).files  # names, not Path objects
        if jobs <= 1 or len(targets) < 2:
            for path in targets:
                yield from self.check_file_all(path)
            return
        workers = min(jobs, len(targets))
        yield from _check_parallel(self.config, self._step_factories, targets, workers)

    def check_file(self, path: Path) -> CassetteResult:
        """Check one file; its first result when it holds several feeds (see check_file_all)."""
        return self.check_file_all(path)[0]

    def check_file_all(self, path: Path) -> tuple[CassetteResult, ...]:
        """One result per feed response in the file, in recorded order; never an exception.

        The interactions that are not feeds ride on the first result (``skipped``); a cassette
        with no feed in it is one SKIPPED result; an unreadable file one BROKEN result.
        """
        recording = self.replayer.replay_all(path)
        if not recording.replays:
            return (self._no_feed(recording),)
        results = [self._checked_safely(replay) for replay in recording.replays]
        results[0] = replace(results[0], skipped=recording.skipped)
        return tuple(results)

    def _checked_safely(self, replay: Replay) -> CassetteResult:
        try:
            return self.check_replay(replay)
        except Exception as err:  # a bug of ours or of a plugin: one input never stops the run
            known = None if replay.setup is None else _base_result(replay)
            failed = _broken(replay.shown, internal_failure(err), known)
            return replace(failed, fail_on=self.config.fail_on)

    def _no_feed(self, recording: Recording) -> CassetteResult:
        """A cassette with no feed response: skipped, each interaction with its reason."""
        return CassetteResult(
            path=recording.shown,
            feed=None,
            url=None,
            parser=None,
            schema=None,
            skipped=recording.skipped,
            skip_reason=_no_feed_reason(recording.skipped),
            fail_on=self.config.fail_on,
        )

    def check_replay(self, replay: Replay) -> CassetteResult:
        """The result of a replayed recording: its failure, or every check of its output."""
        return replace(self._checked(replay), fail_on=self.config.fail_on)

    def _checked(self, replay: Replay) -> CassetteResult:
        if replay.setup is None:
            assert replay.failure is not None
            return _broken(replay.shown, replay.failure)
        result = _base_result(replay)
        if replay.cassette is not None:
            result = self._with_age(result, replay.setup, replay.cassette)
        if replay.failure is not None or replay.output is None:
            return _broken(replay.shown, replay.failure or _unparsed(replay), result)
        return self._evaluate(result, replay)

    def check_parsed(
        self, response: Response, *, fetch: Fetch | None = None, shown: str | None = None
    ) -> tuple[CassetteResult, FeedOutput | None]:
        """Like check_response, plus the parser's output (None when the input is broken)."""
        replay = self.replayer.replay_response(response, fetch=fetch, shown=shown)
        return self.check_replay(replay), replay.output

    def check_response(
        self, response: Response, *, fetch: Fetch | None = None, shown: str | None = None
    ) -> CassetteResult:
        """Check an in-memory response as if recorded: the feed is found by its URL."""
        return self.check_parsed(response, fetch=fetch, shown=shown)[0]

    def plan(self, path: Path) -> tuple[str | None, tuple[str, ...]]:
        """Feed and checks a cassette will get, without parsing it; CassetteError if unreadable."""
        setup = self.replayer.setup_for_url(self.load_cassette(path).url)
        return setup.name, self._planned_checks(setup)

    def plan_all(self, path: Path) -> tuple[Plan, ...]:
        """Each feed response's interaction, feed and checks, without parsing (empty: no feed).

        CassetteError (or another HarnessError) when the file cannot be read.
        """
        recording = self.replayer.open_all(path)
        plans = []
        for replay in recording.replays:
            if replay.setup is None:  # unreadable: nothing to plan
                assert replay.failure is not None
                raise CassetteError(replay.failure.message)
            plans.append(
                (replay.interaction, replay.setup.name, self._planned_checks(replay.setup))
            )
        return tuple(plans)

    def _planned_checks(self, setup: FeedSetup) -> tuple[str, ...]:
        steps = tuple(s.check for s in self.steps if setup.name and s.planned(setup.name))
        return (*setup.checks, *steps)

    def display(self, path: Path) -> str:
        """The path as reports show it: relative to the project (config folder) when inside it."""
        return self.replayer.display(path)

    def setup_for_url(self, url: str) -> FeedSetup:
        """The setup of the feed claiming ``url`` (also when the recording scrubbed its secrets)."""
        return self.replayer.setup_for_url(url)

    def load_cassette(self, path: Path) -> Cassette:
        """A cassette, decoded from YAML or served by the cache of decoded cassettes."""
        return self.replayer.load(path)[0]

    def _with_age(
        self, result: CassetteResult, setup: FeedSetup, cassette: Cassette
    ) -> CassetteResult:
        stale = stale_warning(cassette.meta, self.config.max_age, datetime.now(UTC))
        if stale is None:
            return result
        severity = setup.severity.get("max-age", Severity.WARNING)
        age = Violation("max-age", stale, severity=severity)
        return replace(result, violations=(age,), checks=("max-age",))

    def _evaluate(self, result: CassetteResult, replay: Replay) -> CassetteResult:
        setup, output = replay.setup, replay.output
        assert setup is not None
        assert output is not None
        context = replace(setup.context, dialect=output.dialect)
        if context.language is None and isinstance(output.feed.get("language"), str):
            context = replace(context, language=output.feed["language"])
        found: list[Violation] = list(output.problems)
        for index, item in enumerate(output.items):
            found.extend(validate_item(self.schema_dir, setup.schema, item, index))
        step_checks: list[str] = []
        findings: list[Finding] = []
        for step in self.steps:
            if step.applies(replay):
                step_checks.append(step.check)
                findings.extend(step.findings(replay))
        found = list(_apply_severity(found, setup.severity))
        for bound in setup.invariants:
            # [feeds.severity] becomes the invariant's own severity (not a stamp afterwards), so
            # an outlier the invariant yields as a warning stays one (BoundInvariant)
            inv = replace(bound, severity=setup.severity.get(bound.id, bound.severity))
            try:
                found.extend(inv.iter_violations(output.items, context))
            except Exception as err:  # a crashing invariant is reported, the others still run
                crash = Violation(inv.id, f"invariant {inv.id!r} crashed: {crash_text(err)}")
                found.extend(_apply_severity([crash], setup.severity))
        violations = (*result.violations, *found)
        problem_checks = sorted({v.check for v in output.problems} - set(setup.checks))
        return replace(
            result,
            dialect=output.dialect,
            items=len(output.items),
            checks=(*result.checks, *setup.checks, *step_checks, *problem_checks),
            violations=violations,
            findings=rated(findings, setup.severity),
        )


_WORKER: Runner | None = None


def _init_worker(config: HarnessConfig, steps: tuple[StepFactory, ...]) -> None:
    global _WORKER  # one Runner per worker process, built once
    _WORKER = Runner(config, steps=steps)


def _check_in_worker(path: Path) -> tuple[CassetteResult, ...]:
    assert _WORKER is not None
    return _WORKER.check_file_all(path)


def _check_parallel(
    config: HarnessConfig, steps: tuple[StepFactory, ...], targets: Sequence[Path], jobs: int
) -> Iterator[CassetteResult]:
    """Files in input order, at most ``jobs * AHEAD`` of them submitted and not yet consumed.

    The results come back in input order (the report is a serial run's), and a file is submitted
    only when an earlier one has been consumed: memory holds the results of the window, however
    many files there are, and a slow reader slows the workers instead of piling results up.
    """
    from concurrent.futures import Future, ProcessPoolExecutor

    queued = iter(targets)
    pending: deque[Future[tuple[CassetteResult, ...]]] = deque()
    with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(config, steps)) as pool:
        try:
            for path in islice(queued, jobs * AHEAD):
                pending.append(pool.submit(_check_in_worker, path))
            while pending:
                yield from pending.popleft().result()
                for path in islice(queued, 1):  # one out, one in
                    pending.append(pool.submit(_check_in_worker, path))
        finally:  # the reader stopped early (or a worker died): drop what was not started
            for future in pending:
                future.cancel()


AHEAD = 8
"""Files submitted per worker ahead of the reader: enough that a worker never waits for the
reader behind a slow file (the bundled mix's slowest recording costs a few times its fastest's),
few enough that the results held stay a handful of cassettes'."""


def _no_feed_reason(skipped: tuple[SkippedInteraction, ...]) -> str:
    """'no feed in it: 3 interactions, none a feed response'."""
    count = len(skipped)
    noun = "interaction" if count == 1 else "interactions"
    return f"no feed in it: {count} {noun}, none a feed response"


def _unparsed(replay: Replay) -> Failure:
    return Failure("internal", f"{replay.shown}: the recording was not parsed")


def _base_result(replay: Replay) -> CassetteResult:
    setup = replay.setup
    assert setup is not None
    notes = (
        ()
        if setup.name
        else (
            f"no configured feed claims this URL: checked with {setup.parser_name}, "
            f"the {setup.schema} schema and the generic invariants",
        )
    )
    return CassetteResult(
        path=replay.shown,
        feed=setup.name,
        url=replay.url,
        parser=setup.parser_name,
        schema=setup.schema,
        notes=(*notes, *replay.notes),
        interaction=replay.interaction,
    )


def _broken(shown: str, failure: Failure, known: CassetteResult | None = None) -> CassetteResult:
    error = failure.message if failure.message.startswith(shown) else f"{shown}: {failure.message}"
    if known is not None:  # the feed is known: keep feed, URL and parser in the report
        return replace(known, error_kind=failure.kind, error=error)
    return CassetteResult(
        path=shown,
        feed=None,
        url=None,
        parser=None,
        schema=None,
        error_kind=failure.kind,
        error=error,
    )


def _apply_severity(
    found: Iterable[Violation], overrides: dict[str, Severity]
) -> Iterator[Violation]:
    for violation in found:
        severity = overrides.get(violation.check)
        yield violation if severity is None else replace(violation, severity=severity)
