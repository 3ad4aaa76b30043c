"""Decoded cassettes kept by content hash: a cassette's YAML is decoded once per version.

Decoding YAML is the slowest part of replaying a large cassette (a 1 MB body takes 15-25 ms
with libyaml; parsing the feed in it takes about as long). A check that runs on every push
replays the same bytes again and again, so the decoded form is kept in a cache folder, keyed by
the SHA-256 of the cassette file and this module's format version: an edited cassette has a new
key, so an entry can never be stale, and nothing is trusted from the cassette's name or time.

An entry is one binary file: a magic line, the length of a JSON header, the header
(metadata, requests, statuses, headers, body lengths) and the response bodies, raw. It holds only
what :func:`harness.cassettes.load_cassette` already validated; reading it back checks the
magic, the key and every length, and anything unexpected is a miss (the YAML is decoded again and
the entry rewritten). Entries are written to a temporary file and renamed, so a reader never sees
half an entry. The cache never fails a check: a folder that cannot be created or written only
means every cassette is decoded from YAML.

Where: ``FEEDHARNESS_CACHE`` (a folder, or ``off``), else ``cache-dir`` in harness.toml (``false``
turns it off), else ``$XDG_CACHE_HOME/feedharness`` (``~/.cache/feedharness``).
``harness check --no-cache`` turns it off for one run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import struct
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

from harness.cassettes import (
    DEFAULT_MAX_BYTES,
    Cassette,
    Interaction,
    decode_cassette,
    read_cassette_bytes,
    response_headers_joined,
)
from harness.model import Response

__all__ = ["CassetteCache"]

_FORMAT = 1  # bump when the entry layout or what load_cassette builds changes
_MAGIC = b"feedharness-cassette-cache\n"
_LENGTH = struct.Struct(">Q")
_SUFFIX = ".fhc"
MAX_ENTRIES = 2000
MAX_TOTAL_BYTES = 2 * 1024**3


class CassetteCache:
    """Decoded cassettes under ``root/cassettes-v<format>/``, one file per cassette content."""

    def __init__(self, root: Path) -> None:
        self.folder = Path(root) / f"cassettes-v{_FORMAT}"
        self.hits = 0
        self.misses = 0
        self._writable = True
        self._tally: list[int] | None = None  # [entries, bytes] in the folder, as last counted

    def load(self, path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Cassette:
        """load_cassette(path), served from the cache when this content was decoded before."""
        path = Path(path)
        data = read_cassette_bytes(path, max_bytes)
        key = hashlib.sha256(data).hexdigest()
        cached = self._read(key, path)
        if cached is not None:
            self.hits += 1
            with contextlib.suppress(OSError):  # recently used entries are pruned last
                os.utime(self._entry(key))
            return cached
        self.misses += 1
        cassette = decode_cassette(path, data)
        self._write(key, cassette)
        return cassette

    # --- entries ---------------------------------------------------------------------------

    def _entry(self, key: str) -> Path:
        return self.folder / f"{key}{_SUFFIX}"

    def _read(self, key: str, path: Path) -> Cassette | None:
        try:
            with self._entry(key).open("rb") as handle:
                return _unpack(handle, key, path)
        except OSError:
            return None
        except (ValueError, KeyError, TypeError, IndexError, struct.error):
            return None  # damaged or foreign: decoded again and rewritten

    def _write(self, key: str, cassette: Cassette) -> None:
        if not self._writable:
            return
        try:
            blob = _pack(key, cassette)
        except (TypeError, ValueError):  # metadata JSON cannot hold: not cached
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=_SUFFIX)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(blob)
                os.replace(tmp, self._entry(key))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            self._count_write(len(blob))
        except OSError:
            self._writable = False  # read-only home, full disk: decode from YAML, quietly

    def _count_write(self, size: int) -> None:
        """Prune when the folder is over its limits. The folder is listed once per process
        (not once per write: that was quadratic in the number of new cassettes); later writes
        are added to the tally. Other processes' writes are not counted, so the limits are
        soft: they are found at the next process's first write."""
        if self._tally is None:
            self._tally = self._prune()
            return
        self._tally[0] += 1
        self._tally[1] += size
        if self._tally[0] > MAX_ENTRIES or self._tally[1] > MAX_TOTAL_BYTES:
            self._tally = self._prune()

    def _prune(self) -> list[int]:
        """Oldest entries go once there are more than MAX_ENTRIES or MAX_TOTAL_BYTES; returns
        the entries and bytes left."""
        entries = []
        with os.scandir(self.folder) as found:
            for entry in found:
                if entry.name.endswith(_SUFFIX) and not entry.name.startswith("."):
                    info = entry.stat()
                    entries.append((info.st_mtime, info.st_size, entry.path))
        total = sum(size for _, size, _ in entries)
        if len(entries) <= MAX_ENTRIES and total <= MAX_TOTAL_BYTES:
            return [len(entries), total]
        entries.sort()
        while entries and (len(entries) > MAX_ENTRIES * 9 // 10 or total > MAX_TOTAL_BYTES):
            _, size, name = entries.pop(0)
            with contextlib.suppress(OSError):
                os.unlink(name)
            total -= size
        return [len(entries), total]


def _pack(key: str, cassette: Cassette) -> bytes:
    bodies = [i.response.body for i in cassette.interactions]
    header = {
        "key": key,
        "meta": cassette.meta,
        "interactions": [
            {
                "method": i.method,
                "uri": i.uri,
                "request_headers": i.request_headers,
                "status": i.response.status,
                "reason": i.reason,
                "response_headers": i.response_headers,
                "body": len(body),
            }
            for i, body in zip(cassette.interactions, bodies, strict=True)
        ],
    }
    encoded = json.dumps(header, ensure_ascii=False, allow_nan=False).encode("utf-8")
    return b"".join([_MAGIC, _LENGTH.pack(len(encoded)), encoded, *bodies])


def _unpack(handle: BinaryIO, key: str, path: Path) -> Cassette:
    """Read an entry; each body is read straight into its own bytes (no copy of the file)."""
    if handle.read(len(_MAGIC)) != _MAGIC:
        raise ValueError("not a cache entry")
    (size,) = _LENGTH.unpack(_exactly(handle, _LENGTH.size))
    header = json.loads(_exactly(handle, size))
    if not isinstance(header, dict) or header.get("key") != key:
        raise ValueError("entry of another cassette")
    interactions = [
        _interaction(entry, _exactly(handle, _count(entry["body"])))
        for entry in header["interactions"]
    ]
    if handle.read(1) or not interactions or not isinstance(header["meta"], dict):
        raise ValueError("entry lengths disagree")
    return Cassette(path=path, interactions=tuple(interactions), meta=header["meta"])


def _exactly(handle: BinaryIO, size: int) -> bytes:
    if size > os.fstat(handle.fileno()).st_size:  # a damaged length: never allocate for it
        raise ValueError("length beyond the end of the entry")
    data = handle.read(size)
    if len(data) != size:
        raise ValueError("truncated entry")
    return data


def _interaction(entry: dict[str, Any], body: bytes) -> Interaction:
    response_headers = _headers(entry["response_headers"])
    uri = _text(entry["uri"])
    return Interaction(
        method=_text(entry["method"]),
        uri=uri,
        request_headers=_headers(entry["request_headers"]),
        response=Response(
            url=uri,
            status=_count(entry["status"]),
            headers=response_headers_joined(response_headers),
            body=body,
        ),
        response_headers=response_headers,
        reason=_text(entry["reason"]),
    )


def _headers(raw: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise TypeError("headers")
    return {_text(name): tuple(_text(v) for v in values) for name, values in raw.items()}


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected text")
    return value


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TypeError("expected a count")
    return value
