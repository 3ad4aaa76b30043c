"""``harness history FEED-or-FOLDER``: walk a feed's recordings and report drift over time."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from harness.cli.options import add_output_options, emit_drift_report
from harness.config import HarnessConfig
from harness.errors import HarnessError

COMMAND = "history"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Register ``harness history``."""
    parser: argparse.ArgumentParser = sub.add_parser(
        COMMAND,
        help="walk recordings in order and show when the form of each feed changed",
        description=(
            "A configured feed's recordings (under the cassettes folder) or every cassette "
            "in a folder, ordered by 'harness: recorded_at' (else file name)."
        ),
    )
    parser.add_argument("target", metavar="FEED-or-FOLDER")
    parser.add_argument(
        "--fail-on-drift",
        action="store_true",
        help="exit 1 when any drift is found (default: 0, the history is informative)",
    )
    add_output_options(parser)
    return parser


def run(args: argparse.Namespace, config: HarnessConfig, *, stdout: TextIO, stderr: TextIO) -> int:
    """Build each feed's history and report it."""
    from harness.drift import (
        DriftReport,
        Fingerprinter,
        feed_recordings,
        folder_recordings,
        history,
    )
    from harness.replay import Replayer

    prints = Fingerprinter(Replayer(config))
    target = Path(args.target)
    if any(f.name == args.target for f in config.feeds):
        groups = {args.target: feed_recordings(prints, args.target)}
    elif target.is_dir():
        groups = folder_recordings(prints, target)
    else:
        known = ", ".join(f.name for f in config.feeds) or "none configured"
        raise HarnessError(f"{args.target!r} is neither a configured feed ({known}) nor a folder")
    if not any(groups.values()):
        raise HarnessError(f"no cassettes found for {args.target!r}")
    report = DriftReport("history", tuple(history(fps) for fps in groups.values()))
    emit_drift_report(report, args, stdout)
    if report.errors:
        return 2
    return 1 if args.fail_on_drift and report.exit_code == 1 else 0
