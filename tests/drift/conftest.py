"""Shared fixtures of the drift tests: the repository's configuration, a runner, fingerprints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
from drift_paths import ROOT

from harness.config import load_config
from harness.drift import Fingerprinter
from harness.drift.fingerprint import Fingerprint
from harness.replay import Replayer
from harness.runner import Runner


@cache
def _runner() -> Runner:
    return Runner(load_config(ROOT / "harness.toml"))


@cache
def _prints() -> Fingerprinter:
    """Fingerprints of the repository's recordings, computed (the fingerprint cache off)."""
    return Fingerprinter(Replayer(replace(load_config(ROOT / "harness.toml"), cache_dir=None)))


@cache
def _print(path: Path) -> Fingerprint:
    return _prints().path(path)


@pytest.fixture
def runner() -> Runner:
    """A runner on the repository's harness.toml (built once)."""
    return _runner()


@pytest.fixture
def fingerprint() -> Callable[[Path], Fingerprint]:
    """Fingerprint a cassette (cached across tests: fingerprints are immutable)."""
    return _print
