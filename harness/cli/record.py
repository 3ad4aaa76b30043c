"""``harness record``: re-record feeds from their live URLs, check them, swap in the clean ones."""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from harness.cli.options import add_fail_on_option, positive_int, processes
from harness.config import HarnessConfig
from harness.errors import ConfigError
from harness.shard import HELP, shard_argument

if TYPE_CHECKING:
    from harness.record import FeedRecord, RecordReport
    from harness.record.comparison import Comparison

COMMAND = "record"

_DESCRIPTION = """\
Fetch each feed live (and every page its parser fetches) into <cassette>.new.yaml beside the
committed cassette, scrubbed of secrets and volatile headers; check it as 'harness check' does
and compare it with the committed one. The committed cassette is replaced (atomically) only
when the new recording is complete and clean; otherwise it stays byte-identical, the new
recording is left beside it for review and the report says why.
"""
_EPILOG = """\
record modes (pytest-recording's names):
  rewrite       record every feed again (default)
  once          record only feeds that have no cassette yet
  new_episodes  keep every recorded interaction, record only what the parser now also needs
  none          record nothing: check the cassettes; a missing one is an error

exit status:
  0  every feed recorded and replaced (or skipped, or checked clean, or only flaky)
  1  a feed was not replaced: transport failure (DNS, TLS, refused, timeout, HTTP error after
     retries, an HTML or anti-bot page instead of a feed), error-level violations or drift;
     its committed cassette is unchanged. --accept replaces despite violations and drift,
     never after a transport failure.
  2  usage or configuration error (unknown feed, bad option): nothing was recorded; or the
     --report-dir folder could not be written (the recordings are done)

transport failures across runs:
  A state file (default: <cassettes>/.harness-record-state.json) counts each feed's consecutive
  transport failures. With --fail-after N (default 1, or [record] fail-after) a failure fails
  the run only from the Nth in a row; before that the feed is "flaky" (a warning, exit 0). The
  report says "failing since DATE, N runs", and once "recovered after N failed runs since DATE".

--report-dir DIR (for a nightly CI job, see docs/nightly.md):
  DIR/summary.json  every feed's state (failing, drift, flaky, recovered, replaced, unchanged,
                    ok), the issue title and action (open, close, none)
  DIR/FEED.md       the issue body of each feed that is failing, drifted or recovered
  DIR/actions.tsv   the same decisions, one tab-separated line per feed, for shell scripts
"""


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Register ``record`` on the sub-command parser and return its parser."""
    parser: argparse.ArgumentParser = sub.add_parser(
        COMMAND,
        help="re-record feeds live, check them, replace the cassettes that stay clean",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("feeds", nargs="*", metavar="FEED", help="feed names (default: all)")
    parser.add_argument(
        "--record-mode",
        choices=["once", "new_episodes", "rewrite", "none"],
        default="rewrite",
        help="what to record (default: rewrite)",
    )
    parser.add_argument(
        "--accept",
        action="store_true",
        help="replace the cassette despite violations or drift (after reviewing them)",
    )
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument(
        "--header",
        "-H",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="send this header with every request (repeatable); its value is scrubbed",
    )
    parser.add_argument("--shard", type=shard_argument, default=None, metavar="K/N", help=HELP)
    parser.add_argument(
        "--fail-after",
        type=int,
        default=None,
        metavar="N",
        help="a transport failure fails the run only from N consecutive failures of the feed "
        "(counting across runs; default: [record] fail-after, else 1)",
    )
    state = parser.add_mutually_exclusive_group()
    state.add_argument(
        "--state",
        type=Path,
        default=None,
        metavar="FILE",
        help="where transport failures are counted (default: "
        "<cassettes>/.harness-record-state.json)",
    )
    state.add_argument(
        "--no-state", action="store_true", help="count nothing across runs (needs fail-after 1)"
    )
    parser.add_argument(
        "--report-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="write summary.json and one Markdown issue body per feed needing attention",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=positive_int,
        default=None,
        metavar="N",
        help="feeds recorded at once (default: 16)",
    )
    parser.add_argument(
        "--check-jobs",
        type=processes,
        default="0",  # through processes(): one per CPU
        metavar="N",
        help="worker processes that check the recordings while others are fetched "
        "(default: 0, one per CPU; 1: in this process)",
    )
    parser.add_argument(
        "--per-origin",
        type=positive_int,
        default=None,
        metavar="N",
        help="requests at once to one origin, scheme + host + port (default: [record] "
        "per-origin, else 1: polite; raise it for a server of your own)",
    )
    add_fail_on_option(parser)
    return parser


def run(args: argparse.Namespace, config: HarnessConfig, *, stdout: TextIO, stderr: TextIO) -> int:
    """Record, print the progress on stderr and the report on stdout; return the exit code."""
    from harness.dates import to_utc_rfc3339
    from harness.fileio import os_reason
    from harness.record import RecordMode, RecordReport, progress_for, record_feeds
    from harness.record.arenas import limit_arenas
    from harness.record.fetcher import Fetcher
    from harness.record.reportdir import write_report_dir
    from harness.record.state import STATE_NAME
    from harness.replay import Replayer
    from harness.report.common import json_document
    from harness.shard import feeds_in_shard

    limit_arenas()  # before the fetch threads and the check workers start
    if args.per_origin is not None:
        if args.per_origin > 16:
            raise ConfigError(f"--per-origin: expected 1 to 16, got {args.per_origin}")
        config = replace(config, record=replace(config.record, per_origin=args.per_origin))
    headers = parse_headers(args.header)
    feeds = args.feeds or [f.name for f in config.feeds]
    if args.shard is not None:  # this shard's feeds only, whole (as check --shard splits)
        feeds = args.feeds = feeds_in_shard(Replayer(config), args.shard, feeds, warn=stderr)
    started = datetime.now(UTC)
    report = (
        RecordReport(RecordMode.parse(args.record_mode), ())  # an empty shard: nothing to do
        if args.shard is not None and not feeds
        else record_feeds(
            config,
            args.feeds,
            mode=RecordMode.parse(args.record_mode),
            accept=args.accept,
            fetcher=Fetcher(config.record, headers=headers),
            progress=progress_for(stderr, len(feeds)),
            now=lambda: started,  # one time for the run: the cassettes, the state, the report
            state=None if args.no_state else (args.state or config.cassettes / STATE_NAME),
            fail_after=args.fail_after,
            check_jobs=args.check_jobs,
            **({"jobs": args.jobs} if args.jobs else {}),
        )
    )
    for warning in report.warnings:
        stderr.write(f"harness record: warning: {warning}\n")
    if args.report_dir is not None:
        try:
            write_report_dir(report, args.report_dir, recorded_at=to_utc_rfc3339(started))
        except OSError as err:  # the recordings are done; only the report is missing
            stderr.write(f"harness record: cannot write {args.report_dir}: {os_reason(err)}\n")
            return 2
    if args.format == "json":
        stdout.write(json_document(report_data(report)))
    else:
        stdout.write("\n".join(report.lines) + "\n")
    return report.exit_code


def parse_headers(values: list[str]) -> dict[str, str]:
    """``["Authorization: Bearer x"]`` -> ``{"Authorization": "Bearer x"}``; ConfigError if bad."""
    headers: dict[str, str] = {}
    for value in values:
        name, sep, text = value.partition(":")
        name = name.strip()
        if not sep or not name or any(c.isspace() for c in name):
            raise ConfigError(f"--header {value!r}: expected 'NAME: VALUE', e.g. 'X-Api-Key: ...'")
        headers[name] = text.strip()
    return headers


def report_data(report: RecordReport) -> dict[str, Any]:
    """The record report as JSON-ready data."""
    from harness import __version__
    from harness.report.finding import finding_data
    from harness.report.result_json import cassette_data

    feeds = []
    for record in report.feeds:
        check = None if record.check is None else cassette_data(record.check)
        feeds.append(
            {
                "feed": record.feed,
                "cassette": record.cassette,
                "verdict": record.verdict.value,
                "ok": record.ok,
                "reasons": list(record.reasons),
                "scratch": record.scratch,
                "status": record.status,
                "items": record.items,
                "requests": record.requests,
                "seconds": round(record.seconds, 3),
                "comparison": _comparison_data(record.comparison),
                "findings": [finding_data(f) for f in record.findings],
                "check": check,
                "flaky": record.flaky,
                "streak": _streak_data(record),
            }
        )
    return {
        "tool": "feedharness",
        "version": __version__,
        "mode": report.mode.value,
        "feeds": feeds,
        "exit_code": report.exit_code,
        "warnings": list(report.warnings),
    }


def _streak_data(record: FeedRecord) -> dict[str, Any] | None:
    streak = record.streak
    if streak is None:
        return None
    return {
        "failures": streak.failures,
        "since": streak.since,
        "allowed": streak.allowed,
        "recovered": streak.recovered,
    }


def _comparison_data(comparison: Comparison | None) -> dict[str, Any] | None:
    if comparison is None:
        return None
    return {
        "drifted": comparison.drifted,
        "drift": list(comparison.drift),
        "added": list(comparison.added),
        "removed": list(comparison.removed),
        "changed": [{"id": c.id, "fields": list(c.fields)} for c in comparison.changed],
        "unchanged": comparison.unchanged,
        "fill": [{"field": f.field, "old": f.old, "new": f.new} for f in comparison.fill],
        "new_violations": list(comparison.new_violations),
        "fixed_violations": list(comparison.fixed_violations),
        "notes": list(comparison.notes),
    }
