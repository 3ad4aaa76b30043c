"""Shared test setup: Hypothesis profiles and paths to the repository's data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from harness.audit.operators import OPERATORS
from harness.invariants import INVARIANTS
from harness.parsers import PARSERS

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"

# Deterministic in CI (derandomized, no example database); "thorough" for nightly runs.
settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "thorough", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

# Tests never write to the user's cache: every process of this run (xdist workers and the
# `harness` subprocesses inherit the variable) caches decoded cassettes in one temporary folder.
if "FEEDHARNESS_CACHE" not in os.environ:
    import atexit
    import shutil
    import tempfile

    _CACHE = tempfile.mkdtemp(prefix="feedharness-test-cache-")
    os.environ["FEEDHARNESS_CACHE"] = _CACHE
    atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)


@pytest.fixture(autouse=True)
def _registries_restored() -> Iterator[None]:
    """What a test registers (a parser, an invariant, an operator) is gone after it."""
    with PARSERS.restored(), INVARIANTS.restored(), OPERATORS.restored():
        yield
