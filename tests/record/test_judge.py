"""Checking recordings in worker processes (`harness record --check-jobs`) changes no result.

Two copies of one project record the same feeds from one server on 127.0.0.1, night after
night: one checks in the recording process (``--check-jobs 1``), the other in two worker
processes. Their reports (timings aside) and their cassette folders must be the same, through
every verdict: created, replaced, unchanged, kept for drift (the real ft-home recordings of
2025-04-18, whose descriptions turn into escaped HTML), kept for violations, failed.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
from pathlib import Path
from typing import Any

from record_servers import RFI_BODY, FeedServer, Reply

from harness.cassettes import load_cassette
from harness.cassettes.scrub import Scrubber
from harness.cli import run
from harness.config import load_config
from harness.record.judge import Judge, PoolJudge
from harness.runner import Runner

DRIFT = Path(__file__).resolve().parent.parent / "data" / "drift" / "rss-arch"
BEFORE = load_cassette(DRIFT / "ft-home_2025-04-18T1227_f5d94ed.yaml").interactions[0]
AFTER = load_cassette(DRIFT / "ft-home_2025-04-18T1445_3fd1c05.yaml").interactions[0]
FEEDS = ("fresh", "trimmed", "same", "markup", "untitled", "gone")


def _rss(body: bytes) -> Reply:
    return Reply(body=body)


def _nights(server: FeedServer) -> list[dict[str, Reply]]:
    """Each night's reply per feed path."""
    first_item = RFI_BODY.index(b"<item>"), RFI_BODY.index(b"</item>") + len(b"</item>")
    trimmed = RFI_BODY[: first_item[0]] + RFI_BODY[first_item[1] :]
    untitled = re.sub(rb"(<item>\s*<title>)[^<]*", rb"\1", RFI_BODY)  # every item's title empty
    assert untitled != RFI_BODY
    missing = Reply(status=404, body=b"not found", headers=[("Content-Type", "text/plain")])
    night1 = {
        "fresh": missing,
        "trimmed": _rss(RFI_BODY),
        "same": _rss(RFI_BODY),
        "markup": _rss(BEFORE.response.body),
        "untitled": _rss(RFI_BODY),
        "gone": _rss(RFI_BODY),
    }
    night2 = {
        "fresh": _rss(RFI_BODY),  # created
        "trimmed": _rss(trimmed),  # an item fewer: replaced
        "same": _rss(RFI_BODY),  # unchanged
        "markup": _rss(AFTER.response.body),  # description-markup drift: kept
        "untitled": _rss(untitled),  # empty titles: kept for violations
        "gone": Reply(status=503, body=b"", headers=[("Content-Type", "text/plain")]),
    }
    return [night1, night2]


def _project(folder: Path, server: FeedServer) -> Path:
    text = 'cassettes = "cassettes"\n\n[record]\ntimeout = 5\nretries = 0\n'
    for name in FEEDS:
        text += f'\n[[feeds]]\nname = "{name}"\nurl = "{server.url("/" + name)}"\nparser = "rss"\n'
    folder.mkdir()
    (folder / "cassettes").mkdir()
    (folder / "harness.toml").write_text(text, encoding="utf-8")
    return folder / "harness.toml"


def _record(config: Path, check_jobs: int) -> tuple[int, dict[str, Any]]:
    out, err = io.StringIO(), io.StringIO()
    argv = ["--config", str(config), "record", "--format", "json", "--no-state"]
    code = run([*argv, "--check-jobs", str(check_jobs)], stdout=out, stderr=err)
    report = json.loads(out.getvalue())
    for feed in report["feeds"]:
        feed.pop("seconds")
    return code, report


def _folder(config: Path) -> dict[str, bytes]:
    cassettes = config.parent / "cassettes"
    return {
        p.relative_to(cassettes).as_posix(): p.read_bytes()
        for p in sorted(cassettes.rglob("*"))
        if p.is_file()
    }


def test_worker_processes_give_the_reports_and_cassettes_of_one_process(
    tmp_path: Path, server: FeedServer, monkeypatch: Any
) -> None:
    monkeypatch.setenv("FEEDHARNESS_CACHE", "off")
    here, pooled = _project(tmp_path / "one", server), _project(tmp_path / "pool", server)
    monkeypatch.chdir(tmp_path)
    for night in _nights(server):
        for name, reply in night.items():
            server.route("/" + name, reply)
        code_here, report_here = _record(here, 1)
        code_pooled, report_pooled = _record(pooled, 2)
        assert code_pooled == code_here
        shown = json.dumps(report_pooled).replace("pool/", "one/")
        assert json.loads(shown) == report_here
        folder_here = _folder(here)
        assert _folder(pooled).keys() == folder_here.keys()
        for name, data in _folder(pooled).items():  # recorded_at differs by the seconds between
            assert _without_stamp(data) == _without_stamp(folder_here[name]), name
    verdicts = {f["feed"]: f["verdict"] for f in report_here["feeds"]}
    assert verdicts == {
        "fresh": "created",
        "trimmed": "replaced",
        "same": "unchanged",
        "markup": "kept",
        "untitled": "kept",
        "gone": "failed",
    }
    markup = next(f for f in report_here["feeds"] if f["feed"] == "markup")
    assert any("description-markup" in r for r in markup["reasons"])


def _without_stamp(data: bytes) -> bytes:
    return b"\n".join(line for line in data.split(b"\n") if b"recorded_at" not in line)


def test_a_dead_worker_costs_speed_not_a_result(
    tmp_path: Path, server: FeedServer, monkeypatch: Any
) -> None:
    """The workers are killed (as the system's out-of-memory killer would): the checks go on
    in the recording process and give the same result."""
    monkeypatch.setenv("FEEDHARNESS_CACHE", "off")
    config_path = _project(tmp_path / "p", server)
    server.route("/fresh", _rss(RFI_BODY))
    _record(config_path, 1)
    cassette = config_path.parent / "cassettes" / "fresh.yaml"
    assert cassette.exists()
    config = load_config(config_path)
    runner = Runner(config)
    scrubber = Scrubber.from_settings(config.record)
    expected = Judge(config, scrubber, runner).check_file(cassette)
    pool = PoolJudge(config, scrubber, 2, runner)
    try:
        for process in list(pool._pool._processes.values()):
            with contextlib.suppress(ProcessLookupError):  # the pool may have ended it first
                os.kill(process.pid, signal.SIGKILL)
            process.join(5)
        assert pool.check_file(cassette) == expected
        assert pool.check_file(cassette) == expected  # and again: the pool stays broken
    finally:
        pool.close()


def test_the_command_checks_in_one_process_per_cpu_by_default(
    tmp_path: Path, server: FeedServer, monkeypatch: Any
) -> None:
    """`harness record` without --check-jobs pools one worker per CPU (an int default given to
    argparse skips its type, so 0 once meant 'in this process')."""
    from harness.record import transaction

    asked: list[int] = []
    real = transaction.judge_for

    def spy(*args: Any, workers: int, feeds: int) -> Any:
        asked.append(workers)
        return real(*args, workers=workers, feeds=feeds)

    monkeypatch.setattr(transaction, "judge_for", spy)
    config = _project(tmp_path / "p", server)
    out, err = io.StringIO(), io.StringIO()
    run(["--config", str(config), "record", "--no-state"], stdout=out, stderr=err)
    run(
        ["--config", str(config), "record", "--no-state", "--check-jobs", "1"],
        stdout=out,
        stderr=err,
    )
    assert asked == [os.cpu_count() or 1, 1]
