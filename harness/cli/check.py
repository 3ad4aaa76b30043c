"""``harness check [PATH ...]``: replay cassettes, check their items, report in a format."""

from __future__ import annotations

import argparse
import os
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from harness.cli.options import add_fail_on_option, resolve_targets, write_report
from harness.config import HarnessConfig
from harness.errors import HarnessError
from harness.shard import HELP, shard_argument

COMMAND = "check"
FORMATS = ("text", "json", "markdown", "junit")
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
        type=_jobs,
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
    from harness.cassettes.paths import scan
    from harness.drift import BaselineStep
    from harness.model import Result
    from harness.report.result import Format, render
    from harness.report.result_json import render_check_json
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
    plan = None if args.shard is None else plan_shard(runner.replayer, found.files, args.shard)
    files = [p for p in found.files if plan is None or plan.takes(runner.display(p))]
    result = runner.check_paths(files, jobs=args.jobs) if files else None
    if plan is not None and found.files and not files:  # N > units: an empty shard passes
        print(plan.note, file=stderr)
        result = Result()
    if result is None or (plan is None and not result.cassettes):
        where = ", ".join(map(str, args.paths)) or str(config.cassettes)
        why = f" ({'; '.join(skipped)})" if skipped else ""
        raise HarnessError(f"no cassettes (.yaml/.yml) or stored items found in {where}{why}")
    fmt = Format(args.format)
    color = args.color == "always" or (
        args.color == "auto" and args.output is None and fmt is Format.TEXT and _is_tty(stdout)
    )
    if fmt is Format.JSON:  # with what `harness report merge` needs
        scanned = [(runner.display(s.path), s.reason) for s in found.skipped]
        text = render_check_json(result, skipped_files=scanned, plan=plan, fail_on=config.fail_on)
    else:
        text = render(result, fmt, color=color)
    if fmt is Format.TEXT and skipped:
        text = text.rstrip("\n") + "\n\n" + "\n".join(skipped)
    if args.output is None:
        stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        write_report(args.output, text)
    return result.exit_code


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of jobs, got {value!r}") from None
    if jobs < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more jobs, got {jobs}")
    return jobs or os.cpu_count() or 1


def _is_tty(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
