"""``harness report merge SHARD.json ...``: the shards' JSON check reports as one run's report.

The merged report equals the report the unsharded run writes, in every format, and the exit
code is the merged result's: a CI job that merges the matrix's shards fails as ``check`` would.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from harness.cli.options import wants_color, write_report
from harness.config import HarnessConfig

COMMAND = "report"
LOADS_CONFIG = False  # the reports say everything: no configuration is read
FORMATS = ("text", "json", "markdown", "junit", "html")
"""`harness.report.result.Format`, spelled out so that building the parser imports no report."""


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Register ``harness report`` and its sub-command ``merge``."""
    parser: argparse.ArgumentParser = sub.add_parser(
        COMMAND, help="work on JSON check reports (merge the shards of a run)"
    )
    actions = parser.add_subparsers(
        dest="report_command", metavar="merge", required=True, parser_class=type(parser)
    )
    merge = actions.add_parser(
        "merge",
        help="merge the JSON reports of 'harness check --shard K/N' into the run's report",
        description=(
            "Read the JSON reports of every shard of one run (harness check --shard K/N "
            "--format json), check they are the shards of one run (every K of N once, same "
            "files, threshold and version), and write the report the unsharded run writes. "
            "Exit status: the merged result's (0 pass, 1 failures, 2 broken), or 2 when an "
            "input is missing, unreadable or of another run. One report written without "
            "--shard is re-rendered in another format."
        ),
    )
    merge.add_argument("reports", nargs="+", type=Path, metavar="SHARD.json")
    merge.add_argument("--format", choices=FORMATS, default="text")
    merge.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="FILE",
        help="write the report to FILE (atomically) instead of standard output",
    )
    merge.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    return parser


def run(args: argparse.Namespace, config: HarnessConfig, *, stdout: TextIO, stderr: TextIO) -> int:
    """Merge the reports, write the merged one; the exit code is the merged result's."""
    from harness import __version__
    from harness.report.result import Format, render
    from harness.report.result_json import render_check_json
    from harness.report.result_load import merge, read_report

    del config, stderr
    merged = merge([read_report(path) for path in args.reports], version=__version__)
    fmt = Format(args.format)
    color = wants_color(args, stdout, text=fmt is Format.TEXT)
    if fmt is Format.JSON:  # as `harness check` writes it: with the files the scan passed over
        text = render_check_json(merged.result, skipped_files=merged.skipped_files)
    else:
        text = render(merged.result, fmt, color=color)
    if fmt is Format.TEXT and merged.skipped_files:  # as `harness check` lists them
        lines = [f"skipped {path}: {reason}" for path, reason in merged.skipped_files]
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines)
    if args.output is None:
        stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        write_report(args.output, text)
    return merged.result.exit_code
