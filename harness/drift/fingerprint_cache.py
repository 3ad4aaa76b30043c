"""Fingerprints kept by what made them: a recording is fingerprinted once per version of it.

Checking a cassette against a drift baseline fingerprints it (:mod:`harness.drift.fingerprint`):
for a 1 MB recording that costs several times the parse. CI checks the same cassettes on every push,
so the form computed from them is kept in the cache folder, keyed by the SHA-256 of

- the cassette file (as the cache of decoded cassettes reads it),
- the parser and its settings (``parser``, ``parser-options``, ``[limits]``), and
- the code that made it: every source file of the ``harness`` package, and the versions of
  Python, the Unicode database, lxml and libxml2.

Any change to any of them is a new key, so an entry can never be stale. Only feeds parsed by a
parser of this package are cached: a third-party parser's code cannot be identified, so its
recordings are fingerprinted every time. A damaged entry is a miss (fingerprinted again and
rewritten); the folder follows :class:`harness.cachedir.CacheFolder` (atomic writes, soft limits).
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
import unicodedata
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from harness.cachedir import CacheFolder
from harness.drift.fingerprint import Fingerprint, ItemPrint

__all__ = ["FingerprintCache", "code_identity", "from_json", "to_json"]

_FORMAT = 3  # bump when the entry layout changes
_SUFFIX = ".json"
MAX_ENTRIES = 4000
MAX_TOTAL_BYTES = 512 * 1024**2
_PACKAGE = Path(__file__).resolve().parents[1]  # harness/: every module can change a fingerprint


class FingerprintCache:
    """Fingerprints under ``root/fingerprints-v<format>/``: one per recording, parser and code."""

    def __init__(self, root: Path) -> None:
        self.entries = CacheFolder(
            Path(root) / f"fingerprints-v{_FORMAT}",
            _SUFFIX,
            max_entries=MAX_ENTRIES,
            max_bytes=MAX_TOTAL_BYTES,
        )
        self.hits = 0
        self.misses = 0

    def key(self, content: str, parser: Any, settings: Mapping[str, Any]) -> str | None:
        """The key of the fingerprint of the cassette whose file has SHA-256 ``content``, parsed
        by ``parser`` set up with ``settings``; None for a parser from outside this package."""
        if not type(parser).__module__.startswith("harness."):
            return None
        made_by = json.dumps(
            {
                "format": _FORMAT,
                "content": content,
                "parser": f"{type(parser).__module__}.{type(parser).__qualname__}",
                "settings": settings,
                "code": code_identity(),
            },
            sort_keys=True,
            default=repr,  # TOML dates and times
        )
        return hashlib.sha256(made_by.encode("utf-8")).hexdigest()

    def get(self, key: str, base: Fingerprint) -> Fingerprint | None:
        """The fingerprint stored under ``key``, named as ``base``; None when missing or damaged."""
        try:
            head, _, payload = self.entries.entry(key).read_bytes().partition(b"\n")
            header = json.loads(head)
            if header != {"key": key, "sha256": hashlib.sha256(payload).hexdigest()}:
                return None  # another key's entry, or damaged (cut, changed)
            found = from_json(json.loads(payload), base)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        self.hits += 1
        self.entries.touch(key)
        return found

    def get_named(self, key: str, shown: str, feed: str) -> Fingerprint | None:
        """The fingerprint stored under ``key`` with its feed, URL and time as stored, named
        ``shown``: what a recording held in memory (a version from git) needs to skip being
        read at all. None when missing, damaged, or stored for another feed."""
        try:
            head, _, payload = self.entries.entry(key).read_bytes().partition(b"\n")
            if json.loads(head) != {"key": key, "sha256": hashlib.sha256(payload).hexdigest()}:
                return None
            data = json.loads(payload)
            if data["feed"] != feed:
                return None
            base = Fingerprint(shown, feed, data["url"], data["recorded_at"])
            found = from_json(data, base)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        self.hits += 1
        self.entries.touch(key)
        return found

    def content_of(self, blob: str) -> str | None:
        """The SHA-256 of the file whose git blob id is ``blob``, when :meth:`remember` kept
        it: a version from git is then found without reading it from git at all."""
        try:
            data = json.loads(self.entries.entry(_alias(blob)).read_bytes())
            content = data["sha256"] if data["blob"] == blob else None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return content if isinstance(content, str) and len(content) == 64 else None

    def remember(self, blob: str, content: str) -> None:
        """Keep which file content (SHA-256) the git blob ``blob`` holds (no code or parser
        in it: a blob's content never changes)."""
        self.entries.write(_alias(blob), json.dumps({"blob": blob, "sha256": content}).encode())

    def put(self, key: str, fp: Fingerprint) -> None:
        """Store ``fp`` under ``key`` (quietly nothing when the folder cannot be written).

        An entry is a header line (the key and the SHA-256 of the rest) and the fingerprint's
        JSON: reading checks the digest, so the values, written here, need no check one by one.
        """
        self.misses += 1
        payload = json.dumps(to_json(fp), ensure_ascii=False).encode("utf-8")
        header = json.dumps({"key": key, "sha256": hashlib.sha256(payload).hexdigest()})
        self.entries.write(key, header.encode("ascii") + b"\n" + payload)


def _alias(blob: str) -> str:
    return hashlib.sha256(f"git-blob {blob}".encode("ascii")).hexdigest()


@functools.cache
def code_identity() -> str:
    """SHA-256 over the package's source files and the versions its results depend on."""
    from lxml import etree

    digest = hashlib.sha256()
    versions = (sys.version, unicodedata.unidata_version, etree.LXML_VERSION, etree.LIBXML_VERSION)
    digest.update(repr(versions).encode("utf-8"))
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def to_json(fp: Fingerprint) -> dict[str, Any]:
    """The parts of a fingerprint that come from the recording (not its path or name)."""
    return {
        "feed": fp.feed,
        "url": fp.url,
        "recorded_at": fp.recorded_at,
        "dialect": fp.dialect,
        "encoding": fp.encoding,
        "feed_signals": sorted(fp.feed_signals),
        "items": [
            {
                "key": item.key,
                "index": item.index,
                "title": item.title,
                "signals": sorted(item.signals),
                "metrics": dict(item.metrics),
                "where": dict(item.where),
                "excerpts": dict(item.excerpts),
                "texts": sorted(item.texts),
            }
            for item in fp.items
        ],
        "boilerplate": dict(fp.boilerplate),
        "shapes": dict(fp.shapes),
    }


def from_json(data: Mapping[str, Any], base: Fingerprint) -> Fingerprint:
    """``base`` (path, feed, URL, time) with the recording's form from :func:`to_json` (the
    values are taken as written there: the cache checks an entry's digest before this; the
    feed, URL and time stored are :meth:`FingerprintCache.get_named`'s)."""
    items = tuple(
        ItemPrint(
            key=item["key"],
            index=item["index"],
            title=item["title"],
            signals=frozenset(item["signals"]),
            metrics=item["metrics"],
            where=item["where"],
            excerpts=item["excerpts"],
            texts=frozenset(item["texts"]),
        )
        for item in data["items"]
    )
    return replace(
        base,
        dialect=data["dialect"],
        encoding=data["encoding"],
        feed_signals=frozenset(data["feed_signals"]),
        items=items,
        boilerplate=data["boilerplate"],
        shapes=data["shapes"],
    )
