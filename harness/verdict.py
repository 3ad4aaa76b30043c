"""One verdict for every command: which findings and violations fail a run, and the exit code.

``check``, ``diff``, ``record``, ``history``, ``audit`` and the pytest plugin all decide here:

* exit 1 when any finding or violation is at or above the run's ``fail-on`` severity (default
  ``error``; ``--fail-on`` on the command line, ``fail-on`` in the configuration);
* exit 2 for usage, configuration and unreadable input (raised or reported before this);
* else exit 0. Warnings and infos are reported, and fail only a stricter ``fail-on``.

A feed's ``[feeds.severity]`` table rates findings by kind (``description-markup = "warning"``)
as it rates violations by check id, in every command (:func:`rated`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from harness.errors import ConfigError
from harness.findings import Finding
from harness.kinds import KINDS
from harness.severity import Severity

__all__ = ["FAIL_ON", "exit_code", "fails", "known_kinds", "parse_severity", "rated"]

FAIL_ON = Severity.ERROR
"""The default threshold: a run fails on errors only."""


def parse_severity(value: Any, where: str) -> Severity:
    """A severity from configuration or the command line; ConfigError naming ``where``."""
    try:
        return Severity(value)
    except ValueError:
        allowed = ", ".join(repr(s.value) for s in Severity)
        raise ConfigError(f"{where}: {value!r} is not a severity; allowed: {allowed}") from None


def fails(level: Severity, fail_on: Severity = FAIL_ON) -> bool:
    """Whether something of ``level`` fails a run whose threshold is ``fail_on``."""
    return level.rank >= fail_on.rank


def exit_code(levels: Iterable[Severity], fail_on: Severity = FAIL_ON) -> int:
    """1 when any level fails the run, else 0 (unreadable input is 2 before this is asked)."""
    return 1 if any(fails(level, fail_on) for level in levels) else 0


def rated(findings: Iterable[Finding], overrides: Mapping[str, Severity]) -> tuple[Finding, ...]:
    """Findings with the feed's ``[feeds.severity]`` applied by kind (unlisted kinds unchanged)."""
    out = []
    for f in findings:
        level = overrides.get(f.kind)
        out.append(f if level is None or level is f.level else replace(f, level=level))
    return tuple(out)


def known_kinds() -> frozenset[str]:
    """The finding kinds a ``[feeds.severity]`` table may name."""
    return frozenset(KINDS)
