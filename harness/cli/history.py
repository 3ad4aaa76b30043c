"""``harness history FEED-or-FOLDER``: walk a feed's recordings and report drift over time."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from harness.cli.options import (
    add_fail_on_option,
    add_git_options,
    add_output_options,
    emit_drift_report,
    git_options,
)
from harness.config import HarnessConfig
from harness.errors import HarnessError

if TYPE_CHECKING:
    from harness.drift import FeedHistory

COMMAND = "history"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Register ``harness history``."""
    parser: argparse.ArgumentParser = sub.add_parser(
        COMMAND,
        help="walk recordings in order and show when the form of each feed changed",
        description=(
            "A configured feed's recordings or every cassette in a folder, ordered by "
            "'harness: recorded_at' (else commit date, else file name). A feed's cassettes "
            "kept in git are read in every version git has: each commit that changed the "
            "file is a recording, and the report names the commit where drift first showed."
        ),
    )
    parser.add_argument("target", metavar="FEED-or-FOLDER")
    add_git_options(parser)
    parser.add_argument(
        "--fail-on-drift",
        action="store_true",
        help="exit 1 when a finding is at or above fail-on (default: 0, a history informs)",
    )
    add_output_options(parser)
    add_fail_on_option(parser)
    return parser


def run(args: argparse.Namespace, config: HarnessConfig, *, stdout: TextIO, stderr: TextIO) -> int:
    """Build each feed's history and report it."""
    from harness.drift import DriftReport, Fingerprinter, folder_recordings, history
    from harness.drift.feedversions import FeedRecordings, feed_versions
    from harness.replay import Replayer

    prints = Fingerprinter(Replayer(config))
    target = Path(args.target)
    if any(f.name == args.target for f in config.feeds):
        groups = {args.target: feed_versions(prints, args.target, git_options(args))}
    elif target.is_dir():
        groups = {k: FeedRecordings(v) for k, v in folder_recordings(prints, target).items()}
    else:
        known = ", ".join(f.name for f in config.feeds) or "none configured"
        raise HarnessError(f"{args.target!r} is neither a configured feed ({known}) nor a folder")
    if not any(g.fingerprints for g in groups.values()):
        notes = "; ".join(n for g in groups.values() for n in g.notes)
        raise HarnessError(
            f"no cassettes found for {args.target!r}" + (f" ({notes})" if notes else "")
        )
    feeds = tuple(
        _rated(replace(history(g.fingerprints), notes=g.notes, commits=g.commits), config)
        for g in groups.values()
    )
    report = DriftReport("history", feeds, fail_on=config.fail_on)
    emit_drift_report(report, args, stdout)
    if report.errors:
        return 2
    # a history is informative: it fails only when asked to (--fail-on-drift, or --fail-on)
    asked = args.fail_on_drift or args.fail_on is not None
    return report.exit_code if asked else 0


def _rated(found: FeedHistory, config: HarnessConfig) -> FeedHistory:
    """The feed's ``[feeds.severity]`` applied, as in every command."""
    from harness.drift import rated_history

    feed = next((f for f in config.feeds if f.name == found.feed), None)
    return found if feed is None else rated_history(found, feed.severity)
