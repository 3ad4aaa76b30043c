"""Hostile-input census: every generated attack and fixture corpus through ``harness check``.

Prints, per family of inputs and in total: inputs tried, how they ended (passed / failed with
violations / broken with a one-line error), crashes (a traceback, an exit code other than 0/1/2,
a message over one line), hangs (no answer within the timeout) and leaks (the marker of a local
file in any output, ``/etc/passwd`` content, a connection to the trap server on 127.0.0.1, a file
written anywhere but the report). Every ``harness check`` runs in a child process.

    .venv/bin/python tools/hostile_census.py [--skip-sizes] [--corpus DIR ...]

The generated inputs come from ``tests/hostile/`` (the same builders the test suite uses); the
corpora default to ``tests/data/feedparser-tests`` and, when present,
``../shared/corpus/w3c-feedvalidator-tests``.
"""

from __future__ import annotations

import argparse
import json
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT / "tests" / "hostile"
sys.path.insert(0, str(HOSTILE))

import hostile_inputs as H  # noqa: E402  (the suite's builders, on the path just above)

from harness.cassettes import make_interaction, write_cassette  # noqa: E402

FORMATS = ("json", "text", "markdown", "junit")
TIMEOUT = 180.0
PASSWD = "root:x:0:0"  # noqa: S105  (the first line of /etc/passwd, searched for in outputs)
DEFAULT_CORPORA = (
    ROOT / "tests" / "data" / "feedparser-tests",
    ROOT.parent / "shared" / "corpus" / "w3c-feedvalidator-tests",
)


@dataclass
class Tally:
    """What one family of inputs did."""

    inputs: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    crashes: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)


class Trap:
    """A 127.0.0.1 listener counting connections (nothing may fetch anything)."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.server.settimeout(0.05)
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}"
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.server.close()


# --- building the inputs ------------------------------------------------------------------------


def _write(folder: Path, name: str, body: bytes | str, url: str, content_type: str) -> None:
    data = body.encode("utf-8") if isinstance(body, str) else body
    headers = {"Content-Type": content_type}
    write_cassette(folder / f"{name}.yaml", [make_interaction(url, data, headers=headers)])


def build_families(project: Path, bait: H.Bait) -> dict[str, Path]:
    """Write each family of generated inputs into its own folder; name -> folder."""
    import test_broken_cassettes as broken
    import test_report_injection as injection

    cassettes = project / "cassettes"
    folders = {
        name: cassettes / name
        for name in ("xml-attacks", "html-bodies", "encodings", "broken", "injection")
    }
    for folder in folders.values():
        folder.mkdir(parents=True)
    for name, body in H.xml_attacks(bait).items():
        _write(folders["xml-attacks"], name, body, H.FEED_URL, "application/rss+xml")
    for name, html in H.html_body_attacks(bait).items():
        _write(folders["html-bodies"], name, H.rss(H.item(body=html)), H.RFI_URL, "text/xml")
    for name, (body, content_type) in H.encoding_cases().items():
        _write(folders["encodings"], name, body, H.FEED_URL, content_type)
    for name, (text, _, _) in broken.BROKEN.items():
        path = folders["broken"] / f"{name}.yaml"
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
    injected = {
        "json-feed": (injection.json_feed(), "application/feed+json"),
        "xml-feed": (injection.xml_feed(), "application/rss+xml"),
        "error-page": (injection.error_page(), "text/html"),
    }
    for name, (text, content_type) in injected.items():
        _write(folders["injection"], name, text, H.FEED_URL, content_type)
    evil = "evil\x1b[31m`@octocat`[a](javascript:x)|<b>\u202e\nPASS forged"
    _write(folders["injection"], evil, H.rss(H.item()), H.FEED_URL, "text/xml")
    return folders


# --- running ----------------------------------------------------------------------------------


def harness(config: Path, *args: str, timeout: float = TIMEOUT) -> tuple[int | None, str, str]:
    """Run ``python -m harness --config CONFIG ARGS``: (exit code or None when hung, out, err)."""
    command = [sys.executable, "-m", "harness", "--config", str(config), *args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None, "", ""
    return done.returncode, done.stdout, done.stderr


def crashed(code: int | None, err: str) -> bool:
    """A traceback, an exit code that is not 0/1/2, or an error message over one line."""
    if code is None:
        return False
    return code not in (0, 1, 2) or "Traceback" in err or err.count("\n") > 1


def check_family(config: Path, folder: Path, bait: H.Bait, out_dir: Path) -> Tally:
    """Every format over a folder; per file again when the folder run crashes or hangs."""
    tally = Tally(inputs=len(list(folder.glob("*.yaml"))))
    runs: dict[str, tuple[int | None, str, str]] = {}
    for fmt in FORMATS:
        target = out_dir / f"{folder.name}.{fmt}"
        code, out, err = harness(config, "check", str(folder), "--format", fmt, "-o", str(target))
        text = target.read_text(encoding="utf-8") if target.exists() else ""
        runs[fmt] = (code, text + out, err)
    if any(code is None or crashed(code, err) for code, _, err in runs.values()):
        return _per_file(config, folder, bait)
    for fmt, (_, text, err) in runs.items():
        tally.leaks += _leaks(f"{folder.name} ({fmt})", text + err, bait)
    report = json.loads(runs["json"][1])
    tally.outcomes.update(c["outcome"] for c in report["cassettes"])
    tally.crashes += [
        c["path"] for c in report["cassettes"] if c["error"] and "\n" in c["error"]["message"]
    ]
    return tally


def _per_file(config: Path, folder: Path, bait: H.Bait) -> Tally:
    tally = Tally(inputs=len(list(folder.glob("*.yaml"))))
    for path in sorted(folder.glob("*.yaml")):
        for fmt in FORMATS:
            code, out, err = harness(config, "check", str(path), "--format", fmt)
            if code is None:
                tally.hangs.append(path.name)
                break
            if crashed(code, err):
                tally.crashes.append(f"{path.name}: {err.strip().splitlines()[-1:]}")
                break
            tally.leaks += _leaks(path.name, out + err, bait)
            if fmt == "json":
                tally.outcomes.update(c["outcome"] for c in json.loads(out)["cassettes"])
    return tally


def _leaks(where: str, text: str, bait: H.Bait) -> list[str]:
    found = []
    if bait.marker in text:
        found.append(f"{where}: the marker file's content")
    if PASSWD in text:
        found.append(f"{where}: /etc/passwd content")
    return found


def check_sizes(folder: Path) -> Tally:
    """The size scenarios of the suite (50 MB bodies, 100,000 items, bombs), two at a time."""
    import test_sizes
    from hostile_support import run_isolated

    tally = Tally(inputs=len(test_sizes.SCENARIOS))

    def one(name: str) -> tuple[str, object]:
        scenario = test_sizes.SCENARIOS[name]
        path = test_sizes._prepare(folder, name, scenario)
        try:
            return name, run_isolated(folder / "harness.toml", path, timeout=scenario.seconds * 4)
        finally:
            path.unlink()

    with ThreadPoolExecutor(max_workers=2) as pool:
        for name, got in pool.map(one, test_sizes.SCENARIOS):
            if got.hung:  # type: ignore[attr-defined]
                tally.hangs.append(name)
            elif got.report is None or "Traceback" in got.stderr:  # type: ignore[attr-defined]
                tally.crashes.append(name)
            else:
                tally.outcomes[got.report["outcome"]] += 1  # type: ignore[attr-defined]
                peak = max(tally.outcomes.get("peak MB", 0), int(got.growth_mb))  # type: ignore[attr-defined]
                tally.outcomes["peak MB"] = peak
    return tally


def check_configs(root: Path) -> Tally:
    """Feed names and cassette paths that try to leave the cassettes folder."""
    import test_broken_cassettes as broken

    tally = Tally(inputs=len(broken.BAD_FEEDS))
    for name, feed in broken.BAD_FEEDS.items():
        project = root / "configs" / name / "project"
        (project / "cassettes").mkdir(parents=True)
        (project / "cassettes" / "good.yaml").write_text(broken.cassette_text(), encoding="utf-8")
        config = project / "harness.toml"
        config.write_text(f'cassettes = "cassettes"\n\n[[feeds]]\n{feed}\n', encoding="utf-8")
        code, out, err = harness(config, "check")
        if code is None:
            tally.hangs.append(name)
        elif crashed(code, err) or code != 2 or out:
            tally.crashes.append(f"{name}: exit {code}")
        else:
            tally.outcomes["rejected"] += 1
    return tally


def check_corpus(folder: Path, *, pipeline: bool) -> Tally:
    """A corpus through corpus_worker.py (the rss parser alone, or the whole pipeline)."""
    command = [sys.executable, str(HOSTILE / "corpus_worker.py"), str(folder)]
    if pipeline:
        command.append("--pipeline")
    tally = Tally()
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT * 2, check=False
        )
    except subprocess.TimeoutExpired as err:
        stderr = err.stderr.decode() if isinstance(err.stderr, bytes) else str(err.stderr or "")
        tally.hangs.append((stderr.strip().splitlines() or ["?"])[-1])
        return tally
    summary = json.loads(done.stdout)
    tally.inputs = summary["files"]
    tally.outcomes.update(summary["outcomes"].values())
    for name, reason in summary["failures"].items():
        (tally.hangs if reason.startswith("took") else tally.crashes).append(f"{name}: {reason}")
    tally.outcomes.pop("crash", None)
    return tally


def files_written(root: Path, before: set[Path]) -> list[str]:
    """Files that appeared under root since ``before`` (checking writes only its -o report)."""
    now = {p for p in root.rglob("*") if p.is_file()}
    return sorted(str(p) for p in now - before)


# --- the census -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the census; exit 1 if anything crashed, hung or leaked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-sizes", action="store_true", help="skip the 50 MB scenarios")
    parser.add_argument("--corpus", type=Path, action="append", help="a folder of feed files")
    args = parser.parse_args(argv)
    corpora = [c for c in (args.corpus or DEFAULT_CORPORA) if c.is_dir()]

    from hostile_support import make_project

    trap = Trap()
    rows: list[tuple[str, Tally]] = []
    with tempfile.TemporaryDirectory(prefix="hostile-census-") as scratch:
        root = Path(scratch)
        bait_dir = root / "bait"
        bait_dir.mkdir()
        bait = H.write_bait(bait_dir, trap.url, f"MARKER-{secrets.token_hex(8)}")
        project = make_project(root / "project")
        families = build_families(project, bait)
        reports = root / "reports"
        reports.mkdir()
        before = {p for p in root.rglob("*") if p.is_file()}
        config = project / "harness.toml"
        for name, folder in families.items():
            rows.append((name, check_family(config, folder, bait, reports)))
        rows.append(("path escapes (config)", check_configs(root)))
        if not args.skip_sizes:
            sizes = make_project(root / "sizes")
            rows.append(("sizes (50 MB, 100k items, bombs)", check_sizes(sizes)))
        for corpus in corpora:
            rows.append((f"{corpus.name} (rss parser)", check_corpus(corpus, pipeline=False)))
            rows.append((f"{corpus.name} (whole pipeline)", check_corpus(corpus, pipeline=True)))
        written = files_written(root / "project", before)
        escapes = ("/tmp/pwned", "/tmp/escape.yaml")  # noqa: S108  (what the attacks aim at)
        outside = [p for p in escapes if Path(p).exists()]
    trap.close()
    return _print(rows, trap.connections, written + outside)


def _print(rows: list[tuple[str, Tally]], connections: int, written: list[str]) -> int:
    import lxml.etree

    from harness import __version__

    try:
        import charset_normalizer

        normalizer = f"charset-normalizer {charset_normalizer.__version__}"
    except ImportError:
        normalizer = "no charset-normalizer"
    libxml2 = ".".join(map(str, lxml.etree.LIBXML_VERSION))
    print(
        f"hostile census · feedharness {__version__} · lxml {lxml.etree.__version__}, "
        f"libxml2 {libxml2} · {normalizer}"
    )
    print(f"{'inputs':<44}{'tried':>7}  {'crashes':>7}  {'hangs':>5}  {'leaks':>5}  outcomes")
    for name, t in rows:
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(t.outcomes.items()))
        print(
            f"  {name:<42}{t.inputs:>7}  {len(t.crashes):>7}  {len(t.hangs):>5}  "
            f"{len(t.leaks):>5}  {outcomes}"
        )
        for what in (*t.crashes, *t.hangs, *t.leaks):
            print(f"      ! {what}")
    distinct = sum(t.inputs for name, t in rows if "whole pipeline" not in name)
    crashes = sum(len(t.crashes) for _, t in rows)
    hangs = sum(len(t.hangs) for _, t in rows)
    leaks = sum(len(t.leaks) for _, t in rows) + connections + len(written)
    print(
        f"  trap server connections: {connections} · files written outside the reports: "
        f"{len(written)}" + (f" {written}" if written else "")
    )
    print(
        f"TOTAL: {distinct} inputs tried (corpora twice: rss parser, whole pipeline) · "
        f"{crashes} crashes · {hangs} hangs · {leaks} secrets or files leaked"
    )
    return 1 if crashes or hangs or leaks else 0


if __name__ == "__main__":
    sys.exit(main())
