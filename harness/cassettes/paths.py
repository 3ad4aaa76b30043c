"""Which files are cassettes: names, the scratch copies ``harness record`` leaves, folder scans."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

__all__ = [
    "SCRATCH_SUFFIX",
    "discover",
    "is_cassette_path",
    "is_review_copy",
    "is_scratch",
    "scratch_path",
]

_SUFFIXES = (".yaml", ".yml")
SCRATCH_SUFFIX = ".new"
ITEM_HEAD_BYTES = 4096  # enough of a file to tell a stored item from anything else


def is_cassette_path(path: Path) -> bool:
    """Whether path names a cassette file (.yaml or .yml)."""
    return path.suffix.lower() in _SUFFIXES


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
    review by `harness record` (``*.new.yaml``) are skipped; name them to check them.
    """
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if is_review_copy(child):
                    continue
                if is_cassette_path(child) or (
                    child.suffix in (".md", ".txt") and _maybe_item(child)
                ):
                    yield child
        else:
            yield path


def _maybe_item(path: Path) -> bool:
    from harness.parsers.itemdump import looks_like_itemdump

    try:
        with path.open("rb") as handle:
            return looks_like_itemdump(handle.read(ITEM_HEAD_BYTES))
    except OSError:
        return False
