"""A `DriftReport` -> JSON, and the JSON Schema that output follows."""

from __future__ import annotations

from typing import Any

from harness.drift import DriftReport, FeedHistory, Scope
from harness.report.common import json_document
from harness.report.finding import FINDING_SCHEMA, finding_data

__all__ = ["DRIFT_REPORT_SCHEMA", "finding_data", "render_json", "to_json_data"]


def to_json_data(report: DriftReport) -> dict[str, Any]:
    """The report as plain data, valid against DRIFT_REPORT_SCHEMA."""
    from harness import __version__

    feeds = [_feed_data(h) for h in report.feeds]
    findings = [f for h in report.feeds for f in h.findings]
    return {
        "tool": "feedharness",
        "version": __version__,
        "report": "drift",
        "mode": report.mode,
        "exit_code": report.exit_code,
        "fail_on": report.fail_on.value,
        "errors": list(report.errors),
        "summary": {
            "feeds": len(report.feeds),
            "drifted": sum(h.drifted for h in report.feeds),
            "drift_findings": sum(f.scope is Scope.FEED for f in findings),
            "item_problems": sum(f.scope is Scope.ITEM for f in findings),
            "transport_failures": sum(f.scope is Scope.RECORDING for f in findings),
        },
        "feeds": feeds,
    }


def _feed_data(h: FeedHistory) -> dict[str, Any]:
    return {
        "feed": h.feed,
        "drifted": h.drifted,
        "recordings": list(h.recordings),
        "findings": [finding_data(f) for f in h.findings],
        "timeline": [
            {
                "recording": p.recording,
                "path": p.path,
                "recorded_at": p.recorded_at,
                "items": p.items,
                "transport": p.transport,
                "fill": dict(p.fill),
                "offset_minutes": p.offset,
                "boilerplate_share": p.boilerplate,
                "first_seen": list(p.findings),
            }
            for p in h.timeline
        ],
    }


def render_json(report: DriftReport) -> str:
    """The JSON report (controls, bidi and separators escaped even inside strings)."""
    return json_document(to_json_data(report))


_STR = {"type": "string"}
_OPT_STR = {"type": ["string", "null"]}
DRIFT_REPORT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "feedharness drift report",
    "type": "object",
    "required": [
        "tool",
        "version",
        "report",
        "mode",
        "exit_code",
        "fail_on",
        "errors",
        "summary",
        "feeds",
    ],
    "properties": {
        "tool": {"const": "feedharness"},
        "version": _STR,
        "report": {"const": "drift"},
        "mode": {"enum": ["diff", "history", "baseline"]},
        "exit_code": {"enum": [0, 1, 2]},
        "fail_on": {"enum": ["error", "warning", "info"]},
        "errors": {"type": "array", "items": _STR},
        "summary": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
        "feeds": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["feed", "drifted", "recordings", "findings", "timeline"],
                "properties": {
                    "feed": _OPT_STR,
                    "drifted": {"type": "boolean"},
                    "recordings": {"type": "array", "items": _STR},
                    "findings": {"type": "array", "items": {"$ref": "#/$defs/finding"}},
                    "timeline": {"type": "array", "items": {"type": "object"}},
                },
            },
        },
    },
    "$defs": {"finding": FINDING_SCHEMA},
}
"""The JSON Schema (Draft 2020-12) of `render_json`'s output."""
