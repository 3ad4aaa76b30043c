"""One verdict: ``harness diff BASE NEW`` and ``harness check NEW`` against a baseline blessed
from BASE give the same findings (kinds, severities, causes) and the same exit code.

Pairs: the healthy pairs of the truth table (tests/data/drift/verdicts.toml) of the configured
feeds: the bundled rfi periods and the real ft-home and dapenti histories. Only the drift findings are compared: ``check`` also fails on
violations NEW shares with BASE, which ``diff`` (a comparison) does not report.
"""

from __future__ import annotations

import io
import json
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest

from harness.cli import run

ROOT = Path(__file__).resolve().parent.parent
DRIFT = ROOT / "tests" / "data" / "drift"


def _pairs() -> list[tuple[str, Path, Path]]:
    """The healthy pairs of the truth table (docs/verdicts.md) whose feed is configured."""
    table = tomllib.loads((DRIFT / "verdicts.toml").read_text(encoding="utf-8"))["pair"]
    feeds = {"dapenti": "dapenti", "feedx-periods": "rfi"}
    found = []
    for pair in table:
        feed = feeds.get(pair["corpus"]) or ("ft-home" if "/ft-home_" in pair["old"] else None)
        if feed is not None and pair["expected"] != 2:  # 2: a transport failure, nothing to bless
            found.append((feed, ROOT / pair["old"], ROOT / pair["new"]))
    return found


def cli(*args: str) -> tuple[int, Any]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(args), stdout=out, stderr=err)
    return code, out.getvalue() or err.getvalue()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = (ROOT / "harness.toml").read_text(encoding="utf-8")
    config = config.replace('schemas = "schemas"', f'schemas = "{ROOT / "schemas"}"')
    config = config.replace('cassettes = "cassettes"', 'cassettes = "cassettes"\ncache-dir = false')
    (tmp_path / "harness.toml").write_text(config, encoding="utf-8")
    (tmp_path / "cassettes").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _drift(findings: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return sorted((f["kind"], f["level"], f["cause"]) for f in findings if f["scope"] == "feed")


@pytest.mark.parametrize(
    ("feed", "base", "new"), _pairs(), ids=[f"{a.stem}->{b.stem}" for _, a, b in _pairs()]
)
def test_diff_and_check_against_a_blessed_baseline_agree(
    project: Path, feed: str, base: Path, new: Path
) -> None:
    code, out = cli("diff", str(base), str(new), "--format", "json")
    assert code in (0, 1), out
    diffed = _drift([f for h in json.loads(out)["feeds"] for f in h["findings"]])
    local = project / "cassettes" / base.name
    shutil.copy(base, local)
    code_bless, out_bless = cli("bless", feed, str(local))
    assert code_bless == 0, out_bless
    local.unlink()  # the baseline alone judges NEW
    code_check, out_check = cli("check", str(new), "--format", "json")
    (result,) = json.loads(out_check)["cassettes"]
    assert _drift(result["findings"]) == diffed
    failing_drift = any(level == "error" for _, level, _ in diffed)
    failing_checks = any(v["severity"] == "error" for v in result["violations"])
    assert code_check == int(failing_drift or failing_checks)
    if not failing_checks:
        assert code_check == code
