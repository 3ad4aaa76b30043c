"""``harness diff OLD NEW``: did NEW drift from OLD? Exit 1 on a failing finding, 2 on errors."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from harness.cli.options import add_fail_on_option, add_output_options, emit_drift_report
from harness.config import HarnessConfig
from harness.errors import HarnessError

COMMAND = "diff"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Register ``harness diff``."""
    parser: argparse.ArgumentParser = sub.add_parser(
        COMMAND,
        help="compare two recordings of one feed: exit 1 when NEW drifted from OLD",
        description="Compare the form of two cassettes of the same feed (found by URL).",
    )
    parser.add_argument("old", type=Path, metavar="OLD", help="the older cassette")
    parser.add_argument("new", type=Path, metavar="NEW", help="the newer cassette")
    add_output_options(parser)
    add_fail_on_option(parser)
    return parser


def run(args: argparse.Namespace, config: HarnessConfig, *, stdout: TextIO, stderr: TextIO) -> int:
    """Fingerprint both, compare, report; also compare their violations."""
    from harness.drift import BaselineStep, DriftReport, Fingerprinter, pair_history
    from harness.runner import Runner

    for path in (args.old, args.new):
        if not path.is_file():
            raise HarnessError(f"{path}: no such cassette file")
    runner = Runner(config, steps=(BaselineStep,))
    old, new = (runner.replayer.replay(p) for p in (args.old, args.new))  # each parsed once
    prints = Fingerprinter(runner.replayer)
    before, after = prints.replay(old), prints.replay(new)
    errors = [f"{fp.path}: {fp.error}" for fp in (before, after) if fp.error]
    if before.ok and after.ok and before.url and after.url and before.feed != after.feed:
        errors.append(
            f"{before.path} and {after.path} are not the same feed "
            f"({before.feed or before.url} vs {after.feed or after.url}); diff compares one feed"
        )
    results = None if errors else (runner.check_replay(old), runner.check_replay(new))
    history = pair_history(before, after, results, new.setup or old.setup)
    report = DriftReport("diff", (history,), tuple(errors), fail_on=config.fail_on)
    emit_drift_report(report, args, stdout)
    return report.exit_code
