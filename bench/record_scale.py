"""Benchmark: `harness record` at size, against local servers that hang, fail and dawdle.

    python bench/record_scale.py [--feeds 1000] [--per-host 50] [--timeout 2] [--retries 1]
                                 [--jobs 16] [--compare 100]

Serves ``--feeds`` feeds from HTTP servers on 127.0.0.1, one server (port: its own origin)
per ``--per-host`` feeds. The bodies are the bundled cassettes' feed bodies, each copy made
unique (its item ids and first date changed), so every recording differs. A fixed-seed draw
makes 5 % of the feeds hang (the server accepts, reads the request and never answers until the
client closes), 5 % answer 503, and 1 % answer after 3/4 of the timeout. A harness.toml and an
empty cassettes folder are generated in a temporary folder; `harness record` runs there in a
subprocess (stderr: its progress, piped) with a short timeout so the run takes minutes.
Measured: wall and CPU time and peak RSS of the recording process (getrusage of the child),
requests in flight at once overall and per server (counted by the servers), progress lines
seen on stderr. Then the same cassettes are checked once with ``--record-mode none`` (no
network): the floor that checking every recording costs, which `harness record` pays too.

Bounds printed beside the figures: the issue's (the slowest feed's timeout budget plus the bytes
over the loopback bandwidth measured here); the schedule's (the run replayed on paper with the
same --jobs and --per-origin, each feed taking its timeout/backoff budget and a healthy feed no
time at all: what hanging feeds cost however fast the machine); the CPU's (the run's CPU time,
recording process and its check workers, over this machine's CPUs). ``--compare 100`` repeats
the run with 100 feeds on as many origins (fewer feeds per origin), so both sizes record as many
feeds at once and their memory can be compared. ``--against REV`` runs that git revision's
``harness/`` too (exported, first on ``PYTHONPATH``), taking turns with the working tree's
(old, new) on the same servers and plan.
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import random
import re
import resource
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.cassettes import load_cassette  # noqa: E402

HANG, FAIL, SLOW, OK = "hang", "fail", "slow", "ok"
SLOW_PART = 0.75  # a slow feed answers after this part of the timeout: slow, never too slow
BACKOFF = 1.0  # the fetcher's first wait before a retry (harness.record.fetcher.Fetcher)


@dataclass
class Gauge:
    """Connections open at once, overall and per server (the servers count them)."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    now: dict[int, int] = field(default_factory=dict)
    peak: int = 0
    peak_per: dict[int, int] = field(default_factory=dict)
    requests: int = 0

    def enter(self, port: int) -> None:
        with self.lock:
            self.now[port] = self.now.get(port, 0) + 1
            self.requests += 1
            self.peak_per[port] = max(self.peak_per.get(port, 0), self.now[port])
            self.peak = max(self.peak, sum(self.now.values()))

    def leave(self, port: int) -> None:
        with self.lock:
            self.now[port] -= 1


class Server(ThreadingHTTPServer):
    """One origin: path -> (behaviour, body)."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, gauge: Gauge) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.gauge = gauge
        self.routes: dict[str, tuple[str, bytes]] = {}
        self.port = int(self.server_address[1])
        self.stopping = threading.Event()
        self.slow = 0.0  # seconds a slow feed takes to answer
        self.hung: set[socket.socket] = set()  # hanging connections not yet seen closed

    def arrived(self, sock: socket.socket, *, hangs: bool) -> None:
        """A request came in: count it, after dropping the hanging connections the client has
        closed already (their handler threads may not have woken up yet: a loaded machine)."""
        with self.gauge.lock:
            for old in list(self.hung):
                if _closed(old):
                    self.gone(old)
            self.gauge.enter(self.port)
            if hangs:
                self.hung.add(sock)

    def gone(self, sock: socket.socket) -> None:
        """A hanging connection ended (counted once, whoever notices first)."""
        with self.gauge.lock:
            if sock in self.hung:
                self.hung.discard(sock)
                self.gauge.leave(self.port)


def _closed(sock: socket.socket) -> bool:
    """Whether the peer has closed ``sock`` (a peek that does not wait)."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


class Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.0"  # one request per connection: close after the response

    def do_GET(self) -> None:
        # In flight: from the request read to the answer's first byte (a hanging one: until the
        # client closes), so a client's next request never overlaps a finished one's teardown.
        kind, body = self.server.routes.get(self.path, (FAIL, b""))
        self.server.arrived(self.connection, hangs=kind == HANG)
        if kind == HANG:
            self._hang()
            return
        left = False
        try:
            left = self._answer(kind, body)
        finally:
            if not left:
                self.server.gauge.leave(self.server.port)

    def _hang(self) -> None:
        self.connection.settimeout(120)
        try:  # never answer; b"" when the client gives up and closes
            while self.connection.recv(65536):
                pass
        except OSError:
            pass
        finally:
            self.server.gone(self.connection)
        self.close_connection = True

    def _answer(self, kind: str, body: bytes) -> bool:
        """Answer as the route says; True once the gauge was left."""
        if kind == SLOW and self.server.stopping.wait(self.server.slow):
            return False
        self.server.gauge.leave(self.server.port)
        if kind == FAIL:
            self._send(503, b"overloaded", "text/plain")
        else:
            self._send(200, body, "application/rss+xml; charset=utf-8")
        return True

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:  # the client gave up (a timeout): what a real server shrugs at
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass


def bodies() -> list[bytes]:
    """The bundled cassettes' RSS/Atom feed bodies (the first response of each)."""
    found = []
    for path in sorted((ROOT / "cassettes").glob("*.yaml")):
        body = load_cassette(path).interactions[0].response.body
        if body.lstrip().startswith(b"<?xml") or b"<rss" in body[:2048]:
            found.append(body)
    return found


_GUID = re.compile(rb"(<guid[^>]*>)([^<]*)(</guid>)")
_DATE = re.compile(rb"(<pubDate>)([^<]*?)(\d\d):(\d\d):(\d\d)")


def unique(body: bytes, n: int) -> bytes:
    """``body`` with its item ids suffixed by ``n`` and the first item date's seconds moved."""
    body = _GUID.sub(lambda m: m[1] + m[2] + b"#" + str(n).encode() + m[3], body)
    return _DATE.sub(
        lambda m: m[1] + m[2] + m[3] + b":" + m[4] + b":" + b"%02d" % (n % 60), body, count=1
    )


@dataclass
class Plan:
    """Which feed is served how and where."""

    kinds: list[str]
    ports: list[int]
    sizes: list[int]


def serve(
    feeds: int, per_host: int, gauge: Gauge, seed: int, slow: float
) -> tuple[list[Server], Plan]:
    rng = random.Random(seed)  # noqa: S311  (a reproducible draw, not a secret)
    kinds = [OK] * feeds
    order = list(range(feeds))
    rng.shuffle(order)
    five = feeds * 5 // 100
    for i in order[:five]:
        kinds[i] = HANG
    for i in order[five : 2 * five]:
        kinds[i] = FAIL
    for i in order[2 * five : 2 * five + max(1, feeds // 100)]:
        kinds[i] = SLOW
    sources = bodies()
    servers = [Server(gauge) for _ in range(-(-feeds // per_host))]
    for server in servers:
        server.slow = slow
    ports, sizes = [], []
    for i in range(feeds):
        server = servers[i // per_host]
        body = unique(sources[i % len(sources)], i)
        server.routes[f"/f{i:04d}.xml"] = (kinds[i], body)
        ports.append(server.port)
        sizes.append(len(body) if kinds[i] in (OK, SLOW) else 0)
    for server in servers:
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return servers, Plan(kinds, ports, sizes)


def write_project(folder: Path, plan: Plan, timeout: float, retries: int) -> Path:
    lines = ['cassettes = "cassettes"', "", "[record]", f"timeout = {timeout}"]
    lines.append(f"retries = {retries}")
    for i, port in enumerate(plan.ports):
        lines += ["", "[[feeds]]", f'name = "f{i:04d}"']
        lines += [f'url = "http://127.0.0.1:{port}/f{i:04d}.xml"', 'parser = "rss"']
    (folder / "cassettes").mkdir(parents=True)
    config = folder / "harness.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def budget(kind: str, timeout: float, retries: int) -> float:
    """Seconds a feed of this kind costs at least, from the fetcher's timeout and backoff."""
    waits = sum(BACKOFF * 2**k for k in range(retries))  # the fetcher's doubling backoff
    if kind == HANG:
        return (retries + 1) * timeout + waits
    if kind == FAIL:
        return waits
    return SLOW_PART * timeout if kind == SLOW else 0.0


def schedule_floor(plan: Plan, budgets: list[float], jobs: int, per_origin: int) -> float:
    """Seconds the run takes on paper: `harness.record.schedule`'s rule (a free worker takes the
    next feed of the idle origin with most feeds waiting), each feed lasting its budget."""
    waiting: dict[int, list[int]] = {}
    for index, port in enumerate(plan.ports):
        waiting.setdefault(port, []).append(index)
    for feeds in waiting.values():
        feeds.reverse()  # pop() takes the first
    busy = dict.fromkeys(waiting, 0)
    ends: list[tuple[float, int]] = []
    now, free = 0.0, jobs
    while True:
        while free:
            idle = [p for p, feeds in waiting.items() if feeds and busy[p] < per_origin]
            if not idle:
                break
            port = max(idle, key=lambda p: (len(waiting[p]), -waiting[p][-1]))
            index = waiting[port].pop()
            busy[port] += 1
            free -= 1
            heapq.heappush(ends, (now + budgets[index], port))
        if not ends:
            return now
        now, port = heapq.heappop(ends)
        busy[port] -= 1
        free += 1


def loopback_bandwidth() -> float:
    """Bytes per second through one local TCP connection (64 MiB, measured here)."""
    total, chunk = 64 * 1024 * 1024, b"x" * (1024 * 1024)
    left, right = socket.socketpair()

    def drain() -> None:
        got = 0
        while got < total:
            got += len(right.recv(1024 * 1024))

    reader = threading.Thread(target=drain)
    start = time.perf_counter()
    reader.start()
    for _ in range(total // len(chunk)):
        left.sendall(chunk)
    reader.join()
    seconds = time.perf_counter() - start
    left.close()
    right.close()
    return total / seconds


def child(
    argv: list[str], cwd: Path, stderr: Path, tree: Path | None = None
) -> tuple[float, float, float, int]:
    """Run ``argv``: (wall seconds, CPU seconds, peak RSS in MiB of the largest process, status);
    ``tree``: a folder holding an exported ``harness/`` to import instead of the working tree's."""
    env = {**os.environ, "FEEDHARNESS_CACHE": "off", "NO_PROXY": "127.0.0.1"}
    if tree is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(tree), *filter(None, [env.get("PYTHONPATH")])])
    code = (
        "import resource, subprocess, sys, json, time\n"
        "start = time.monotonic()\n"
        "status = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
        "wall = time.monotonic() - start\n"
        "use = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "cpu, rss = use.ru_utime + use.ru_stime, use.ru_maxrss / 1024\n"
        "print(json.dumps([wall, cpu, rss, status]), file=sys.__stdout__)\n"
    )
    with stderr.open("wb") as err:
        out = subprocess.run(
            [sys.executable, "-c", code, *argv],
            cwd=cwd,
            env=env,
            stderr=err,
            stdout=subprocess.PIPE,
            check=True,
        ).stdout
    wall, cpu, rss, status = json.loads(out)
    return float(wall), float(cpu), float(rss), int(status)


def run(
    args: argparse.Namespace, feeds: int, per_host: int, bandwidth: float, tree: Path | None = None
) -> dict[str, float]:
    gauge = Gauge()
    servers, plan = serve(feeds, per_host, gauge, args.seed, SLOW_PART * args.timeout)
    try:
        with tempfile.TemporaryDirectory(prefix="record-scale-") as tmp:
            folder = Path(tmp)
            write_project(folder, plan, args.timeout, args.retries)
            harness = [sys.executable, "-m", "harness"]
            record = [*harness, "record", "--jobs", str(args.jobs), "--format", "json"]
            record += ["--per-origin", str(args.per_origin)]
            wall, cpu, rss, status = child(record, folder, folder / "progress.txt", tree)
            progress = (folder / "progress.txt").read_text(encoding="utf-8").splitlines()
            peak, peak_per, requests = gauge.peak, max(gauge.peak_per.values()), gauge.requests
            check = [*harness, "record", "--record-mode", "none", "--format", "json"]
            check_wall, check_cpu, check_rss, _ = child(check, folder, folder / "check.txt", tree)
            made = sum(1 for p in (folder / "cassettes").glob("*.yaml") if ".new." not in p.name)
    finally:
        for server in servers:
            server.stopping.set()
            server.shutdown()
            server.server_close()
    budgets = [budget(k, args.timeout, args.retries) for k in plan.kinds]
    per_origin: dict[int, float] = {}
    for port, seconds in zip(plan.ports, budgets, strict=True):
        per_origin[port] = per_origin.get(port, 0.0) + seconds
    size = sum(plan.sizes)
    cpus = os.cpu_count() or 1
    return {
        "feeds": feeds,
        "origins": len(servers),
        "hanging": plan.kinds.count(HANG),
        "failing": plan.kinds.count(FAIL),
        "slow": plan.kinds.count(SLOW),
        "exit status": status,
        "cassettes written": made,
        "progress lines": len(progress),
        "wall s": wall,
        "CPU s": cpu,
        "peak RSS MiB": rss,
        "requests": requests,
        "in flight, most": peak,
        "in flight per origin, most": peak_per,
        "body MiB": size / 2**20,
        "issue bound s": 1.5 * (max(budgets) + size / bandwidth),
        "schedule floor s": schedule_floor(plan, budgets, args.jobs, args.per_origin),
        "CPU floor s": cpu / cpus,
        "busiest origin s": max(per_origin.values()),
        "check only s": check_wall,
        "check only CPU s": check_cpu,
        "check only RSS MiB": check_rss,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--per-host", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=2.0)
    parser.add_argument("--retries", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=16)
    parser.add_argument("--per-origin", type=int, default=1, help="requests at once per origin")
    parser.add_argument("--compare", type=int, default=100, help="a second, smaller run (0: none)")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--against", metavar="REV", help="also run this git revision's harness/")
    args = parser.parse_args()
    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < 4 * args.jobs + 64:
        sys.exit("raise the open-files limit (ulimit -n) first")
    bandwidth = loopback_bandwidth()
    origins = -(-args.feeds // args.per_host)
    sizes = [(args.feeds, args.per_host)]
    if args.compare:  # as many origins, so as many feeds recorded at once
        sizes.append((args.compare, max(1, -(-args.compare // origins))))
    with tempfile.TemporaryDirectory(prefix="record-scale-tree-") as exported:
        trees: list[tuple[str, Path | None]] = [("new", None)]
        if args.against:
            trees.insert(0, (args.against, _export(args.against, Path(exported))))
        rows, labels = [], []
        for feeds, per_host in sizes:
            for label, tree in trees:  # old, then new, on the same plan
                rows.append(run(args, feeds, per_host, bandwidth, tree))
                labels.append(f"{feeds:,} {label}")
    print(f"$ python bench/record_scale.py {' '.join(sys.argv[1:])}".rstrip())
    print(
        f"timeout {args.timeout:g} s, retries {args.retries}, --jobs {args.jobs}, --per-origin "
        f"{args.per_origin}, {origins} origins, loopback {bandwidth / 2**20:,.0f} MiB/s, "
        f"{os.cpu_count()} CPUs"
    )
    width = max(len(k) for k in rows[0])
    print(f"{'':<{width}}" + "".join(f"{label:>14}" for label in labels))
    for key in rows[0]:
        cells = "".join(f"{_cell(row[key]):>14}" for row in rows)
        print(f"{key:<{width}}{cells}")


def _export(rev: str, folder: Path) -> Path:
    """``harness/`` and ``schemas/`` of git revision ``rev``, exported into ``folder``."""
    from scale import export_tree  # bench/ is on sys.path when a bench script runs

    return export_tree(rev, folder).path or folder


def _cell(value: float) -> str:
    return f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"


if __name__ == "__main__":
    main()
