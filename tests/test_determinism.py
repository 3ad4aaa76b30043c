"""The same cassettes give the same report in any time zone, locale and working directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import harness

ROOT = Path(__file__).resolve().parent.parent
IMPORT_ROOT = str(Path(harness.__file__).resolve().parent.parent)


def check(cwd: Path, fmt: str, **env: str) -> str:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "TZ", "LANG"))}
    full_env.update(env, PYTHONPATH=IMPORT_ROOT, NO_COLOR="1")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "harness",
            "--config",
            str(ROOT / "harness.toml"),
            "check",
            str(ROOT / "cassettes"),
            "--format",
            fmt,
        ],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_report_is_identical_across_tz_locale_and_cwd(fmt: str, tmp_path: Path) -> None:
    reference = check(ROOT, fmt, TZ="UTC", LC_ALL="C.UTF-8")
    variants = [
        check(ROOT, fmt, TZ="America/Los_Angeles", LC_ALL="C.UTF-8"),
        check(ROOT, fmt, TZ="Asia/Shanghai", LANG="zh_CN.UTF-8"),
        check(tmp_path, fmt, TZ="Asia/Shanghai", LC_ALL="C"),
        check(ROOT / "tests", fmt, TZ="Europe/Paris", LANG="fr_FR.UTF-8"),
    ]
    for variant in variants:
        assert variant == reference
    assert "cassettes/" in reference
    assert str(tmp_path) not in reference
