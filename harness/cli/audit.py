"""``harness audit [FEED ...]``: how much of each drift operator would the checks catch."""

from __future__ import annotations

import argparse
import importlib.util
from typing import Any, TextIO

from harness.cli.options import add_fail_on_option
from harness.config import HarnessConfig
from harness.errors import HarnessError
from harness.shard import HELP, shard_argument

COMMAND = "audit"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Add the ``audit`` sub-command to the CLI's sub-parsers."""
    parser: argparse.ArgumentParser = sub.add_parser(
        COMMAND,
        help="apply drift and benign operators to real recordings and score the checks",
        description=(
            "Change each feed's real recordings with every drift operator (form changes) and "
            "benign operator (content changes), many Hypothesis examples each, and report which "
            "drift the checks catch and which benign change raises a false alarm. Exit 1 when a "
            "drift operator is missed or a benign one alarms."
        ),
    )
    parser.add_argument(
        "feeds", nargs="*", metavar="FEED", help="configured feed names (default: every feed)"
    )
    parser.add_argument(
        "--examples",
        type=_positive,
        default=None,
        metavar="N",
        help="Hypothesis examples per operator and recording (default: 20)",
    )
    parser.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    parser.add_argument(
        "--operator",
        action="append",
        default=[],
        metavar="ID",
        dest="operators",
        help="only this operator (repeatable; 'harness audit --list-operators' names them)",
    )
    parser.add_argument(
        "--latest", action="store_true", help="only the newest recording of each feed"
    )
    parser.add_argument(
        "--no-drift",
        action="store_true",
        help="checks only: leave drift detection (harness.drift) out",
    )
    parser.add_argument("--list-operators", action="store_true", help="list the operators and exit")
    parser.add_argument("--shard", type=shard_argument, default=None, metavar="K/N", help=HELP)
    add_fail_on_option(parser)
    return parser


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of examples, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1 example, got {number}")
    return number


def run(args: argparse.Namespace, config: HarnessConfig, *, stdout: TextIO, stderr: TextIO) -> int:
    """Run the audit and print its report; the exit code is the report's."""
    from harness.audit.operators import operators

    if args.list_operators:
        for op in operators():
            print(f"{op.id}  [{op.kind.value}]  {op.doc}", file=stdout)
        return 0
    if importlib.util.find_spec("hypothesis") is None:  # an optional dependency
        raise HarnessError(
            "harness audit needs Hypothesis, which is not installed: install feedharness "
            "with its audit extra from a checkout (feedharness is not on PyPI): "
            "pip install '/path/to/feedharness[audit]' (or: pip install 'hypothesis>=6.100')"
        )
    from harness.audit.report import render_audit
    from harness.audit.run import DEFAULT_EXAMPLES, AuditReport, audit
    from harness.replay import Replayer
    from harness.shard import feeds_in_shard

    examples = args.examples or DEFAULT_EXAMPLES
    feeds = args.feeds
    if args.shard is not None:  # this shard's feeds only, whole (as check --shard splits)
        names = feeds or [f.name for f in config.feeds]
        feeds = feeds_in_shard(Replayer(config), args.shard, names, warn=stderr)
    report = (
        AuditReport((), examples, ("checks",))  # an empty shard: nothing to audit, no failure
        if args.shard is not None and not feeds
        else audit(
            config,
            feeds,
            examples=examples,
            latest=args.latest,
            only=args.operators,
            drift=not args.no_drift,
        )
    )
    stdout.write(render_audit(report, args.format))
    return report.exit_code
