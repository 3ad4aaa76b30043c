"""feedparser's own test feeds (1,850 real-world edge cases, tests/data/feedparser-tests/, BSD).

Each top folder runs in a child process with a timeout (``corpus_worker.py``): zero crashes, zero
hangs, every file parsed or rejected with a one-line HarnessError. The counts are pinned, so a
change in what the ``rss`` parser accepts shows here. feedparser's ``Header:`` lines become the
recorded headers. Without charset-normalizer, 8 undeclared non-UTF-8 feeds (illformed/chardet/)
cannot be read: they are ParseErrors then, still named.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "data" / "feedparser-tests"
WORKER = HERE / "corpus_worker.py"
TIMEOUT = 120  # seconds per folder; the whole corpus parses in about one second
NORMALIZER = importlib.util.find_spec("charset_normalizer") is not None

EXPECTED = {  # folder -> outcome counts
    "encoding": {"parsed": 38, "ParseError": 44},
    "illformed": {"parsed": 13, "ParseError": 6} if NORMALIZER else {"parsed": 5, "ParseError": 14},
    "wellformed": {"parsed": 1714, "ParseError": 35},
}


def run_worker(*args: str) -> dict[str, object]:
    try:
        done = subprocess.run(
            [sys.executable, str(WORKER), *args],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as err:
        stderr = err.stderr.decode() if isinstance(err.stderr, bytes) else str(err.stderr or "")
        last = stderr.strip().splitlines()[-1:] or ["(before the first file)"]
        pytest.fail(f"hang: no answer within {TIMEOUT} s, at {last[0]}")
    assert done.returncode == 0, done.stderr[-3000:]
    summary: dict[str, object] = json.loads(done.stdout)
    return summary


def test_the_copy_is_complete_small_and_licensed() -> None:
    files = [p for p in CORPUS.rglob("*") if p.is_file() and p.name != "LICENSE"]
    assert len(files) == 1850
    assert sum(p.stat().st_size for p in files) < 10_000_000
    assert "Kurt McKee" in (CORPUS / "LICENSE").read_text(encoding="utf-8")


@pytest.mark.parametrize("folder", sorted(EXPECTED))
def test_every_feed_is_parsed_or_rejected_with_a_named_error(folder: str) -> None:
    summary = run_worker(str(CORPUS / folder))
    assert summary["failures"] == {}
    outcomes = summary["outcomes"]
    assert isinstance(outcomes, dict)
    assert dict(Counter(outcomes.values())) == EXPECTED[folder]


def test_every_feed_through_the_whole_pipeline_never_crashes() -> None:
    summary = run_worker(str(CORPUS), "--pipeline")
    assert summary["files"] == 1850
    assert summary["failures"] == {}
