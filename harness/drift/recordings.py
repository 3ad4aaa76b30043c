"""Recordings as drift sees them: fingerprints of replayed cassettes, a feed's recordings in
order, and the baseline comparison that ``harness check`` runs as a step.

Every recording is read through :mod:`harness.replay`, so ``history``, ``bless`` and ``diff``
claim the same cassettes for a feed as ``check`` does (scrubbed URLs included), and through the
fingerprint cache, so a recording is fingerprinted once per version of it.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from harness.cassettes.paths import discover, is_cassette_file
from harness.config import HarnessConfig
from harness.drift.baseline import baseline_path, bounded, load_baseline
from harness.drift.compare import EXAMPLES, compare
from harness.drift.findings import (
    Cause,
    Example,
    FeedHistory,
    Finding,
    Level,
    Scope,
    SignalChange,
)
from harness.drift.fingerprint import Fingerprint, fingerprint_output
from harness.drift.fingerprint_cache import FingerprintCache
from harness.drift.history import diff
from harness.feedsetup import FeedSetup
from harness.findings import DRIFT_CHECK
from harness.kinds import KINDS
from harness.model import CassetteResult, Severity
from harness.replay import Replay, Replayer, crash_text
from harness.verdict import rated

__all__ = [
    "BaselineStep",
    "Fingerprinter",
    "cassettes_under",
    "feed_recordings",
    "folder_recordings",
    "ordered",
    "pair_history",
    "rated_history",
    "recorded_time",
    "violation_findings",
]

_EMPTY = "the feed served no items (an empty channel)"


class Fingerprinter:
    """Fingerprints of replayed recordings, kept in the fingerprint cache when it is on."""

    def __init__(self, replayer: Replayer) -> None:
        self.replayer = replayer
        config = replayer.config
        self.cache = None if config.cache_dir is None else FingerprintCache(config.cache_dir)

    def path(self, path: Path, *, shown: str | None = None, feed: str | None = None) -> Fingerprint:
        """Read, parse and fingerprint the cassette at ``path`` (failures named, never raised);
        ``feed``: the feed's response when the cassette holds several feeds.

        A recording whose fingerprint is cached is not parsed at all: the cache key needs only
        the file's hash and the feed's parser, both known once the cassette is opened.
        """
        opened = self.replayer.open(path, shown=shown, feed=feed)
        cached = self._cached(opened)
        return cached if cached is not None else self.replay(self.replayer.parse(opened))

    def _cached(self, opened: Replay) -> Fingerprint | None:
        """The cached fingerprint of an opened (not yet parsed) recording, if any."""
        if opened.failure is not None or opened.response is None:
            return None
        key = self._key(opened)
        if key is None or self.cache is None:
            return None
        base = Fingerprint(opened.shown, opened.feed, opened.url, opened.recorded_at)
        return self.cache.get(key, base)

    def replay(self, replay: Replay) -> Fingerprint:
        """The fingerprint of a replayed recording; a failed one carries its failure."""
        base = Fingerprint(replay.shown, replay.feed, replay.url, replay.recorded_at)
        if replay.failure is not None:
            message = _unprefixed(replay.shown, replay.failure.message)
            if replay.failure.kind == "transport":
                return replace(base, transport=message)
            return replace(base, error=message)
        if replay.output is None or replay.response is None:
            return replace(base, error="not a recorded feed document")
        if not replay.output.items:
            return replace(base, transport=_EMPTY)
        key = self._key(replay)
        found = None if key is None or self.cache is None else self.cache.get(key, base)
        if found is not None:
            return found
        try:
            found = fingerprint_output(base, replay.output, replay.response.body)
        except Exception as err:  # a form no fingerprint foresaw: named, never a traceback
            return replace(base, error=f"cannot fingerprint: {crash_text(err)}")
        if key is not None and self.cache is not None:
            self.cache.put(key, found)
        return found

    def stored(self, blob: str, *, shown: str, feed: str) -> Fingerprint | None:
        """The cached fingerprint of a version from git known by its blob id: nothing read
        from git, decoded or parsed (None: not cached)."""
        setup = self.replayer.setups.get(feed)
        if self.cache is None or setup is None:
            return None
        content = self.cache.content_of(blob)
        key = None if content is None else self._key_of(content, feed, setup.parser)
        return None if key is None else self.cache.get_named(key, shown, feed)

    def blob(self, data: bytes, blob: str, copy: Path, *, shown: str, feed: str) -> Fingerprint:
        """The fingerprint of a version from git held in memory: written to ``copy`` and read
        as a file is (the cache then knows it by its blob id too)."""
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(data)
        found = self.path(copy, shown=shown, feed=feed)
        if self.cache is not None:
            self.cache.remember(blob, hashlib.sha256(data).hexdigest())
        return found

    def _key(self, replay: Replay) -> str | None:
        """The cache key: the cassette file's hash, the parser and its settings (None: uncached)."""
        if self.cache is None or replay.content is None or not replay.feed:
            return None
        assert replay.setup is not None
        return self._key_of(replay.content, replay.feed, replay.setup.parser)

    def _key_of(self, content: str, name: str, parser: object) -> str | None:
        """The key of the file with SHA-256 ``content`` read as feed ``name``'s recording (the
        feed is part of it: a cassette holding two feeds has a fingerprint for each)."""
        assert self.cache is not None
        config = self.replayer.config
        feed = config.feed_named(name)
        settings = {
            "feed": name,
            "parser": feed.parser,
            "parser-options": dict(feed.parser_options),
            "limits": dict(config.limits),
        }
        return self.cache.key(content, parser, settings)


def recorded_time(fp: Fingerprint) -> datetime | None:
    """The recording's ``harness: recorded_at`` as a time (UTC when it names no offset)."""
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
    times = [recorded_time(fp) for fp in fps]
    if fps and all(t is not None for t in times):
        pairs = sorted(zip(times, fps, strict=True), key=lambda p: (p[0], p[1].name))
        return [fp for _, fp in pairs]
    return sorted(fps, key=lambda fp: (fp.name, fp.path))


def cassettes_under(folder: Path) -> Iterator[Path]:
    """The cassette files under ``folder``, in discovery order."""
    return (path for path in discover([folder]) if is_cassette_file(path))


def feed_recordings(prints: Fingerprinter, feed: str) -> list[Fingerprint]:
    """Fingerprints of the cassettes under the configured folder that the feed claims."""
    config = prints.replayer.config
    config.feed_named(feed)  # ConfigError listing the feeds when unknown
    found = (prints.path(path, feed=feed) for path in cassettes_under(config.cassettes))
    return ordered(fp for fp in found if fp.feed == feed)


def folder_recordings(prints: Fingerprinter, folder: Path) -> dict[str | None, list[Fingerprint]]:
    """Fingerprints of every cassette under ``folder``, by feed (None: unclaimed URLs)."""
    by_feed: dict[str | None, list[Fingerprint]] = {}
    for path in cassettes_under(folder):
        fp = prints.path(path)
        by_feed.setdefault(fp.feed or (fp.url and f"unclaimed {fp.url}"), []).append(fp)
    return {feed: ordered(fps) for feed, fps in sorted(by_feed.items(), key=lambda kv: str(kv[0]))}


class BaselineStep:
    """The runner step of ``harness check``: drift against ``<cassettes>/<feed>.baseline.json``.

    The runner hands it the parsed recording, so nothing is parsed twice. Its findings are
    ``diff``'s (the same comparison, the same kinds and severities); item problems and
    transport are left to the other checks.
    """

    check = DRIFT_CHECK

    def __init__(self, config: HarnessConfig, replayer: Replayer) -> None:
        self.cassettes = config.cassettes
        self.prints = Fingerprinter(replayer)

    def applies(self, replay: Replay) -> bool:
        """A recording of a configured feed that has a baseline file."""
        return bool(replay.feed) and replay.response is not None and self._where(replay).is_file()

    def findings(self, replay: Replay) -> Iterator[Finding]:
        """Each drift finding against the baseline (the baseline first, this recording now)."""
        base = bounded(load_baseline(self._where(replay)), replay.setup)
        for f in compare(base, self.prints.replay(replay)):
            if f.is_drift:
                yield f

    def planned(self, feed: str) -> bool:
        """Recordings of ``feed`` get the step when the feed has a baseline file."""
        return baseline_path(self.cassettes, feed).is_file()

    def _where(self, replay: Replay) -> Path:
        assert replay.feed is not None
        return baseline_path(self.cassettes, replay.feed)


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
            cause=Cause.ITEM_PROBLEM,
        ),
    )


def pair_history(
    before: Fingerprint,
    after: Fingerprint,
    results: tuple[CassetteResult, CassetteResult] | None = None,
    setup: FeedSetup | None = None,
) -> FeedHistory:
    """The verdict of AFTER against BEFORE, as ``diff`` and ``record`` give it: drift of form
    (the feed's configured bounds applied, as a baseline check does), new error-level
    violations (when ``results`` holds both recordings' checks), rated by the feed's
    ``[feeds.severity]``."""
    found = diff(before, after, setup=setup)
    if results is not None and before.ok and after.ok:
        found = replace(found, findings=found.findings + violation_findings(*results))
    return rated_history(found, setup.severity if setup is not None else {})


def rated_history(found: FeedHistory, severity: Mapping[str, Severity]) -> FeedHistory:
    """A feed's findings with its ``[feeds.severity]`` applied by kind."""
    return replace(found, findings=rated(found.findings, severity)) if severity else found


def _unprefixed(shown: str, message: str) -> str:
    """A failure's message without the leading file name (a fingerprint is already named)."""
    return message[len(shown) + 2 :] if message.startswith(f"{shown}: ") else message
