"""Helpers of the hostile-input suite: projects, cassettes, the CLI in-process and in a child."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from hostile_inputs import FEED_URL, RFI_URL, cassette

from harness.cli import run

CONFIG = f"""
cassettes = "cassettes"

[[feeds]]
name = "rfi"
url = "{RFI_URL}"
parser = "feedx-rfi"
language = "zh"
timezone = "Europe/Paris"
allowed-hosts = ["rfi.fr"]

[[feeds]]
name = "limited-bytes"
url = "https://hostile.example/limited-bytes.xml"
parser = "rss"
parser-options = {{ max_bytes = 10_000_000 }}

[[feeds]]
name = "limited-items"
url = "https://hostile.example/limited-items.xml"
parser = "rss"
parser-options = {{ max_items = 10_000 }}
"""


def make_project(folder: Path) -> Path:
    """A project folder with harness.toml (rfi via feedx, two limited rss feeds) and cassettes/."""
    (folder / "cassettes").mkdir(parents=True)
    (folder / "harness.toml").write_text(CONFIG, encoding="utf-8")
    return folder


def add_cassette(
    project: Path, name: str, body: str, *, url: str = FEED_URL, content_type: str = ""
) -> Path:
    """Write a one-interaction cassette under the project's cassettes/."""
    path = project / "cassettes" / f"{name}.yaml"
    path.write_text(
        cassette(url, body, content_type=content_type or "application/rss+xml"), encoding="utf-8"
    )
    return path


def cli(project: Path, *args: str) -> tuple[int, str, str]:
    """``harness --config <project>/harness.toml <args>`` in-process: (exit code, out, err)."""
    out, err = io.StringIO(), io.StringIO()
    code = run(["--config", str(project / "harness.toml"), *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


_MISSING = re.compile(
    r"harness check: warning: feed '[\w-]+' has no cassette .*: harness record [\w-]+"
)


def only_missing_feeds(err: str) -> bool:
    """Whether ``err`` says nothing but which configured feeds have no cassette (the projects
    of these tests configure more feeds than each test records)."""
    return all(_MISSING.fullmatch(line) for line in err.splitlines())


def check_json(project: Path, *paths: Path) -> tuple[int, dict[str, dict[str, object]]]:
    """``harness check --format json`` on paths: exit code, cassette results by file stem."""
    code, out, err = cli(project, "check", "--format", "json", *map(str, paths))
    assert only_missing_feeds(err), err
    data = json.loads(out)
    return code, {Path(str(c["path"])).stem: c for c in data["cassettes"]}


# --- isolated runs: a subprocess with a timeout, peak memory measured inside it -------------

_CHILD = """
import json, sys, time
from pathlib import Path
from harness.cli import run

def status(key):  # kB -> MB, from the kernel's accounting of this process
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(key)

Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current RSS
before = status("VmRSS")
start = time.perf_counter()
out = Path(sys.argv[2])
code = run(["--config", sys.argv[1], "check", "--format", "json", "-o", str(out), *sys.argv[3:]])
seconds = time.perf_counter() - start
print(json.dumps({"code": code, "seconds": seconds, "growth_mb": status("VmHWM") - before}))
"""
# Not ru_maxrss: after fork() a child starts with its parent's peak, so a big pytest process
# would hide the child's own growth. VmHWM belongs to the child's memory map, reset just above.


@dataclass(frozen=True)
class Isolated:
    """What a ``harness check`` run in a child process did: None fields when it hung."""

    hung: bool
    code: int | None = None
    seconds: float | None = None
    growth_mb: float | None = None
    report: dict[str, object] | None = None
    stderr: str = ""


def run_isolated(config: Path, cassette_path: Path, *, timeout: float) -> Isolated:
    """Run ``harness check --format json`` on one cassette in a child; kill it after timeout."""
    report = cassette_path.with_suffix(".report.json")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-c", _CHILD, str(config), str(report), str(cassette_path)]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        return Isolated(hung=True)
    if done.returncode not in (0, 1, 2) or not done.stdout.strip():
        return Isolated(hung=False, code=done.returncode, stderr=done.stderr)
    facts = json.loads(done.stdout.strip().splitlines()[-1])
    data = json.loads(report.read_text(encoding="utf-8"))
    return Isolated(
        hung=False,
        code=facts["code"],
        seconds=facts["seconds"],
        growth_mb=facts["growth_mb"],
        report=data["cassettes"][0],
        stderr=done.stderr,
    )
