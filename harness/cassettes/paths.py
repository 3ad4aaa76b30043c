"""Which files are cassettes: names, contents, the scratch copies ``harness record`` leaves, scans.

A file named ``.yaml``/``.yml`` is a cassette by its name; any other file is one when its first
bytes say so (vcrpy names a cassette after the test, with no suffix, and its JSON serializer
writes whatever name it is given). A folder scan sniffs every other file, reading only its first
:data:`SNIFF_BYTES`, and says what it skipped and why (:func:`scan`).
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import overload

from harness.cassettes.jsonform import looks_like_json
from harness.fileio import os_reason

__all__ = [
    "ITEM_HEAD_BYTES",
    "SCRATCH_SUFFIX",
    "SNIFF_BYTES",
    "PathList",
    "Scan",
    "Skipped",
    "discover",
    "is_cassette_file",
    "is_cassette_path",
    "is_review_copy",
    "is_scratch",
    "looks_like_cassette",
    "scan",
    "scratch_path",
]

_SUFFIXES = (".yaml", ".yml")
SCRATCH_SUFFIX = ".new"
ITEM_HEAD_BYTES = 4096  # enough of a file to tell a stored item from anything else
SNIFF_BYTES = 64 * 1024
"""How much of a file is read to tell a cassette: vcrpy and Betamax write the interactions key
first (sorted keys), so it is in the first line; 64 KiB leaves room for a hand-written header."""
_ITEM_SUFFIXES = (".md", ".txt")
# A top-level key (column 0) of a YAML cassette: vcrpy's, or Betamax's; plain or quoted.
_YAML_KEY = re.compile(rb"^(?:(?:http_)?interactions|([\"'])(?:http_)?interactions\1)[ \t]*:", re.M)
_JSON_KEY = re.compile(rb'"(?:http_)?interactions"\s*:')
# The first line that is not blank, a comment, a directive or a document marker: in a cassette,
# a top-level key ("harness:", "interactions:", "version: 1"); in Markdown or prose, not.
_FIRST_LINE = re.compile(rb"^(?![ \t]*(?:#|%|---|\r?$)).+", re.M)
_TOP_KEY = re.compile(rb"[A-Za-z_\"'][^:\s]*[\"']?[ \t]*:(?:[ \t]|\r?$)")
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file a folder scan passed over, and why (one line)."""

    path: Path
    reason: str


class PathList(Sequence[Path]):
    """Paths kept as their strings, a ``Path`` made on each access.

    A scan of 10,000 cassettes held as ``Path`` objects took ~0.8 KB a file (each with its
    parts list and cached strings) in the parent of a check and in every forked worker; a
    string is a tenth of that. Equal to another PathList naming the same files in the same order.
    """

    __slots__ = ("_names",)

    def __init__(self, paths: Iterable[str | os.PathLike[str]] = ()) -> None:
        self._names = tuple(os.fspath(p) for p in paths)

    def __len__(self) -> int:
        return len(self._names)

    @overload
    def __getitem__(self, index: int) -> Path: ...

    @overload
    def __getitem__(self, index: slice) -> PathList: ...

    def __getitem__(self, index: int | slice) -> Path | PathList:
        if isinstance(index, slice):
            return PathList(self._names[index])
        return Path(self._names[index])

    def __iter__(self) -> Iterator[Path]:
        return map(Path, self._names)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PathList) and self._names == other._names

    def __hash__(self) -> int:
        return hash(self._names)

    def __repr__(self) -> str:
        return f"PathList({list(self._names)!r})"


@dataclass(frozen=True, slots=True)
class Scan:
    """What a scan found to check, in order, and what it skipped."""

    files: PathList
    skipped: tuple[Skipped, ...]


def is_cassette_path(path: Path) -> bool:
    """Whether path names a cassette file (.yaml or .yml)."""
    return path.suffix.lower() in _SUFFIXES


def is_cassette_file(path: Path) -> bool:
    """Whether path is a cassette: named .yaml/.yml, or its first bytes are a cassette's."""
    if is_cassette_path(path):
        return True
    try:
        return looks_like_cassette(_head(path, SNIFF_BYTES))
    except OSError:
        return False


def looks_like_cassette(head: bytes) -> bool:
    """Whether the first bytes of a file are those of a cassette: YAML or JSON text with a
    top-level ``interactions`` (vcrpy) or ``http_interactions`` (Betamax) key."""
    head = head.removeprefix(_BOM)
    if b"\0" in head:
        return False
    if looks_like_json(head):
        return _JSON_KEY.search(head) is not None
    first = _FIRST_LINE.search(head)
    return bool(first and _TOP_KEY.match(first[0]) and _YAML_KEY.search(head))


def scratch_path(committed: Path) -> Path:
    """Where a feed is recorded before the swap: ``rfi.yaml`` -> ``rfi.new.yaml``."""
    return committed.with_name(f"{committed.stem}{SCRATCH_SUFFIX}{committed.suffix}")


def is_scratch(path: Path) -> bool:
    """Whether ``path`` is a recording left for review (``*.new.yaml``), not a cassette."""
    return Path(path.stem).suffix == SCRATCH_SUFFIX and is_cassette_path(path)


def is_review_copy(path: Path) -> bool:
    """A hidden/temporary file or a ``*.new.yaml`` recording kept for review: not a cassette."""
    return path.name.startswith(".") or is_scratch(path)


def discover(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named, and under folders: cassettes and files that may be stored items, sorted.

    In folders, hidden files (temporary files of an interrupted write) and recordings left for
    review by `harness record` (``*.new.yaml``) are skipped; name them to check them. What was
    skipped, and why: :func:`scan`.
    """
    yield from scan(paths).files


def scan(paths: Iterable[Path]) -> Scan:
    """:func:`discover`'s files, and the files under the folders it skipped with the reason."""
    files: list[str] = []
    skipped: list[Skipped] = []
    for path in paths:
        if not path.is_dir():
            files.append(os.fspath(path))
            continue
        for child in _walk(os.fspath(path)):
            reason = _why_skipped(Path(child))
            if reason is None:
                files.append(child)
            else:
                skipped.append(Skipped(Path(child), reason))
    return Scan(PathList(files), tuple(skipped))


# What pathlib's rglob passes over silently: an entry gone or replaced while listed.
_VANISHED = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)


def _walk(folder: str) -> Iterator[str]:
    """The files under ``folder`` as strings, in ``sorted(Path...)`` order (by path parts).

    Depth first with each folder's entries sorted by name, a sub-folder's files at its name's
    place: the order of comparing parts lists, without a ``Path`` per file. As ``rglob("*")``:
    hidden entries included, symbolic links to folders not followed, links to files kept.
    """
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as err:
        if err.errno in _VANISHED:
            return
        raise
    for entry in entries:
        try:
            is_folder = entry.is_dir(follow_symlinks=False)
            is_file = not is_folder and entry.is_file()
        except OSError as err:
            if err.errno in _VANISHED:
                continue
            raise
        if is_folder:
            yield from _walk(entry.path)
        elif is_file:
            yield entry.path


def _why_skipped(path: Path) -> str | None:
    """None for a file to check; else why a folder scan passes it over."""
    if path.name.startswith("."):
        return "hidden file"
    if is_scratch(path):
        return "recording left for review by harness record"
    if is_cassette_path(path):
        return None
    try:
        head = _head(path, SNIFF_BYTES)
    except OSError as err:
        return f"cannot read: {os_reason(err)}"
    if path.suffix in _ITEM_SUFFIXES and _maybe_item(head[:ITEM_HEAD_BYTES]):
        return None
    if looks_like_cassette(head):
        return None
    if b"\0" in head:
        return "binary data, not a cassette"
    return "not a cassette (no top-level 'interactions' at its start) nor a stored item"


def _head(path: Path, size: int) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)


def _maybe_item(head: bytes) -> bool:
    from harness.parsers.itemdump import looks_like_itemdump

    return looks_like_itemdump(head)
