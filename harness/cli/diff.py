"""``harness diff OLD NEW``: did NEW drift from OLD? Exit 1 on drift or new violations, 2 errors."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from harness.cli.options import add_output_options, emit_drift_report
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
    return parser


def run(args: argparse.Namespace, config: HarnessConfig, *, stdout: TextIO, stderr: TextIO) -> int:
    """Fingerprint both, compare, report; also compare their violations."""
    from harness.drift import BaselineStep, DriftReport, Fingerprinter, violation_findings
    from harness.drift import diff as diff_prints
    from harness.runner import Runner

    for path in (args.old, args.new):
        if not path.is_file():
            raise HarnessError(f"{path}: no such cassette file")
    runner = Runner(config, steps=(BaselineStep,))
    replays = [runner.replayer.replay(p) for p in (args.old, args.new)]  # each parsed once
    prints = Fingerprinter(runner.replayer)
    old, new = (prints.replay(r) for r in replays)
    errors = [f"{fp.path}: {fp.error}" for fp in (old, new) if fp.error]
    if old.ok and new.ok and old.url and new.url and old.feed != new.feed:
        errors.append(
            f"{old.path} and {new.path} are not the same feed "
            f"({old.feed or old.url} vs {new.feed or new.url}); diff compares one feed"
        )
    history = diff_prints(old, new, setup=replays[1].setup)  # the lag window check applies
    if old.ok and new.ok and not errors:
        extra = violation_findings(*(runner.check_replay(r) for r in replays))
        history = history.__class__(
            history.feed, history.recordings, history.findings + extra, history.timeline
        )
    report = DriftReport("diff", (history,), tuple(errors))
    emit_drift_report(report, args, stdout)
    return report.exit_code
