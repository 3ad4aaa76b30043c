"""Transport failures counted across runs (harness.record.state), the --fail-after verdict, and
the --report-dir files (harness.record.reportdir): real recordings from a server on 127.0.0.1,
the time injected, so every date is known."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from record_servers import ROOT, FeedServer, Reply, Sleeps, fetcher_for, write_project

from harness.cli import run
from harness.config import HarnessConfig, load_config
from harness.errors import ConfigError
from harness.record import FeedRecord, RecordMode, RecordReport, Verdict, record_feeds
from harness.record.outcome import Streak
from harness.record.reportdir import summarize, write_report_dir
from harness.record.state import STATE_NAME, RecordState

FEED_PATH = "/rss/rfi.xml"
NIGHT = datetime(2026, 3, 1, 4, 17, tzinfo=UTC)
SCHEMA = json.loads((ROOT / "schemas" / "record-summary.schema.json").read_text(encoding="utf-8"))


def stamp(night: int) -> str:
    return f"2026-03-{night:02d}T04:17:00Z"


@pytest.fixture
def project(tmp_path: Path, server: FeedServer) -> HarnessConfig:
    server.route(FEED_PATH, Reply())
    return write_project(tmp_path, {"rfi": server.url(FEED_PATH)}, retries=0)


@pytest.fixture
def nightly(project: HarnessConfig, tmp_path: Path) -> Callable[..., RecordReport]:
    """Record once per call, each call one night later (night 1 first)."""
    nights = iter(range(1, 32))

    def record(fail_after: int = 3, **kw: object) -> RecordReport:
        when = NIGHT + timedelta(days=next(nights) - 1)
        return record_feeds(
            project,
            fetcher=fetcher_for(project, Sleeps()),
            now=lambda: when,
            state=tmp_path / "cassettes" / STATE_NAME,
            fail_after=fail_after,
            **kw,  # type: ignore[arg-type]
        )

    return record


def test_failures_are_flaky_below_fail_after_then_fail_then_recover_once(
    nightly: Callable[..., RecordReport], server: FeedServer, tmp_path: Path
) -> None:
    assert nightly().exit_code == 0  # night 1: created
    state = tmp_path / "cassettes" / STATE_NAME
    assert not state.exists()  # healthy feeds leave no file behind
    server.route(FEED_PATH, Reply(status=503, body=b"", headers=[]))
    for _night, failures in ((2, 1), (3, 2)):
        report = nightly()
        (record,) = report.feeds
        assert (record.verdict, record.flaky, report.exit_code) == (Verdict.FAILED, True, 0)
        assert record.streak == Streak(failures, stamp(2), 3)
        assert f"  flaky: {failures} of 3 allowed consecutive failures" in "\n".join(report.lines)
        assert report.lines[-1] == "1 feed: 1 failed, 1 flaky"
    report = nightly()  # night 4: the third failure in a row fails the run
    assert report.exit_code == 1
    assert "  failing since 2026-03-02T04:17:00Z, 3 runs" in report.lines
    saved = json.loads(state.read_text(encoding="utf-8"))
    assert saved["version"] == 1
    assert saved["feeds"]["rfi"]["failures"] == 3
    assert saved["feeds"]["rfi"]["failing_since"] == stamp(2)
    assert "last_success" not in saved["feeds"]["rfi"]  # before the file: not known
    assert "HTTP 503" in saved["feeds"]["rfi"]["last_error"]

    server.route(FEED_PATH, Reply())
    report = nightly()  # night 5: recovered, told once
    assert report.exit_code == 0
    assert "  recovered after 3 failed runs since 2026-03-02T04:17:00Z" in report.lines
    report = nightly()  # night 6: nothing more to tell
    assert report.feeds[0].streak is None
    assert not any("recovered" in line for line in report.lines)
    saved = json.loads(state.read_text(encoding="utf-8"))
    assert saved["feeds"]["rfi"] == {
        "failures": 0,
        "last_failure": stamp(4),
        "last_success": stamp(6),
    }


def test_fail_after_1_fails_at_once_and_a_drift_is_not_a_transport_failure(
    nightly: Callable[..., RecordReport], server: FeedServer
) -> None:
    nightly(fail_after=1)
    server.route(FEED_PATH, Reply(status=500, body=b"", headers=[]))
    report = nightly(fail_after=1)
    assert report.exit_code == 1
    assert report.feeds[0].streak == Streak(1, stamp(2), 1)
    assert not any("since" in line for line in report.lines)  # a first failure: no news


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b'{"format": "other", "version": 1, "feeds": {}}',
        b'{"format": "feedharness-record-state", "version": 99, "feeds": {}}',
        b"\xff\xfe",
        b'{"format": "feedharness-record-state", "version": 1, "feeds": {"rfi": {"failures": -1}}}',
        b"[]",
        b'{"format": "feedharness-record-state", "version": 1, "feeds": {"rfi": {"failures": 1, '
        b'"failing_since": "**bold** [x](y)"}}}',
    ],
)
def test_an_unusable_state_file_is_one_warning_and_a_fresh_start(
    nightly: Callable[..., RecordReport], server: FeedServer, tmp_path: Path, content: bytes
) -> None:
    state = tmp_path / "cassettes" / STATE_NAME
    state.write_bytes(content)
    server.route(FEED_PATH, Reply(status=503, body=b"", headers=[]))
    report = nightly()
    (warning,) = report.warnings
    assert warning.startswith(f"{state}: ")
    assert warning.endswith("; starting afresh")
    assert "\n" not in warning
    assert report.feeds[0].streak == Streak(1, stamp(1), 3)
    assert json.loads(state.read_text(encoding="utf-8"))["feeds"]["rfi"]["failures"] == 1


def test_the_state_keeps_only_configured_feeds_and_short_errors(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    state = RecordState()
    long_reason = "transport: " + "x" * 5000
    records = [
        FeedRecord(name, f"{name}.yaml", Verdict.FAILED, reasons=(long_reason,))
        for name in ("kept", "gone")
    ]
    state.update(records, stamp(1), 2)
    state.save(path, {"kept"})
    saved = RecordState.load(path)
    assert list(saved.feeds) == ["kept"]
    assert saved.warning is None
    assert len(saved.feeds["kept"].last_error or "") <= 300


def test_fail_after_is_validated_everywhere(project: HarnessConfig, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"^--fail-after: expected a positive integer, got 0$"):
        record_feeds(project, state=tmp_path / "s.json", fail_after=0)
    with pytest.raises(ConfigError, match="needs the state file"):
        record_feeds(project, state=None, fail_after=2)
    toml = tmp_path / "harness.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("[record]", "[record]\nfail-after = 0")
    )
    with pytest.raises(
        ConfigError, match=r"record\.fail-after: expected a positive integer, got 0"
    ):
        load_config(toml)
    toml.write_text(toml.read_text(encoding="utf-8").replace("fail-after = 0", "fail-after = 3"))
    assert load_config(toml).record.fail_after == 3
    out, err = io.StringIO(), io.StringIO()
    code = run(["--config", str(toml), "record", "--no-state"], stdout=out, stderr=err)
    assert code == 2
    assert "fail-after 3 counts failures across runs: it needs the state file" in err.getvalue()


# --- the report folder -------------------------------------------------------------------------


def test_report_dir_states_titles_and_safe_files(tmp_path: Path) -> None:
    hostile = "x`](javascript:alert(1))<b>@everyone\u202e"
    report = RecordReport(
        RecordMode.REWRITE,
        (
            FeedRecord("ok feed", "a.yaml", Verdict.UNCHANGED),
            FeedRecord(
                "../etc/passwd",
                "b.yaml",
                Verdict.KEPT,
                reasons=(f"drift: {hostile}",),
                scratch="b.new.yaml",
            ),
            FeedRecord(
                "flaky",
                "c.yaml",
                Verdict.FAILED,
                reasons=("transport: GET x: refused",),
                streak=Streak(1, stamp(1), 2),
            ),
            FeedRecord(
                "down",
                "d.yaml",
                Verdict.FAILED,
                reasons=("transport: GET y: refused",),
                streak=Streak(2, stamp(1), 2),
            ),
            FeedRecord("back", "e.yaml", Verdict.REPLACED, streak=Streak(2, stamp(1), 2, True)),
            FeedRecord("new", "f.yaml", Verdict.CREATED),
            FeedRecord("Back", "g.yaml", Verdict.FAILED, reasons=("cannot write g: full",)),
        ),
    )
    folder = tmp_path / "report"
    write_report_dir(report, folder, recorded_at=stamp(3))
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    jsonschema.validate(summary, SCHEMA)
    rows = {f["feed"]: (f["state"], f["issue"]["action"], f["markdown"]) for f in summary["feeds"]}
    assert rows == {
        "ok feed": ("unchanged", "close", None),
        "../etc/passwd": ("drift", "open", "etc_passwd.md"),
        "flaky": ("flaky", "none", None),
        "down": ("failing", "open", "down.md"),
        "back": ("recovered", "close", "back.md"),
        "new": ("replaced", "close", None),
        "Back": ("failing", "open", "Back-2.md"),  # back.md is taken on case-insensitive disks
    }
    titles = {f["feed"]: f["issue"]["title"] for f in summary["feeds"]}
    assert titles["down"] == f'feedharness: "down" failing since {stamp(1)}'
    assert titles["Back"] == 'feedharness: "Back" failed to record'
    assert sorted(p.name for p in folder.iterdir()) == [
        "Back-2.md",
        "actions.tsv",
        "back.md",
        "down.md",
        "etc_passwd.md",
        "pull-request.md",
        "summary.json",
    ]
    body = (folder / "etc_passwd.md").read_text(encoding="utf-8")
    assert "<b>" not in body.replace(f"`drift: {hostile}`".replace("\u202e", "\\u202e"), "")
    assert "\u202e" not in body
    assert "- review it: `harness diff b.yaml b.new.yaml`" in body
    assert "Failing since 2026-03-01T04:17:00Z, 2 runs" in (folder / "down.md").read_text()
    assert "Recovered after 2 failed runs" in (folder / "back.md").read_text()
    pull = (folder / "pull-request.md").read_text(encoding="utf-8")
    assert "- `back`: `e.yaml` (replaced)" in pull
    assert "- `new`: `f.yaml` (created)" in pull
    lines = (folder / "actions.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[3].split("\t") == [
        "open",
        "failing",
        'feedharness: "down"',
        titles["down"],
        "down.md",
        "d.yaml",
        "no",
    ]
    assert [s.state for s in summarize(report)] == [row[0] for row in rows.values()]


def test_issue_keys_never_start_one_another() -> None:
    names = ["rfi", "rfi 2", 'rfi"', "rfi: x", "rfi\tx"]
    report = RecordReport(
        RecordMode.REWRITE, tuple(FeedRecord(n, "a.yaml", Verdict.KEPT) for n in names)
    )
    summaries = summarize(report)
    for a in summaries:
        for b in summaries:
            if a is not b:
                assert not b.title.startswith(a.key + " ")
                assert b.title != a.key
    assert all("\t" not in s.title for s in summaries)


def test_the_cli_warns_on_stderr_and_reports_the_streak_as_json(
    project: HarnessConfig, server: FeedServer, tmp_path: Path
) -> None:
    state = tmp_path / "elsewhere" / "state.json"
    state.parent.mkdir()
    state.write_text("{", encoding="utf-8")
    server.route(FEED_PATH, Reply(status=503, body=b"", headers=[]))
    config = str(tmp_path / "harness.toml")
    out, err = io.StringIO(), io.StringIO()
    args = ["--config", config, "record", "--state", str(state), "--fail-after", "2"]
    code = run([*args, "--format", "json"], stdout=out, stderr=err)
    assert code == 0
    assert f"harness record: warning: {state}: not JSON (" in err.getvalue()
    (feed,) = json.loads(out.getvalue())["feeds"]
    assert feed["flaky"] is True
    assert feed["streak"]["failures"] == 1
    assert feed["streak"]["allowed"] == 2
    assert json.loads(out.getvalue())["warnings"][0].startswith(f"{state}: not JSON")
    assert not (tmp_path / "cassettes" / STATE_NAME).exists()  # --state put it elsewhere
    out, err = io.StringIO(), io.StringIO()
    assert run(args, stdout=out, stderr=err) == 1
    assert err.getvalue().count("warning") == 0
    assert "  failing since " in out.getvalue()


def test_a_report_dir_that_cannot_be_written_is_one_line(
    project: HarnessConfig, tmp_path: Path
) -> None:
    blocker = tmp_path / "report"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    args = ["--config", str(tmp_path / "harness.toml"), "record", "--report-dir", str(blocker)]
    assert run(args, stdout=out, stderr=err) == 2
    assert err.getvalue().endswith(f"harness record: cannot write {blocker}: File exists\n")
    assert (tmp_path / "cassettes" / "rfi.yaml").is_file()  # the recording itself is done
