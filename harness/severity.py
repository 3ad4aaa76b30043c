"""How much a violation or finding matters: error, warning, info."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Severity"]


class Severity(StrEnum):
    """How much a violation or finding matters. A run fails on what is at or above its
    ``fail-on`` severity (:mod:`harness.verdict`; default error); the rest is reported."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """2 error, 1 warning, 0 info: compare severities by this."""
        return _RANKS[self]


_RANKS = {Severity.ERROR: 2, Severity.WARNING: 1, Severity.INFO: 0}
