"""A check's `Result` -> the JSON report (schemas/report.schema.json)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from harness.model import CassetteResult, Result, Severity, Violation
from harness.report.common import json_document
from harness.report.finding import finding_data
from harness.report.result_common import ERROR_KINDS, summarize

if TYPE_CHECKING:
    from harness.shard import Plan

__all__ = ["render_check_json", "render_json", "to_json_data"]


def render_json(result: Result) -> str:
    """The JSON report as text: feed text kept, what a terminal would act on escaped."""
    return json_document(to_json_data(result))


def to_json_data(result: Result) -> dict[str, Any]:
    """Return the JSON report as plain data (schemas/report.schema.json); text is not escaped."""
    from harness import __version__  # harness/__init__ is the one place the version is written

    s = summarize(result)
    summary = {
        "cassettes": s.cassettes,
        "passed": s.passed,
        "failed": s.failed,
        "broken": s.broken,
        "items": s.items,
        "errors": s.errors,
        "warnings": s.warnings,
        "exit_code": result.exit_code,
        "fail_on": _fail_on(result),
    }
    if s.skipped:  # only then: reports of runs with no such cassette stay as they were
        summary["skipped"] = s.skipped
    cassettes = [cassette_data(c) for c in result.cassettes]
    return {
        "tool": "feedharness",
        "version": __version__,
        "summary": summary,
        "cassettes": cassettes,
    }


def cassette_data(c: CassetteResult) -> dict[str, Any]:
    """One cassette's entry of the report: what was checked, its outcome, error and violations.

    ``interaction``, ``skipped`` and ``skip_reason`` are written only when they say something
    (a cassette of several feeds, interactions that are not feeds, a cassette with no feed).
    """
    error = None
    if c.error is not None:
        kind = c.error_kind if c.error_kind in ERROR_KINDS else "unknown"
        error = {"kind": kind, "message": c.error}
    data = _checked_data(c, error)
    if c.interaction is not None:
        data["interaction"] = c.interaction
    if c.skipped:
        data["skipped"] = [
            {"interaction": s.interaction, "url": s.url, "reason": s.reason} for s in c.skipped
        ]
    if c.skip_reason is not None:
        data["skip_reason"] = c.skip_reason
    return data


def _checked_data(c: CassetteResult, error: dict[str, str] | None) -> dict[str, Any]:
    return {
        "path": c.path,
        "feed": c.feed,
        "url": c.url,
        "parser": c.parser,
        "schema": c.schema,
        "dialect": c.dialect,
        "items": c.items,
        "checks": list(c.checks),
        "outcome": c.outcome.value,
        "error": error,
        "notes": list(c.notes),
        "violations": [_violation_data(v) for v in c.violations],
        "findings": [finding_data(f) for f in c.findings],
    }


def _fail_on(result: Result) -> str:
    """The run's threshold (every cassette of a run has the same; error when none was checked)."""
    return result.cassettes[0].fail_on.value if result.cassettes else "error"


def _violation_data(v: Violation) -> dict[str, Any]:
    return {
        "check": v.check,
        "severity": v.severity.value,
        "message": v.message,
        "field": v.field,
        "observed": v.observed,
        "expected": v.expected,
        "item": {"index": v.item_index, "id": v.item_id, "url": v.item_url},
    }


def render_check_json(
    result: Result,
    *,
    skipped_files: Sequence[tuple[str, str]] = (),
    plan: Plan | None = None,
    fail_on: Severity | None = None,
) -> str:
    """``harness check``'s JSON report: the result, the files the folder scan passed over and,
    for ``check --shard K/N``, what ``harness report merge`` needs to rebuild the whole run.

    ``skipped_files`` are (shown path, reason), written only when there are some (as the text
    report lists them); a shard report adds the ``shard`` block and each entry's ``position``
    (its file's place in the whole run's order). ``fail_on``, the run's threshold, is written
    also when the result is empty (a shard with nothing to check).
    """
    data = to_json_data(result)
    if fail_on is not None:
        data["summary"]["fail_on"] = fail_on.value
    if skipped_files:
        data["skipped_files"] = [{"path": path, "reason": why} for path, why in skipped_files]
    if plan is not None:
        data["shard"] = {
            "index": plan.shard.index,
            "count": plan.shard.count,
            "units": plan.units,
            "files": len(plan.positions),
            "digest": plan.digest,
        }
        for entry in data["cassettes"]:
            entry["position"] = plan.positions[entry["path"]]
    return json_document(data)
