"""A `DriftReport` -> JSON, and the JSON Schema that output follows."""

from __future__ import annotations

from typing import Any

from harness.drift import DriftReport, FeedHistory, Finding, Scope
from harness.report.common import json_document

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


def finding_data(f: Finding) -> dict[str, Any]:
    """One finding as plain data."""
    return {
        "kind": f.kind,
        "feed": f.feed,
        "scope": f.scope.value,
        "level": f.level.value,
        "title": f.title,
        "explanation": f.explanation,
        "field": f.field,
        "first_seen": f.first_seen,
        "last_good": f.last_good,
        "seen_in": list(f.seen_in),
        "detail": f.detail,
        "signals": [
            {"signal": s.signal, "before": s.before, "after": s.after, "change": s.change}
            for s in f.signals
        ],
        "examples": [{"item": e.item, "title": e.title, "excerpt": e.excerpt} for e in f.examples],
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
    "required": ["tool", "version", "report", "mode", "exit_code", "errors", "summary", "feeds"],
    "properties": {
        "tool": {"const": "feedharness"},
        "version": _STR,
        "report": {"const": "drift"},
        "mode": {"enum": ["diff", "history", "baseline"]},
        "exit_code": {"enum": [0, 1, 2]},
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
    "$defs": {
        "finding": {
            "type": "object",
            "required": ["kind", "scope", "level", "title", "field", "signals", "examples"],
            "properties": {
                "kind": _STR,
                "feed": _OPT_STR,
                "scope": {"enum": ["feed", "item", "recording"]},
                "level": {"enum": ["error", "warning", "info"]},
                "title": _STR,
                "explanation": _STR,
                "field": _STR,
                "first_seen": _OPT_STR,
                "last_good": _OPT_STR,
                "seen_in": {"type": "array", "items": _STR},
                "detail": _OPT_STR,
                "signals": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["signal", "before", "after"],
                        "properties": {"signal": _STR, "before": _STR, "after": _STR},
                    },
                },
                "examples": {
                    "type": "array",
                    "maxItems": 3,
                    "items": {
                        "type": "object",
                        "required": ["item", "excerpt"],
                        "properties": {"item": _STR, "title": _STR, "excerpt": _STR},
                    },
                },
            },
        }
    },
}
"""The JSON Schema (Draft 2020-12) of `render_json`'s output."""
