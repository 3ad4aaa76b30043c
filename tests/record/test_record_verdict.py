"""`harness record` judges a new recording with `harness diff`'s verdict (issue: record replaced
the ft-home cassette silently where diff called description-markup drift, exit 1).

The real ft-home recordings of 2025-04-18 (12:27 → 14:45: descriptions turn from plain text into
entity-escaped HTML with ``<img>``) are served on 127.0.0.1 one after the other.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from record_servers import FeedServer, Reply

from harness.cassettes import load_cassette
from harness.cli import run

DRIFT = Path(__file__).resolve().parent.parent / "data" / "drift" / "rss-arch"
BEFORE = DRIFT / "ft-home_2025-04-18T1227_f5d94ed.yaml"
AFTER = DRIFT / "ft-home_2025-04-18T1445_3fd1c05.yaml"

PATH = "/rss/home"


def _body(path: Path) -> bytes:
    return load_cassette(path).interactions[0].response.body


def cli(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(args), stdout=out, stderr=err)
    return code, out.getvalue() + err.getvalue()


@pytest.fixture
def config(tmp_path: Path, server: FeedServer) -> str:
    text = (
        'cassettes = "cassettes"\n\n[record]\ntimeout = 5\nretries = 0\n\n'
        f'[[feeds]]\nname = "ft-home"\nurl = "{server.url(PATH)}"\nparser = "rss"\n'
    )
    (tmp_path / "harness.toml").write_text(text, encoding="utf-8")
    return str(tmp_path / "harness.toml")


def test_a_failing_verdict_keeps_the_cassette_and_names_the_diff(
    tmp_path: Path, server: FeedServer, config: str
) -> None:
    server.route(PATH, Reply(body=_body(BEFORE)))
    code, out = cli("--config", config, "record", "ft-home")
    assert code == 0, out
    committed = tmp_path / "cassettes" / "ft-home.yaml"
    before = committed.read_bytes()

    server.route(PATH, Reply(body=_body(AFTER)))
    code, out = cli("--config", config, "record", "ft-home")
    assert code == 1
    assert committed.read_bytes() == before  # byte-identical
    scratch = tmp_path / "cassettes" / "ft-home.new.yaml"
    assert scratch.is_file()
    assert "drift (error): description-markup" in out
    assert "review it: harness diff cassettes/ft-home.yaml cassettes/ft-home.new.yaml" in out

    # the same pair through diff: the same kind, severity and exit code
    code_diff, shown = cli(
        "--config", config, "diff", str(committed), str(scratch), "--format", "json"
    )
    assert code_diff == code
    (feed,) = json.loads(shown)["feeds"]
    kinds = {(f["kind"], f["level"]) for f in feed["findings"] if f["scope"] == "feed"}
    assert ("description-markup", "error") in kinds

    code, out = cli("--config", config, "record", "ft-home", "--accept")
    assert code == 0, out
    assert committed.read_bytes() != before
    assert not scratch.exists()


def test_a_baseline_judges_the_new_recording(
    tmp_path: Path, server: FeedServer, config: str
) -> None:
    server.route(PATH, Reply(body=_body(BEFORE)))
    assert cli("--config", config, "record", "ft-home")[0] == 0
    assert cli("--config", config, "bless", "ft-home")[0] == 0
    # the committed cassette now holds the drifted form, the baseline the old one
    server.route(PATH, Reply(body=_body(AFTER)))
    code, out = cli("--config", config, "record", "ft-home", "--accept")
    assert code == 0, out
    assert "ft-home: accepted cassettes/ft-home.yaml" in out
    assert "  its baseline still holds the old form: harness bless ft-home" in out
    assert "new.yaml" not in out  # it is the committed cassette now
    # a healthy recording of the old form: against the committed (drifted) cassette it would
    # fail; against the baseline it passes
    server.route(PATH, Reply(body=_body(BEFORE)))
    code, out = cli("--config", config, "record", "ft-home")
    assert code == 0, out
    assert "replaced cassettes/ft-home.yaml" in out


def test_an_unchanged_feed_leaves_the_cassette_byte_identical(
    tmp_path: Path, server: FeedServer, config: str
) -> None:
    """A nightly re-record of a feed that did not change leaves no diff in git (issue 14)."""
    server.route(PATH, Reply(body=_body(BEFORE)))
    assert cli("--config", config, "record", "ft-home")[0] == 0
    committed = tmp_path / "cassettes" / "ft-home.yaml"
    before = committed.read_bytes()
    # the server answers again: another Date header, the same body and representation
    code, out = cli("--config", config, "record", "ft-home")
    assert code == 0, out
    assert "ft-home: unchanged cassettes/ft-home.yaml" in out
    assert committed.read_bytes() == before  # recorded_at and Date not rewritten
    assert sorted(p.name for p in committed.parent.iterdir()) == ["ft-home.yaml"]
    # one byte of the body changed: a new recording, replaced (it passes the verdict)
    server.route(PATH, Reply(body=_body(BEFORE).replace(b"</channel>", b" </channel>")))
    code, out = cli("--config", config, "record", "ft-home")
    assert code == 0, out
    assert "ft-home: replaced cassettes/ft-home.yaml" in out
    assert committed.read_bytes() != before
