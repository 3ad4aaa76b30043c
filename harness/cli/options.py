"""What several commands share: the --config after the sub-command, --format/--output, the write."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from harness.errors import HarnessError
from harness.fileio import write_atomic

if TYPE_CHECKING:
    from harness.config import HarnessConfig
    from harness.drift import DriftReport
    from harness.drift.feedversions import GitOptions

__all__ = [
    "DRIFT_FORMATS",
    "SEVERITIES",
    "add_config_option",
    "add_fail_on_option",
    "add_output_options",
    "emit_drift_report",
    "resolve_targets",
    "write_report",
]

NO_CONFIG = (
    "no harness.toml or [tool.harness] in pyproject.toml here or above; "
    "write one from your recordings with 'harness init CASSETTE-FOLDER', "
    "or name files to check them generically: 'harness check PATH'"
)

DRIFT_FORMATS = ("text", "markdown", "json", "html")
"""`harness.report.drift.FORMATS`, spelled out so that building the parser imports no drift code."""


def add_config_option(parser: argparse.ArgumentParser) -> None:
    """Accept --config after the sub-command too (it wins over the one before it)."""
    parser.add_argument(
        "--config", type=Path, metavar="FILE", dest="sub_config", help=argparse.SUPPRESS
    )


SEVERITIES = ("error", "warning", "info")
"""`harness.severity.Severity`, spelled out so that building the parser imports nothing more."""


def add_fail_on_option(parser: argparse.ArgumentParser) -> None:
    """--fail-on: the severity at which findings fail the run (the configuration's fail-on)."""
    parser.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        default=None,
        help="exit 1 when a finding or violation is at or above this severity "
        "(default: the configuration's fail-on, else error)",
    )


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """--format and --output of a drift report, shared by diff and history."""
    parser.add_argument("--format", choices=DRIFT_FORMATS, default="text")
    parser.add_argument(
        "--output", "-o", type=Path, metavar="FILE", help="write the report to FILE (atomically)"
    )


def write_report(path: Path, text: str) -> None:
    """Write a report atomically (temp file beside it, then rename); HarnessError if it fails."""
    try:
        write_atomic(Path(path), text if text.endswith("\n") else text + "\n")
    except OSError as err:
        raise HarnessError(f"{path}: cannot write report: {err.strerror or err}") from None


def emit_drift_report(report: DriftReport, args: argparse.Namespace, stdout: TextIO) -> None:
    """Render in --format to --output or stdout; annotations and summary on GitHub Actions."""
    from harness.report.drift import render
    from harness.report.github import emit_github

    text = render(report, args.format)
    if args.output is None:
        stdout.write(text)
    else:
        write_report(args.output, text)
    emit_github(report, stdout)


def resolve_targets(config: HarnessConfig, names: Sequence[str | Path]) -> list[Path]:
    """What ``harness check NAME ...`` checks: each name is a path, else a configured feed.

    A name that exists as a file or folder is that path (the path wins over a feed of the same
    name); a configured feed's name stands for its recordings under the cassettes folder (those
    whose recorded URL the feed claims). No names: the configured cassettes folder, and a usage
    error when there is no configuration at all.
    """
    if not names:
        if config.source is None:
            raise HarnessError(NO_CONFIG)
        return []
    targets: list[Path] = []
    for name in names:
        path = Path(name)
        if path.exists():
            targets.append(path)
        elif any(feed.name == str(name) for feed in config.feeds):
            targets.extend(_feed_cassettes(config, str(name)))
        else:
            known = ", ".join(f.name for f in config.feeds) or "none configured"
            raise HarnessError(f"no such file, folder or configured feed: {name} (feeds: {known})")
    return targets


def _feed_cassettes(config: HarnessConfig, feed: str) -> list[Path]:
    """The cassettes under the configured folder that ``feed`` claims, read by the replay path."""
    from harness.cassettes.paths import discover, is_cassette_path
    from harness.replay import Replayer

    replayer = Replayer(config)
    found = [
        path
        for path in discover([config.cassettes])
        if is_cassette_path(path) and replayer.open(path).feed == feed
    ]
    if not found:
        raise HarnessError(f"feed {feed!r} has no recordings under {config.cassettes}")
    return found


def add_git_options(parser: argparse.ArgumentParser) -> None:
    """--no-git, --since and --max-count: how much of a feed's history git gives."""
    parser.add_argument(
        "--no-git",
        action="store_true",
        help="read the cassette files on disk only, not their versions in git",
    )
    parser.add_argument(
        "--since",
        metavar="DATE",
        help="only commits since DATE (as git log --since reads it, e.g. 2016-01-01)",
    )
    parser.add_argument(
        "--max-count",
        type=positive_int,
        metavar="N",
        help="only the newest N commits of each cassette file (git log --max-count)",
    )


def git_options(args: argparse.Namespace) -> GitOptions:
    """The git options of a parsed command line."""
    from harness.drift.feedversions import GitOptions

    return GitOptions(use=not args.no_git, since=args.since, max_count=args.max_count)


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    return _at_least(text, 1, "a whole number", "")


def processes(text: str) -> int:
    """An argparse type: a number of worker processes, 0 for one per CPU."""
    return _at_least(text, 0, "a number of jobs", " jobs") or os.cpu_count() or 1


def _at_least(text: str, least: int, what: str, unit: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"expected {least} or more{unit}, got {value}")
    return value


def wants_color(args: argparse.Namespace, stdout: TextIO, *, text: bool) -> bool:
    """``--color``: always; or auto, for a text report on standard output that is a terminal
    (not under ``NO_COLOR`` or ``TERM=dumb``)."""
    if args.color == "always":
        return True
    if args.color != "auto" or args.output is not None or not text:
        return False
    return stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
