"""One replay path: every command claims a recording whose URL `harness record` scrubbed.

A feed whose URL carries a secret (``?token=SECRET``) is recorded from a real server on
127.0.0.1; the cassette holds the scrubbed URL. check, diff, bless, history, audit, the pytest
plugin and record itself must all say that cassette belongs to the feed.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from record_servers import FeedServer, Reply, write_project

from harness.cli import run
from harness.config import load_config
from harness.replay import Replayer

SECRET = "s3cr3t-token-value"


@pytest.fixture
def recorded(tmp_path: Path, server: FeedServer) -> Path:
    """A project with feed ``rfi`` at a URL with a secret, recorded once by `harness record`."""
    server.route("/rfi.xml", Reply())
    write_project(tmp_path, {"rfi": server.url("/rfi.xml") + f"?token={SECRET}"})
    code, out, err = harness(tmp_path, "record", "rfi")
    assert code == 0, out + err
    cassette = tmp_path / "cassettes" / "rfi.yaml"
    assert SECRET not in cassette.read_text(encoding="utf-8")
    return tmp_path


def harness(project: Path, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["--config", str(project / "harness.toml"), *argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_the_replay_path_claims_the_scrubbed_url(recorded: Path) -> None:
    replayer = Replayer(load_config(recorded / "harness.toml"))
    replay = replayer.replay(recorded / "cassettes" / "rfi.yaml")
    assert replay.url is not None
    assert SECRET not in replay.url
    assert replay.feed == "rfi"
    assert replay.failure is None
    assert replay.output is not None
    assert replay.output.items


def test_check_claims_it(recorded: Path) -> None:
    code, out, err = harness(recorded, "check")
    assert code == 0, out + err
    assert "cassettes/rfi.yaml · rfi · parser feedx-rfi" in out


def test_history_claims_it(recorded: Path) -> None:
    code, out, err = harness(recorded, "history", "rfi")
    assert code == 0, out + err
    assert "feed rfi: 1 recording(s)" in out


def test_bless_claims_it(recorded: Path) -> None:
    code, out, err = harness(recorded, "bless", "rfi", "--dry-run")
    assert code == 0, out + err
    assert "would write" in out
    assert "rfi.yaml" in out


def test_diff_claims_both(recorded: Path) -> None:
    cassettes = recorded / "cassettes"
    shutil.copy(cassettes / "rfi.yaml", cassettes / "rfi-copy.yaml")
    code, out, err = harness(
        recorded, "diff", *(str(cassettes / n) for n in ("rfi.yaml", "rfi-copy.yaml"))
    )
    assert code == 0, out + err
    assert "not the same feed" not in out + err
    assert "unclaimed" not in out


def test_audit_claims_it(recorded: Path) -> None:
    code, out, err = harness(
        recorded, "audit", "rfi", "--examples", "1", "--operator", "boilerplate-new"
    )
    assert "no recordings" not in err
    assert code in (0, 1), out + err
    assert "cassettes/rfi.yaml" in out or "rfi" in out


def test_record_compares_with_it(recorded: Path) -> None:
    # a second recording of an unchanged feed is compared with the claimed cassette: the
    # same responses, so the file is left as it is
    code, out, err = harness(recorded, "record", "rfi")
    assert code == 0, out + err
    assert "rfi: unchanged cassettes/rfi.yaml" in out
    assert "0 added, 0 removed, 0 changed, 2 unchanged" in out


def test_the_plugin_claims_it(recorded: Path, pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(
        "--collect-only",
        "-q",
        "-p",
        "no:cacheprovider",
        "--harness-config",
        str(recorded / "harness.toml"),
        str(recorded / "cassettes"),
    )
    # the feed's own checks (feedx-rfi), not the generic ones of an unclaimed URL
    result.stdout.fnmatch_lines(["*rfi.yaml::timestamp-matches-dateline*"])
