"""A feed's recordings over time: every version in git of each cassette the feed claims (each
commit that changed the file is a recording), plus the files on disk git does not know.

Maintainers keep one cassette per feed in git, rewritten in place by ``harness record``: its
history is in the commits (:mod:`harness.drift.gitversions` reads them). Without git (asked
not to, no git command, no repository, an untracked file) the files on disk are the history,
with a note saying why.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from harness.cassettes.load import DEFAULT_MAX_BYTES
from harness.drift.fingerprint import Fingerprint
from harness.drift.gitversions import Commit, FileHistory, NoGitHistory, file_history
from harness.drift.recordings import Fingerprinter, cassettes_under, ordered, recorded_time

__all__ = ["FeedRecordings", "GitOptions", "feed_versions"]


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
    on_disk = [(path, prints.path(path, feed=feed)) for path in cassettes_under(config.cassettes)]
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
                found.append((recorded_time(fp), fp))
                continue
            if not versions.versions:  # --since or --max-count left none
                notes.append(f"{fp.path}: no commit within --since/--max-count: the file on disk")
                found.append((recorded_time(fp), fp))
                continue
            if _never_rewritten(versions):
                found.append((recorded_time(fp), fp))  # a dated copy: the file on disk says it all
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
        out.append((recorded_time(fp) or committed, fp))
    newest = versions.versions[-1].blob if versions.versions else None
    disk = versions.on_disk()
    if disk is not None and newest is not None and disk != newest:
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
