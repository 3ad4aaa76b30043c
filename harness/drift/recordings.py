"""Recordings on disk: a feed's cassettes in order, and drift against a blessed baseline."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.cassettes.paths import discover, is_cassette_path
from harness.drift.compare import EXAMPLES, compare
from harness.drift.findings import Example, FeedHistory, Finding, Level, Scope, SignalChange
from harness.drift.fingerprint import Fingerprint, fingerprint_cassette
from harness.drift.history import timeline
from harness.drift.kinds import KINDS
from harness.model import CassetteResult, FeedOutput, Severity, Violation

# (name, feed, URL, time) + the parsed recording + its raw body -> the recording's form
Fingerprinter = Callable[[Fingerprint, FeedOutput, bytes], Fingerprint]

__all__ = [
    "Fingerprinter",
    "baseline_violations",
    "check_baseline",
    "feed_recordings",
    "folder_recordings",
    "ordered",
    "violation_findings",
]


def _when(fp: Fingerprint) -> datetime | None:
    if not fp.recorded_at:
        return None
    try:
        value = datetime.fromisoformat(fp.recorded_at.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def ordered(fingerprints: Iterable[Fingerprint]) -> list[Fingerprint]:
    """A feed's history order: by ``harness: recorded_at`` when every recording has it,
    else by file name."""
    fps = list(fingerprints)
    times = [_when(fp) for fp in fps]
    if fps and all(t is not None for t in times):
        pairs = sorted(zip(times, fps, strict=True), key=lambda p: (p[0], p[1].name))
        return [fp for _, fp in pairs]
    return sorted(fps, key=lambda fp: (fp.name, fp.path))


def feed_recordings(runner: Any, feed: str) -> list[Fingerprint]:
    """Fingerprints of the cassettes under the configured folder that the feed claims."""
    config = runner.config
    config.feed_named(feed)  # ConfigError listing the feeds when unknown
    found = [
        fingerprint_cassette(path, runner)
        for path in discover([config.cassettes])
        if is_cassette_path(path)
    ]
    return ordered(fp for fp in found if fp.feed == feed)


def folder_recordings(runner: Any, folder: Path) -> dict[str | None, list[Fingerprint]]:
    """Fingerprints of every cassette under ``folder``, by feed (None: unclaimed URLs)."""
    by_feed: dict[str | None, list[Fingerprint]] = {}
    for path in discover([folder]):
        if is_cassette_path(path):
            fp = fingerprint_cassette(path, runner)
            by_feed.setdefault(fp.feed or (fp.url and f"unclaimed {fp.url}"), []).append(fp)
    return {feed: ordered(fps) for feed, fps in sorted(by_feed.items(), key=lambda kv: str(kv[0]))}


def check_baseline(runner: Any, path: Path) -> FeedHistory | None:
    """Compare one cassette with its feed's baseline; None when the feed has no baseline file.

    This is what ``harness check`` calls per cassette to report drift next to violations.
    """
    from harness.drift.baseline import baseline_path, load_baseline

    fp = fingerprint_cassette(path, runner)
    if fp.feed is None:
        return None
    where = baseline_path(runner.config.cassettes, fp.feed)
    if not where.is_file():
        return None
    base = load_baseline(where)
    findings = compare(base, fp)
    return FeedHistory(fp.feed, (*base.sources, fp.name), findings, timeline([fp], findings))


def violation_findings(old: CassetteResult, new: CassetteResult) -> tuple[Finding, ...]:
    """A finding when NEW has error-level violations of checks OLD passed."""

    def errors(result: CassetteResult) -> Counter[str]:
        return Counter(v.check for v in result.violations if v.severity is Severity.ERROR)

    before, after = errors(old), errors(new)
    fresh = sorted(c for c in after if c not in before)
    if not fresh:
        return ()
    examples = [
        Example(v.item_id or v.item_url or f"#{v.item_index}", v.check, v.observed or v.message)
        for v in new.violations
        if v.check in fresh and v.severity is Severity.ERROR
    ][:EXAMPLES]
    info = KINDS["new-violations"]
    return (
        Finding(
            kind="new-violations",
            feed=new.feed,
            scope=Scope.FEED,
            level=Level.ERROR,
            title=info.title,
            explanation=info.explanation,
            field=", ".join(fresh),
            signals=tuple(
                SignalChange(f"check:{c}", "0 violations", f"{after[c]} violations", "appeared")
                for c in fresh
            ),
            examples=tuple(examples),
            first_seen=Path(new.path).name,
            last_good=Path(old.path).name,
            seen_in=(Path(new.path).name,),
        ),
    )


def baseline_violations(
    cassettes: Path,
    feed: str,
    shown: str,
    output: FeedOutput,
    body: bytes,
    *,
    fingerprint: Fingerprinter | None = None,
) -> tuple[Violation, ...]:
    """Drift against ``<cassettes>/<feed>.baseline.json`` as violations (check id ``drift``).

    For ``harness check``: the runner already has the parsed output and the raw body, so
    nothing is parsed twice (and ``fingerprint``, when given, may serve the recording's form
    from a cache). No baseline file: no violations. Feed drift that damages parsed data is an
    error, other feed drift a warning; item problems and transport are left to the other checks.
    """
    from harness.drift.baseline import baseline_path, load_baseline
    from harness.drift.fingerprint import fingerprint_output

    where = baseline_path(cassettes, feed)
    if not where.is_file():
        return ()
    base = load_baseline(where)
    fp = (fingerprint or fingerprint_output)(Fingerprint(shown, feed, None, None), output, body)
    found = []
    for f in compare(base, fp):
        if not f.is_drift:
            continue
        first = f.signals[0] if f.signals else None
        found.append(
            Violation(
                check="drift",
                message=f"{f.title} (since baseline {base.last_source}): {f.explanation}",
                field=f.field,
                observed=None if first is None else f"{first.signal}: {first.after}",
                expected=None if first is None else first.before,
                severity=Severity.ERROR if f.level is Level.ERROR else Severity.WARNING,
            )
        )
    return tuple(found)
