"""The command line: the parser of every sub-command, ``run(argv)`` and ``main()``.

Each sub-command lives in its own module, which has
  ``COMMAND``: its name;
  ``add_parser(sub) -> argparse.ArgumentParser``: registers it on the sub-command parsers;
  ``run(args, config, *, stdout, stderr) -> int``: runs it and returns the exit code.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import NoReturn, TextIO

from harness import __version__
from harness.cli.options import add_config_option
from harness.config import HarnessConfig, load_config
from harness.errors import HarnessError
from harness.severity import Severity

EXIT_USAGE = 2

_COMMAND_MODULES: tuple[str, ...] = (  # in the order `harness --help` lists them
    "harness.cli.init",
    "harness.cli.check",
    "harness.cli.listing",
    "harness.cli.record",
    "harness.cli.diff",
    "harness.cli.bless",
    "harness.cli.history",
    "harness.cli.audit",
    "harness.cli.report",
)


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
    for module in _command_modules():
        add_config_option(module.add_parser(sub))
    return parser


def _command_modules() -> list[ModuleType]:
    return [importlib.import_module(name) for name in _COMMAND_MODULES]


def run(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run a command; return its exit code (0 pass, 1 violations, 2 usage/config/input errors)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        args = build_parser().parse_args(argv)
        module = next((m for m in _command_modules() if args.command == m.COMMAND), None)
        if module is None:
            raise _UsageError(f"harness: unknown command {args.command!r}")
        config = _config(args, loads=getattr(module, "LOADS_CONFIG", True))
        return int(module.run(args, config, stdout=stdout, stderr=stderr))
    except _UsageError as err:
        print(f"{err} (see 'harness --help')", file=stderr)
        return EXIT_USAGE
    except HarnessError as err:
        print(f"harness: error: {' '.join(str(err).split())}", file=stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("harness: interrupted", file=stderr)
        return 130


def _config(args: argparse.Namespace, *, loads: bool) -> HarnessConfig:
    """The configuration a command runs with (``init`` writes one: it gets the defaults)."""
    if not loads:
        return HarnessConfig(cassettes=Path.cwd() / "cassettes")
    config = load_config(args.sub_config or args.config)
    if getattr(args, "fail_on", None) is not None:  # the command line wins over the file
        config = replace(config, fail_on=Severity(args.fail_on))
    return config


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
