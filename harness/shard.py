"""Split a run into N shards for a CI matrix: whole feeds per shard, balanced by cassette bytes.

The unit of the split is a feed with every recording of it (so drift against its baseline and
its history stay in one shard); a cassette holding responses of several feeds joins them into
one unit; a file no configured feed claims is a unit of its own. Units go to shards greedily
(largest first, each to the lightest shard), which depends only on the units' names and sizes:
not on the filesystem's order, the working folder or the machine.

``parse_shard``, ``group`` and ``assign`` are pure; ``plan`` reads the files to learn their feeds
(the request URIs in a cassette's text, without decoding it) and sizes.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from harness.replay import Replayer

__all__ = [
    "HELP",
    "Plan",
    "Shard",
    "ShardError",
    "Unit",
    "assign",
    "feeds_in_shard",
    "group",
    "parse_shard",
    "plan",
    "shard_argument",
]

_SHARD = re.compile(r"\s*([0-9]+)/([0-9]+)\s*")
USAGE = "expected K/N with 1 <= K <= N (shard K of N, counted from 1), e.g. 2/4"


class ShardError(ValueError):
    """A --shard value that is not K/N with 1 <= K <= N."""


@dataclass(frozen=True, slots=True)
class Shard:
    """Shard ``index`` (1-based) of ``count``."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


HELP = (
    "run shard K of N (1 <= K <= N): whole feeds, balanced by cassette bytes; "
    "the same split for check, record, audit and pytest --harness-shard"
)


def shard_argument(text: str) -> Shard:
    """``parse_shard`` for argparse (``type=``): a bad value is a one-line usage error."""
    import argparse

    try:
        return parse_shard(text)
    except ShardError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def parse_shard(text: str) -> Shard:
    """``"2/4"`` -> Shard(2, 4); ShardError (one line, with what was given) otherwise."""
    found = _SHARD.fullmatch(text)
    if found is None:
        raise ShardError(f"{USAGE}; got {text!r}")
    shard = Shard(int(found[1]), int(found[2]))
    if not 1 <= shard.index <= shard.count:
        raise ShardError(f"{USAGE}; got {text!r}")
    return shard


@dataclass(frozen=True, slots=True)
class Unit:
    """What is never split: feeds (sorted) and their files, or one unclaimed file."""

    name: str  # "feed:a+b" for feeds, "file:<path>" for a file no configured feed claims
    size: int  # bytes of its files
    feeds: tuple[str, ...] = ()
    files: tuple[str, ...] = ()


def group(files: Iterable[tuple[str, int, Sequence[str]]], feeds: Iterable[str] = ()) -> list[Unit]:
    """Units from (file, bytes, its feeds) triples, sorted by name.

    Files sharing a feed, and feeds sharing a file, are one unit (connected components);
    a file with no feed is its own unit; ``feeds`` adds configured feeds with no file (0 bytes).
    A file named twice counts once.
    """
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]  # path halving
            key = parent[key]
        return key

    sizes: dict[str, int] = {}
    for name, size, its_feeds in files:
        node = f"file:{name}"
        sizes[node] = size
        find(node)
        for feed in its_feeds:
            root_a, root_b = find(node), find(f"feed:{feed}")
            if root_a != root_b:
                parent[max(root_a, root_b)] = min(root_a, root_b)  # deterministic root
    for feed in feeds:
        find(f"feed:{feed}")
    members: dict[str, list[str]] = {}
    for node in sorted(parent):
        members.setdefault(find(node), []).append(node)
    units = [_unit(nodes, sizes) for nodes in members.values()]
    return sorted(units, key=lambda u: u.name)


def _unit(nodes: list[str], sizes: dict[str, int]) -> Unit:
    feeds = tuple(sorted(n.removeprefix("feed:") for n in nodes if n.startswith("feed:")))
    files = tuple(sorted(n.removeprefix("file:") for n in nodes if n.startswith("file:")))
    name = "feed:" + "+".join(feeds) if feeds else f"file:{files[0]}"
    return Unit(name, sum(sizes[f"file:{f}"] for f in files), feeds, files)


def assign(units: Sequence[Unit], count: int) -> dict[str, int]:
    """Greedy balance: each unit's shard (1-based), by unit name.

    Units go by size (largest first) then name, each to the lightest shard so far (ties: the
    lowest index). Every unit lands in exactly one of the ``count`` shards, and the heaviest
    shard outweighs the lightest by at most the largest unit. Shards that get nothing are not
    stored, so a huge ``count`` costs nothing.
    """
    if count < 1:
        raise ShardError(f"{USAGE}; got {count} shards")
    placed: dict[str, int] = {}
    used: list[tuple[int, int]] = []  # (load, index) of the shards holding units: a heap
    fresh = 0  # the lowest index of a shard still empty (every used one is below it)
    for unit in sorted(units, key=lambda u: (-u.size, u.name)):
        if fresh < count and (not used or used[0][0] > 0):  # an empty shard is lightest
            load, index = 0, fresh
            fresh += 1
        else:  # the lightest used shard (load 0 ties with the fresh one: its index is lower)
            load, index = heapq.heappop(used)
        placed[unit.name] = index + 1
        heapq.heappush(used, (load + unit.size, index))
    return placed


@dataclass(frozen=True, slots=True)
class Plan:
    """A run split into shards: which files and feeds this shard takes, and a digest of the
    whole split (equal in every shard of one run, so a merge can tell shards of other runs)."""

    shard: Shard
    units: int  # units of the whole run
    files: frozenset[str]  # this shard's files (as reports show them)
    feeds: frozenset[str]  # this shard's configured feeds
    digest: str
    positions: Mapping[str, int]  # each file of the whole run -> its place in the run's order

    def takes(self, shown: str) -> bool:
        """Whether the file shown as ``shown`` is this shard's."""
        return shown in self.files

    @property
    def note(self) -> str:
        """Why this shard has nothing to do (more shards than units): not a failure."""
        return (
            f"harness: shard {self.shard} has no cassettes: the run has {self.units} "
            f"{'unit' if self.units == 1 else 'units'} (feeds with their recordings, unclaimed "
            f"files) for {self.shard.count} shards; nothing to check here"
        )


def plan(
    replayer: Replayer, paths: Sequence[Path], shard: Shard, *, feeds: Iterable[str] = ()
) -> Plan:
    """Split ``paths`` (and configured ``feeds`` without files) and take shard ``shard``.

    Each file is opened without parsing to learn the feeds of its responses, as ``check`` and
    ``harness check FEED`` find them; an unreadable file is a unit of its own.
    """
    triples = [(replayer.display(p), _size(p), _feeds_of(replayer, p)) for p in paths]
    positions: dict[str, int] = {}
    for place, (shown, _, _) in enumerate(triples):
        positions.setdefault(shown, place)
    units = group(triples, feeds)
    shards = assign(units, shard.count)
    mine = [u for u in units if shards[u.name] == shard.index]
    split = sorted(shards.items())
    digest = hashlib.sha256(json.dumps(split, ensure_ascii=False).encode()).hexdigest()
    return Plan(
        shard,
        len(units),
        frozenset(f for u in mine for f in u.files),
        frozenset(f for u in mine for f in u.feeds),
        digest,
        positions,
    )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # unreadable: check reports it; for the split it weighs nothing
        return 0


def _feeds_of(replayer: Replayer, path: Path) -> tuple[str, ...]:
    """The configured feeds whose URLs the file's requests name.

    A cassette's request URIs are read from its text (:func:`request_uris`), not by decoding
    it: every shard of a matrix reads every file, each with a cold cache, and decoding all of
    them would cost each shard about what checking them costs. What the sniff gets wrong can
    only join or split units (balance), never check a file twice or not at all: every shard
    computes the same split from the same bytes. Stored items, and cassettes in which no URI
    line is found, are opened as ``check`` opens them (without parsing).
    """
    from harness.cassettes.load import DEFAULT_MAX_BYTES
    from harness.cassettes.paths import is_cassette_file
    from harness.cassettes.uris import request_uris
    from harness.fileio import read_bounded

    if is_cassette_file(path):
        try:
            uris = request_uris(read_bounded(path, DEFAULT_MAX_BYTES))
        except OSError:  # unreadable or too large: check reports it; a unit of its own
            return ()
        if uris:
            feeds = (replayer.feed_for_url(uri) for uri in dict.fromkeys(uris))
            return tuple(sorted({f.name for f in feeds if f is not None}))
    recording = replayer.open_all(path)
    return tuple(sorted({r.feed for r in recording.replays if r.feed is not None}))


def feeds_in_shard(
    replayer: Replayer, shard: Shard, names: Sequence[str], *, warn: TextIO
) -> list[str]:
    """Of ``names`` (configured feeds), those of shard ``shard`` of the configured cassettes,
    split as ``check --shard`` splits them (``record`` and ``audit`` take whole feeds too).

    When none is this shard's, the plan's note goes to ``warn``: nothing to do is no failure.
    """
    from harness.cassettes.paths import scan

    config = replayer.config
    for name in names:
        config.feed_named(name)  # an unknown name is an error in every shard, not only its own
    files = scan([config.cassettes]).files if config.cassettes.is_dir() else ()
    split = plan(replayer, files, shard, feeds=[f.name for f in config.feeds])
    mine = [name for name in names if name in split.feeds]
    if not mine:
        print(
            f"harness: shard {shard} takes none of the feeds asked for ({', '.join(names)}): "
            f"nothing to do here; the run has {split.units} units (feeds with their "
            f"recordings, unclaimed files) for {shard.count} shards",
            file=warn,
        )
    return mine
