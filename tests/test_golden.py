"""The report on the bundled cassettes is pinned: speed work must not change any result.

After an intended change of checks or cassettes, regenerate and review the diff:
    harness check --format json -o tests/data/golden/check-bundled.json
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from harness.cli import run

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "data" / "golden" / "check-bundled.json"


def test_bundled_report_matches_the_pinned_one() -> None:
    out = io.StringIO()
    code = run(["--config", str(ROOT / "harness.toml"), "check", "--format", "json"], stdout=out)
    assert code == 0
    assert json.loads(out.getvalue()) == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_parallel_run_matches_the_pinned_one() -> None:
    out = io.StringIO()
    run(
        ["--config", str(ROOT / "harness.toml"), "check", "--format", "json", "-j", "2"], stdout=out
    )
    assert json.loads(out.getvalue()) == json.loads(GOLDEN.read_text(encoding="utf-8"))
