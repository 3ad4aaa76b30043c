"""What the check-report formats share: counts, grouping, error kinds and their advice."""

from __future__ import annotations

import pytest
from report_samples import FAILING, SMALL, dateline

from harness.model import Result, Severity
from harness.report.result_common import (
    ERROR_KINDS,
    error_advice,
    group_by_check,
    severity_counts,
    summarize,
)


def test_internal_is_a_known_error_kind_with_advice() -> None:
    assert "internal" in ERROR_KINDS
    advice = error_advice("internal")
    assert advice is not None
    assert "bug in feedharness or in a third-party parser or invariant" in advice
    assert "report it with the message" in advice


@pytest.mark.parametrize("kind", [None, "cassette", "parse", "transport", "config", "gremlin"])
def test_errors_of_the_input_need_no_advice(kind: str | None) -> None:
    assert error_advice(kind) is None


def test_summarize_counts_outcomes_items_and_severities() -> None:
    s = summarize(SMALL)
    assert (s.cassettes, s.passed, s.failed, s.broken) == (3, 1, 1, 1)
    assert (s.items, s.errors, s.warnings) == (15, 2, 1)
    assert summarize(Result()).cassettes == 0


def test_groups_put_checks_with_errors_first_and_errors_first_within() -> None:
    warning = dateline(1, Severity.WARNING)
    groups = group_by_check((*FAILING.violations, warning))
    assert [check for check, _ in groups] == ["timestamp-matches-dateline", "items-have-links"]
    assert severity_counts(groups[0][1]) == (2, 1)
    assert groups[0][1][-1] is warning
