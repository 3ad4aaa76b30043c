"""The command line: ``main()`` exits with ``run(argv)``; one module per command."""

from harness.cli.main import build_parser, main, run

__all__ = ["build_parser", "main", "run"]
