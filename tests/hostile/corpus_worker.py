"""Run a folder of feed files through the ``rss`` parser (or the whole pipeline); print JSON.

Run as a child process (``python corpus_worker.py FOLDER [--pipeline]``) so that a hang is a
timeout in the parent, not a blocked suite: the file being read is written to stderr before each
parse, so the parent can name it. Each file's comment may carry ``Header: Name: value`` lines
(feedparser's fixtures do): they become the recorded response's headers.

Output: ``{"files": n, "outcomes": {path: outcome}, "failures": {path: reason}}`` where an outcome
is ``"parsed"`` or the error class name, and a failure is a crash (an exception that is not a
``HarnessError``), a message over one line, or a file that took more than ``SLOW`` seconds.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
from pathlib import Path

from harness.cassettes import dump_cassette, make_interaction
from harness.config import load_config
from harness.errors import HarnessError
from harness.model import Response
from harness.parsers.rss import RssParser
from harness.runner import Runner

SLOW = 2.0
_HEADER = re.compile(rb"^Header:\s+([\w-]+):[ \t]*(.*?)\s*$", re.MULTILINE)


def headers_of(body: bytes) -> dict[str, str]:
    """``Header:`` lines of a feedparser fixture's comment (ASCII-compatible files only)."""
    return {
        name.decode("ascii").lower(): value.decode("latin-1")
        for name, value in _HEADER.findall(body[:4096])
    }


def feed_files(folder: Path) -> list[Path]:
    """Every file under folder but licence notes, sorted."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "LICENSE")


def parse_one(path: Path, root: Path) -> tuple[str, str | None]:
    """(outcome, failure) of one file through the rss parser."""
    body = path.read_bytes()
    url = "https://corpus.example/" + path.relative_to(root).as_posix()
    response = Response(url=url, status=200, headers=headers_of(body), body=body)
    try:
        RssParser().parse(response, fetch=_no_fetch)
    except HarnessError as err:
        message = str(err)
        return type(err).__name__, ("message over one line" if "\n" in message else None)
    except Exception as err:  # a crash: what this worker exists to find
        return "crash", f"{type(err).__name__}: {err}"
    return "parsed", None


def _no_fetch(url: str) -> Response:
    raise AssertionError(f"the rss parser fetched {url}")


def run_parser(folder: Path) -> dict[str, object]:
    """Every file through RssParser.parse."""
    outcomes: dict[str, str] = {}
    failures: dict[str, str] = {}
    for path in feed_files(folder):
        name = path.relative_to(folder).as_posix()
        print(name, file=sys.stderr, flush=True)
        start = time.perf_counter()
        outcome, failure = parse_one(path, folder)
        seconds = time.perf_counter() - start
        outcomes[name] = outcome
        if failure is None and seconds > SLOW:
            failure = f"took {seconds:.1f} s"
        if failure is not None:
            failures[name] = failure
    return {"files": len(outcomes), "outcomes": outcomes, "failures": failures}


def run_pipeline(folder: Path) -> dict[str, object]:
    """Every file as a cassette through ``Runner.check_file`` (parser, schema, invariants)."""
    runner = Runner(load_config(None, start=Path(tempfile.gettempdir()) / "no-config-here"))
    outcomes: dict[str, str] = {}
    failures: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for path in feed_files(folder):
            name = path.relative_to(folder).as_posix()
            print(name, file=sys.stderr, flush=True)
            body = path.read_bytes()
            url = "https://corpus.example/" + name
            interaction = make_interaction(url, body, headers=headers_of(body))
            cassette = Path(scratch) / "feed.yaml"
            cassette.write_text(dump_cassette([interaction]), encoding="utf-8")
            try:
                result = runner.check_file(cassette)
            except Exception as err:
                outcomes[name] = "crash"
                failures[name] = f"{type(err).__name__}: {err}"
                continue
            outcomes[name] = result.outcome.value
            if result.error is not None and "\n" in result.error:
                failures[name] = "message over one line"
    return {"files": len(outcomes), "outcomes": outcomes, "failures": failures}


def main(argv: list[str]) -> int:
    """``corpus_worker.py FOLDER [--pipeline]``: print the JSON summary."""
    folder = Path(argv[0])
    summary = run_pipeline(folder) if "--pipeline" in argv[1:] else run_parser(folder)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
