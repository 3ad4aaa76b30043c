"""``harness history`` over a year of nightly commits of one feed's cassette: cold and warm cache.

    python bench/history_scale.py [--nights 365] [--runs 3] [--keep DIR]

Builds a temporary git repository holding one cassette, ``cassettes/dapenti.yaml``, rewritten
by ``--nights`` commits, one a night from 2016-01-01, as ``harness record`` would leave it. Each
night's recording is made from the real dapenti recordings of 2015-05-27 … 2015-08-16 in
tests/data/drift/dapenti (the lower-case markup era, good recordings only): the channel as
recorded, and the 8 newest items of a feed that publishes one a day. The item of day ``d`` is
always the same real item (``pool[d % len(pool)]``), given that day's id, title date and
pubDate; so consecutive nights share 7 items, like the real feed, and no two commits are alike.

Then ``harness history dapenti`` runs (as a subprocess, as a user runs it) ``--runs`` times
from an empty cache folder (cold: every version decoded, parsed and fingerprinted) and each
time once more on the cache it filled (warm: every version's fingerprint read from the cache by
its content). The medians, the time per recording, and the time of one ``harness diff`` of two
of the recordings (cache off) are printed as a table.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from harness.cassettes import load_cassette
from harness.cassettes.write import dump_cassette

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "tests" / "data" / "drift" / "dapenti"
# Good recordings of the lower-case markup era (tests/data/drift/verdicts.toml: content only
# between them); the transport failures of the corpus are left out.
POOL = ("5b9fe35", "19070a9", "e839f45", "224276f", "d053f81", "c11b35f", "4e4e13d")
ITEMS = 8  # the dapenti recordings keep their 8 newest items
START = datetime(2016, 1, 1, 22, 0, tzinfo=UTC)  # the nightly job, 06:00 in Beijing
CONFIG = """cassettes = "cassettes"

[[feeds]]
name = "dapenti"
url = "http://www.dapenti.com/blog/rssfortugua.asp"
parser = "rss"
language = "zh"
timezone = "Asia/Shanghai"
"""
_ITEM = re.compile(rb"<item>.*?</item>\s*", re.S)
_ID = re.compile(rb"id=(\d+)")
_TITLE_DATE = re.compile("【喷嚏图卦\\d{8}】".encode())
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _sources() -> list[Path]:
    return [next(SOURCES.glob(f"dapenti_*_{sha}.yaml")) for sha in POOL]


def _pool() -> tuple[bytes, bytes, list[bytes], object]:
    """The channel head and tail of the newest recording, every distinct item, and the
    newest recording's interaction (its request and headers are kept)."""
    items: dict[bytes, bytes] = {}
    head = tail = b""
    interaction = None
    for path in _sources():
        cassette = load_cassette(path)
        interaction = cassette.interactions[0]
        body = interaction.response.body
        found = list(_ITEM.finditer(body))
        head, tail = body[: found[0].start()], body[found[-1].end() :]
        for m in found:
            key = _ID.search(m.group(0))
            items.setdefault(key.group(1) if key else m.group(0), m.group(0))
    return head, tail, list(items.values()), interaction


def _item(raw: bytes, day: int) -> bytes:
    """The pool's item for day ``day`` (0: 2016-01-01), with that day's id, title date and
    pubDate (posted at 14:xx Beijing time, before that night's recording)."""
    posted = START.date() + timedelta(days=day)
    stamp = (
        f"{_DAYS[posted.weekday()]}, {posted.day:02d} {_MONTHS[posted.month - 1]} "
        f"{posted.year} 14:{(day * 7) % 60:02d}:00 +0800"
    )
    out = re.sub(rb"<pubDate>[^<]*</pubDate>", f"<pubDate>{stamp}</pubDate>".encode(), raw)
    out = _ID.sub(f"id={110000 + 31 * day}".encode(), out)
    return _TITLE_DATE.sub(f"【喷嚏图卦{posted:%Y%m%d}】".encode(), out, count=1)


def build(repo: Path, nights: int) -> None:
    """The repository: a project file, then one commit of the cassette a night (fast-import)."""
    head, tail, items, interaction = _pool()
    assert interaction is not None
    (repo / "cassettes").mkdir(parents=True, exist_ok=True)
    git = shutil.which("git") or "git"
    empty = repo.parent / "gitconfig"  # no user configuration (not os.devnull: a file here)
    empty.write_bytes(b"")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": str(empty), "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run([git, "init", "-q", "-b", "main"], cwd=repo, check=True, env=env)
    stream = bytearray()
    for night in range(nights):
        when = START + timedelta(days=night)
        body = (
            head
            + b"".join(_item(items[(night - j) % len(items)], night - j) for j in range(ITEMS))
            + tail
        )
        response = replace(interaction.response, body=body)  # type: ignore[attr-defined]
        text = dump_cassette(
            [replace(interaction, response=response)],  # type: ignore[type-var]
            {"recorded_at": when.strftime("%Y-%m-%dT%H:%M:%SZ")},
        ).encode("utf-8")
        message = f"record: nightly {when:%Y-%m-%d}".encode()
        stamp = int(when.timestamp())
        stream += b"commit refs/heads/main\n"
        stream += f"committer recorder <recorder@example.invalid> {stamp} +0000\n".encode()
        stream += b"data %d\n%s\n" % (len(message), message)
        if night == 0:
            config = CONFIG.encode()
            stream += b"M 100644 inline harness.toml\ndata %d\n%s\n" % (len(config), config)
        stream += b"M 100644 inline cassettes/dapenti.yaml\ndata %d\n%s\n" % (len(text), text)
    subprocess.run(
        [git, "fast-import", "--quiet"], cwd=repo, input=bytes(stream), check=True, env=env
    )
    subprocess.run([git, "checkout", "-q", "-f", "main"], cwd=repo, check=True, env=env)


def timed(argv: list[str], cwd: Path, cache: str) -> tuple[float, str]:
    env = {**os.environ, "FEEDHARNESS_CACHE": cache}
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nights", type=int, default=365)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the repository here and keep it")
    args = parser.parse_args()
    harness = str(Path(sys.executable).with_name("harness"))
    with tempfile.TemporaryDirectory(prefix="history-scale-") as scratch:
        repo = args.keep or Path(scratch) / "repo"
        start = time.perf_counter()
        build(repo, args.nights)
        built = time.perf_counter() - start
        history = [harness, "history", "dapenti"]
        cold, warm = [], []
        for run in range(args.runs):
            cache = str(Path(scratch) / f"cache-{run}")
            seconds, out = timed(history, repo, cache)
            cold.append(seconds)
            again, out_again = timed(history, repo, cache)
            warm.append(again)
            if out_again != out:
                lines = difflib.unified_diff(out.splitlines(), out_again.splitlines(), n=1)
                raise SystemExit(
                    "the warm run's report differs from the cold run's:\n"
                    + "\n".join(list(lines)[:20])
                )
        recordings = re.search(r"dapenti: (\d+) recording", out)
        shown = int(recordings.group(1)) if recordings else -1
        pair = _two_versions(repo, Path(scratch))
        diffs = [timed([harness, "diff", *pair], repo, "off")[0] for _ in range(args.runs)]
        version = [timed([harness, "--version"], repo, "off")[0] for _ in range(args.runs)]
    c, w, d, v = (statistics.median(x) for x in (cold, warm, diffs, version))
    rows = [
        ("repository built", f"{args.nights} commits", built),
        ("history, cold cache", f"{shown} recordings", c),
        ("history, warm cache", f"{shown} recordings", w),
        ("  per recording, cold", "", c / max(shown, 1)),
        ("  per recording, warm", "", w / max(shown, 1)),
        ("diff of two recordings", "cache off", d),
        ("harness --version", "start-up", v),
    ]
    print(f"{'what':26} {'':16} {'seconds':>9}")
    for name, note, seconds in rows:
        print(f"{name:26} {note:16} {seconds:9.3f}")
    print(f"warm / cold: {w / c:.3f} ({c / w:.1f}x faster); median of {args.runs} run(s)")
    print(f"rerun: python bench/history_scale.py --nights {args.nights} --runs {args.runs}")


def _two_versions(repo: Path, scratch: Path) -> list[str]:
    """The first two nights' cassettes as files, for ``harness diff``."""
    git = shutil.which("git") or "git"
    out = []
    for n, ref in enumerate(("main~1", "main")):
        data = subprocess.run(
            [git, "show", f"{ref}:cassettes/dapenti.yaml"],
            cwd=repo,
            capture_output=True,
            check=True,
        ).stdout
        path = scratch / f"night-{n}.yaml"
        path.write_bytes(data)
        out.append(str(path))
    return out


if __name__ == "__main__":
    main()
