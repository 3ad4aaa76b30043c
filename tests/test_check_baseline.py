"""`harness check` compares each feed's recording with its blessed baseline (check id `drift`)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from harness.cli import run

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = (ROOT / "harness.toml").read_text(encoding="utf-8")
    config = config.replace('schemas = "schemas"', f'schemas = "{ROOT / "schemas"}"')
    (tmp_path / "harness.toml").write_text(config, encoding="utf-8")
    (tmp_path / "cassettes").mkdir()
    for name in ("feedx-rfi_2023-11.yaml", "feedx-rfi_2024-02.yaml"):
        shutil.copy(ROOT / "cassettes" / name, tmp_path / "cassettes" / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_blessed_form_passes_and_older_markup_is_drift(project: Path) -> None:
    code, _, err = cli("bless", "rfi")
    assert (code, err) == (0, "")
    assert (project / "cassettes" / "rfi.baseline.json").is_file()
    code, out, _ = cli("check", "--format", "json")
    assert code == 0
    for result in json.loads(out)["cassettes"]:
        assert "drift" in result["checks"]
        assert result["findings"] == []
    old = project / "old"
    old.mkdir()
    shutil.copy(ROOT / "cassettes" / "feedx-rfi_2020-10.yaml", old / "rfi.yaml")
    code, out, _ = cli("check", str(old), "--format", "json")
    (result,) = json.loads(out)["cassettes"]
    drift = result["findings"]
    assert drift, result
    assert all(f["first_seen"] == "rfi.yaml" and f["last_good"] for f in drift)
    assert all(f["cause"] and f["level"] in ("error", "warning", "info") for f in drift)
    failing = any(f["level"] == "error" for f in drift)
    assert code == (1 if failing else 0)


def test_no_baseline_means_no_drift_check(project: Path) -> None:
    code, out, _ = cli("check", "--format", "json")
    assert code == 0
    assert all("drift" not in r["checks"] for r in json.loads(out)["cassettes"])
