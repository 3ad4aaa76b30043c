"""`harness record` end to end against scripted servers on 127.0.0.1: never the internet.

The feed served is the bundled RFI recording (cassettes/feedx-rfi_2023-11.yaml), so the
feedx-rfi parser, the article schema and the RFI invariants run for real on every recording.
"""

from __future__ import annotations

import _thread
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml
from record_servers import (
    FOLLOW_FEED,
    RFI_BODY,
    RFI_CASSETTE,
    ROOT,
    FeedServer,
    Reply,
    Sleeps,
    fetcher_for,
    rss_linking,
    write_project,
)

from harness.cassettes import load_cassette
from harness.cassettes.paths import is_scratch, scratch_path
from harness.cassettes.write import FastDumper
from harness.cli import run
from harness.config import HarnessConfig, load_config
from harness.model import Outcome
from harness.parsers.feedx import FeedxRfiParser
from harness.record import RecordMode, RecordReport, Verdict, record_feeds
from harness.record.fetcher import Exchange, Fetcher
from harness.record.progress import PlainProgress
from harness.record.transaction import Leftovers, clear_scratch
from harness.runner import Runner

FEED_PATH = "/rss/rfi.xml"
TITLE = "王毅与布林肯通电话 聚焦加沙战事和台湾问题"


def record(config: HarnessConfig, sleeps: Sleeps, *names: str, **kw: object) -> RecordReport:
    return record_feeds(config, names, fetcher=fetcher_for(config, sleeps), **kw)  # type: ignore[arg-type]


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def project(tmp_path: Path, server: FeedServer) -> HarnessConfig:
    """One feed, "rfi", served (plainly) by the server; no cassette yet."""
    server.route(FEED_PATH, Reply())
    return write_project(tmp_path, {"rfi": server.url(FEED_PATH)})


@pytest.fixture
def recorded(project: HarnessConfig, sleeps: Sleeps) -> Path:
    """The project after one clean recording: the committed cassette's path."""
    (result,) = record(project, sleeps).feeds
    assert result.verdict is Verdict.CREATED, result.reasons
    return project.cassette_path(project.feeds[0])


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- recording and replaying -------------------------------------------------------------------


def test_recording_then_replaying_offline_gives_the_same_items(
    project: HarnessConfig, sleeps: Sleeps, server: FeedServer
) -> None:
    report = record(project, sleeps)
    assert report.exit_code == 0
    server.stop()  # replay is offline
    path = project.cassette_path(project.feeds[0])
    result = Runner(project).check_file(path)
    assert (result.outcome, result.feed, result.items) == (Outcome.PASS, "rfi", 2)
    parser = FeedxRfiParser(timezone="Europe/Paris")
    replayed, bundled = load_cassette(path), load_cassette(RFI_CASSETTE)
    items = parser.parse(replayed.fetch(replayed.url), fetch=replayed.fetch).items
    assert items == parser.parse(bundled.interactions[0].response, fetch=bundled.fetch).items


def test_gzip_and_chunked_bodies_are_stored_readable(
    project: HarnessConfig, sleeps: Sleeps, server: FeedServer
) -> None:
    server.route(FEED_PATH, Reply(encoding="gzip", chunked=True, chunk_size=999))
    record(project, sleeps)
    text = project.cassette_path(project.feeds[0]).read_text(encoding="utf-8")
    assert TITLE in text  # the Chinese text itself, not escapes nor base64
    assert "      string: |\n        <?xml version=" in text
    for absent in ("!!binary", "Content-Encoding", "Transfer-Encoding", "Date:", "\\u"):
        assert absent not in text
    meta = load_cassette(project.cassette_path(project.feeds[0])).meta
    assert meta["feed"] == "rfi"
    assert meta["recorded_with"] == "feedharness 0.1.0"
    assert datetime.strptime(meta["recorded_at"], "%Y-%m-%dT%H:%M:%SZ")


def test_a_redirect_chain_is_recorded_and_replays(
    tmp_path: Path, server: FeedServer, sleeps: Sleeps
) -> None:
    server.route("/feed.xml", Reply(status=301, body=b"", headers=[("Location", "/go")]))
    server.route("/go", Reply(status=302, body=b"", headers=[("Location", server.url(FEED_PATH))]))
    server.route(FEED_PATH, Reply())
    config = write_project(tmp_path, {"rfi": server.url("/feed.xml")})
    (result,) = record(config, sleeps).feeds
    assert result.verdict is Verdict.CREATED
    server.stop()
    path = config.cassette_path(config.feeds[0])
    cassette = load_cassette(path)
    assert [(i.uri, i.response.status) for i in cassette.interactions] == [
        (server.url("/feed.xml"), 301),
        (server.url("/go"), 302),
        (server.url(FEED_PATH), 200),
    ]
    replayed = Runner(config).check_file(path)
    assert (replayed.outcome, replayed.items) == (Outcome.PASS, 2)


def test_vcrpy_itself_replays_what_was_recorded(
    tmp_path: Path, server: FeedServer, sleeps: Sleeps
) -> None:
    import vcr

    server.route("/feed.xml", Reply(status=301, body=b"", headers=[("Location", FEED_PATH)]))
    server.route(FEED_PATH, Reply(encoding="gzip", chunked=True))
    config = write_project(tmp_path, {"rfi": server.url("/feed.xml")})
    record(config, sleeps)
    server.stop()
    cassette = str(config.cassette_path(config.feeds[0]))
    with (
        vcr.use_cassette(cassette, record_mode="none"),
        urllib.request.urlopen(server.url("/feed.xml")) as response,
    ):
        assert response.read() == RFI_BODY


# --- secrets --------------------------------------------------------------------------------

SECRETS = {
    "bearer": "bearer-7c0ffee-credential",
    "api_key_header": "hdr-key-5550123",
    "query": "qs-secret-31337",
    "redirect_token": "redir-token-8675309",
    "cookie": "cookie-jar-secret-42424242",
    "session_header": "sess-header-0xDEADBEEF",
}


def test_no_secret_reaches_the_written_cassette(tmp_path: Path, server: FeedServer) -> None:
    """Auth headers sent, a cookie set and sent back, tokens in URLs and echoed in bodies."""

    def feed(seen: object) -> Reply:
        echo = " ".join(SECRETS.values()).encode()
        body = RFI_BODY.replace(b"<rss", b"<!-- echo: " + echo + b" -->\n<rss", 1)
        return Reply(
            body=body,
            headers=[
                ("Content-Type", "application/rss+xml; charset=utf-8"),
                ("X-Echo-Auth", f"Bearer {SECRETS['bearer']}"),
                ("X-Session", SECRETS["session_header"]),
                ("Set-Cookie", f"track={SECRETS['cookie']}; Path=/; HttpOnly"),
            ],
        )

    first = f"/start?api_key={SECRETS['query']}&lang=zh"
    hop = f"{FEED_PATH}?token={SECRETS['redirect_token']}&lang=zh"
    server.route(
        "/start",
        Reply(
            status=302,
            body=b"",
            headers=[("Location", hop), ("Set-Cookie", f"seen={SECRETS['cookie']}; Path=/")],
        ),
    )
    server.route_fn(FEED_PATH, feed)
    write_project(tmp_path, {"rfi": server.url(first)}, record='scrub-headers = ["X-Session"]')
    code, out, _ = cli(
        "--config",
        str(tmp_path / "harness.toml"),
        "record",
        "--header",
        f"Authorization: Bearer {SECRETS['bearer']}",
        "-H",
        f"X-Api-Key: {SECRETS['api_key_header']}",
    )
    assert code == 0, out
    assert "rfi: created" in out
    # The server did receive them: the cassette must not.
    assert server.requests[0].headers["Authorization"] == f"Bearer {SECRETS['bearer']}"
    assert server.requests[1].headers["Cookie"] == f"seen={SECRETS['cookie']}"
    data = (tmp_path / "cassettes" / "rfi.yaml").read_bytes()
    for name, secret in SECRETS.items():
        assert secret.encode() not in data, name
    assert b"SCRUBBED" in data
    assert TITLE.encode() in data  # the body is still there, readable


# --- retries and transport failures ----------------------------------------------------------


def test_429_then_200_is_retried_honouring_retry_after(
    project: HarnessConfig, sleeps: Sleeps, server: FeedServer
) -> None:
    server.route(FEED_PATH, Reply(status=429, body=b"", headers=[("Retry-After", "3")]), Reply())
    (result,) = record(project, sleeps).feeds
    assert result.verdict is Verdict.CREATED
    assert sleeps == [3.0]
    (interaction,) = load_cassette(project.cassette_path(project.feeds[0])).interactions
    assert interaction.response.status == 200  # the failed attempt is not part of the recording


def test_500_forever_keeps_the_old_cassette_byte_identical(
    recorded: Path, project: HarnessConfig, sleeps: Sleeps, server: FeedServer
) -> None:
    before = recorded.read_bytes()
    server.route(FEED_PATH, Reply(status=500, body=b"Internal error", headers=[]))
    report = record(project, sleeps)
    (result,) = report.feeds
    assert recorded.read_bytes() == before
    assert result.verdict is Verdict.FAILED
    assert report.exit_code == 1
    assert result.reasons == (
        f"transport: GET {server.url(FEED_PATH)}: HTTP 500 Internal Server Error (3 attempts)",
    )
    assert report.lines[0] == (
        "rfi: failed, cassettes/rfi.yaml kept unchanged; what was received is in "
        "cassettes/rfi.new.yaml"
    )
    assert sleeps == [1.0, 2.0]


def test_an_html_page_with_200_is_a_transport_failure_even_with_accept(
    recorded: Path, project: HarnessConfig, sleeps: Sleeps, server: FeedServer
) -> None:
    before = recorded.read_bytes()
    page = (ROOT / "tests" / "data" / "rss" / "html-antibot-page.html").read_bytes()
    server.route(FEED_PATH, Reply(body=page, headers=[("Content-Type", "text/html")]))
    (result,) = record(project, sleeps, accept=True).feeds
    assert result.verdict is Verdict.FAILED
    assert result.reasons == (
        f"transport: GET {server.url(FEED_PATH)}: not a feed: an anti-bot challenge page "
        "(text/html, title 'Just a moment...')",
    )
    assert recorded.read_bytes() == before


def test_dns_failure_and_connection_refused_are_one_line_each(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    urls = {"gone": "http://nonexistent.invalid/rss.xml", "down": f"http://127.0.0.1:{port}/rss"}
    write_project(tmp_path, urls, retries=0)
    code, out, err = cli("--config", str(tmp_path / "harness.toml"), "record")
    assert code == 1
    lines = out.splitlines()
    # never recorded: nothing was written, and the next step is to fix the URL
    assert lines[0] == "gone: failed, nothing recorded: cassettes/gone.yaml does not exist yet"
    assert lines[1].startswith(
        "  transport: GET http://nonexistent.invalid/rss.xml: DNS lookup failed for "
        "nonexistent.invalid ("
    )
    assert lines[2] == (
        "  check the feed's URL in the configuration, then retry: harness record gone"
    )
    assert lines[3:] == [
        "down: failed, nothing recorded: cassettes/down.yaml does not exist yet",
        f"  transport: GET http://127.0.0.1:{port}/rss: connection refused by 127.0.0.1:{port}",
        "  check the feed's URL in the configuration, then retry: harness record down",
        "2 feeds: 2 failed",
    ]
    assert "recording gone … failed: DNS lookup failed for nonexistent.invalid (" in err
    assert f"recording down … failed: connection refused by 127.0.0.1:{port}, " in err
    # no cassette; only the state file that counts the failures across runs
    assert files(tmp_path / "cassettes") == [".harness-record-state.json"]


# --- drift, violations, accept ---------------------------------------------------------------


def test_drift_is_not_swapped_in_without_accept(
    recorded: Path, server: FeedServer, tmp_path: Path
) -> None:
    before = recorded.read_bytes()
    drifted = re.sub(rb"<guid[^>]*>[^<]*</guid>", b"", RFI_BODY)  # every item loses its id
    assert drifted != RFI_BODY
    server.route(FEED_PATH, Reply(body=drifted))
    config = str(tmp_path / "harness.toml")
    code, out, _ = cli("--config", config, "record")
    assert code == 1
    assert recorded.read_bytes() == before
    assert out.splitlines()[:2] == [
        "rfi: kept cassettes/rfi.yaml unchanged; new recording left at cassettes/rfi.new.yaml",
        "  drift (error): missing-guid: items lost their guid/id (against rfi.yaml)",
    ]
    assert "  review it: harness diff cassettes/rfi.yaml cassettes/rfi.new.yaml" in out
    assert "  take it: harness record rfi --accept" in out
    assert (tmp_path / "cassettes" / "rfi.new.yaml").exists()
    # the same pair, asked of harness diff: the same finding, the same exit code
    code, diffed, _ = cli(
        "--config", config, "diff", str(recorded), str(tmp_path / "cassettes" / "rfi.new.yaml")
    )
    assert code == 1
    assert "ERROR   missing-guid" in diffed

    code, out, _ = cli("--config", config, "record", "rfi", "--accept")
    assert code == 0
    assert out.startswith("rfi: accepted cassettes/rfi.yaml · 2 items\n  drift (error): missing")
    assert b"<guid" not in recorded.read_bytes()
    assert files(tmp_path / "cassettes") == ["rfi.yaml"]


def test_error_level_violations_keep_the_old_cassette(
    recorded: Path, project: HarnessConfig, sleeps: Sleeps, server: FeedServer
) -> None:
    before = recorded.read_bytes()
    off_host = RFI_BODY.replace(
        b"<link>https://www.rfi.fr/cn/%E4", b"<link>https://evil.test/%E4", 1
    )
    server.route(FEED_PATH, Reply(body=off_host))
    (result,) = record(project, sleeps).feeds
    assert result.verdict is Verdict.KEPT
    assert any("error-level violation" in r and "links-absolute" in r for r in result.reasons)
    assert recorded.read_bytes() == before
    assert any(r.endswith("see 'harness check cassettes/rfi.new.yaml'") for r in result.reasons)
    # accepted: the new recording is the committed cassette now, and the hint names it
    (result,) = record(project, sleeps, accept=True).feeds
    assert result.verdict is Verdict.ACCEPTED
    assert any(r.endswith("see 'harness check cassettes/rfi.yaml'") for r in result.reasons)
    lines = RecordReport(RecordMode.REWRITE, (result,)).lines
    assert not any("rfi.new.yaml" in line for line in lines), lines
    assert not (recorded.parent / "rfi.new.yaml").exists()


def test_a_first_recording_that_fails_its_checks_names_no_committed_cassette(
    project: HarnessConfig, sleeps: Sleeps, server: FeedServer
) -> None:
    off_host = RFI_BODY.replace(
        b"<link>https://www.rfi.fr/cn/%E4", b"<link>https://evil.test/%E4", 1
    )
    server.route(FEED_PATH, Reply(body=off_host))
    report = record(project, sleeps)
    assert report.feeds[0].verdict is Verdict.KEPT
    assert report.lines[0] == (
        "rfi: not recorded, cassettes/rfi.yaml does not exist yet; "
        "new recording left at cassettes/rfi.new.yaml"
    )
    assert "  review it: harness check cassettes/rfi.new.yaml" in report.lines  # no diff: no OLD
    assert "  take it: harness record rfi --accept" in report.lines


def test_json_report(recorded: Path, tmp_path: Path) -> None:
    code, out, _ = cli("--config", str(tmp_path / "harness.toml"), "record", "--format", "json")
    data = json.loads(out)
    assert code == data["exit_code"] == 0
    (feed,) = data["feeds"]
    assert (feed["feed"], feed["verdict"], feed["status"], feed["items"]) == (
        "rfi",
        "unchanged",  # the same responses: the committed file is left byte-identical
        "200 OK",
        2,
    )
    assert feed["comparison"]["unchanged"] == 2
    assert feed["check"]["outcome"] == "pass"


# --- interruptions and failing writes ------------------------------------------------------


def test_a_writer_failing_midway_leaves_the_old_cassette_and_no_temp_file(
    recorded: Path, project: HarnessConfig, sleeps: Sleeps, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = recorded.read_bytes()
    real = FastDumper.emit

    def disk_full_at_the_body(self: FastDumper, event: yaml.Event) -> None:
        if isinstance(event, yaml.ScalarEvent) and len(event.value) > 200:  # headers written
            raise OSError(28, "No space left on device")
        real(self, event)

    monkeypatch.setattr(FastDumper, "emit", disk_full_at_the_body)
    (result,) = record(project, sleeps).feeds
    assert result.verdict is Verdict.FAILED
    assert result.reasons[0].endswith("rfi.new.yaml: No space left on device")
    assert recorded.read_bytes() == before
    assert files(recorded.parent) == ["rfi.yaml"]


def test_ctrl_c_while_writing_leaves_the_old_cassette_and_no_temp_file(
    recorded: Path, project: HarnessConfig, sleeps: Sleeps, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = recorded.read_bytes()

    real = FastDumper.emit

    def interrupted(self: FastDumper, event: yaml.Event) -> None:
        if isinstance(event, yaml.ScalarEvent) and len(event.value) > 200:  # headers written
            raise KeyboardInterrupt
        real(self, event)

    monkeypatch.setattr(FastDumper, "emit", interrupted)
    with pytest.raises(KeyboardInterrupt):
        record(project, sleeps)
    assert recorded.read_bytes() == before
    assert files(recorded.parent) == ["rfi.yaml"]


def test_an_unreadable_committed_cassette_fails_the_feed_and_is_left_alone(
    project: HarnessConfig, sleeps: Sleeps
) -> None:
    committed = project.cassette_path(project.feeds[0])
    committed.mkdir(parents=True)  # a folder where the cassette should be: it cannot be read
    (result,) = record(project, sleeps).feeds
    assert result.verdict is Verdict.FAILED
    assert result.reasons == (f"cannot read {committed}: Is a directory",)
    assert committed.is_dir()
    assert files(committed.parent) == ["rfi.yaml"]


def test_a_failing_swap_keeps_the_old_cassette_and_the_new_one_beside(
    recorded: Path,
    project: HarnessConfig,
    sleeps: Sleeps,
    server: FeedServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = recorded.read_bytes()
    real = os.replace

    def no_swap(src: str | Path, dst: str | Path) -> None:
        if Path(dst) == recorded:
            raise PermissionError(13, "Permission denied")
        real(src, dst)

    monkeypatch.setattr(os, "replace", no_swap)
    server.route(FEED_PATH, Reply(body=RFI_BODY.replace(b"</channel>", b" </channel>")))
    (result,) = record(project, sleeps).feeds  # another body: a swap is due
    assert (result.verdict, result.reasons) == (
        Verdict.FAILED,
        ("cannot replace it: Permission denied",),
    )
    assert recorded.read_bytes() == before
    assert files(recorded.parent) == ["rfi.new.yaml", "rfi.yaml"]


def test_ctrl_c_during_a_parallel_run_replaces_nothing(
    tmp_path: Path, server: FeedServer, sleeps: Sleeps
) -> None:
    slow = Reply(chunked=True, chunk_size=1024, chunk_delay=0.05)  # about 0.6 s each
    server.route(FEED_PATH, slow)
    server.route("/b.xml", slow)
    config = write_project(tmp_path, {"a": server.url(FEED_PATH), "b": server.url("/b.xml")})
    for name in ("a", "b"):
        (tmp_path / "cassettes" / f"{name}.yaml").write_bytes(RFI_CASSETTE.read_bytes())

    class CtrlC(Fetcher):
        def get(self, url: str) -> Exchange:
            if url.endswith("/b.xml"):
                _thread.interrupt_main()  # what Ctrl-C does: KeyboardInterrupt in the main thread
            return super().get(url)

    with pytest.raises(KeyboardInterrupt):
        record_feeds(config, fetcher=CtrlC(config.record, sleep=sleeps))
    for thread in threading.enumerate():  # let the abandoned workers finish before checking
        if thread.name.startswith("harness-record-"):
            thread.join(timeout=10)
    for name in ("a", "b"):
        assert (tmp_path / "cassettes" / f"{name}.yaml").read_bytes() == RFI_CASSETTE.read_bytes()


def test_a_cassette_edited_during_the_recording_is_not_overwritten(
    recorded: Path, project: HarnessConfig, sleeps: Sleeps
) -> None:
    class EditsMeanwhile(Fetcher):
        def get(self, url: str) -> Exchange:
            recorded.write_text(recorded.read_text() + "# edited by hand\n")
            return super().get(url)

    (result,) = record_feeds(project, fetcher=EditsMeanwhile(project.record, sleep=sleeps)).feeds
    assert result.verdict is Verdict.KEPT
    assert result.reasons == ("the committed cassette changed while recording: not replaced",)
    assert recorded.read_text().endswith("# edited by hand\n")


def test_a_cassette_in_a_new_sub_folder(tmp_path: Path, server: FeedServer, sleeps: Sleeps) -> None:
    server.route(FEED_PATH, Reply())
    config = write_project(tmp_path, {"rfi": server.url(FEED_PATH)})
    toml = tmp_path / "harness.toml"
    toml.write_text(
        toml.read_text().replace(
            'parser = "feedx-rfi"', 'parser = "feedx-rfi"\ncassette = "rfi/now.yaml"'
        )
    )
    config = load_config(toml)
    (result,) = record(config, sleeps).feeds
    assert (result.verdict, result.cassette) == (Verdict.CREATED, "cassettes/rfi/now.yaml")


def harness_subprocess(config: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "harness", "--config", str(config), "record"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=config.parent,
    )


def wait_until(condition: object, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.002)


def test_sigkill_while_fetching_leaves_the_old_cassette_intact(
    recorded: Path, server: FeedServer, tmp_path: Path
) -> None:
    before = recorded.read_bytes()
    server.route(FEED_PATH, Reply(chunked=True, chunk_size=256, chunk_delay=0.1))
    process = harness_subprocess(tmp_path / "harness.toml")
    try:
        wait_until(lambda: server.hits(FEED_PATH) == 2)  # 1 by the fixture, 1 by the subprocess
        time.sleep(0.3)  # a few chunks in
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    assert recorded.read_bytes() == before
    assert files(recorded.parent) == ["rfi.yaml"]


def test_sigkill_while_writing_leaves_the_old_cassette_intact(
    recorded: Path, project: HarnessConfig, sleeps: Sleeps, server: FeedServer, tmp_path: Path
) -> None:
    before = recorded.read_bytes()
    padding = ("<!-- " + "填充 padding\n" * 60_000 + " -->\n").encode()  # ~1 MB: a slow dump
    server.route(FEED_PATH, Reply(body=RFI_BODY.replace(b"<rss", padding + b"<rss", 1)))
    process = harness_subprocess(tmp_path / "harness.toml")
    try:
        wait_until(lambda: any(n.endswith(".tmp") for n in files(recorded.parent)))
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    assert recorded.read_bytes() == before
    leftovers = [n for n in files(recorded.parent) if n != "rfi.yaml"]
    assert leftovers  # the temporary file the killed process was writing
    assert all(n.startswith(".rfi.new.yaml.") for n in leftovers)

    server.route(FEED_PATH, Reply())  # the next run clears what the killed one left
    (result,) = record(project, sleeps).feeds
    assert result.verdict is Verdict.UNCHANGED  # the same feed as committed: left as it is
    assert files(recorded.parent) == ["rfi.yaml"]


# --- record modes ------------------------------------------------------------------------------


def test_mode_once_records_only_missing_cassettes(
    tmp_path: Path, server: FeedServer, sleeps: Sleeps
) -> None:
    server.route(FEED_PATH, Reply())
    server.route("/other.xml", Reply())
    config = write_project(
        tmp_path, {"old": server.url(FEED_PATH), "new": server.url("/other.xml")}
    )
    (tmp_path / "cassettes" / "old.yaml").write_bytes(RFI_CASSETTE.read_bytes())
    report = record(config, sleeps, mode="once")
    assert [(f.feed, f.verdict) for f in report.feeds] == [
        ("old", Verdict.SKIPPED),
        ("new", Verdict.CREATED),
    ]
    assert (server.hits(FEED_PATH), server.hits("/other.xml")) == (0, 1)
    assert (tmp_path / "cassettes" / "old.yaml").read_bytes() == RFI_CASSETTE.read_bytes()
    assert report.exit_code == 0


def test_mode_none_checks_and_reports_missing_cassettes(
    recorded: Path, tmp_path: Path, server: FeedServer
) -> None:
    config = write_project(
        tmp_path, {"rfi": server.url(FEED_PATH), "absent": server.url("/absent.xml")}
    )
    hits = len(server.requests)
    report = record_feeds(config, mode="none")
    assert [(f.feed, f.verdict, f.ok) for f in report.feeds] == [
        ("rfi", Verdict.CHECKED, True),
        ("absent", Verdict.MISSING, False),
    ]
    assert report.feeds[1].reasons == (
        "no cassette (mode none records nothing): run 'harness record absent'",
    )
    assert (report.exit_code, len(server.requests)) == (1, hits)


def test_mode_new_episodes_keeps_recorded_interactions_and_adds_new_pages(
    tmp_path: Path, server: FeedServer, sleeps: Sleeps
) -> None:
    server.route("/feed", Reply(body=rss_linking(server.base, 1, 2)))
    server.route("/articles/1", Reply(body=b"<html>one</html>", headers=[]))
    server.route("/articles/2", Reply(body=b"<html>two</html>", headers=[]))
    extra = FOLLOW_FEED.format(name="f", url=server.url("/feed"), follow="false")
    config = write_project(tmp_path, {}, extra=extra)
    assert record(config, sleeps).feeds[0].verdict is Verdict.CREATED
    path = config.cassette_path(config.feeds[0])
    first = load_cassette(path)
    assert len(first.interactions) == 1

    server.route("/feed", Reply(body=rss_linking(server.base, 3)))  # must not be fetched again
    config = write_project(tmp_path, {}, extra=extra.replace("false", "true"))
    (result,) = record(config, sleeps, mode="new_episodes").feeds
    assert result.verdict is Verdict.REPLACED, result.reasons
    cassette = load_cassette(path)
    assert [i.uri for i in cassette.interactions] == [
        server.url("/feed"),
        server.url("/articles/1"),
        server.url("/articles/2"),
    ]
    assert cassette.interactions[0] == first.interactions[0]
    assert server.hits("/feed") == 1
    assert cassette.meta["recorded_at"] == first.meta["recorded_at"]
    assert "episodes_added_at" in cassette.meta


def test_a_page_the_parser_fetches_failing_makes_the_recording_incomplete(
    tmp_path: Path, server: FeedServer, sleeps: Sleeps
) -> None:
    server.route("/feed", Reply(body=rss_linking(server.base, 1)))
    server.route("/articles/1", Reply(status=503, body=b"", headers=[]))
    extra = FOLLOW_FEED.format(name="f", url=server.url("/feed"), follow="true")
    config = write_project(tmp_path, {}, extra=extra)
    (result,) = record(config, sleeps, accept=True).feeds
    assert result.verdict is Verdict.FAILED
    assert result.reasons == (
        f"transport: GET {server.url('/articles/1')}: HTTP 503 Service Unavailable (3 attempts)",
    )
    assert not config.cassette_path(config.feeds[0]).exists()


def test_feeds_run_in_parallel_and_report_in_input_order(
    tmp_path: Path, server: FeedServer, sleeps: Sleeps
) -> None:
    server.route(FEED_PATH, Reply(chunked=True, chunk_delay=0.01))
    port = server.base.rsplit(":", 1)[1]
    feeds = {
        "a": f"http://127.0.0.1:{port}{FEED_PATH}",
        "b": f"http://localhost:{port}{FEED_PATH}",
        "c": f"http://127.0.0.1:{port}{FEED_PATH}?c",
    }
    config = write_project(tmp_path, feeds)
    report = record(config, sleeps)
    assert [(f.feed, f.verdict) for f in report.feeds] == [
        ("a", Verdict.CREATED),
        ("b", Verdict.CREATED),
        ("c", Verdict.CREATED),
    ]
    assert report.lines[-1] == "3 feeds: 3 created"


# --- CLI usage, progress, helpers ---------------------------------------------------------------


def test_usage_errors_exit_2(project: HarnessConfig, tmp_path: Path) -> None:
    config = str(tmp_path / "harness.toml")
    code, _, err = cli("--config", config, "record", "nope")
    assert code == 2
    assert err == "harness: error: no feed named 'nope'; configured feeds: rfi\n"
    code, _, err = cli("--config", config, "record", "--header", "no colon")
    assert (code, err) == (
        2,
        "harness: error: --header 'no colon': expected 'NAME: VALUE', e.g. 'X-Api-Key: ...'\n",
    )
    code, _, err = cli("--config", config, "record", "--record-mode", "all")
    assert code == 2
    assert "invalid choice: 'all'" in err


def test_plain_progress_lines(project: HarnessConfig, sleeps: Sleeps) -> None:
    stream = io.StringIO()
    record(project, sleeps, progress=PlainProgress(stream))
    assert stream.getvalue().startswith("recording rfi … 200 OK, 2 items, ")
    assert stream.getvalue().endswith(" s\n")


@pytest.mark.parametrize("listed", [False, True])
def test_scratch_paths(tmp_path: Path, listed: bool) -> None:
    """The scratch recording and its temporary files go, found by a glob or by the run's one
    listing of the folder (Leftovers); files of other names stay."""
    committed = tmp_path / "rfi.yaml"
    assert scratch_path(committed) == tmp_path / "rfi.new.yaml"
    assert is_scratch(tmp_path / "rfi.new.yaml")
    assert not is_scratch(committed)
    ours = ("rfi.new.yaml", ".rfi.new.yaml.0a1b2c3d.tmp", ".rfi.new.yaml..tmp")
    others = (".rfi.yaml.0a1b2c3d.tmp", ".rfi.new.yaml.tmp", ".rfi.new.yaml.0a1b.txt")
    for name in (*ours, *others):
        (tmp_path / name).write_text("x")
    clear_scratch(scratch_path(committed), Leftovers() if listed else None)
    assert files(tmp_path) == sorted(others)  # not ours: left alone


# --- the pytest plugin ------------------------------------------------------------------------


def test_plugin_record_mode_rewrite_records_then_collects(
    pytester: pytest.Pytester, server: FeedServer
) -> None:
    server.route(FEED_PATH, Reply())
    config = write_project(pytester.path, {"rfi": server.url(FEED_PATH)})
    result = pytester.runpytest("--harness-record-mode=rewrite", "cassettes")
    checks = Runner(config).check_file(pytester.path / "cassettes" / "rfi.yaml").checks
    outcomes = result.parseoutcomes()
    assert "failed" not in outcomes
    assert outcomes["passed"] >= len(checks)  # one test per check of the new cassette, at least
    result.stdout.fnmatch_lines(
        ["recording rfi … 200 OK, 2 items, *", "rfi: created cassettes/rfi.yaml*"]
    )


def test_plugin_record_mode_none_fails_on_a_missing_cassette(
    pytester: pytest.Pytester, server: FeedServer
) -> None:
    write_project(pytester.path, {"rfi": server.url(FEED_PATH)})
    result = pytester.runpytest("--harness-record-mode=none", "cassettes")
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*rfi: missing cassettes/rfi.yaml*"])
    result.assert_outcomes(failed=1)  # in pytest's summary line, not only in a text section
    assert server.requests == []


def test_plugin_a_feed_not_recorded_is_a_failed_test_with_its_reasons(
    pytester: pytest.Pytester, server: FeedServer
) -> None:
    server.route(FEED_PATH, Reply())
    write_project(pytester.path, {"rfi": server.url(FEED_PATH)}, retries=0)
    assert pytester.runpytest("--harness-record-mode=rewrite", "cassettes").ret == 0
    server.route(FEED_PATH, Reply(status=500, body=b"", headers=[]))
    result = pytester.runpytest("--harness-record-mode=rewrite", "cassettes", "-rf")
    assert result.ret == 1
    outcomes = result.parseoutcomes()
    assert outcomes["failed"] == 1  # the feed; its committed cassette still replays clean
    assert outcomes["passed"] >= 1
    result.stdout.fnmatch_lines(
        [
            "*_ harness-record[[]rfi[]] _*",
            "rfi: failed, cassettes/rfi.yaml kept unchanged*",
            "  transport: GET *: HTTP 500 Internal Server Error",
            "FAILED harness-record[[]rfi[]] - rfi: failed, *",
        ]
    )


def test_plugin_a_flaky_feed_is_a_warning_below_fail_after(
    pytester: pytest.Pytester, server: FeedServer
) -> None:
    server.route(FEED_PATH, Reply())
    write_project(pytester.path, {"rfi": server.url(FEED_PATH)}, retries=0, record="fail-after = 2")
    assert pytester.runpytest("--harness-record-mode=rewrite", "cassettes").ret == 0
    server.route(FEED_PATH, Reply(status=503, body=b"", headers=[]))
    result = pytester.runpytest("--harness-record-mode=rewrite", "cassettes")
    assert result.ret == 0  # the state file beside the cassettes counts 1 of 2
    assert "failed" not in result.parseoutcomes()
    result.stdout.fnmatch_lines(["*HarnessWarning: rfi: failed*", "*flaky: 1 of 2 allowed*"])
    result = pytester.runpytest("--harness-record-mode=rewrite", "cassettes")
    result.assert_outcomes(failed=1, passed=result.parseoutcomes()["passed"])
    result.stdout.fnmatch_lines(["*failing since *, 2 runs"])


def test_plugin_without_the_option_records_nothing(
    pytester: pytest.Pytester, server: FeedServer
) -> None:
    write_project(pytester.path, {"rfi": server.url(FEED_PATH)})
    result = pytester.runpytest("cassettes")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    assert server.requests == []


def test_the_readme_re_recording_settings_are_a_valid_config(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("\n## Re-recording\n") :]
    toml = section[
        section.index("```toml\n") + 8 : section.index("```", section.index("```toml") + 7)
    ]
    path = tmp_path / "harness.toml"
    path.write_text(toml, encoding="utf-8")
    config = load_config(path)
    assert config.max_age == timedelta(days=7)
    assert config.record.scrub_headers == ("X-Tenant",)
    assert config.record.retries == 3
