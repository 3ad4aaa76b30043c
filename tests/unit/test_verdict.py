"""One verdict: severities order, fail-on thresholds, kinds rated by [feeds.severity]."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.errors import ConfigError
from harness.feedsetup import PARSER_PROBLEMS, RECORDING_CHECKS
from harness.findings import Cause, Finding, Scope
from harness.invariants import INVARIANTS
from harness.kinds import KINDS
from harness.severity import Severity
from harness.verdict import exit_code, fails, parse_severity, rated

LEVELS = st.sampled_from(list(Severity))


def _finding(kind: str, level: Severity) -> Finding:
    return Finding(kind, "f", Scope.FEED, level, "t", "e", "x")


def test_kind_names_and_check_ids_never_collide() -> None:
    # [feeds.severity] names checks and kinds in one table: one name must mean one thing
    checks = {"schema", "drift", *PARSER_PROBLEMS, *RECORDING_CHECKS, *INVARIANTS.names()}
    assert set(KINDS) & checks == set()


def test_every_kind_has_a_known_cause_and_level() -> None:
    for kind, info in KINDS.items():
        assert Cause(info.cause), kind
        assert Severity(info.level), kind


@given(LEVELS, LEVELS)
def test_fails_is_the_order_of_severities(level: Severity, fail_on: Severity) -> None:
    order = [Severity.INFO, Severity.WARNING, Severity.ERROR]
    assert fails(level, fail_on) == (order.index(level) >= order.index(fail_on))


@given(st.lists(LEVELS), LEVELS)
def test_exit_code_is_1_exactly_when_something_fails(
    levels: list[Severity], fail_on: Severity
) -> None:
    assert exit_code(levels, fail_on) == int(any(fails(lv, fail_on) for lv in levels))
    assert exit_code(levels) == int(Severity.ERROR in levels)  # the default: errors only


def test_rated_changes_only_the_kinds_named() -> None:
    found = (_finding("description-markup", Severity.ERROR), _finding("links", Severity.WARNING))
    out = rated(found, {"description-markup": Severity.WARNING})
    assert [f.level for f in out] == [Severity.WARNING, Severity.WARNING]
    assert rated(found, {}) == found


def test_a_bad_severity_is_one_line_naming_where() -> None:
    with pytest.raises(ConfigError, match=r"^harness.toml: fail-on: 'fatal' is not a severity"):
        parse_severity("fatal", "harness.toml: fail-on")
