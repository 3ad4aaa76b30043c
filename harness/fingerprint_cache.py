"""Fingerprints kept by what made them: a recording is fingerprinted once per version of it.

Checking a cassette against a drift baseline fingerprints it (:mod:`harness.fingerprint`): for a
1 MB recording that costs several times the parse. CI checks the same cassettes on every push,
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
from harness.fingerprint import Fingerprint, ItemPrint

__all__ = ["FingerprintCache", "code_identity", "from_json", "to_json"]

_FORMAT = 1  # bump when the entry layout changes
_SUFFIX = ".json"
MAX_ENTRIES = 4000
MAX_TOTAL_BYTES = 512 * 1024**2
_PACKAGE = Path(__file__).resolve().parent


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
            data = json.loads(self.entries.entry(key).read_bytes())
            if not isinstance(data, dict) or data.get("key") != key:
                return None
            found = from_json(data["fingerprint"], base)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        self.hits += 1
        self.entries.touch(key)
        return found

    def put(self, key: str, fp: Fingerprint) -> None:
        """Store ``fp`` under ``key`` (quietly nothing when the folder cannot be written)."""
        self.misses += 1
        blob = json.dumps({"key": key, "fingerprint": to_json(fp)}, ensure_ascii=False)
        self.entries.write(key, blob.encode("utf-8"))


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
    """``base`` (path, feed, URL, time) with the recording's form from :func:`to_json`."""
    items = tuple(
        ItemPrint(
            key=_text(item["key"]),
            index=int(item["index"]),
            title=_text(item["title"]),
            signals=frozenset(map(_text, item["signals"])),
            metrics={_text(k): _number(v) for k, v in _map(item["metrics"])},
            where={_text(k): int(v) for k, v in _map(item["where"])},
            excerpts={_text(k): _text(v) for k, v in _map(item["excerpts"])},
            texts=frozenset(map(_text, item["texts"])),
        )
        for item in data["items"]
    )
    return replace(
        base,
        dialect=_optional_text(data["dialect"]),
        encoding=_optional_text(data["encoding"]),
        feed_signals=frozenset(map(_text, data["feed_signals"])),
        items=items,
        boilerplate={_text(k): _text(v) for k, v in _map(data["boilerplate"])},
        shapes={_text(k): _text(v) for k, v in _map(data["shapes"])},
    )


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("a string was expected")
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("a number was expected")
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _map(value: Any) -> Any:
    if not isinstance(value, dict):
        raise TypeError("an object was expected")
    return value.items()
