"""Decoded cassettes kept by content hash: a cassette's YAML is decoded once per version.

Decoding YAML is the slowest part of replaying a large cassette (a 1 MB body takes 15-25 ms
with libyaml; parsing the feed in it takes about as long). A check that runs on every push
replays the same bytes again and again, so the decoded form is kept in a cache folder, keyed by
the SHA-256 of the cassette file, the body limit it was decoded under (a compressed body is
decoded within it: a lower limit must refuse what a higher one let through) and this module's
format version: an edited cassette has a new key, so an entry can never be stale, and nothing is
trusted from the cassette's name or time.

An entry is one binary file: a magic line, the length of a JSON header, the header
(metadata, requests, statuses, headers, body lengths) and the response bodies, raw. It holds only
what :func:`harness.cassettes.load.load_cassette` already validated; reading it back checks the
magic, the key and every length, and anything unexpected is a miss (the YAML is decoded again and
the entry rewritten). Entries are written to a temporary file and renamed, so a reader never sees
half an entry. The cache never fails a check: a folder that cannot be created or written only
means every cassette is decoded from YAML.

Where: ``FEEDHARNESS_CACHE`` (a folder, or ``off``), else ``cache-dir`` in harness.toml (``false``
turns it off), else ``$XDG_CACHE_HOME/feedharness`` (``~/.cache/feedharness``).
``harness check --no-cache`` turns it off for one run.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from pathlib import Path
from typing import Any, BinaryIO

from harness.cachedir import CacheFolder
from harness.cassettes.load import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_BYTES,
    decode_cassette,
    read_cassette_bytes,
)
from harness.cassettes.model import Cassette, Interaction, response_headers_joined
from harness.model import Response

__all__ = ["CassetteCache"]

_FORMAT = 2  # bump when the entry layout or what load_cassette builds changes (2: bodies decoded)
_MAGIC = b"feedharness-cassette-cache\n"
_LENGTH = struct.Struct(">Q")
_SUFFIX = ".fhc"
MAX_ENTRIES = 2000
MAX_TOTAL_BYTES = 2 * 1024**3


class CassetteCache:
    """Decoded cassettes under ``root/cassettes-v<format>/``, one file per cassette content."""

    def __init__(self, root: Path) -> None:
        self.entries = CacheFolder(
            Path(root) / f"cassettes-v{_FORMAT}",
            _SUFFIX,
            max_entries=MAX_ENTRIES,
            max_bytes=MAX_TOTAL_BYTES,
        )
        self.folder = self.entries.folder
        self.hits = 0
        self.misses = 0

    def load(
        self,
        path: Path,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> Cassette:
        """load_cassette(path), served from the cache when this content was decoded before."""
        return self.load_keyed(path, max_bytes=max_bytes, max_body_bytes=max_body_bytes)[0]

    def load_keyed(
        self,
        path: Path,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> tuple[Cassette, str]:
        """The cassette and the SHA-256 of its file (what other caches key derived data by)."""
        path = Path(path)
        data = read_cassette_bytes(path, max_bytes)
        key = hashlib.sha256(data).hexdigest()
        entry = f"{key}-{max_body_bytes}"  # decoded within this body limit
        cached = self._read(entry, path)
        if cached is not None:
            self.hits += 1
            self.entries.touch(entry)
            return cached, key
        self.misses += 1
        cassette = decode_cassette(path, data, max_body_bytes=max_body_bytes)
        self._write(entry, cassette)
        return cassette, key

    # --- entries ---------------------------------------------------------------------------

    def _read(self, key: str, path: Path) -> Cassette | None:
        try:
            with self.entries.entry(key).open("rb") as handle:
                return _unpack(handle, key, path)
        except OSError:
            return None
        except (ValueError, KeyError, TypeError, IndexError, struct.error):
            return None  # damaged or foreign: decoded again and rewritten

    def _write(self, key: str, cassette: Cassette) -> None:
        if not self.entries.writable:
            return
        try:
            blob = _pack(key, cassette)
        except (TypeError, ValueError):  # metadata JSON cannot hold: not cached
            return
        self.entries.write(key, blob)


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
