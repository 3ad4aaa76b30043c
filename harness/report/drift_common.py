"""What every format of a `DriftReport` shares: findings by scope."""

from __future__ import annotations

from harness.drift import FeedHistory, Finding, Scope

__all__ = ["split_findings"]


def split_findings(h: FeedHistory) -> tuple[list[Finding], list[Finding], list[Finding]]:
    """A feed's findings as (feed drift, item problems, transport failures)."""
    drift = [f for f in h.findings if f.scope is Scope.FEED]
    items = [f for f in h.findings if f.scope is Scope.ITEM]
    transport = [f for f in h.findings if f.scope is Scope.RECORDING]
    return drift, items, transport
