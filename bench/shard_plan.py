"""Benchmark: how long a shard takes to learn which feed each file belongs to.

    python bench/shard_plan.py [--copies 40] [--runs 3]

Every shard of a CI matrix reads every file of the run to split it the same way, usually with
a cold cache. This copies the bundled cassettes ``--copies`` times into a temporary folder and
times, with the decoded-cassette cache off, (a) what ``harness.shard`` does: the request URIs
read from each file's text (:func:`harness.cassettes.uris.request_uris`), and (b) its peer, the
way ``check`` opens a file: decoding it (``Replayer.open_all``, without parsing). Both must give
the same feeds for every file; medians of ``--runs``, turns taken.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.config import load_config  # noqa: E402
from harness.replay import Replayer  # noqa: E402
from harness.shard import _feeds_of  # noqa: E402

Way = Callable[[Replayer, Path], tuple[str, ...]]


def decoded(replayer: Replayer, path: Path) -> tuple[str, ...]:
    """The feeds of a file as ``check`` finds them: decoded, not parsed."""
    recording = replayer.open_all(path)
    return tuple(sorted({r.feed for r in recording.replays if r.feed is not None}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="feedharness-shard-") as tmp:
        folder = Path(tmp) / "cassettes"
        folder.mkdir()
        for n in range(args.copies):
            for source in sorted((ROOT / "cassettes").glob("*.yaml")):
                shutil.copy(source, folder / f"{source.stem}-{n}.yaml")
        files = sorted(folder.glob("*.yaml"))
        size = sum(p.stat().st_size for p in files)
        config = replace(load_config(ROOT / "harness.toml"), cassettes=folder, cache_dir=None)
        ways: dict[str, Way] = {"uris read (shard)": _feeds_of, "decoded (peer)": decoded}
        times: dict[str, list[float]] = {name: [] for name in ways}
        found: dict[str, list[tuple[str, ...]]] = {}
        for _ in range(args.runs):
            for name, way in ways.items():
                replayer = Replayer(config)
                start = time.perf_counter()
                found[name] = [way(replayer, path) for path in files]
                times[name].append(time.perf_counter() - start)
        same = len({tuple(v) for v in found.values()}) == 1
        print(f"{len(files)} files, {size / 2**20:.1f} MiB, cache off, median of {args.runs}")
        for name, taken in times.items():
            median = statistics.median(taken)
            print(f"  {name:<18} {median:6.2f} s  {median / len(files) * 1000:6.2f} ms a file")
        ratio = statistics.median(times["decoded (peer)"]) / statistics.median(
            times["uris read (shard)"]
        )
        print(f"  decoded / uris read: {ratio:.1f}x; same feeds for every file: {same}")
        return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
