"""The versions of one file in its git repository's history: each commit that changed it.

Maintainers keep one cassette per feed in git, rewritten in place by ``harness record``, so a
feed's history is in the commits of that file. This module reads it with the ``git`` command
(one ``git log`` and two ``git cat-file`` processes per file, whatever the number of commits):
no library binding is needed, and the command is what every maintainer already has.

git runs read-only and offline: no pager, no hooks (``core.hooksPath``, ``core.fsmonitor``
off), no optional locks, no lazy fetch of missing objects in a partial clone, C locale, paths
unquoted. Blobs over the cassette size limit are never read (their size is asked first).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.cassettes.load import DEFAULT_MAX_BYTES

__all__ = [
    "Commit",
    "FileHistory",
    "NoGitHistory",
    "Version",
    "blob_id",
    "file_history",
    "file_status",
]

# A git command over a local repository answers in well under a second; a minute means it is
# stuck (a network filesystem, a lock): it is stopped and the files on disk are used.
TIMEOUT = 60.0

_ENV = {
    "GIT_PAGER": "cat",
    "PAGER": "cat",
    "LC_ALL": "C",
    "LANGUAGE": "",
    "GIT_TERMINAL_PROMPT": "0",  # never ask for credentials
    "GIT_NO_LAZY_FETCH": "1",  # a partial clone never fetches a missing object (git >= 2.44)
    "GIT_OPTIONAL_LOCKS": "0",  # a read never refreshes the index
    "GIT_NO_REPLACE_OBJECTS": "1",
}
_CONFIG = (
    "-c",
    "core.quotepath=off",
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "core.fsmonitor=false",
    "-c",
    "protocol.allow=never",
    "-c",
    "log.showSignature=false",
)
# %x1f separates fields, %x1e ends a record: neither can be in a hash or an ISO date, and a
# subject keeps only its first line (a commit message with these bytes is cut, not misread).
_FORMAT = "--format=%H%x1f%h%x1f%cI%x1f%s%x1e"


class NoGitHistory(Exception):
    """Why a file's history cannot come from git (one line: no git, not a repository, ...)."""


@dataclass(frozen=True, slots=True)
class Commit:
    """A commit as a report names it."""

    hash: str
    short: str
    date: str  # committer date, ISO 8601 with the committer's offset, as git writes it
    subject: str


@dataclass(frozen=True, slots=True)
class Version:
    """The file as one commit left it: its blob (None when it is not there or too large to
    read: ``note`` says why) and the blob's size."""

    commit: Commit
    blob: str | None
    size: int = 0
    note: str | None = None


@dataclass(frozen=True, slots=True)
class FileHistory:
    """A file's versions, oldest first, and what a reader should know about where they end.
    The contents are read on demand (:meth:`read`): a reader that knows a blob by its id
    (a cache) reads nothing."""

    path: Path
    versions: tuple[Version, ...]
    shallow: bool = False
    root: Path | None = None

    @property
    def shallow_note(self) -> str | None:
        """The one-line note of a shallow clone: where the history present starts."""
        if not self.shallow or not self.versions:
            return None
        first = self.versions[0].commit
        return (
            f"shallow clone: history starts at {first.short} ({first.date[:10]}); "
            "run `git fetch --unshallow` for all of it"
        )

    def read(self, blobs: Sequence[str]) -> dict[str, bytes]:
        """The contents of ``blobs`` (ids of this history's versions): one git process."""
        assert self.root is not None
        return _read_blobs(self.root, sorted(set(blobs)))

    def on_disk(self) -> str | None:
        """The blob id the file on disk would have (None: it cannot be read)."""
        try:
            data = self.path.read_bytes()
        except OSError:
            return None
        newest = next((v.blob for v in reversed(self.versions) if v.blob), None)
        return blob_id(data, sha256=newest is not None and len(newest) == 64)


def blob_id(data: bytes, *, sha256: bool = False) -> str:
    """The id git gives a blob of ``data`` (SHA-1, or SHA-256 in a repository of that format)."""
    digest = hashlib.sha256() if sha256 else hashlib.sha1()  # noqa: S324 - git's own naming
    digest.update(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


def file_history(
    path: Path,
    *,
    since: str | None = None,
    max_count: int | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> FileHistory:
    """Every version of ``path`` in its repository's history, oldest first (``since`` and
    ``max_count`` go to ``git log``: the newest ``max_count`` commits since ``since``).

    Raises NoGitHistory (one line) when there is no git, no repository, or no commit of it.
    """
    path = Path(path).resolve()
    folder = path.parent if path.parent.is_dir() else Path.cwd()
    top, shallow = _repository(folder)
    try:
        rel = path.relative_to(top).as_posix()
    except ValueError:
        raise NoGitHistory(f"{path} is outside the git repository at {top}") from None
    commits = _log(top, rel, since, max_count)
    if not commits:
        if since is not None or max_count is not None:
            return FileHistory(path, (), shallow, top)
        raise NoGitHistory(f"{rel} is not tracked by git (no commit has it)")
    versions = _contents(top, rel, commits, max_bytes)
    return FileHistory(path, versions, shallow, top)


def file_status(path: Path) -> str | None:
    """The file's two-letter ``git status --porcelain`` code (``??`` untracked, ``!!``
    ignored, `` M`` changed, ``A `` added, ...), ``""`` when git tracks it unchanged; None
    when there is no git or no repository."""
    path = Path(path).resolve()
    try:
        top, _ = _repository(path.parent)
        rel = path.relative_to(top).as_posix()
        out = _git(top, "status", "--porcelain=v1", "-z", "--ignored", "--", rel)
    except (NoGitHistory, ValueError):
        return None
    return out[:2].decode("ascii", "replace") if out else ""


def _git(folder: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Run git in ``folder``; NoGitHistory when it is missing, fails or hangs."""
    exe = shutil.which("git")
    if exe is None:
        raise NoGitHistory("no git command on PATH")
    env = {**os.environ, **_ENV}
    env.pop("GIT_DIR", None)  # the repository is the file's, never one inherited by accident
    env.pop("GIT_WORK_TREE", None)
    try:
        done = subprocess.run(
            [exe, *_CONFIG, *args],
            cwd=folder,
            input=stdin if stdin is not None else b"",
            capture_output=True,
            env=env,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise NoGitHistory(f"git {args[0]} took over {TIMEOUT:.0f} s in {folder}") from None
    except OSError as err:
        raise NoGitHistory(f"cannot run git: {err.strerror or err}") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        text = reason[-1] if reason else f"exit status {done.returncode}"
        raise NoGitHistory(f"git {args[0]} failed: {text.removeprefix('fatal: ')}")
    return done.stdout


def _repository(folder: Path) -> tuple[Path, bool]:
    """The work tree's top folder and whether the clone is shallow."""
    try:
        out = _git(folder, "rev-parse", "--show-toplevel", "--is-shallow-repository")
    except NoGitHistory as err:
        if "not a git repository" in str(err):
            raise NoGitHistory(f"{folder} is not in a git repository") from None
        raise
    lines = out.decode("utf-8", "surrogateescape").splitlines()
    if len(lines) < 2 or not lines[0]:
        raise NoGitHistory(f"{folder} is not in a git work tree")
    return Path(lines[0]).resolve(), lines[1].strip() == "true"


def _log(top: Path, rel: str, since: str | None, max_count: int | None) -> list[Commit]:
    """The commits that changed ``rel``, oldest first (first parents' view of merges)."""
    args = ["log", _FORMAT, "--no-color", "--no-decorate", "--no-show-signature"]
    if since is not None:
        args.append(f"--since={since}")
    if max_count is not None:
        args.append(f"--max-count={max_count}")
    try:
        out = _git(top, *args, "--", rel).decode("utf-8", "replace")
    except NoGitHistory as err:
        if "does not have any commits" in str(err):
            return []  # a repository with no commit yet
        raise
    commits = []
    for record in out.split("\x1e"):
        fields = record.strip("\n").split("\x1f")
        if len(fields) == 4 and fields[0]:
            commits.append(Commit(*fields))
    commits.reverse()
    return commits


def _contents(
    top: Path, rel: str, commits: Sequence[Commit], max_bytes: int
) -> tuple[Version, ...]:
    """Each commit's blob of ``rel`` and its size (one ``git cat-file --batch-check``);
    blobs over ``max_bytes`` are noted, never read."""
    asked = "".join(f"{c.hash}:{rel}\n" for c in commits).encode("utf-8")
    checked = _git(top, "cat-file", "--batch-check", stdin=asked).decode("utf-8", "replace")
    rows = checked.splitlines()
    if len(rows) != len(commits):
        raise NoGitHistory(f"git cat-file answered {len(rows)} lines for {len(commits)} commits")
    versions = []
    for commit, row in zip(commits, rows, strict=True):
        parts = row.split()
        if len(parts) == 3 and parts[1] == "blob":
            size = int(parts[2])
            if size <= max_bytes:
                versions.append(Version(commit, parts[0], size))
            else:
                note = f"{size} bytes, over the cassette limit of {max_bytes}: not read"
                versions.append(Version(commit, None, size, note))
        elif parts and parts[-1] == "missing":
            versions.append(Version(commit, None, 0, "the file is not in this commit (deleted)"))
        else:
            kind = " ".join(parts[1:2]) or "unknown"
            versions.append(Version(commit, None, 0, f"not a file in this commit ({kind})"))
    return tuple(versions)


def _read_blobs(top: Path, ids: Sequence[str]) -> dict[str, bytes]:
    """The contents of the blobs ``ids``: one ``git cat-file --batch`` for them all."""
    if not ids:
        return {}
    out = _git(top, "cat-file", "--batch", stdin="".join(f"{i}\n" for i in ids).encode("ascii"))
    found: dict[str, bytes] = {}
    at = 0
    for blob in ids:
        end = out.index(b"\n", at)
        head = out[at:end].decode("ascii", "replace").split()
        if len(head) != 3 or head[0] != blob:
            raise NoGitHistory(f"git cat-file answered {' '.join(head)!r} for blob {blob}")
        size = int(head[2])
        found[blob] = out[end + 1 : end + 1 + size]
        at = end + 1 + size + 1  # the content, then a newline
    return found
