"""Benchmark: feedparser.parse vs the harness's parse-only path vs full `harness check`.

Builds a corpus by cycling the bundled cassettes (default 100 recordings), then times, in one
process and on the same bytes: feedparser.parse on each feed body, the configured harness parser
on each response (parse only), and full `harness check` (cassette load from disk, parse, schema,
invariants, JSON report) with a cold and a warm cache, and with drift baselines (fingerprints).
Prints medians over --runs, items/s, the ratios, peak RSS of a check of 1x and 10x the corpus
(each in a fresh subprocess), -j 1 vs -j 2 and pytest -n 0 vs -n 2, each beside its peer on
the same machine: pure-Python loops in 1 and 2 processes, and empty tests under pytest-xdist.

    python bench/bench.py [--recordings 100] [--runs 5]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_corpus(target: Path, recordings: int) -> list[Path]:
    """Copy the bundled cassettes round-robin into ``target`` until there are ``recordings``."""
    sources = sorted((ROOT / "cassettes").glob("*.yaml"))
    target.mkdir(parents=True, exist_ok=True)
    made = []
    for n in range(recordings):
        source = sources[n % len(sources)]
        path = target / f"{n:04d}_{source.name}"
        shutil.copyfile(source, path)
        made.append(path)
    return made


def median_times(fns: Sequence[Callable[[], object]], runs: int) -> list[float]:
    """Median wall time of each function over ``runs`` rounds (after one warm-up round).

    The functions take turns within each round, so a change in the machine's load during the
    run (another process, CPU frequency) affects all of them alike and the ratios hold.
    """
    for fn in fns:
        fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, taken in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            taken.append(time.perf_counter() - start)
    return [statistics.median(taken) for taken in times]


def pytest_config(tmp: Path, corpus: Path) -> Path:
    """harness.toml of the bundled feeds with ``corpus`` as its cassettes folder."""
    text = (ROOT / "harness.toml").read_text(encoding="utf-8")
    text = text.replace('cassettes = "cassettes"', f"cassettes = {json.dumps(str(corpus))}", 1)
    text = text.replace('schemas = "schemas"', f"schemas = {json.dumps(str(ROOT / 'schemas'))}", 1)
    path = tmp / "harness.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run_pytest(
    config: Path, corpus: Path, workers: int, cache: Path | None, items: str = "check"
) -> Callable[[], None]:
    """A function running the plugin's tests on ``corpus`` (pytest -n workers) in a subprocess."""
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--no-header"]
    argv += ["--harness-config", str(config), str(corpus), "-n", str(workers)]
    argv += [f"--harness-items={items}"]
    env = {**os.environ, "FEEDHARNESS_CACHE": str(cache) if cache else "off"}

    def run() -> None:
        done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=config.parent)
        if done.returncode not in (0, 1):  # 1: the corpus has failing checks, as designed
            raise SystemExit(f"pytest failed ({done.returncode}):\n{done.stdout[-2000:]}")

    return run


def run_empty_tests(folder: Path, tests: int, workers: int) -> Callable[[], None]:
    """The peer of the pytest figures: ``tests`` empty tests under pytest -n ``workers``, i.e.
    what pytest and pytest-xdist cost per test and per run on this machine, whatever is tested."""
    module = folder / "test_empty.py"
    if not module.exists():
        module.write_text(
            "import pytest\n\n\n"
            f"@pytest.mark.parametrize('n', range({tests}))\n"
            "def test_empty(n):\n    pass\n",
            encoding="utf-8",
        )
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--no-header"]
    argv += ["-n", str(workers), str(module)]

    def run() -> None:
        done = subprocess.run(argv, capture_output=True, text=True, cwd=folder)
        if done.returncode != 0:
            raise SystemExit(f"empty tests failed ({done.returncode}):\n{done.stdout[-2000:]}")

    return run


def breakdown(config: object, corpus: Path, runs: int) -> dict[str, float]:
    """Seconds spent, inside a real `harness check`, loading cassettes, parsing, and in schema and
    invariants (the runner's own functions, timed where they run; medians over ``runs``)."""
    from harness import replay as replay_module
    from harness import runner as runner_module
    from harness.cassettes.cache import CassetteCache
    from harness.drift import BaselineStep

    spent: dict[str, float] = {}
    patched = [
        (CassetteCache, "load_keyed", "load"),
        (replay_module, "_parse", "parse"),
        (runner_module.Runner, "_evaluate", "schema and invariants"),
    ]
    originals = [getattr(owner, name) for owner, name, _ in patched]

    def timed(function: Callable[..., object], label: str) -> Callable[..., object]:
        def call(*args: object, **kwargs: object) -> object:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - start

        return call

    rounds: list[dict[str, float]] = []
    try:
        for (owner, name, label), original in zip(patched, originals, strict=True):
            setattr(owner, name, timed(original, label))
        for _ in range(runs):
            spent.clear()
            start = time.perf_counter()
            runner_module.Runner(config, steps=(BaselineStep,)).check_paths([corpus])  # type: ignore[arg-type]
            rounds.append({**spent, "total": time.perf_counter() - start})
    finally:
        for (owner, name, _), original in zip(patched, originals, strict=True):
            setattr(owner, name, original)
    return {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}


def bless_baselines(config: Path) -> None:
    """Baselines for each bundled feed (from its newest bundled recording) beside the corpus."""
    from harness.cassettes import load_cassette
    from harness.cli import run
    from harness.config import load_config

    newest: dict[str, Path] = {}
    bundled = load_config(ROOT / "harness.toml")
    for path in sorted((ROOT / "cassettes").glob("*.yaml")):  # names sort by recording date
        feed = bundled.feed_for_url(load_cassette(path).url)
        if feed is not None:
            newest[feed.name] = path
    for feed, path in newest.items():
        argv = ["--config", str(config), "bless", feed, str(path)]
        if run(argv, stdout=io.StringIO(), stderr=io.StringIO()) != 0:
            raise SystemExit(f"cannot bless {feed} from {path}")


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def cpu_ceiling(loops: int = 3_000_000) -> tuple[Callable[[], object], Callable[[], object]]:
    """The machine's own parallel ceiling, the peer of the -j figures: the same pure-Python
    loops run twice in one process, and once in each of two worker processes."""
    from concurrent.futures import ProcessPoolExecutor

    def serial() -> object:
        return [_spin(loops), _spin(loops)]

    def parallel() -> object:
        with ProcessPoolExecutor(2) as pool:
            return list(pool.map(_spin, [loops, loops]))

    return serial, parallel


def peak_rss_mb(corpus: Path, jobs: int = 1) -> float:
    """Peak RSS (MB) of `harness check` over ``corpus`` in a fresh process."""
    code = (
        "import resource, sys; from pathlib import Path; from harness.cli import run; "
        "import io; run(['--config', sys.argv[1], 'check', sys.argv[2], '--format', 'json', "
        f"'-j', '{jobs}'], stdout=io.StringIO(), stderr=io.StringIO()); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "harness.toml"), str(corpus)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "FEEDHARNESS_CACHE": "off"},  # decoding from YAML costs the most memory
    )
    return int(done.stdout.strip()) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recordings", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import feedparser

    from harness.cassettes import load_cassette
    from harness.config import load_config
    from harness.drift import BaselineStep
    from harness.report.result import Format, render
    from harness.runner import Runner

    steps = (BaselineStep,)  # as `harness check` runs: drift against a baseline, when there is one
    with tempfile.TemporaryDirectory() as tmp:
        # Cold: every cassette decoded from YAML. Warm: decoded cassettes served by the cache
        # (a fresh folder, filled by the warm-up run), as on every run after the first.
        config = replace(load_config(ROOT / "harness.toml"), cache_dir=None)
        warm = replace(config, cache_dir=Path(tmp) / "cache")
        runner = Runner(config)
        corpus = Path(tmp) / "corpus"
        paths = build_corpus(corpus, args.recordings)
        loaded = [load_cassette(p) for p in paths]
        responses = [c.fetch(c.url) for c in loaded]
        setups = []
        for c in loaded:
            setups.append(runner.setup_for_url(c.url))
        items = sum(
            len(s.parser.parse(r, fetch=c.fetch).items)
            for s, r, c in zip(setups, responses, loaded, strict=True)
        )

        def feedparser_all() -> None:
            for response in responses:
                feedparser.parse(response.body)

        def parse_only() -> None:
            for setup, response, c in zip(setups, responses, loaded, strict=True):
                setup.parser.parse(response, fetch=c.fetch)

        def full_check() -> None:
            render(Runner(config).check_paths([corpus]), Format.JSON)

        def full_check_warm() -> None:
            render(Runner(warm).check_paths([corpus]), Format.JSON)

        t_fp, t_parse, t_full, t_warm = median_times(
            [feedparser_all, parse_only, full_check, full_check_warm], args.runs
        )
        inside = breakdown(warm, corpus, args.runs)
        serial = Runner(config).check_paths([corpus], jobs=1)
        parallel = Runner(warm).check_paths([corpus], jobs=2)
        same = (
            render(serial, Format.JSON)
            == render(parallel, Format.JSON)
            == render(Runner(warm).check_paths([corpus]), Format.JSON)
        )
        spin_1, spin_2 = cpu_ceiling()
        t_j1, t_j2, t_j1_cold, t_j2_cold, t_spin1, t_spin2 = median_times(
            [
                lambda: Runner(warm).check_paths([corpus], jobs=1),
                lambda: Runner(warm).check_paths([corpus], jobs=2),
                lambda: Runner(config).check_paths([corpus], jobs=1),
                lambda: Runner(config).check_paths([corpus], jobs=2),
                spin_1,
                spin_2,
            ],
            args.runs,
        )
        big = Path(tmp) / "corpus10"
        build_corpus(big, args.recordings * 10)
        # -j on the 10x corpus: seconds of work per run, so the pool's start-up weighs less.
        t_big1, t_big2 = median_times(
            [
                lambda: Runner(warm).check_paths([big], jobs=1),
                lambda: Runner(warm).check_paths([big], jobs=2),
            ],
            max(3, args.runs // 2),
        )
        # pytest-xdist: on the 10x corpus, so that checking, not pytest's start-up, is timed.
        (Path(tmp) / "pytest").mkdir()
        pytest_toml = pytest_config(Path(tmp) / "pytest", big)
        (Path(tmp) / "empty").mkdir()
        t_n0, t_n2, t_c0, t_c2, t_e0, t_e2 = median_times(
            [
                *(
                    run_pytest(pytest_toml, big, n, warm.cache_dir, items)
                    for items in ("check", "cassette")
                    for n in (0, 2)
                ),
                run_empty_tests(Path(tmp) / "empty", args.recordings * 10, 0),
                run_empty_tests(Path(tmp) / "empty", args.recordings * 10, 2),
            ],
            max(3, args.runs // 2),
        )
        # What every pytest run pays whatever the corpus: start-up, collection, one recording.
        (Path(tmp) / "pytest1").mkdir()
        one = Path(tmp) / "pytest1" / paths[0].name
        shutil.copyfile(paths[0], one)
        one_toml = pytest_config(Path(tmp) / "pytest1", one.parent)
        t_one0, t_one2 = median_times(
            [run_pytest(one_toml, one, n, warm.cache_dir, "cassette") for n in (0, 2)],
            max(3, args.runs // 2),
        )
        # Drift against a baseline adds fingerprinting to every check; timed on its own.
        (Path(tmp) / "drift").mkdir()
        drift_toml = pytest_config(Path(tmp) / "drift", corpus)
        bless_baselines(drift_toml)
        drift = replace(load_config(drift_toml), cache_dir=warm.cache_dir)
        drift_cold = replace(drift, cache_dir=None)
        t_drift, t_drift_cold = median_times(
            [
                lambda: render(Runner(drift, steps=steps).check_paths([corpus]), Format.JSON),
                lambda: render(Runner(drift_cold, steps=steps).check_paths([corpus]), Format.JSON),
            ],
            args.runs,
        )
        for baseline in corpus.glob("*.baseline.json"):
            baseline.unlink()  # the RSS runs below check the corpus as before

        rss_1x, rss_10x = peak_rss_mb(corpus), peak_rss_mb(big)

    inside_overhead = inside["total"] / inside["parse"] - 1
    rows = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, feedparser {feedparser.__version__}",
        "corpus": f"{args.recordings} recordings (bundled cassettes cycled), {items} items",
        "feedparser.parse items/s": round(items / t_fp),
        "harness parse-only items/s": round(items / t_parse),
        "harness check, cold cache, items/s": round(items / t_full),
        "harness check, warm cache, items/s": round(items / t_warm),
        "full check vs feedparser, cold / warm (x faster)": f"{t_fp / t_full:.2f} / "
        f"{t_fp / t_warm:.2f}",
        "overhead (full - parse) / parse, cold / warm": f"{(t_full - t_parse) / t_parse:.3f} / "
        f"{(t_warm - t_parse) / t_parse:.3f}",
        "inside a warm check (ms): load / parse / schema+invariants / rest": " / ".join(
            f"{1000 * v:.0f}"
            for v in (
                inside["load"],
                inside["parse"],
                inside["schema and invariants"],
                inside["total"]
                - inside["load"]
                - inside["parse"]
                - inside["schema and invariants"],
            )
        ),
        "inside a warm check: (total - parse) / parse": f"{inside_overhead:.3f}",
        "harness check with drift baselines, warm cache, items/s": round(items / t_drift),
        "drift baselines vs feedparser, cold / warm (x faster)": f"{t_fp / t_drift_cold:.2f} / "
        f"{t_fp / t_drift:.2f}",
        "overhead with drift baselines, cold / warm": f"{(t_drift_cold - t_parse) / t_parse:.3f}"
        f" / {(t_drift - t_parse) / t_parse:.3f}",
        "peak RSS 1x / 10x (MB)": f"{rss_1x:.0f} / {rss_10x:.0f} (ratio {rss_10x / rss_1x:.2f})",
        "-j 1 vs -j 2, warm cache (s)": f"{t_j1:.2f} / {t_j2:.2f} (speed-up {t_j1 / t_j2:.2f}x)",
        "-j 1 vs -j 2, cold cache (s)": f"{t_j1_cold:.2f} / {t_j2_cold:.2f} "
        f"(speed-up {t_j1_cold / t_j2_cold:.2f}x)",
        "-j 1 vs -j 2, 10x corpus, warm cache (s)": f"{t_big1:.2f} / {t_big2:.2f} "
        f"(speed-up {t_big1 / t_big2:.2f}x)",
        "machine ceiling: pure-Python loops, 1 vs 2 processes (s)": f"{t_spin1:.2f} / "
        f"{t_spin2:.2f} (speed-up {t_spin1 / t_spin2:.2f}x)",
        "pytest start-up, one recording, -n 0 / -n 2 (s)": f"{t_one0:.2f} / {t_one2:.2f}",
        "pytest -n 0 vs -n 2, 10x corpus, item per check (s)": f"{t_n0:.2f} / {t_n2:.2f} "
        f"(speed-up {t_n0 / t_n2:.2f}x)",
        "pytest -n 0 vs -n 2, 10x corpus, item per cassette (s)": f"{t_c0:.2f} / {t_c2:.2f} "
        f"(speed-up {t_c0 / t_c2:.2f}x)",
        f"pytest -n 0 vs -n 2, {args.recordings * 10} empty tests (s)": f"{t_e0:.2f} / "
        f"{t_e2:.2f} (speed-up {t_e0 / t_e2:.2f}x)",
        "reports identical (cold, warm, -j 2)": same,
        "medians over runs": args.runs,
    }
    width = max(map(len, rows))
    for key, value in rows.items():
        print(f"{key:<{width}}  {value}")
    print(
        json.dumps(
            {
                "seconds": {
                    "feedparser": t_fp,
                    "parse": t_parse,
                    "full": t_full,
                    "full_warm": t_warm,
                    "full_drift_warm": t_drift,
                    "full_drift_cold": t_drift_cold,
                    "j1_10x": t_big1,
                    "j2_10x": t_big2,
                    "spin_1": t_spin1,
                    "spin_2": t_spin2,
                    "pytest_one_n0": t_one0,
                    "pytest_one_n2": t_one2,
                    "j1": t_j1,
                    "j1_cold": t_j1_cold,
                    "j2_cold": t_j2_cold,
                    "pytest_n0": t_n0,
                    "pytest_n2": t_n2,
                    "pytest_cassette_n0": t_c0,
                    "pytest_cassette_n2": t_c2,
                    "inside_warm": inside,
                    "pytest_empty_n0": t_e0,
                    "pytest_empty_n2": t_e2,
                    "j2": t_j2,
                }
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
