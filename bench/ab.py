"""A/B: the same `harness` commands on the same corpus, this tree against an older revision.

    python bench/ab.py --old a56a076 [--recordings 100] [--rounds 7] [--reps 3]

The older revision is exported (``git archive``) into a temporary folder. Each round starts one
fresh process per tree, old and new in alternating order, that imports that tree's ``harness``
and times ``harness.cli.run`` in process (import time excluded) on each workload ``--reps``
times; a round's figure is the median of its reps, the result the median over rounds, so a
change in the machine's load hits both trees alike. Workloads: ``check`` with the caches off
(cold) and on (warm), the same with drift baselines blessed for the four feeds, ``diff`` of
two RFI recordings and ``history rfi``. Reports of old and new must be byte-identical (checked
once, before timing).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench import bless_baselines, build_corpus, pytest_config  # noqa: E402

DRIVER = r"""
import io, json, statistics, sys, time
from harness.cli import run
workloads, reps = json.loads(sys.argv[1]), int(sys.argv[2])
out = {}
for name, argv in workloads.items():
    run(argv, stdout=io.StringIO(), stderr=io.StringIO())  # warm-up: fills the caches
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        run(argv, stdout=io.StringIO(), stderr=io.StringIO())
        times.append(time.perf_counter() - start)
    out[name] = statistics.median(times)
print(json.dumps(out))
"""

REPORT = r"""
import io, json, sys
from harness.cli import run
out = {}
for name, argv in json.loads(sys.argv[1]).items():
    stdout = io.StringIO()
    code = run(argv, stdout=stdout, stderr=io.StringIO())
    out[name] = [code, stdout.getvalue()]
print(json.dumps(out))
"""


def export(revision: str, target: Path) -> Path:
    """The package and schemas of ``revision``, unpacked into ``target``."""
    argv = [shutil.which("git") or "git", "archive", revision, "harness", "schemas"]
    blob = subprocess.run(argv, cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(blob)) as archive:
        archive.extractall(target, filter="data")
    return target


def workloads(tmp: Path, corpus: Path) -> dict[str, list[str]]:
    plain = pytest_config(tmp / "plain", corpus)
    drift = pytest_config(tmp / "drift", corpus)
    bless_baselines(drift)
    rfi = sorted(corpus.glob("*feedx-rfi_2023-09.yaml"))[0]
    rfi_new = sorted(corpus.glob("*feedx-rfi_2024-02.yaml"))[0]
    report = ["--format", "json", "-o", os.devnull]
    return {
        "check cold": ["--config", str(plain), "check", "--no-cache", *report],
        "check warm": ["--config", str(plain), "check", *report],
        "check+drift cold": ["--config", str(drift), "check", "--no-cache", *report],
        "check+drift warm": ["--config", str(drift), "check", *report],
        "diff": ["--config", str(plain), "diff", str(rfi), str(rfi_new)],
        "history rfi": ["--config", str(plain), "history", "rfi"],
    }


def in_tree(tree: Path, script: str, *args: str, cache: Path) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(tree), "FEEDHARNESS_CACHE": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", script, *args], env=env, capture_output=True, text=True, cwd=tree
    )
    if done.returncode != 0:
        raise SystemExit(f"{tree}: {done.stderr[-3000:]}")
    result: dict[str, object] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", required=True, help="git revision to compare with")
    parser.add_argument("--recordings", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        for sub in ("old", "plain", "drift", "cache-old", "cache-new"):
            (tmp / sub).mkdir()
        trees = {"old": export(args.old, tmp / "old"), "new": ROOT}
        corpus = tmp / "corpus"
        build_corpus(corpus, args.recordings)
        jobs = workloads(tmp, corpus)
        spec = json.dumps(jobs)
        reports = {t: in_tree(p, REPORT, spec, cache=tmp / f"cache-{t}") for t, p in trees.items()}
        same = {job: reports["old"][job] == reports["new"][job] for job in jobs}
        rounds: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
        for n in range(args.rounds):
            order = ["old", "new"] if n % 2 == 0 else ["new", "old"]
            for t in order:
                timed = in_tree(trees[t], DRIVER, spec, str(args.reps), cache=tmp / f"cache-{t}")
                rounds[t].append(timed)  # type: ignore[arg-type]
        print(
            f"old = {args.old}, new = working tree; {args.recordings} recordings, "
            f"{args.rounds} rounds x {args.reps} reps (medians)"
        )
        print(f"{'workload':<18} {'old s':>8} {'new s':>8} {'new/old':>8}  same report")
        for job in jobs:
            old = statistics.median(r[job] for r in rounds["old"])
            new = statistics.median(r[job] for r in rounds["new"])
            print(f"{job:<18} {old:8.3f} {new:8.3f} {new / old:8.3f}  {same[job]}")


if __name__ == "__main__":
    main()
