"""The command line: ``harness check`` and ``harness list``; ``main()`` exits with ``run(argv)``."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn, TextIO

from harness import __version__
from harness.config import HarnessConfig, load_config
from harness.errors import HarnessError
from harness.fileio import write_atomic

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line and exit code 2, without printing usage."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{self.prog}: {message}")


class _UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    parser = _Parser(prog="harness", description="Replay recorded feeds and check every item.")
    parser.add_argument("--version", action="version", version=f"feedharness {__version__}")
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="harness.toml or pyproject.toml to use (default: the nearest one)",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    check = sub.add_parser("check", help="replay cassettes and check their items")
    check.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="cassette files, stored items or folders (default: the configured cassettes)",
    )
    check.add_argument("--format", choices=["text", "json", "markdown", "junit"], default="text")
    check.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="FILE",
        help="write the report to FILE (atomically) instead of standard output",
    )
    check.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    check.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N",
        help="check files in N worker processes (0: one per CPU); same report as -j 1",
    )
    check.add_argument(
        "--no-cache",
        action="store_true",
        help="decode every cassette from its YAML (no cache of decoded cassettes for this run)",
    )
    check.add_argument(
        "--config", type=Path, metavar="FILE", dest="sub_config", help=argparse.SUPPRESS
    )
    lister = sub.add_parser("list", help="list configured feeds, parsers and invariants")
    add_config_option(lister)
    for module in _command_modules():
        add_config_option(module.add_parser(sub))
    return parser


# Further sub-commands live in their own modules; each has
#   add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser   (sets COMMAND name)
#   run(args, config, *, stdout, stderr) -> int
_COMMAND_MODULES: tuple[str, ...] = (
    "harness.cli.record",
    "harness.cli.diff",
    "harness.cli.bless",
    "harness.cli.history",
    "harness.cli.audit",
)


def _command_modules() -> list[Any]:
    import importlib

    return [importlib.import_module(name) for name in _COMMAND_MODULES]


def add_config_option(parser: argparse.ArgumentParser) -> None:
    """Accept --config after the sub-command too (it wins over the one before it)."""
    parser.add_argument(
        "--config", type=Path, metavar="FILE", dest="sub_config", help=argparse.SUPPRESS
    )


def run(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run a command; return its exit code (0 pass, 1 violations, 2 usage/config/input errors)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        args = build_parser().parse_args(argv)
        config = load_config(args.sub_config or args.config)
        if args.command == "list":
            return _list(config, stdout)
        if args.command == "check":
            return _check(args, config, stdout)
        for module in _command_modules():
            if args.command == module.COMMAND:
                return int(module.run(args, config, stdout=stdout, stderr=stderr))
        raise _UsageError(f"harness: unknown command {args.command!r}")
    except _UsageError as err:
        print(f"{err} (see 'harness --help')", file=stderr)
        return EXIT_USAGE
    except HarnessError as err:
        print(f"harness: error: {' '.join(str(err).split())}", file=stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("harness: interrupted", file=stderr)
        return 130


def _check(args: argparse.Namespace, config: HarnessConfig, stdout: TextIO) -> int:
    from harness.drift import BaselineStep
    from harness.report.result import Format, render
    from harness.runner import Runner

    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        raise HarnessError(f"no such file or folder: {', '.join(missing)}")
    if args.no_cache:
        config = replace(config, cache_dir=None)
    runner = Runner(config, steps=(BaselineStep,))
    result = runner.check_paths(args.paths, jobs=args.jobs)
    if not result.cassettes:
        where = ", ".join(map(str, args.paths)) or str(config.cassettes)
        raise HarnessError(f"no cassettes (.yaml/.yml) or stored items found in {where}")
    fmt = Format(args.format)
    color = args.color == "always" or (
        args.color == "auto" and args.output is None and fmt is Format.TEXT and _is_tty(stdout)
    )
    text = render(result, fmt, color=color)
    if args.output is None:
        stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        _write_atomic(args.output, text)
    return result.exit_code


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of jobs, got {value!r}") from None
    if jobs < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more jobs, got {jobs}")
    return jobs or os.cpu_count() or 1


def _is_tty(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def _write_atomic(path: Path, text: str) -> None:
    try:
        write_atomic(path, text if text.endswith("\n") else text + "\n")
    except OSError as err:
        raise HarnessError(f"{path}: cannot write report: {err.strerror}") from None


def _list(config: HarnessConfig, stdout: TextIO) -> int:
    from harness.invariants import available_invariants, get_invariant
    from harness.parsers import available_parsers

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


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Console-script entry point."""
    for stream in (sys.stdout, sys.stderr):  # a non-UTF-8 terminal gets escapes, not a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        code = run(argv)
        sys.stdout.flush()
    except BrokenPipeError:  # `harness list | head`: the reader left; not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    sys.exit(code)
