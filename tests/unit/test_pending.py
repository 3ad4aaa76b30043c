"""Recordings left for review and feeds without a cassette, as `harness check` reports them."""

from __future__ import annotations

import io
from pathlib import Path

from harness.cassettes.paths import scan
from harness.cli import run
from harness.config import load_config
from harness.pending import project_notes
from harness.severity import Severity

ROOT = Path(__file__).resolve().parents[2]
CASSETTE = ROOT / "cassettes" / "dapenti_2015-01-05.yaml"


def _project(tmp_path: Path, feeds: list[str]) -> Path:
    (tmp_path / "cassettes").mkdir()
    blocks = [
        f'[[feeds]]\nname = "{name}"\nurl = "https://{name}.example/feed.xml"\nparser = "rss"\n'
        for name in feeds
    ]
    (tmp_path / "harness.toml").write_text('cassettes = "cassettes"\n\n' + "\n".join(blocks))
    return tmp_path


def test_a_feed_without_cassette_is_a_warning_naming_the_command(tmp_path: Path) -> None:
    config = load_config(_project(tmp_path, ["alpha", "beta"]) / "harness.toml")
    (tmp_path / "cassettes" / "alpha.yaml").write_bytes(CASSETTE.read_bytes())
    notes = project_notes(config, scan([config.cassettes]), ["alpha"], whole_project=True)
    assert [(n.level, n.line) for n in notes] == [
        (
            Severity.WARNING,
            f"warning: feed 'beta' has no cassette ({config.cassettes / 'beta.yaml'}): "
            "harness record beta",
        )
    ]


def test_a_run_over_chosen_paths_says_nothing_about_other_feeds(tmp_path: Path) -> None:
    config = load_config(_project(tmp_path, ["alpha", "beta"]) / "harness.toml")
    assert project_notes(config, scan([config.cassettes]), [], whole_project=False) == []


def test_an_unreadable_cassette_of_a_feed_is_not_called_missing(tmp_path: Path) -> None:
    config = load_config(_project(tmp_path, ["alpha"]) / "harness.toml")
    (tmp_path / "cassettes" / "alpha.yaml").write_text("interactions: [")  # broken, not missing
    assert project_notes(config, scan([config.cassettes]), [None], whole_project=True) == []


def test_a_recording_left_for_review_names_the_diff_to_run(tmp_path: Path) -> None:
    config = load_config(_project(tmp_path, ["alpha"]) / "harness.toml")
    folder = tmp_path / "cassettes"
    (folder / "alpha.yaml").write_bytes(CASSETTE.read_bytes())
    (folder / "alpha.new.yaml").write_bytes(CASSETTE.read_bytes())
    (folder / "gone.new.yaml").write_bytes(CASSETTE.read_bytes())  # never committed
    notes = project_notes(
        config, scan([folder]), ["alpha"], whole_project=True, display=lambda p: p.name
    )
    assert [n.line for n in notes] == [
        "note: alpha.new.yaml is a recording left for review: "
        "harness diff alpha.yaml alpha.new.yaml",
        "note: gone.new.yaml is a recording left for review: harness check gone.new.yaml",
    ]


def test_check_says_both_on_stderr_once_and_keeps_its_report(tmp_path: Path) -> None:
    """The report (stdout, any format) is the same as without them: shards still merge."""
    _project(tmp_path, ["alpha", "beta"])
    folder = tmp_path / "cassettes"
    text = CASSETTE.read_text(encoding="utf-8").replace(
        "http://www.dapenti.com/blog/rssfortugua.asp", "https://alpha.example/feed.xml"
    )
    (folder / "alpha.yaml").write_text(text, encoding="utf-8")
    (folder / "alpha.new.yaml").write_text(text, encoding="utf-8")
    config = str(tmp_path / "harness.toml")
    outputs = []
    for extra in ([], ["--shard", "1/2"], ["--shard", "2/2"], ["cassettes/alpha.yaml"]):
        out, err = io.StringIO(), io.StringIO()
        code = run(
            ["--config", config, "check", "--format", "json", *extra], stdout=out, stderr=err
        )
        outputs.append((code, err.getvalue()))
    notes = [line for line in outputs[0][1].splitlines() if line.startswith("harness check:")]
    assert notes == [
        "harness check: note: cassettes/alpha.new.yaml is a recording left for review: "
        "harness diff cassettes/alpha.yaml cassettes/alpha.new.yaml",
        "harness check: warning: feed 'beta' has no cassette (cassettes/beta.yaml): "
        "harness record beta",
    ]
    assert outputs[0][0] == 0  # a warning beside the report, not a finding of the run
    # a shard says what concerns the whole run once (shard 1), and not the feed list: other
    # shards hold other feeds; a run over chosen paths says nothing about other feeds
    assert "left for review" in outputs[1][1]
    assert "has no cassette" not in outputs[1][1]
    assert "harness check:" not in outputs[2][1]
    assert "has no cassette" not in outputs[3][1]
