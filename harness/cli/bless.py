"""``harness bless FEED``: accept a feed's current form as its baseline (reviewable JSON)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from harness.config import HarnessConfig
from harness.errors import HarnessError

COMMAND = "bless"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Register ``harness bless``."""
    parser: argparse.ArgumentParser = sub.add_parser(
        COMMAND,
        help="accept a feed's current form: write <cassettes>/<feed>.baseline.json",
        description=(
            "Write the feed's baseline from its good recordings since the last drift in its "
            "history (or from the cassettes named, pooled). Prints what changed against the "
            "previous baseline."
        ),
    )
    parser.add_argument("feed", metavar="FEED")
    parser.add_argument(
        "cassettes",
        nargs="*",
        type=Path,
        metavar="CASSETTE",
        help="recordings to pool (default: the feed's recordings since its last drift)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would change, write nothing"
    )
    return parser


def run(args: argparse.Namespace, config: HarnessConfig, *, stdout: TextIO, stderr: TextIO) -> int:
    """Fingerprint, compare with the old baseline (if any), write the new one."""
    from harness.drift import Fingerprinter, compare, current_form, feed_recordings
    from harness.drift.baseline import baseline_path, load_baseline, profile, write_baseline
    from harness.replay import Replayer
    from harness.textsafe import terminal_safe

    prints = Fingerprinter(Replayer(config))
    config.feed_named(args.feed)
    if args.cassettes:
        chosen = [prints.path(p) for p in args.cassettes]
        wrong = [fp.path for fp in chosen if fp.feed != args.feed]
        if wrong:
            raise HarnessError(f"not recordings of feed {args.feed!r}: {', '.join(wrong)}")
    else:
        chosen = current_form(feed_recordings(prints, args.feed))
    usable = [fp for fp in chosen if fp.ok]
    if not usable:
        reasons = "; ".join(f"{fp.path}: {fp.transport or fp.error}" for fp in chosen)
        raise HarnessError(f"feed {args.feed!r}: no good recording to bless ({reasons or 'none'})")
    path = baseline_path(config.cassettes, args.feed)
    new = profile(usable)
    if path.is_file():
        old = load_baseline(path)
        changes = [f for fp in usable for f in compare(old, fp) if f.is_drift]
        for f in changes:
            print(f"accepting: {f.kind}: {f.title}", file=stdout)
        if not changes:
            print("no drift against the previous baseline", file=stdout)
    sources = ", ".join(terminal_safe(fp.name) for fp in usable)
    if args.dry_run:
        print(f"would write {path} from {sources} ({new.items} item(s))", file=stdout)
        return 0
    write_baseline(path, new)
    items = f"{new.items} item{'s' * (new.items != 1)}"
    print(f"wrote {path} from {sources} ({items}); review it with git diff", file=stdout)
    return 0
