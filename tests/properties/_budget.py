"""Example counts for the property tests: small under the ci/dev profiles, large under thorough."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent.parent
CASSETTES = ROOT / "cassettes"
THOROUGH = settings.default.max_examples >= 1000  # the "thorough" profile (2000 examples)


def examples(ci: int, thorough: int | None = None) -> int:
    """``ci`` examples normally; ``thorough`` (default 20x) under the thorough profile."""
    return (thorough or ci * 20) if THOROUGH else ci


def budget(ci: int, thorough: int | None = None) -> settings:
    """Settings for a slow property: ``examples(ci, thorough)`` examples, no deadline."""
    return settings(
        max_examples=examples(ci, thorough),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
