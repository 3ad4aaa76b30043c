"""``harness diff``, ``harness bless`` and ``harness history`` through the CLI's run()."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from drift_paths import CASSETTES, DRIFT, REAL, ROOT, VARIANTS

from harness.cli import run
from harness.config import load_config
from harness.drift import Fingerprinter, compare
from harness.drift.baseline import baseline_path, load_baseline, profile
from harness.replay import Replayer
from harness.runner import Runner

CONFIG = str(ROOT / "harness.toml")


def harness(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["--config", CONFIG, *argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_diff_exit_codes() -> None:
    code, out, _ = harness(
        "diff", str(CASSETTES / "feedx-rfi_2023-05.yaml"), str(CASSETTES / "feedx-rfi_2023-09.yaml")
    )
    # the share widget repeats in every item, but the rfi parser drops it: a warning, exit 0
    assert code == 0
    assert "WARNING boilerplate-new" in out
    code, _, _ = harness(
        "diff",
        "--fail-on",
        "warning",
        str(CASSETTES / "feedx-rfi_2023-05.yaml"),
        str(CASSETTES / "feedx-rfi_2023-09.yaml"),
    )
    assert code == 1
    code, out, _ = harness(
        "diff",
        str(CASSETTES / "ft-home_2025-05-21.yaml"),
        str(CASSETTES / "ft-home_2026-02-21.yaml"),
    )
    assert code == 0
    assert "0 drift findings" in out
    code, out, _ = harness(
        "diff",
        str(CASSETTES / "dapenti_2015-06-14.yaml"),
        str(REAL / "dapenti-http403-spliced.yaml"),
    )
    assert code == 2
    assert "TRANSPORT" in out
    assert "not drift" in out


def test_diff_usage_errors() -> None:
    code, _, err = harness("diff", str(CASSETTES / "feedx-rfi_2023-05.yaml"), "/nonexistent.yaml")
    assert code == 2
    assert "no such cassette" in err
    code, out, _ = harness(
        "diff",
        str(CASSETTES / "feedx-rfi_2023-05.yaml"),
        str(CASSETTES / "ft-home_2025-05-21.yaml"),
    )
    assert code == 2
    assert "not the same feed" in out


def test_diff_new_violations_count_as_drift() -> None:
    code, out, _ = harness(
        "diff",
        str(VARIANTS / "rfi-base.yaml"),
        str(VARIANTS / "timezone-shift.yaml"),
        "--format",
        "json",
    )
    data = json.loads(out)
    kinds = [f["kind"] for f in data["feeds"][0]["findings"]]
    assert code == 1
    assert "timezone-shift" in kinds
    assert "new-violations" in kinds


def test_diff_writes_markdown_and_html(tmp_path: Path) -> None:
    md, page = tmp_path / "r.md", tmp_path / "r.html"
    old, new = str(CASSETTES / "feedx-rfi_2023-09.yaml"), str(CASSETTES / "feedx-rfi_2023-11.yaml")
    assert harness("diff", old, new, "--format", "markdown", "--output", str(md))[0] == 1
    assert harness("diff", old, new, "--format", "html", "-o", str(page))[0] == 1
    assert md.read_text(encoding="utf-8").startswith("feedharness: drift in `rfi`")
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<svg" in text
    assert "feedx.run" in text


def test_history_of_a_configured_feed_and_a_folder() -> None:
    code, out, _ = harness("history", "rfi")
    assert code == 0
    assert "boilerplate-new" in out
    assert "→ feedx-rfi_2023-09.yaml" in out  # last good → first seen
    code, out, _ = harness(
        "history", str(DRIFT / "rss-arch"), "--format", "json", "--fail-on-drift"
    )
    assert code == 1
    assert json.loads(out)["feeds"][0]["feed"] == "ft-home"
    code, _, err = harness("history", "no-such-feed")
    assert code == 2
    assert "neither a configured feed" in err


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "cassettes").mkdir()
    for name in ("feedx-rfi_2023-05.yaml", "feedx-rfi_2023-09.yaml"):
        shutil.copy(CASSETTES / name, tmp_path / "cassettes" / name)
    (tmp_path / "harness.toml").write_text(
        'cassettes = "cassettes"\n[[feeds]]\nname = "rfi"\nurl = "https://feedx.net/rss/rfi.xml"\n'
        'parser = "feedx-rfi"\ntimezone = "Europe/Paris"\n',
        encoding="utf-8",
    )
    return tmp_path


def test_bless_writes_a_reviewable_baseline(project: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    config = str(project / "harness.toml")
    assert run(["--config", config, "bless", "rfi"], stdout=out, stderr=err) == 0
    path = baseline_path(project / "cassettes", "rfi")
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert text == json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    assert data["sources"] == ["feedx-rfi_2023-09.yaml"]
    assert data["items"] == 2
    assert "wrote" in out.getvalue()
    assert not list(project.glob("cassettes/.*.tmp"))
    # an older recording against the new baseline: it lacks the share widget (2 of 2 items)
    prints = Fingerprinter(Replayer(load_config(project / "harness.toml")))
    older = prints.path(project / "cassettes" / "feedx-rfi_2023-05.yaml")
    findings = compare(load_baseline(path), older)
    assert [f.scope.value for f in findings] == ["item"]
    # blessing again from a named cassette reports what it accepts
    out = io.StringIO()
    args = [
        "--config",
        config,
        "bless",
        "rfi",
        str(project / "cassettes" / "feedx-rfi_2023-05.yaml"),
    ]
    assert run(args, stdout=out, stderr=err) == 0
    assert load_baseline(path).sources == ("feedx-rfi_2023-05.yaml",)


def test_bless_refuses_unknown_feeds_and_transport_failures(project: Path) -> None:
    config = str(project / "harness.toml")
    err = io.StringIO()
    assert run(["--config", config, "bless", "nope"], stdout=io.StringIO(), stderr=err) == 2
    assert "no feed named 'nope'" in err.getvalue()


def test_baseline_round_trip_and_malformed(tmp_path: Path) -> None:
    prints = Fingerprinter(Replayer(load_config(ROOT / "harness.toml")))
    fp = prints.path(CASSETTES / "feedx-rfi_2023-11.yaml")
    from harness.drift.baseline import write_baseline

    path = tmp_path / "rfi.baseline.json"
    write_baseline(path, profile([fp]))
    assert load_baseline(path) == profile([fp])
    path.write_text('{"format": 99}', encoding="utf-8")
    with pytest.raises(Exception, match="not a feedharness baseline"):
        load_baseline(path)


def test_the_baseline_step_of_harness_check(project: Path) -> None:
    from harness.drift import BaselineStep
    from harness.drift.baseline import write_baseline

    runner = Runner(load_config(project / "harness.toml"), steps=(BaselineStep,))
    (step,) = runner.steps
    cassettes = project / "cassettes"
    replay = runner.replayer.replay(cassettes / "feedx-rfi_2023-09.yaml")
    assert not step.applies(replay)  # no baseline yet: no drift check at all
    assert "drift" not in runner.check_replay(replay).checks
    old = step.prints.path(cassettes / "feedx-rfi_2023-05.yaml")
    write_baseline(baseline_path(cassettes, "rfi"), profile([old]))
    assert step.applies(replay)
    (f,) = step.findings(replay)
    assert (f.kind, f.level.value, f.cause.value) == ("boilerplate-new", "warning", "format-drift")
    assert (f.last_good, f.first_seen) == ("feedx-rfi_2023-05.yaml", "feedx-rfi_2023-09.yaml")
    result = runner.check_replay(replay)
    assert "drift" in result.checks
    assert [g.kind for g in result.findings] == ["boilerplate-new"]
    assert result.outcome.value == "pass"  # a warning: reported, not failing
