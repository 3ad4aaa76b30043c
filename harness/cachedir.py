"""One folder of cache entries named by content key: atomic writes, soft size limits, no failures.

Shared by the cache of decoded cassettes (:mod:`harness.cassettes.cache`) and the cache of
fingerprints (:mod:`harness.drift.fingerprint_cache`). An entry is written to a temporary file and
renamed, so a reader never sees half of one. Once there are more than ``max_entries`` entries
or ``max_bytes`` bytes, the least recently used go (readers touch what they use). The folder is
listed once per process, at the first write, and later writes are tallied: listing it after
every write made a first run over n new cassettes O(n^2). Other processes' writes are not
counted, so the limits are soft: they are found at the next process's first write. A folder that
cannot be created or written only means nothing is cached: a cache never fails a check.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from harness.fileio import write_atomic

__all__ = ["CacheFolder"]


class CacheFolder:
    """Entries ``<key><suffix>`` under ``folder``."""

    def __init__(self, folder: Path, suffix: str, *, max_entries: int, max_bytes: int) -> None:
        self.folder = Path(folder)
        self.suffix = suffix
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.writable = True
        self._tally: list[int] | None = None  # [entries, bytes] in the folder, as last counted

    def entry(self, key: str) -> Path:
        """Where the entry of ``key`` is (whether or not it exists)."""
        return self.folder / f"{key}{self.suffix}"

    def touch(self, key: str) -> None:
        """Mark an entry as used now: recently used entries are pruned last."""
        with contextlib.suppress(OSError):
            os.utime(self.entry(key))

    def write(self, key: str, blob: bytes) -> None:
        """Store ``blob`` as the entry of ``key``; quietly nothing when the folder is unusable."""
        if not self.writable:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            write_atomic(self.entry(key), blob, durable=False)  # a lost entry is a miss
            self._count_write(len(blob))
        except OSError:
            self.writable = False  # read-only home, full disk: nothing cached, quietly

    def _count_write(self, size: int) -> None:
        if self._tally is None:
            self._tally = self._prune()
            return
        self._tally[0] += 1
        self._tally[1] += size
        if self._tally[0] > self.max_entries or self._tally[1] > self.max_bytes:
            self._tally = self._prune()

    def _prune(self) -> list[int]:
        """Oldest entries go once over the limits; returns the entries and bytes left."""
        entries = []
        with os.scandir(self.folder) as found:
            for entry in found:
                if entry.name.endswith(self.suffix) and not entry.name.startswith("."):
                    info = entry.stat()
                    entries.append((info.st_mtime, info.st_size, entry.path))
        total = sum(size for _, size, _ in entries)
        if len(entries) <= self.max_entries and total <= self.max_bytes:
            return [len(entries), total]
        entries.sort()
        while entries and (len(entries) > self.max_entries * 9 // 10 or total > self.max_bytes):
            _, size, name = entries.pop(0)
            with contextlib.suppress(OSError):
                os.unlink(name)
            total -= size
        return [len(entries), total]
