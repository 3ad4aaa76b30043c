"""``harness bless FEED``: accept a feed's current form as its baseline (reviewable JSON)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from harness.cli.options import add_git_options, git_options
from harness.config import HarnessConfig
from harness.errors import HarnessError

if TYPE_CHECKING:
    from harness.drift.baseline import Profile, Spread
    from harness.drift.feedversions import FeedRecordings
    from harness.drift.fingerprint import Fingerprint
    from harness.feedsetup import FeedSetup

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
    add_git_options(parser)
    return parser


def run(args: argparse.Namespace, config: HarnessConfig, *, stdout: TextIO, stderr: TextIO) -> int:
    """Fingerprint, compare with the old baseline (if any), write the new one."""
    from harness.drift import Fingerprinter, compare, current_form
    from harness.drift.baseline import baseline_path, load_baseline, profile, write_baseline
    from harness.drift.feedversions import FeedRecordings, feed_versions
    from harness.replay import Replayer

    prints = Fingerprinter(Replayer(config))
    config.feed_named(args.feed)
    if args.cassettes:
        chosen = [prints.path(p, feed=args.feed) for p in args.cassettes]
        wrong = [fp.path for fp in chosen if fp.feed != args.feed]
        if wrong:
            raise HarnessError(f"not recordings of feed {args.feed!r}: {', '.join(wrong)}")
        found = FeedRecordings(chosen)
    else:
        found = feed_versions(prints, args.feed, git_options(args))
        chosen = current_form(found.fingerprints)
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
    sources = _names(usable)
    if args.dry_run:
        print(f"would write {path} from {sources} ({new.items} item(s))", file=stdout)
        return 0
    write_baseline(path, new)
    for line in _pooled(usable, found):
        print(line, file=stdout)
    items = f"{new.items} item{'s' * (new.items != 1)}"
    print(f"wrote {path} from {sources} ({items}); {next_step(path)}", file=stdout)
    print_spreads(new, prints.replayer.setups.get(args.feed), stdout)
    return 0


# Recordings named in the "wrote" line before the rest are only counted.
_NAMES_SHOWN = 5


def _names(fps: list[Fingerprint]) -> str:
    from harness.textsafe import terminal_safe

    shown = ", ".join(terminal_safe(fp.name) for fp in fps[:_NAMES_SHOWN])
    more = len(fps) - _NAMES_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def _pooled(usable: list[Fingerprint], found: FeedRecordings) -> list[str]:
    """Which commits the pooled recordings came from, and the notes on where they came from."""
    from harness.textsafe import terminal_safe

    lines = [f"note: {terminal_safe(n)}" for n in found.notes]
    commits = [found.commits[fp.name] for fp in usable if fp.name in found.commits]
    if commits:
        first, last = commits[0], commits[-1]
        span = (
            f"{first.short} ({first.date[:10]})"
            if first == last
            else f"{first.short} ({first.date[:10]}) to {last.short} ({last.date[:10]})"
        )
        lines.insert(0, f"pooled {len(usable)} recording(s) from {len(commits)} commit(s): {span}")
    return lines


def next_step(path: Path) -> str:
    """What to do with the written baseline: ``git add`` it when git does not track it yet,
    ``git diff`` it when git tracks it; nothing about git outside a repository."""
    from harness.drift.gitversions import file_status

    state = file_status(path)
    if state is None:
        return "review it: it is the feed's baseline from now on"
    if state == "??":
        return f"review it, then `git add {path}` (git does not track it yet)"
    if state == "!!":
        return f"review it; git ignores it (see .gitignore): `git add -f {path}` to keep it"
    if state == "":
        return "unchanged: the same as the baseline committed"
    if state == "A ":
        return f"review it with `git diff --cached {path}`"
    return f"review it with `git diff {path}`"


def print_spreads(p: Profile, setup: FeedSetup | None, stdout: TextIO) -> None:
    """The spreads a baseline learned, one short block (the figures of a closing note)."""
    for line in spread_lines(p, setup):
        print(line, file=stdout)


def spread_lines(p: Profile, setup: FeedSetup | None) -> list[str]:
    """``learned spread of rfi: ...`` then one indented line per family of figures."""
    from harness.drift.baseline import bounded

    bounded_p = bounded(p, setup)
    counts = "" if p.counts is None else f"; items per recording {_counts(p.counts)}"
    lines = [f"learned spread of {p.feed}: {p.recordings} recording(s), {p.items} items{counts}"]
    for name, label, unit in _SHOWN:
        spread = p.metrics.get(name)
        if spread is not None:
            lines.append(f"  {label}: {_range(spread, unit)}{_window(bounded_p, name, unit)}")
    rates = p.fill_rates()
    always = [f for f, r in rates.items() if r == 1.0]
    some = [f"{f} {round(100 * r)}%" for f, r in rates.items() if r < 1.0]
    lines.append(f"  fields filled in every item: {', '.join(always) or 'none'}")
    if some:
        lines.append(f"  fields filled in some: {', '.join(some)}")
    return lines


# (metric, label, unit) shown by bless: the lag behind the date line, body length and paragraphs
_SHOWN = (
    ("offset", "lag behind the date line", "min"),
    ("text", "body text", "chars"),
    ("paragraphs", "paragraphs", ""),
)


def _counts(spread: Spread) -> str:
    """``1 to 4 (median 2)``, or ``30`` when every recording had as many."""
    from harness.drift.changes import num

    low, high = spread.at(0), spread.at(1)
    return num(low) if low == high else f"{num(low)} to {num(high)} (median {num(spread.median)})"


def _range(spread: Spread, unit: str) -> str:
    """``median 14 min (p10 3, p90 38, max 51; n=15)``."""
    from harness.drift.changes import num

    u = f" {unit}" if unit else ""
    return (
        f"median {num(spread.median)}{u} (min {num(spread.at(0))}, p10 {num(spread.at(0.1))}, "
        f"p90 {num(spread.at(0.9))}, max {num(spread.at(1))}; n={spread.n})"
    )


def _window(p: Profile, name: str, unit: str) -> str:
    """The normal range a new recording is held to (from 3 items on)."""
    from harness.drift.changes import normal_range, num, unscale

    spread = p.metrics[name]
    if spread.n < 3:
        return "; too few items to hold new recordings to"
    bounds = p.bounds.get(name)
    held = normal_range(name, spread, bounds)
    lo, hi = (unscale(name, v) for v in held)
    capped = (
        " (capped by the configured window)" if held != normal_range(name, spread, None) else ""
    )
    return f"; normal range {num(lo)} to {num(hi)}{f' {unit}' if unit else ''}{capped}"
