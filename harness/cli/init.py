"""``harness init [FOLDER|CASSETTE|URL ...]``: write a configuration from existing recordings."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from harness.config import HarnessConfig
from harness.errors import HarnessError

COMMAND = "init"
LOADS_CONFIG = False  # init writes the configuration: a missing or broken one is no error here
TABLE = "tool.harness"


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Register ``harness init``."""
    parser: argparse.ArgumentParser = sub.add_parser(
        COMMAND,
        help="write harness.toml from the cassettes you have (and feed URLs)",
        description=(
            "Read every cassette under the folders given (recursively; pytest-recording's "
            "cassettes/<module>/<test>.yaml too), one [[feeds]] per recorded feed URL, and write "
            "the parser, language, timezone and the generic invariants that pass on them. "
            "URLs name feeds (nothing is fetched). Prints one line per feed: what and why."
        ),
    )
    parser.add_argument(
        "sources",
        nargs="+",
        metavar="FOLDER|CASSETTE|URL",
        help="cassette folders or files, and feed URLs (http/https)",
    )
    parser.add_argument(
        "--pyproject",
        action="store_true",
        help=f"append a [{TABLE}] table to ./pyproject.toml instead of writing ./harness.toml",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace an existing harness.toml or [tool.harness]"
    )
    return parser


def run(args: argparse.Namespace, config: HarnessConfig, *, stdout: TextIO, stderr: TextIO) -> int:
    """Infer the feeds, write the file, print one line per feed (and per file skipped)."""
    from harness.onboard import infer, render_toml

    missing = [s for s in args.sources if not _is_url(s) and not Path(s).exists()]
    if missing:
        raise HarnessError(f"no such file or folder: {', '.join(missing)}")
    target = Path("pyproject.toml" if args.pyproject else "harness.toml")
    _refuse_overwrite(target, pyproject=args.pyproject, force=args.force)
    found = infer(args.sources, cache_dir=config.cache_dir)
    if not found.feeds:
        raise HarnessError(
            f"no feed found in {', '.join(args.sources)}: no cassette with a feed response "
            "and no feed URL; nothing written"
        )
    text = render_toml(found, Path.cwd(), table=TABLE if args.pyproject else "")
    _write(target, text, pyproject=args.pyproject)
    for feed in found.feeds:
        print(feed.summary(), file=stdout)
    for skipped in found.skipped:
        print(f"skipped {skipped.path}: {skipped.reason}", file=stdout)
    if found.skipped:
        print("harness check lists them as skipped, not feeds (exit 0)", file=stdout)
    print(f"wrote {target}; next: harness check", file=stdout)
    del stderr
    return 0


def _is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def _refuse_overwrite(target: Path, *, pyproject: bool, force: bool) -> None:
    if force:
        return
    if pyproject and target.is_file() and _has_table(target.read_text(encoding="utf-8")):
        raise HarnessError(f"{target} already has [{TABLE}]; --force replaces it")
    if not pyproject and target.exists():
        raise HarnessError(f"{target} exists; --force replaces it")


def _has_table(text: str) -> bool:
    return any(_is_harness_header(line) for line in text.splitlines())


def _is_harness_header(line: str) -> bool:
    head = line.strip().lstrip("[").rstrip("]").strip()
    return line.strip().startswith("[") and (head == TABLE or head.startswith(TABLE + "."))


def _write(target: Path, text: str, *, pyproject: bool) -> None:
    from harness.fileio import write_atomic

    if pyproject and target.is_file():
        kept = _without_table(target.read_text(encoding="utf-8")).rstrip("\n")
        text = f"{kept}\n\n{text}" if kept else text
    try:
        write_atomic(target, text)
    except OSError as err:
        raise HarnessError(f"{target}: cannot write: {err.strerror or err}") from None


def _without_table(text: str) -> str:
    """pyproject.toml without its [tool.harness] tables (what --force replaces)."""
    kept: list[str] = []
    inside = False
    for line in text.splitlines():
        if line.strip().startswith("["):
            inside = _is_harness_header(line)
        if not inside:
            kept.append(line)
    return "\n".join(kept) + "\n"
