"""``harness audit``: apply every operator to a feed's real recordings and score the checks.

For each configured feed, each recording of it and each operator, Hypothesis draws ``examples``
variants (derandomized: the same table on every run). Every variant is checked as ``harness
check`` would (parser problems, schema, the feed's invariants) and, when :mod:`harness.drift`
offers its comparison, compared with the real recording's form. Per example:

* **caught**: the verdict fails where it did not on the real recording: a violation or a drift
  finding at or above ``fail-on`` (the same verdict as ``check`` and ``diff``), or the input
  breaks;
* **absorbed** (drift only): nothing fires, but the parser reads the very same records, so
  nothing was corrupted;
* **missed** (drift): nothing fires and the records differ; **alarm** (benign): a check fires.

A check that already fires on the real recording cannot signal anything and is listed as masked.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from harness.audit.feeddoc import NotApplicable
from harness.audit.operators import Choices, Kind, Operator, operators
from harness.cassettes.paths import discover, is_cassette_path
from harness.config import FeedConfig, HarnessConfig
from harness.drift import BaselineStep, diff
from harness.drift.envelope import Envelope, envelope
from harness.drift.fingerprint import Fingerprint, fingerprint_output
from harness.errors import ConfigError, HarnessError
from harness.model import CassetteResult, FeedOutput, Fetch, Response
from harness.runner import Runner
from harness.severity import Severity
from harness.verdict import fails, rated

__all__ = ["DEFAULT_EXAMPLES", "AuditReport", "Recording", "Score", "audit", "load_recordings"]

DEFAULT_EXAMPLES = 20
Signals = frozenset[str]


@dataclass(frozen=True, slots=True)
class Recording:
    """One real recording of a feed: the feed response and the cassette serving other URLs."""

    path: str
    feed: FeedConfig
    response: Response
    fetch: Fetch
    recorded_at: str | None = None


@dataclass(slots=True)
class Score:
    """One operator on one feed, over all its recordings and examples."""

    feed: str
    operator: str
    kind: Kind
    doc: str
    examples: int = 0  # examples that changed the body
    caught: int = 0
    absorbed: int = 0
    missed: int = 0
    alarms: int = 0
    noop: int = 0
    not_applicable: set[str] = field(default_factory=set)  # recordings it cannot act on
    crashes: set[str] = field(default_factory=set)
    by_check: Counter[str] = field(default_factory=Counter)
    example: str | None = None  # what the first missed (or alarming) example did

    @property
    def verdict(self) -> str:
        """caught, partial, missed, absorbed (drift); quiet, alarm (benign); n/a; crashed."""
        if self.crashes:
            return "crashed"
        if not self.examples:
            return "n/a"
        if self.kind is Kind.BENIGN:
            return "alarm" if self.alarms else "quiet"
        if self.missed == 0:
            return "caught" if self.caught else "absorbed"
        return "missed" if self.missed == self.examples else "partial"

    @property
    def failed(self) -> bool:
        """True when this score makes the audit fail (a miss, an alarm, a crash)."""
        return self.verdict in ("partial", "missed", "alarm", "crashed")


@dataclass(frozen=True, slots=True)
class FeedAudit:
    """The scores of one feed and the recordings they come from."""

    feed: str
    recordings: tuple[str, ...]
    scores: tuple[Score, ...]
    masked: tuple[str, ...] = ()  # checks already firing on a real recording


@dataclass(frozen=True, slots=True)
class AuditReport:
    """A whole audit: per feed, per operator."""

    feeds: tuple[FeedAudit, ...]
    examples: int
    detectors: tuple[str, ...]  # "checks", and "drift" when harness.drift took part
    notes: tuple[str, ...] = ()

    @property
    def exit_code(self) -> int:
        """1 when a drift operator is missed (even partly), a benign one alarms or one crashed."""
        return 1 if any(s.failed for f in self.feeds for s in f.scores) else 0

    def false_alarms(self) -> tuple[int, int]:
        """(alarming examples, examples) over every benign operator and feed."""
        benign = [s for f in self.feeds for s in f.scores if s.kind is Kind.BENIGN]
        return sum(s.alarms for s in benign), sum(s.examples for s in benign)


# --- recordings -----------------------------------------------------------------------------------


def load_recordings(
    runner: Runner, feeds: Sequence[str] = (), *, latest: bool = False
) -> dict[str, list[Recording]]:
    """The recordings of each named feed (default: every configured feed) under the cassettes.

    Read through the replay path, so a feed claims the same cassettes here as in ``check``.
    """
    config = runner.config
    wanted = [config.feed_named(n) for n in feeds] if feeds else list(config.feeds)
    found: dict[str, list[Recording]] = {f.name: [] for f in wanted}
    for path in discover([config.cassettes]):
        if not is_cassette_path(path):
            continue
        for opened in runner.replayer.open_all(path).replays:  # each feed of the cassette
            if opened.failure or opened.feed not in found or opened.response is None:
                continue
            assert opened.fetch is not None
            feed = config.feed_named(opened.feed)
            shown = opened.shown + ("" if opened.interaction is None else f"#{opened.interaction}")
            recording = Recording(shown, feed, opened.response, opened.fetch, opened.recorded_at)
            found[feed.name].append(recording)
    empty = sorted(name for name, recs in found.items() if not recs)
    if empty:
        raise ConfigError(f"no recordings of {', '.join(empty)} under {config.cassettes}")
    if latest:
        return {
            n: [max(recs, key=lambda r: (r.recorded_at or "", r.path))] for n, recs in found.items()
        }
    return found


# --- checking one body ----------------------------------------------------------------------------


def _check(
    runner: Runner, response: Response, fetch: Fetch
) -> tuple[CassetteResult, FeedOutput | None]:
    """Parse once, then check as ``harness check`` does; the output too (None when broken)."""
    return runner.check_parsed(response, fetch=fetch)


def _signals(result: CassetteResult) -> Signals:
    """What fails the verdict of ``harness check`` (at or above the run's fail-on)."""
    found = {v.check for v in result.violations if fails(v.severity, result.fail_on)}
    found |= {f"drift: {f.kind}" for f in result.findings if fails(f.level, result.fail_on)}
    if result.error_kind is not None:
        found.add(f"broken: {result.error_kind}")
    return frozenset(found)


Detector = Callable[[FeedOutput | None, bytes], Signals]


def _drift_detector(recording: Recording, output: FeedOutput, fail_on: Severity) -> Detector | None:
    """``harness diff REAL VARIANT``'s failing findings, when harness.drift offers a comparison."""
    url = recording.response.url
    severity = recording.feed.severity

    def fingerprint(out: FeedOutput, body: bytes, name: str) -> Any:
        return fingerprint_output(Fingerprint(name, recording.feed.name, url, None), out, body)

    try:
        base = fingerprint(output, recording.response.body, recording.path)
        if diff(base, base).drifted:
            return None  # not a usable comparison (a recording drifts from itself)
    except Exception:  # harness.drift is optional and may be mid-change
        return None

    old_envelope = envelope(recording.response.body)

    def detect(out: FeedOutput | None, body: bytes) -> Signals:
        if out is None:
            return frozenset()
        fast = reenveloped(base, output, old_envelope, out, body)
        found = rated(diff(base, fast or fingerprint(out, body, "variant")).findings, severity)
        return frozenset(
            f"drift: {f.kind}" for f in found if f.is_drift and fails(f.level, fail_on)
        )

    return detect


def reenveloped(
    base: Fingerprint, output: FeedOutput, old: Envelope, out: FeedOutput, body: bytes
) -> Fingerprint | None:
    """``fingerprint_output`` of ``out`` read from ``body``, from ``base`` (that of ``output``
    read from the document ``old`` is the envelope of), when the parser read the very same
    output: then only the envelope's signals (``env:``, ``esc:``, ``rawlink:``, read from the
    raw document) can differ, so the item bodies need no second walk. None otherwise."""
    if out.items != output.items or out.dialect != output.dialect:
        return None
    if {k: v for k, v in out.feed.items() if k != "encoding"} != {
        k: v for k, v in output.feed.items() if k != "encoding"
    }:
        return None
    new = envelope(body)
    if len(new.items) != len(old.items) or len(base.items) > len(old.items):
        return None
    items = tuple(
        replace(p, signals=(p.signals - old.items[i]) | new.items[i])
        for i, p in enumerate(base.items)
    )
    encoding = out.feed.get("encoding")
    return replace(
        base,
        path="variant",
        encoding=encoding if isinstance(encoding, str) else None,
        feed_signals=frozenset(new.feed),
        items=items,
    )


# --- running --------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Target:
    recording: Recording
    signals: Signals
    items: list[Any]
    detect: Detector | None
    seen: dict[bytes, tuple[Signals, bool]] = field(default_factory=dict)  # by body digest


def audit(
    config: HarnessConfig,
    feeds: Sequence[str] = (),
    *,
    examples: int = DEFAULT_EXAMPLES,
    latest: bool = False,
    only: Sequence[str] = (),
    drift: bool = True,
) -> AuditReport:
    """Score every operator (or those in ``only``) against each feed's recordings."""
    if examples < 1:
        raise ConfigError(f"examples must be at least 1, got {examples}")
    runner = Runner(config, steps=(BaselineStep,))
    chosen = [op for op in operators() if not only or op.id in only]
    unknown = sorted(set(only) - {op.id for op in chosen})
    if unknown:
        raise ConfigError(f"no operator {', '.join(map(repr, unknown))}")
    results: list[FeedAudit] = []
    used_drift = False
    for name, recordings in load_recordings(runner, feeds, latest=latest).items():
        targets = [_target(runner, rec, drift) for rec in recordings]
        used_drift = used_drift or any(t.detect is not None for t in targets)
        scores = tuple(_score(runner, op, targets, examples) for op in chosen)
        masked = sorted({s for t in targets for s in t.signals})
        results.append(FeedAudit(name, tuple(r.path for r in recordings), scores, tuple(masked)))
    detectors = ("checks", "drift") if used_drift else ("checks",)
    notes = () if used_drift else (_NO_DRIFT,)
    return AuditReport(tuple(results), examples, detectors, notes)


_NO_DRIFT = (
    "drift detection (harness.drift) took no part: invariants, schema and parser problems only"
)


def _target(runner: Runner, recording: Recording, drift: bool) -> _Target:
    result, output = _check(runner, recording.response, recording.fetch)
    if output is None:
        raise HarnessError(f"{recording.path}: the real recording is broken: {result.error}")
    detect = _drift_detector(recording, output, runner.config.fail_on) if drift else None
    return _Target(recording, _signals(result), _comparable(output.items), detect)


def _comparable(items: list[Any]) -> list[Any]:
    """Items as compared for 'absorbed': article records without the raw body they came from."""
    return [
        {k: v for k, v in item.items() if k not in ("summary", "content")}
        if "paragraphs" in item
        else item
        for item in items
    ]


def _score(runner: Runner, op: Operator, targets: list[_Target], examples: int) -> Score:
    first = targets[0].recording.feed
    score = Score(first.name, op.id, op.kind, op.doc)
    for target in targets:
        _run_examples(functools.partial(_example, runner, op, target, score=score), examples)
    return score


def _example(
    runner: Runner, op: Operator, target: _Target, choices: Choices, *, score: Score
) -> None:
    recording = target.recording
    try:
        mutation = op.mutate(recording.response.body, choices, timezone=recording.feed.timezone)
    except NotApplicable:
        score.not_applicable.add(recording.path)
        raise _Stop from None
    except Exception as err:  # an operator bug is reported, not raised
        score.crashes.add(f"{recording.path}: {type(err).__name__}: {err}")
        raise _Stop from None
    if mutation.body == recording.response.body:
        score.noop += 1
        return
    variant = Response(
        recording.response.url, recording.response.status, recording.response.headers, mutation.body
    )
    # checks are deterministic: a body met before (an operator drawing little, or none) is
    # checked once per recording
    key = hashlib.blake2b(mutation.body, digest_size=16).digest()
    if key not in target.seen:
        result, output = _check(runner, variant, recording.fetch)
        fired = _signals(result) - target.signals
        if target.detect is not None:
            fired |= target.detect(output, mutation.body)
        same = output is not None and _comparable(output.items) == target.items
        target.seen[key] = fired, same
    fired, same = target.seen[key]
    score.examples += 1
    score.by_check.update(fired)
    _tally(score, fired, same, recording.path, mutation.notes)


def _tally(score: Score, fired: Signals, same: bool, path: str, notes: tuple[str, ...]) -> None:
    if score.kind is Kind.BENIGN:
        if fired:
            score.alarms += 1
            score.example = (
                score.example or f"{path}: {'; '.join(notes)} -> {', '.join(sorted(fired))}"
            )
        return
    if fired:
        score.caught += 1
    elif same:
        score.absorbed += 1
    else:
        score.missed += 1
        score.example = score.example or f"{path}: {'; '.join(notes)}"


class _Stop(Exception):  # ends the examples of one operator on one recording
    """Raised by an example to end the run (operator not applicable, or crashed)."""


def _run_examples(fn: Callable[[Choices], None], examples: int) -> None:
    """Call ``fn`` with ``examples`` Hypothesis-drawn Choices (derandomized, no database)."""
    from hypothesis import HealthCheck, Phase, Verbosity, given, settings
    from hypothesis import strategies as st

    from harness.strategies import DataChoices

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=(Phase.generate,),
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
    )
    @given(st.data())
    def run(data: st.DataObject) -> None:
        fn(DataChoices(data))

    with contextlib.suppress(_Stop):
        run()
