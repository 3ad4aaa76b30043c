"""Recordings as drift sees them: fingerprints of replayed cassettes, a feed's recordings in
order, and the baseline comparison that ``harness check`` runs as a step.

Every recording is read through :mod:`harness.replay`, so ``history``, ``bless`` and ``diff``
claim the same cassettes for a feed as ``check`` does (scrubbed URLs included), and through the
fingerprint cache, so a recording is fingerprinted once per version of it.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from harness.cassettes.load import DEFAULT_MAX_BYTES
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
from harness.drift.gitversions import Commit, FileHistory, NoGitHistory, file_history
from harness.drift.history import diff
from harness.feedsetup import FeedSetup
from harness.findings import DRIFT_CHECK
from harness.kinds import KINDS
from harness.model import CassetteResult, Severity
from harness.replay import Replay, Replayer, crash_text
from harness.verdict import rated

__all__ = [
    "BaselineStep",
    "FeedRecordings",
    "Fingerprinter",
    "GitOptions",
    "feed_recordings",
    "feed_versions",
    "folder_recordings",
    "ordered",
    "pair_history",
    "rated_history",
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


def _cassettes(folder: Path) -> Iterator[Path]:
    return (path for path in discover([folder]) if is_cassette_file(path))


def feed_recordings(prints: Fingerprinter, feed: str) -> list[Fingerprint]:
    """Fingerprints of the cassettes under the configured folder that the feed claims."""
    config = prints.replayer.config
    config.feed_named(feed)  # ConfigError listing the feeds when unknown
    found = (prints.path(path, feed=feed) for path in _cassettes(config.cassettes))
    return ordered(fp for fp in found if fp.feed == feed)


@dataclass(frozen=True, slots=True)
class GitOptions:
    """Whether and how far a feed's history is read from git (``--no-git``, ``--since``,
    ``--max-count``: the last two are handed to ``git log`` as they are)."""

    use: bool = True
    since: str | None = None
    max_count: int | None = None


@dataclass(frozen=True, slots=True)
class FeedRecordings:
    """A feed's recordings in order, the commit of each one read from git, and notes on where
    they came from (one line each)."""

    fingerprints: list[Fingerprint]
    commits: dict[str, Commit] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


# Notes on skipped versions listed by name before the rest are only counted.
_SKIPS_SHOWN = 3
# The working copy of a file with uncommitted changes sorts after every commit of it.
_UNCOMMITTED = datetime.max.replace(tzinfo=UTC)


def feed_versions(prints: Fingerprinter, feed: str, git: GitOptions) -> FeedRecordings:
    """A feed's recordings: every version in git of each cassette the feed claims under the
    configured folder (a commit that changed the file is a recording), plus the files on disk
    git does not know. Without git (``git.use`` off, no git command, no repository, an
    untracked file) the files on disk, with a note saying why."""
    config = prints.replayer.config
    config.feed_named(feed)  # ConfigError listing the feeds when unknown
    on_disk = [(path, prints.path(path, feed=feed)) for path in _cassettes(config.cassettes)]
    claimed = [(path, fp) for path, fp in on_disk if fp.feed == feed]
    if not git.use:
        return FeedRecordings(ordered(fp for _, fp in claimed))
    found: list[tuple[datetime | None, Fingerprint]] = []
    commits: dict[str, Commit] = {}
    notes: list[str] = []
    skipped: list[str] = []
    with tempfile.TemporaryDirectory(prefix="harness-git-") as scratch:
        for path, fp in claimed:
            try:
                versions = file_history(
                    path, since=git.since, max_count=git.max_count, max_bytes=DEFAULT_MAX_BYTES
                )
            except NoGitHistory as err:
                notes.append(f"{err}: reading the file on disk")
                found.append((_when(fp), fp))
                continue
            if _never_rewritten(versions):
                found.append((_when(fp), fp))  # a dated copy: the file on disk says it all
                continue
            if versions.shallow_note:
                notes.append(versions.shallow_note)
            found += _git_prints(prints, feed, fp, versions, Path(scratch), commits, skipped)
    if skipped:
        more = len(skipped) - _SKIPS_SHOWN
        notes.append(
            "skipped: "
            + "; ".join(skipped[:_SKIPS_SHOWN])
            + (f"; and {more} more" if more > 0 else "")
        )
    if commits:
        notes.insert(0, f"history from git: {len(commits)} commit(s)")
    return FeedRecordings(_by_time(found), commits, tuple(dict.fromkeys(notes)))


def _git_prints(
    prints: Fingerprinter,
    feed: str,
    current: Fingerprint,
    versions: FileHistory,
    scratch: Path,
    commits: dict[str, Commit],
    skipped: list[str],
) -> list[tuple[datetime | None, Fingerprint]]:
    """Fingerprints of a file's versions in git, each named ``<file>@<short hash>`` and dated
    by its ``harness: recorded_at`` else its commit; the working copy too when it differs
    from the newest commit (uncommitted changes). Cached versions are not read from git."""
    found: dict[int, Fingerprint] = {}
    shown = [f"{current.path}@{v.commit.short}" for v in versions.versions]
    for n, version in enumerate(versions.versions):
        if version.blob is not None:
            cached = prints.stored(version.blob, shown=shown[n], feed=feed)
            if cached is not None:
                found[n] = cached
    missing = [v.blob for n, v in enumerate(versions.versions) if v.blob and n not in found]
    contents = versions.read([b for b in missing if b]) if missing else {}
    out: list[tuple[datetime | None, Fingerprint]] = []
    for n, version in enumerate(versions.versions):
        if version.blob is None:
            skipped.append(f"{Path(shown[n]).name}: {version.note}")
            continue
        fp = found.get(n)
        if fp is None:
            copy = scratch / str(n) / versions.path.name  # the name tells a cassette, as on disk
            data = contents[version.blob]
            fp = prints.blob(data, version.blob, copy, shown=shown[n], feed=feed)
        if fp.feed != feed:
            reason = fp.error or fp.transport or "not a recording of this feed"
            skipped.append(f"{fp.name}: {reason}")
            continue
        committed = _commit_time(version.commit)
        if not fp.recorded_at:
            fp = replace(fp, recorded_at=committed.isoformat().replace("+00:00", "Z"))
        commits[fp.name] = version.commit
        out.append((_when(fp) or committed, fp))
    newest = versions.versions[-1].blob if versions.versions else None
    disk = versions.on_disk()
    if disk is not None and disk != newest and (newest is not None or not versions.versions):
        # uncommitted changes: the newest recording, whatever its stamp says
        out.append((_UNCOMMITTED, current))
    return out


def _never_rewritten(versions: FileHistory) -> bool:
    """One version in git, the same as the file on disk (no commit rewrote it since)."""
    only = versions.versions[0].blob if len(versions.versions) == 1 else None
    return only is not None and versions.on_disk() == only


def _commit_time(commit: Commit) -> datetime:
    return datetime.fromisoformat(commit.date).astimezone(UTC)


def _by_time(found: list[tuple[datetime | None, Fingerprint]]) -> list[Fingerprint]:
    """Recordings by date; all by file name when a file on disk has no date, as
    :func:`ordered` does."""
    if any(when is None for when, _ in found):
        return ordered(fp for _, fp in found)
    return [fp for _, fp in sorted(found, key=lambda p: (p[0], p[1].name))]


def folder_recordings(prints: Fingerprinter, folder: Path) -> dict[str | None, list[Fingerprint]]:
    """Fingerprints of every cassette under ``folder``, by feed (None: unclaimed URLs)."""
    by_feed: dict[str | None, list[Fingerprint]] = {}
    for path in _cassettes(folder):
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
