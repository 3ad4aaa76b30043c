"""nox sessions: tests, lint, typing, check (the default set) — ``nox -l`` lists them."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests", "lint", "typing", "check"]


@nox.session  # the interpreter running nox: a version list errors under CI=true when one is missing
def tests(session: nox.Session) -> None:
    """Run the test suite against the installed package."""
    session.install(".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff: lint and formatting of the package, tests and tools."""
    session.install("ruff")
    session.run("ruff", "check", "harness", "tests", "tools", "noxfile.py")


@nox.session
def typing(session: nox.Session) -> None:
    """mypy --strict on the package."""
    session.install(".", "mypy", "types-PyYAML")
    session.run("mypy", "harness")


@nox.session
def check(session: nox.Session) -> None:
    """Replay the bundled cassettes through their parsers and check every item."""
    session.install(".")
    session.run("harness", "check", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Every benchmark at its small sizes (not a default session; see bench/README.md):
    against feedparser, check at 100 and 1,000 cassettes, history over 365 recordings,
    record over 100 and 1,000 local feeds. FEEDHARNESS_BENCH_FULL=1 adds check at 10,000."""
    session.install(".[test]", "feedparser")  # pytest-xdist for the pytest -n timings
    session.run("python", "bench/bench.py", *session.posargs)
    session.run("python", "bench/scale.py")
    session.run("python", "bench/history_scale.py", "--runs", "1")
    session.run("python", "bench/record_scale.py")


@nox.session(name="bench-scale")
def bench_scale(session: nox.Session) -> None:
    """Throughput and memory at 100 and 1,000 cassettes (``-- --full`` or
    FEEDHARNESS_BENCH_FULL=1 adds 10,000); not a default session (bench/scale.py)."""
    session.install(".")
    session.run("python", "bench/scale.py", *session.posargs)
