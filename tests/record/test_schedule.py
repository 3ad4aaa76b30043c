"""harness.record.schedule: hanging hosts hold up no one else; one feed per origin; bounded.

Real servers on 127.0.0.1 (each port its own origin) count the requests they serve at once.
"""

from __future__ import annotations

import io
import json
import socketserver
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from record_servers import FeedServer, Reply, Seen, Sleeps, write_project

from harness.cli import run
from harness.config import RecordSettings
from harness.record import FeedRecord, Verdict, record_feeds, transaction
from harness.record.fetcher import Fetcher, LiveTransportError
from harness.record.schedule import origin

TIMEOUT = 2.0  # seconds: the hanging server outlasts it; every healthy feed takes far less


class Gauge:
    """Requests in flight: now, the most at once overall, and per server."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now: dict[str, int] = {}
        self.peak = 0
        self.peak_per: dict[str, int] = {}

    def enter(self, where: str) -> None:
        with self.lock:
            self.now[where] = self.now.get(where, 0) + 1
            self.peak_per[where] = max(self.peak_per.get(where, 0), self.now[where])
            self.peak = max(self.peak, sum(self.now.values()))

    def leave(self, where: str) -> None:
        with self.lock:
            self.now[where] -= 1


class CountingFetcher(Fetcher):
    """Counts its requests in flight per origin as the client holds them: a server sees a
    closed connection only when its thread next runs, which on a busy machine can be after
    the next feed's connection arrived (the server's count then overlaps by one)."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.gauge = Gauge()

    def get(self, url: str) -> Any:
        self.gauge.enter(origin(url))
        try:
            return super().get(url)
        finally:
            self.gauge.leave(origin(url))


def served(server: FeedServer, gauge: Gauge, *, seconds: float = 0.0) -> None:
    """Route every feed path of ``server`` to a reply after ``seconds``."""

    def reply(seen: Seen) -> Reply:
        gauge.enter(server.base)
        try:
            server.stopping.wait(seconds)
            return Reply()
        finally:
            gauge.leave(server.base)

    for name in "abcdefgh":
        server.route_fn(f"/{name}.xml", reply)


class Hanging(socketserver.ThreadingTCPServer):
    """Accepts, reads the request, never answers: holds the connection until the client
    gives up and closes it (counted in flight until then, as the server sees it)."""

    daemon_threads = True

    def __init__(self, gauge: Gauge) -> None:
        super().__init__(("127.0.0.1", 0), _HangHandler)
        self.gauge = gauge
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True).start()

    def url(self, path: str) -> str:
        return self.base + path

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class _HangHandler(socketserver.BaseRequestHandler):
    server: Hanging

    def handle(self) -> None:
        self.server.gauge.enter(self.server.base)
        try:
            self.request.settimeout(30)
            while self.request.recv(65536):  # b"": the client closed
                pass
        except OSError:
            pass
        finally:
            self.server.gauge.leave(self.server.base)


class Finishes:
    """A progress display noting when each feed ended."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.at: dict[str, float] = {}

    def started(self, feed: str) -> None:
        pass

    def finished(self, record: FeedRecord) -> None:
        self.at[record.feed] = time.monotonic() - self.start


@pytest.fixture
def servers() -> Iterator[list[FeedServer]]:
    started = [FeedServer().start() for _ in range(4)]
    try:
        yield started
    finally:
        for server in started:
            server.stop()


def _record(
    tmp_path: Path, feeds: dict[str, str], jobs: int, fetcher: Fetcher | None = None
) -> tuple[list[FeedRecord], Finishes]:
    config = write_project(tmp_path, feeds)
    fetcher = fetcher or Fetcher(RecordSettings(timeout=TIMEOUT, retries=0), sleep=Sleeps())
    finishes = Finishes()
    report = record_feeds(config, fetcher=fetcher, progress=finishes, jobs=jobs)
    return list(report.feeds), finishes


def test_a_hanging_host_does_not_hold_up_another(
    tmp_path: Path, servers: list[FeedServer], request: pytest.FixtureRequest
) -> None:
    gauge = Gauge()
    hanging, healthy = Hanging(gauge), servers[0]
    request.addfinalizer(hanging.stop)
    served(healthy, gauge)
    feeds = {
        "a1": hanging.url("/a.xml"),
        "a2": hanging.url("/b.xml"),  # waits its turn behind a1 (politeness) ...
        "b1": healthy.url("/a.xml"),  # ... but these never wait behind a1 or a2
        "b2": healthy.url("/b.xml"),
    }
    client = CountingFetcher(RecordSettings(timeout=TIMEOUT, retries=0), sleep=Sleeps())
    records, finishes = _record(tmp_path, feeds, jobs=2, fetcher=client)
    assert [r.feed for r in records] == ["a1", "a2", "b1", "b2"]  # input order
    assert [r.verdict for r in records] == [Verdict.FAILED] * 2 + [Verdict.CREATED] * 2
    assert "timed out after 2 s" in records[0].reasons[0]
    assert max(finishes.at["b1"], finishes.at["b2"]) < TIMEOUT * 0.75
    assert finishes.at["a2"] >= 2 * TIMEOUT * 0.95  # one timeout each, one after the other
    assert client.gauge.peak_per[origin(hanging.base)] == 1
    assert gauge.peak_per[hanging.base] >= 1


def test_hanging_feeds_on_different_hosts_time_out_in_parallel(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    gauge = Gauge()
    servers = [Hanging(gauge) for _ in range(4)]
    for server in servers:
        request.addfinalizer(server.stop)
    start = time.monotonic()
    records, _ = _record(tmp_path, {f"h{n}": s.url("/a.xml") for n, s in enumerate(servers)}, 8)
    elapsed = time.monotonic() - start
    assert all(r.verdict is Verdict.FAILED for r in records)
    assert elapsed < TIMEOUT * 2  # four timeouts at once, not 4 x 2 s
    assert gauge.peak == len(servers)


def test_one_feed_per_origin_and_at_most_jobs_in_all(
    tmp_path: Path, servers: list[FeedServer]
) -> None:
    gauge = Gauge()
    for server in servers:
        served(server, gauge, seconds=0.3)
    feeds = {f"f{n}{p}": s.url(f"/{p}.xml") for n, s in enumerate(servers) for p in "abc"}
    records, _ = _record(tmp_path, feeds, jobs=3)
    assert all(r.verdict is Verdict.CREATED for r in records), [r.reasons for r in records]
    assert [r.feed for r in records] == list(feeds)
    assert set(gauge.peak_per.values()) == {1}  # never two requests at once on one origin
    assert gauge.peak == 3  # bounded by jobs, and reached: the origins ran in parallel


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("http://A.example/feed", "http://a.example:80"),
        ("https://a.example/feed", "https://a.example:443"),
        ("https://a.example:8443/x?y", "https://a.example:8443"),
        ("http://a.example:99999/", "http://a.example:0"),
    ],
)
def test_the_politeness_key_is_the_origin(url: str, key: str) -> None:
    assert origin(url) == key


def test_the_cli_takes_jobs_and_reports_in_input_order(
    tmp_path: Path, servers: list[FeedServer]
) -> None:
    gauge = Gauge()
    for server in servers[:2]:
        served(server, gauge, seconds=0.2)
    feeds = {"z": servers[0].url("/a.xml"), "y": servers[1].url("/a.xml")}
    write_project(tmp_path, feeds)
    out, err = io.StringIO(), io.StringIO()
    config = str(tmp_path / "harness.toml")
    code = run(
        ["--config", config, "record", "--jobs", "1", "--format", "json"], stdout=out, stderr=err
    )
    assert code == 0, err.getvalue()
    assert [f["feed"] for f in json.loads(out.getvalue())["feeds"]] == ["z", "y"]
    assert gauge.peak == 1  # one job: one request at a time in all
    assert len(err.getvalue().splitlines()) == 2  # piped: one line per feed


def test_jobs_must_be_at_least_one(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run(["record", "--jobs", "0"], stdout=out, stderr=err) == 2
    assert "--jobs/-j: expected 1 or more, got 0" in err.getvalue()


def test_a_timed_out_connection_is_closed_before_the_retry(request: pytest.FixtureRequest) -> None:
    """The server sees the first attempt's connection end before the second one opens
    (http.client leaves a timed-out response's socket open until it is collected)."""
    gauge = Gauge()
    hanging = Hanging(gauge)
    request.addfinalizer(hanging.stop)
    fetcher = Fetcher(RecordSettings(timeout=0.5, retries=2), backoff=0.3)
    with pytest.raises(LiveTransportError) as caught:
        fetcher.get(hanging.url("/a.xml"))
    assert caught.value.attempts == 3
    assert gauge.peak_per[hanging.base] == 1


def test_an_origin_serves_its_next_feed_while_the_last_is_checked(
    tmp_path: Path, servers: list[FeedServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    arrivals: list[float] = []

    def reply(seen: Seen) -> Reply:
        arrivals.append(time.monotonic())
        return Reply()

    for path in ("/a.xml", "/b.xml"):
        servers[0].route_fn(path, reply)
    judge = transaction._Recorder._decide

    def slow_judge(*args: Any, **kw: Any) -> FeedRecord:
        time.sleep(1.0)  # a long check: CPU time, not the origin's
        return judge(*args, **kw)

    monkeypatch.setattr(transaction._Recorder, "_decide", slow_judge)
    feeds = {"a": servers[0].url("/a.xml"), "b": servers[0].url("/b.xml")}
    records, _ = _record(tmp_path, feeds, jobs=2)
    assert [r.verdict for r in records] == [Verdict.CREATED] * 2
    assert arrivals[1] - arrivals[0] < 0.5  # not after the first feed's 1 s check


def test_per_origin_lets_one_host_serve_that_many_feeds_at_once(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """A server of one's own (all the routes of one host) may take more than one at a time."""
    gauge = Gauge()
    hanging = Hanging(gauge)
    request.addfinalizer(hanging.stop)
    feeds = {f"a{n}": hanging.url(f"/{n}.xml") for n in range(4)}
    config = write_project(tmp_path, feeds, record="per-origin = 2\n")
    settings = replace(config.record, timeout=TIMEOUT, retries=0)
    fetcher = CountingFetcher(settings, sleep=Sleeps())
    start = time.monotonic()
    report = record_feeds(config, fetcher=fetcher, progress=Finishes(), jobs=8)
    elapsed = time.monotonic() - start
    assert [r.verdict for r in report.feeds] == [Verdict.FAILED] * 4
    assert fetcher.gauge.peak_per[origin(hanging.base)] == 2  # never more (jobs allows 8)
    assert gauge.peak_per[hanging.base] >= 2  # and the server had two at once
    # two rounds of two (4 s); four in turn would take 4 timeouts (8 s)
    assert 2 * TIMEOUT * 0.95 <= elapsed < 4 * TIMEOUT * 0.9


@pytest.mark.parametrize("value", ["0", "17", "true", "'2'"])
def test_per_origin_is_1_to_16(tmp_path: Path, value: str) -> None:
    from harness.config import load_config
    from harness.errors import ConfigError

    (tmp_path / "harness.toml").write_text(f"[record]\nper-origin = {value}\n")
    with pytest.raises(ConfigError, match=r"record\.per-origin: expected an integer from 1 to 16"):
        load_config(tmp_path / "harness.toml")


class _ScanQueue:
    """The rule written as a scan of every origin (what _Queue did before its heap)."""

    def __init__(self, keys: list[str], per_origin: int) -> None:
        self.waiting: dict[str, list[int]] = {}
        for index, key in enumerate(keys):
            self.waiting.setdefault(key, []).append(index)
        self.busy: dict[str, int] = dict.fromkeys(self.waiting, 0)
        self.per_origin = per_origin

    def take(self) -> tuple[int, str] | None:
        idle = [k for k, q in self.waiting.items() if q and self.busy[k] < self.per_origin]
        if not idle:
            return None
        key = max(idle, key=lambda k: (len(self.waiting[k]), -self.waiting[k][0]))
        self.busy[key] += 1
        return self.waiting[key].pop(0), key


@settings(max_examples=150, deadline=None)
@given(
    hosts=st.lists(st.integers(0, 6), min_size=1, max_size=40),
    per_origin=st.integers(1, 3),
    steps=st.lists(st.tuples(st.booleans(), st.integers(0, 1000)), max_size=120),
)
def test_the_queue_hands_out_feeds_as_the_rule_says(
    hosts: list[int], per_origin: int, steps: list[tuple[bool, int]]
) -> None:
    """Most feeds waiting first, the first in input order on a tie, never more than
    per-origin at once, whatever order the feeds finish in."""
    from harness.config import FeedConfig
    from harness.record.schedule import _Queue

    feeds = [
        FeedConfig(name=f"f{i}", urls=(f"http://h{h}.test/{i}.xml",), parser="rss")
        for i, h in enumerate(hosts)
    ]
    keys = [origin(f.urls[0]) for f in feeds]
    queue, model = _Queue(feeds, threading.Event(), per_origin), _ScanQueue(keys, per_origin)
    running: list[str] = []
    for finish, pick in steps:
        if finish and running:
            key = running.pop(pick % len(running))
            queue.done(key)
            model.busy[key] -= 1
            continue
        expected = model.take()
        if expected is None:  # the real queue would wait for a done (or a stop)
            assert not any(queue._current(entry) for entry in queue.ready)
            continue
        index, _feed, key = queue.take() or (None, None, None)
        assert (index, key) == expected
        running.append(key)
