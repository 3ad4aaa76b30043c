"""The kinds of finding, for the drift modules (the table itself is :mod:`harness.kinds`)."""

from __future__ import annotations

from harness.kinds import KINDS, KindInfo, kind_of, priority

__all__ = ["KINDS", "KindInfo", "kind_of", "priority"]
