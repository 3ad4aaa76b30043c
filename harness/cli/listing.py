"""``harness list``: the configuration in use, its feeds, the parsers and invariants registered."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from harness.config import HarnessConfig

COMMAND = "list"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Register ``harness list``."""
    parser: argparse.ArgumentParser = sub.add_parser(
        COMMAND, help="list configured feeds, parsers and invariants"
    )
    return parser


def run(args: argparse.Namespace, config: HarnessConfig, *, stdout: TextIO, stderr: TextIO) -> int:
    """Print the configuration, feeds, parsers and invariants; always 0."""
    from harness.invariants import available_invariants, get_invariant
    from harness.parsers import available_parsers

    del args, stderr
    print(f"configuration: {config.source or '(none found: defaults)'}", file=stdout)
    print(f"cassettes: {config.cassettes}", file=stdout)
    print(f"cache of decoded cassettes: {config.cache_dir or 'off'}", file=stdout)
    print("feeds:", file=stdout)
    for feed in config.feeds:
        print(f"  {feed.name}: {', '.join(feed.urls)} (parser {feed.parser})", file=stdout)
    print(f"parsers: {', '.join(available_parsers())}", file=stdout)
    print("invariants:", file=stdout)
    for name in available_invariants():
        print(f"  {name}: {get_invariant(name).doc}", file=stdout)
    return 0
