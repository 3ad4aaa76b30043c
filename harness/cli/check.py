"""``harness check [PATH ...]``: replay cassettes, check their items, report in a format."""

from __future__ import annotations

import argparse
import io
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from harness.cli.options import add_fail_on_option, processes, resolve_targets, wants_color
from harness.config import HarnessConfig
from harness.errors import HarnessError
from harness.fileio import write_atomic
from harness.model import Outcome
from harness.shard import HELP, shard_argument

if TYPE_CHECKING:
    from harness.cassettes.paths import Scan
    from harness.model import CassetteResult
    from harness.report.result import Format
    from harness.runner import Runner

COMMAND = "check"
FORMATS = ("text", "json", "markdown", "junit", "html")
"""`harness.report.result.Format`, spelled out so that building the parser imports no report."""


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Register ``harness check``."""
    parser: argparse.ArgumentParser = sub.add_parser(
        COMMAND, help="replay cassettes and check their items"
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH|FEED",
        help="cassette files, stored items, folders or configured feed names (a name that is "
        "also a path is the path) (default: the configured cassettes)",
    )
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="FILE",
        help="write the report to FILE (atomically) instead of standard output",
    )
    parser.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    parser.add_argument(
        "-j",
        "--jobs",
        type=processes,
        default=1,
        metavar="N",
        help="check files in N worker processes (0: one per CPU); same report as -j 1",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="decode every cassette from its YAML (no cache of decoded cassettes for this run)",
    )
    parser.add_argument("--shard", type=shard_argument, default=None, metavar="K/N", help=HELP)
    add_fail_on_option(parser)
    return parser


def run(args: argparse.Namespace, config: HarnessConfig, *, stdout: TextIO, stderr: TextIO) -> int:
    """Check every file under the paths, write the report; the exit code is the result's."""
    from harness.cassettes.paths import PathList, scan
    from harness.drift import BaselineStep
    from harness.report.result import Format
    from harness.runner import Runner
    from harness.shard import plan as plan_shard

    args.paths = resolve_targets(config, args.paths)  # feed names -> their cassettes
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        raise HarnessError(f"no such file or folder: {', '.join(missing)}")
    if args.no_cache:
        config = replace(config, cache_dir=None)
    runner = Runner(config, steps=(BaselineStep,))  # drift against a baseline, when there is one
    found = scan(args.paths or [config.cassettes])  # what is checked, and what was skipped
    skipped = [f"skipped {runner.display(s.path)}: {s.reason}" for s in found.skipped]
    if not found.files:
        where = ", ".join(map(str, args.paths)) or str(config.cassettes)
        why = f" ({'; '.join(skipped)})" if skipped else ""
        raise HarnessError(f"no cassettes (.yaml/.yml) or stored items found in {where}{why}")
    fmt = Format(args.format)
    color = wants_color(args, stdout, text=fmt is Format.TEXT)
    plan = None if args.shard is None else plan_shard(runner.replayer, found.files, args.shard)
    files = (
        found.files
        if plan is None
        else PathList(p for p in found.files if plan.takes(runner.display(p)))
    )
    if plan is not None and not files:  # N > units: an empty shard passes
        print(plan.note, file=stderr)
    seen: set[str | None] = set()
    # checked while written (an empty list would mean "the configured folder" to iter_paths)
    results = _tapped(runner.iter_paths(files, jobs=args.jobs) if files else iter(()), seen)
    trailer = "\n" + "\n".join(skipped) + "\n" if fmt is Format.TEXT and skipped else ""
    scanned = [(runner.display(s.path), s.reason) for s in found.skipped]
    json_run = {"skipped_files": scanned, "plan": plan, "fail_on": config.fail_on}
    if args.output is None:
        exit_code = _emit(
            results, fmt, stdout, color=color, flush=True, trailer=trailer, json_run=json_run
        )
    else:
        exit_code = _emit_to_file(args.output, results, fmt, trailer=trailer, json_run=json_run)
    if plan is None or plan.shard.index == 1:  # said once per run, not once per shard
        # a feed with no cassette is said only when every file was read: an unreadable one
        # may be that feed's (better silent than a false alarm)
        whole = not args.paths and plan is None and _BROKEN not in seen
        _project_notes(config, found, seen, whole=whole, runner=runner, stderr=stderr)
    return exit_code


def _tapped(results: Iterator[CassetteResult], seen: set[str | None]) -> Iterator[CassetteResult]:
    """The results, unchanged; the feeds they belong to noted in ``seen`` on the way (and
    ``_BROKEN`` when a file could not be read: it may be any feed's cassette)."""
    for result in results:
        seen.add(_BROKEN if result.outcome is Outcome.BROKEN else result.feed)
        yield result


_BROKEN = "\0broken"  # not a feed name (names are checked at load): a file no one can tell


def _project_notes(
    config: HarnessConfig,
    found: Scan,
    seen: set[str | None],
    *,
    whole: bool,
    runner: Runner,
    stderr: TextIO,
) -> None:
    """Recordings left for review and configured feeds with no cassette, on stderr (beside
    the report, which stays the same in every shard and format)."""
    from harness.pending import project_notes

    for note in project_notes(config, found, seen, whole_project=whole, display=runner.display):
        print(f"harness check: {note.line}", file=stderr)


def _emit(
    results: Iterator[CassetteResult],
    fmt: Format,
    out: TextIO,
    *,
    color: bool = False,
    flush: bool = False,
    trailer: str = "",
    json_run: dict[str, Any] | None = None,
) -> int:
    """Write the report as results arrive (text: a cassette at a time); the run's exit code.

    ``json_run``: what the JSON report adds for `harness report merge` (skipped files, the
    shard plan, the run's fail-on: :func:`harness.report.result_json.write_json`)."""
    from harness.report.result import Format, write
    from harness.report.result_json import write_json

    if fmt is Format.JSON and json_run is not None:
        tally = write_json(results, out, **json_run)
    else:
        tally = write(results, fmt, out, color=color, flush=flush)
    out.write(trailer)
    return tally.exit_code


def _emit_to_file(
    path: Path,
    results: Iterator[CassetteResult],
    fmt: Format,
    *,
    trailer: str,
    json_run: dict[str, Any] | None = None,
) -> int:
    """The report streamed to a temporary file beside ``path``, renamed over it at the end."""
    codes: list[int] = []

    def emit(stream: BinaryIO) -> None:
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
        codes.append(_emit(results, fmt, text, trailer=trailer, json_run=json_run))
        text.flush()
        text.detach()  # write_atomic still fsyncs and closes the file

    try:
        write_atomic(path, emit)
    except OSError as err:
        raise HarnessError(f"{path}: cannot write report: {err.strerror or err}") from None
    return codes[0]
