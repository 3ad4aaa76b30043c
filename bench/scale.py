"""Throughput at size: `harness check -j 0` on 100, 1,000 (and 10,000) distinct cassettes.

    python bench/scale.py                      # sizes 100 and 1,000
    python bench/scale.py --full               # adds 10,000 (about 2 GB of corpus in a temp dir)
    python bench/scale.py --sizes 100,300 --keep /tmp/corpus
    python bench/scale.py --full --against 5f887b6   # the same runs with that revision's code too

The corpus is made from the real recordings (the bundled ``cassettes/`` and the recorded and
variant corpora of ``tests/data/cassettes``): copy ``n`` of a recording drops ``n % 3`` of its
last items, appends ``#c<n>`` to every guid, link and ``rdf:about`` and moves every ``hh:mm:ss``
time by ``n`` seconds within its minute, so every file has its own bytes (the caches are keyed by
content: none can serve one file for another) while its feed, dates and checks stay what a real
recording of that feed gets. The mix of recordings is the same at every size (copy ``n`` is made
from recording ``n mod k``), so the time per cassette is comparable across sizes.

Per size, in fresh subprocesses with a cold cache folder each: the wall time of
``harness check -j 0 --format json -o FILE``, the peak RSS of that parent process
(``VmHWM``: ``ru_maxrss`` survives exec, so it would count this script's own peak) and of its
workers (``/proc/PID/status`` VmHWM polled while they live, and the
exact maximum over them from ``RUSAGE_CHILDREN`` after they are reaped), then a ``-j 1`` run whose
JSON report must be byte-identical (the report holds no time, host or clock value to normalise).

``--against REV``: the ``harness/`` and ``schemas/`` of git revision REV are exported
(``git archive``) to a folder that is put first on ``PYTHONPATH`` of its runs, so they import
that tree (each tree's ``harness.__file__`` is printed once). Per size, on the same corpus, the
runs of both trees take turns (old, new, old, new, ...; then the two ``-j 1`` runs) so load on
the machine affects both alike; both tables and the ratios new/old are printed. Reports are
compared only within one tree (their content may differ between revisions).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCE_GLOBS = (
    "cassettes/*.yaml",
    "tests/data/cassettes/real/*.yaml",
    "tests/data/cassettes/variants/*.yaml",
)
GOAL_TIME = 1.15  # issue 15: time per cassette at 10,000 within 15 % of that at 100
GOAL_MEMORY = 1.2  # issue 15: peak memory of the parent and of each worker <= 1.2x the 100-run

_ITEM = re.compile(r"<item\b.*?</item>", re.S)
_ID = re.compile(r"(<(guid|link)\b[^>]*>)(.*?)(</\2>)", re.S)
_ABOUT = re.compile(r'(rdf:about=")([^"]*)(")')
_TIME = re.compile(r"\b(\d\d:\d\d:)(\d\d)\b")

# Runs harness check in-process (same code path as the console script) and, at the end, prints
# the peak RSS of this process (VmHWM), of its reaped children (the pool's workers, forked
# without exec: ru_maxrss is theirs) and the per-worker peaks seen in /proc while they lived,
# and the CPU time of all, as one JSON line on stderr.
_WRAPPER = r"""
import json, os, resource, sys, threading
from pathlib import Path
peaks = {}
done = threading.Event()
def poll():
    me = os.getpid()
    while not done.wait(0.1):
        for task in Path(f"/proc/{me}/task").iterdir():
            try:
                kids = (task / "children").read_text().split()
            except OSError:
                continue
            for pid in kids:
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        peaks[pid] = max(peaks.get(pid, 0), int(line.split()[1]))
threading.Thread(target=poll, daemon=True).start()
import harness
from harness.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
done.set()
me = resource.getrusage(resource.RUSAGE_SELF)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec, so it would include the peak of the
# benchmark process this one was forked from; VmHWM is this program's own peak.
status = Path("/proc/self/status").read_text()
hwm = next(int(l.split()[1]) for l in status.splitlines() if l.startswith("VmHWM:"))
print("SCALE-RSS " + json.dumps({"parent_kb": hwm, "children_max_kb": kids.ru_maxrss,
      "workers_kb": sorted(peaks.values()), "cpu_s": cpu,
      "harness": harness.__file__}), file=sys.stderr)
sys.exit(code)
"""


@dataclass(frozen=True)
class Source:
    """A recording the corpus is made of: its decoded YAML (None: copied as bytes)."""

    name: str
    text: str
    data: Any


@dataclass(frozen=True)
class Tree:
    """The code a run imports: the installed package (``path`` None) or an exported revision."""

    label: str
    path: Path | None
    schemas: Path


NEW = Tree("new", None, ROOT / "schemas")


def export_tree(rev: str, folder: Path) -> Tree:
    """``harness/`` and ``schemas/`` of git revision ``rev`` exported into ``folder``."""
    argv = [shutil.which("git") or "git", "archive", rev, "harness", "schemas"]
    archive = subprocess.run(argv, cwd=ROOT, capture_output=True, check=False)
    if archive.returncode != 0:
        raise SystemExit(f"git archive {rev}: {archive.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    return Tree(rev, folder, folder / "schemas")


def load_sources() -> list[Source]:
    """The real recordings, in a fixed order."""
    paths = sorted(p for pattern in SOURCE_GLOBS for p in ROOT.glob(pattern))
    sources = []
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        try:
            data = yaml.load(text, Loader=yaml.CSafeLoader)
        except yaml.YAMLError:
            data = None  # a deliberately broken recording: copied as it is
        if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
            data = None
        sources.append(Source(path.stem, text, data))
    return sources


def _vary_body(body: str, n: int) -> str:
    items = list(_ITEM.finditer(body))
    drop = n % 3 if len(items) > 3 else 0
    if drop:
        body = body[: items[-drop].start()] + body[items[-1].end() :]
    body = _ID.sub(lambda m: f"{m[1]}{m[3]}#c{n}{m[4]}", body)
    body = _ABOUT.sub(lambda m: f"{m[1]}{m[2]}#c{n}{m[3]}", body)
    return _TIME.sub(lambda m: f"{m[1]}{(int(m[2]) + n) % 60:02d}", body)


def variant(source: Source, n: int) -> str:
    """Copy ``n`` of a recording as cassette YAML (see the module docstring)."""
    if source.data is None:
        return source.text + f"\n# feedharness bench copy {n}\n"
    data = json.loads(json.dumps(source.data, default=str))  # a deep copy of plain data
    for interaction in data["interactions"]:
        body = ((interaction.get("response") or {}).get("body")) or {}
        if isinstance(body.get("string"), str):
            body["string"] = _vary_body(body["string"], n)
    meta = data.get("harness")
    if isinstance(meta, dict) and isinstance(meta.get("recorded_at"), str):
        meta["recorded_at"] = _TIME.sub(
            lambda m: f"{m[1]}{(int(m[2]) + n) % 60:02d}", meta["recorded_at"]
        )
    text: str = yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False)
    return text


def build_corpus(folder: Path, size: int, sources: list[Source]) -> None:
    """``size`` distinct cassettes in ``folder``, copy n made from source n mod k (a folder
    kept from an earlier run with ``--keep`` is reused)."""
    folder.mkdir(parents=True, exist_ok=True)
    if sum(1 for _ in folder.iterdir()) == size:
        return
    width = len(str(size))
    for n in range(size):
        source = sources[n % len(sources)]
        path = folder / f"{n:0{width}d}-{source.name}.yaml"
        path.write_text(variant(source, n), encoding="utf-8", errors="surrogateescape")


def write_config(folder: Path, corpus: Path, schemas: Path = ROOT / "schemas") -> Path:
    """The repository's harness.toml (its feeds, invariants, severities) over ``corpus``, with
    the schemas of the tree that runs it."""
    text = (ROOT / "harness.toml").read_text(encoding="utf-8")
    text = text.replace('cassettes = "cassettes"', f"cassettes = {json.dumps(str(corpus))}", 1)
    text = text.replace('schemas = "schemas"', f"schemas = {json.dumps(str(schemas))}", 1)
    config = folder / "harness.toml"
    config.write_text(text, encoding="utf-8")
    return config


@dataclass(frozen=True)
class Run:
    seconds: float  # wall time of the whole process, start-up included
    cpu_seconds: float  # user + system time of the parent and its workers
    parent_kb: int
    worker_kb: int  # the largest peak of any worker (RUSAGE_CHILDREN)
    workers_kb: list[int]  # each worker's peak as polled from /proc
    report: Path
    code: int
    harness: str = ""  # harness.__file__ as the run imported it


def check(
    config: Path, jobs: int, report: Path, cache: Path, *paths: Path, tree: Tree = NEW
) -> Run:
    """One `harness check` in a fresh process, with a fresh (cold) cache folder, importing the
    code of ``tree``."""
    shutil.rmtree(cache, ignore_errors=True)
    env = {**os.environ, "FEEDHARNESS_CACHE": str(cache), "PYTHONHASHSEED": "0"}
    if tree.path is not None:
        env["PYTHONPATH"] = os.pathsep.join(
            [str(tree.path), *filter(None, [os.environ.get("PYTHONPATH")])]
        )
    argv = [sys.executable, "-c", _WRAPPER, "--config", str(config), "check", *map(str, paths)]
    argv += ["-j", str(jobs), "--format", "json", "-o", str(report)]
    start = time.perf_counter()
    # cwd: the folder of the report, so that `python -c` imports the harness installed (or on
    # PYTHONPATH), never a harness/ folder that happens to be in the working directory
    done = subprocess.run(
        argv, env=env, cwd=report.parent, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    shutil.rmtree(cache, ignore_errors=True)
    rss = [line for line in done.stderr.splitlines() if line.startswith("SCALE-RSS ")]
    if done.returncode not in (0, 1, 2) or not rss:
        raise SystemExit(f"harness check failed ({done.returncode}):\n{done.stderr[-3000:]}")
    data = json.loads(rss[-1].removeprefix("SCALE-RSS "))
    return Run(
        seconds,
        data["cpu_s"],
        data["parent_kb"],
        data["children_max_kb"],
        data["workers_kb"],
        report,
        done.returncode,
        data["harness"],
    )


def best(runs: list[Run]) -> Run:
    """The fastest run's times (what other load on the machine added least to), every run's
    highest memory peaks."""
    fastest = min(runs, key=lambda r: r.seconds)
    return Run(
        fastest.seconds,
        min(r.cpu_seconds for r in runs),
        max(r.parent_kb for r in runs),
        max(r.worker_kb for r in runs),
        max((r.workers_kb for r in runs), key=lambda w: max(w, default=0)),
        fastest.report,
        fastest.code,
        fastest.harness,
    )


def measure(
    tmp: Path, size: int, sources: list[Source], runs: int, trees: list[Tree]
) -> dict[str, dict[str, Any]]:
    """Build the corpus of ``size``, time -j 0 (best of ``runs``) with each tree, the trees
    taking turns, and compare each tree's report with its -j 1 report."""
    corpus = tmp / f"corpus-{size}"
    started = time.perf_counter()
    build_corpus(corpus, size, sources)
    built = time.perf_counter() - started
    corpus_bytes = sum(p.stat().st_size for p in corpus.iterdir())
    configs = {}
    for tree in trees:
        folder = tmp / f"config-{size}-{tree.label}"
        folder.mkdir(exist_ok=True)
        configs[tree.label] = write_config(folder, corpus, tree.schemas)
    cache = tmp / "cache"
    parallel: dict[str, list[Run]] = {tree.label: [] for tree in trees}
    for _ in range(runs):
        for tree in trees:
            config = configs[tree.label]
            parallel[tree.label].append(
                check(config, 0, config.parent / "report-j0.json", cache, tree=tree)
            )
    rows = {}
    for tree in trees:
        config = configs[tree.label]
        serial = check(config, 1, config.parent / "report-j1.json", cache, tree=tree)
        j0 = best(parallel[tree.label])
        rows[tree.label] = {
            "size": size,
            "corpus_mb": corpus_bytes / 1e6,
            "build_s": built,
            "j0": j0,
            "j1": serial,
            "identical": j0.report.read_bytes() == serial.report.read_bytes(),
            "summary": json.loads(j0.report.read_text(encoding="utf-8"))["summary"],
        }
    return rows


def startup(tmp: Path, sources: list[Source], runs: int, trees: list[Tree]) -> dict[str, Run]:
    """`harness check -j 0` of the two smallest recordings (two: one would be checked without
    starting the pool): what every run pays whatever its size, per tree, the trees taking
    turns."""
    corpus = tmp / "corpus-startup"
    build_corpus(corpus, 2, sorted(sources, key=lambda s: len(s.text))[:2])
    configs = {}
    for tree in trees:
        folder = tmp / f"config-startup-{tree.label}"
        folder.mkdir(exist_ok=True)
        configs[tree.label] = write_config(folder, corpus, tree.schemas)
    done: dict[str, list[Run]] = {tree.label: [] for tree in trees}
    for _ in range(runs):
        for tree in trees:
            config = configs[tree.label]
            report = config.parent / "report-startup.json"
            done[tree.label].append(check(config, 0, report, tmp / "cache", tree=tree))
    return {label: best(runs_) for label, runs_ in done.items()}


def table(rows: list[dict[str, Any]], start: Run) -> str:
    """The figures, each ratio against the smallest size; net ms and cpu ms leave out the
    start-up's wall and CPU time."""

    def per(row: dict[str, Any]) -> tuple[float, float, float]:
        j0: Run = row["j0"]
        n = row["size"]
        return (
            j0.seconds / n * 1000,
            (j0.seconds - start.seconds) / n * 1000,
            (j0.cpu_seconds - start.cpu_seconds) / n * 1000,
        )

    base = per(rows[0])
    b0: Run = rows[0]["j0"]
    head = (
        f"{'cassettes':>9} {'MB':>5} {'wall s':>7} {'ms/cas':>7} {'x':>5} {'net ms':>7} "
        f"{'x':>5} {'cpu ms':>7} {'x':>5} {'parent MB':>9} {'x':>5} {'worker MB':>9} {'x':>5} "
        f"{'-j1 s':>6} {'same':>4}"
    )
    lines = [head]
    for row in rows:
        j0 = row["j0"]
        wall, net, cpu = per(row)
        lines.append(
            f"{row['size']:>9,} {row['corpus_mb']:>5.0f} {j0.seconds:>7.1f} {wall:>7.2f} "
            f"{wall / base[0]:>5.2f} {net:>7.2f} {net / base[1]:>5.2f} {cpu:>7.2f} "
            f"{cpu / base[2]:>5.2f} {j0.parent_kb / 1024:>9.1f} "
            f"{j0.parent_kb / b0.parent_kb:>5.2f} "
            f"{j0.worker_kb / 1024:>9.1f} {j0.worker_kb / b0.worker_kb:>5.2f} "
            f"{row['j1'].seconds:>6.1f} {'yes' if row['identical'] else 'NO':>4}"
        )
    return "\n".join(lines)


def compare(rows: list[dict[str, dict[str, Any]]], old: str) -> str:
    """New against ``old``, size by size: -j 0 wall (best run), parent and worker peaks."""
    head = (
        f"{'cassettes':>9} {'old s':>7} {'new s':>7} {'new/old':>7} {'old parent':>10} "
        f"{'new parent':>10} {'new/old':>7} {'old worker':>10} {'new worker':>10} {'new/old':>7}"
    )
    lines = [head]
    for row in rows:
        a: Run = row[old]["j0"]
        b: Run = row[NEW.label]["j0"]
        lines.append(
            f"{row[old]['size']:>9,} {a.seconds:>7.1f} {b.seconds:>7.1f} "
            f"{b.seconds / a.seconds:>7.2f} {a.parent_kb / 1024:>10.1f} "
            f"{b.parent_kb / 1024:>10.1f} {b.parent_kb / a.parent_kb:>7.2f} "
            f"{a.worker_kb / 1024:>10.1f} {b.worker_kb / 1024:>10.1f} "
            f"{b.worker_kb / a.worker_kb:>7.2f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000", help="comma-separated corpus sizes")
    parser.add_argument("--full", action="store_true", help="add the 10,000-cassette run")
    parser.add_argument("--runs", type=int, default=3, help="-j 0 runs per size (best kept)")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    parser.add_argument(
        "--against", metavar="REV", help="also run the code of this git revision, taking turns"
    )
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    if args.full or os.environ.get("FEEDHARNESS_BENCH_FULL") == "1":
        sizes = sorted({*sizes, 10_000})
    sources = load_sources()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="feedharness-scale-") as scratch:
        tmp = args.keep or Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        trees = [NEW]
        if args.against:
            trees = [export_tree(args.against, Path(scratch) / f"tree-{args.against}"), NEW]
        start = startup(tmp, sources, args.runs, trees)
        for tree in trees:
            print(
                f"{tree.label}: harness from {start[tree.label].harness}; start-up (-j 0, two "
                f"small recordings): {start[tree.label].seconds:.2f} s",
                flush=True,
            )
        rows = []
        for size in sizes:
            rows.append(measure(tmp, size, sources, args.runs, trees))
            for tree in trees:
                row = rows[-1][tree.label]
                workers = ", ".join(f"{kb / 1024:.1f}" for kb in row["j0"].workers_kb)
                print(
                    f"{tree.label}: {size:,} cassettes: built in {row['build_s']:.1f} s; "
                    f"summary {json.dumps(row['summary'])}; workers' peaks (MB, /proc): "
                    f"{workers}; load {os.getloadavg()[0]:.2f}",
                    flush=True,
                )
            if args.keep is None:
                shutil.rmtree(tmp / f"corpus-{size}", ignore_errors=True)
    load = os.getloadavg()
    print()
    print(
        f"machine: {os.cpu_count()} CPUs (-j 0 = {os.cpu_count()} workers), "
        f"Python {platform.python_version()} on {platform.system()} {platform.release()}; "
        f"load average (1 min) {load_before[0]:.2f} before, {load[0]:.2f} after; "
        f"{len(sources)} source recordings; best of {args.runs} -j 0 runs"
    )
    for tree in trees:
        if len(trees) > 1:
            print(f"\n{tree.label}:")
        tree_rows = [row[tree.label] for row in rows]
        print(table(tree_rows, start[tree.label]))
        print(verdict(tree_rows, start[tree.label]))
    if args.against:
        print(f"\nnew against {args.against} (-j 0, best run; peaks in MB):")
        print(compare(rows, args.against))
    print("rerun: python bench/scale.py " + " ".join(argv if argv is not None else sys.argv[1:]))
    return 0


def verdict(rows: list[dict[str, Any]], start: Run) -> str:
    """The issue's goals, largest size against the smallest: time per cassette net of the
    start-up (with it, the small run's share of start-up would flatter the large run)."""
    last, first = rows[-1], rows[0]

    def net(row: dict[str, Any]) -> float:
        return float(row["j0"].seconds - start.seconds) / row["size"]

    ok_time = net(last) <= GOAL_TIME * net(first)
    ok_mem = (
        last["j0"].parent_kb <= GOAL_MEMORY * first["j0"].parent_kb
        and last["j0"].worker_kb <= GOAL_MEMORY * first["j0"].worker_kb
    )
    same = all(r["identical"] for r in rows)
    return (
        f"goals ({last['size']:,} vs {first['size']:,}): time per cassette (net) within "
        f"{GOAL_TIME - 1:.0%}: {'met' if ok_time else 'NOT met'}; memory within "
        f"{GOAL_MEMORY:.1f}x: {'met' if ok_mem else 'NOT met'}; reports identical to -j 1: "
        f"{'yes' if same else 'NO'}"
    )


if __name__ == "__main__":
    sys.exit(main())
