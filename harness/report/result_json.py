"""A check's `Result` -> the JSON report (schemas/report.schema.json)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from harness.model import CassetteResult, Result, Severity, Violation
from harness.report.common import json_document
from harness.report.finding import finding_data
from harness.report.result_common import ERROR_KINDS, Tally, spool
from harness.textsafe import json_safe

if TYPE_CHECKING:
    from harness.shard import Plan

__all__ = ["render_check_json", "render_json", "to_json_data", "write_json"]


def render_json(result: Result) -> str:
    """The JSON report as text: feed text kept, what a terminal would act on escaped."""
    out = io.StringIO()
    write_json(result.cassettes, out)
    return out.getvalue()


def render_check_json(
    result: Result,
    *,
    skipped_files: Sequence[tuple[str, str]] = (),
    plan: Plan | None = None,
    fail_on: Severity | None = None,
) -> str:
    """``harness check``'s JSON report of a whole result (:func:`write_json`'s text)."""
    out = io.StringIO()
    write_json(result.cassettes, out, skipped_files=skipped_files, plan=plan, fail_on=fail_on)
    return out.getvalue()


def write_json(
    results: Iterable[CassetteResult],
    out: TextIO,
    *,
    skipped_files: Sequence[tuple[str, str]] = (),
    plan: Plan | None = None,
    fail_on: Severity | None = None,
) -> Tally:
    """`render_json` from a stream of results (the same text); returns the counts.

    The summary comes first in the document but is known last: each cassette's entry is
    written to a spool as it arrives (then dropped), the summary after the last one, and the
    document is head + summary + the spooled entries + the run's blocks. Every entry is
    ``json.dumps(indent=2)`` of its data, indented to its depth in the document, so the text
    is the whole document's.

    ``harness check`` adds what ``harness report merge`` needs: ``skipped_files`` (shown path,
    reason: what the folder scan passed over, written only when there are some, as the text
    report lists them), for ``check --shard K/N`` the ``shard`` block and each entry's
    ``position`` (its file's place in the whole run's order), and ``fail_on``, the run's
    threshold, written also when nothing was checked (a shard with nothing to do).
    """
    tally = Tally()
    with spool() as entries:
        for n, c in enumerate(results):
            if n:
                entries.write(",\n")
            data = cassette_data(c)
            if plan is not None:
                data["position"] = plan.positions[data["path"]]
            entry = json.dumps(data, ensure_ascii=False, indent=2)
            entries.write(_ENTRY_INDENT + entry.replace("\n", "\n" + _ENTRY_INDENT))
            tally.add(c)
        head = _document(tally, [], fail_on=fail_on)
        tail = _run_blocks(skipped_files, plan)
        if not tally.summary().cassettes:
            out.write(json_document(head | tail))
            return tally
        text = json_document(head)
        assert text.endswith(_EMPTY_TAIL)  # '"cassettes": []' closes the document
        out.write(text.removesuffix(_EMPTY_TAIL) + "[\n")
        entries.seek(0)
        for chunk in iter(lambda: entries.read(1 << 16), ""):
            out.write(json_safe(chunk))  # escapes character by character: chunking is safe
        out.write("\n  ]")
        # the blocks after "cassettes", as json_document writes them in the whole document
        after = json_document({"cassettes": [], **tail})
        out.write(after[after.index(_EMPTY_LIST) + len(_EMPTY_LIST) :])
    return tally


_ENTRY_INDENT = " " * 4  # json.dumps(indent=2): document > "cassettes" > entry
_EMPTY_TAIL = "[]\n}\n"
_EMPTY_LIST = '"cassettes": []'


def _run_blocks(skipped_files: Sequence[tuple[str, str]], plan: Plan | None) -> dict[str, Any]:
    blocks: dict[str, Any] = {}
    if skipped_files:
        blocks["skipped_files"] = [{"path": path, "reason": why} for path, why in skipped_files]
    if plan is not None:
        blocks["shard"] = {
            "index": plan.shard.index,
            "count": plan.shard.count,
            "units": plan.units,
            "files": len(plan.positions),
            "digest": plan.digest,
        }
    return blocks


def to_json_data(result: Result) -> dict[str, Any]:
    """Return the JSON report as plain data (schemas/report.schema.json); text is not escaped."""
    tally = Tally()
    for c in result.cassettes:
        tally.add(c)
    return _document(tally, [cassette_data(c) for c in result.cassettes])


def _document(
    tally: Tally, cassettes: list[dict[str, Any]], *, fail_on: Severity | None = None
) -> dict[str, Any]:
    from harness import __version__  # harness/__init__ is the one place the version is written

    s = tally.summary()
    summary: dict[str, Any] = {
        "cassettes": s.cassettes,
        "passed": s.passed,
        "failed": s.failed,
        "broken": s.broken,
        "items": s.items,
        "errors": s.errors,
        "warnings": s.warnings,
        "exit_code": tally.exit_code,
        # the run's threshold when given, else the results' (error when none was checked)
        "fail_on": (fail_on or tally.fail_on or Severity.ERROR).value,
    }
    if s.skipped:  # only then: reports of runs with no such cassette stay as they were
        summary["skipped"] = s.skipped
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
