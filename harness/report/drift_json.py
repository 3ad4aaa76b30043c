"""A `DriftReport` -> JSON, and the JSON Schema that output follows."""

from __future__ import annotations

from typing import Any

from harness.drift import DriftReport, FeedHistory, Scope
from harness.drift.gitversions import Commit
from harness.report.common import json_document
from harness.report.drift_common import split_findings, traced
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
        "notes": list(h.notes),
        "commits": {name: _commit(c) for name, c in h.commits.items()},
        "traced": [
            {
                "kind": f.kind,
                "first_seen": f.first_seen,
                "first_drifted": _commit(found[0]),
                "last_good": None if found[1] is None else _commit(found[1]),
            }
            for f in split_findings(h)[0]
            if (found := traced(f, h.commits)) is not None
        ],
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


def _commit(c: Commit) -> dict[str, str]:
    return {"commit": c.hash, "short": c.short, "date": c.date, "subject": c.subject}


def render_json(report: DriftReport) -> str:
    """The JSON report (controls, bidi and separators escaped even inside strings)."""
    return json_document(to_json_data(report))


_STR = {"type": "string"}
_OPT_STR = {"type": ["string", "null"]}
_COMMIT = {
    "type": "object",
    "required": ["commit", "short", "date", "subject"],
    "properties": {
        "commit": {"type": "string", "pattern": "^[0-9a-f]{40,64}$"},
        "short": {"type": "string", "pattern": "^[0-9a-f]{4,64}$"},
        "date": {"type": "string", "format": "date-time"},
        "subject": _STR,
    },
}
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
                    "notes": {"type": "array", "items": _STR},
                    "commits": {
                        "type": "object",
                        "additionalProperties": {"$ref": "#/$defs/commit"},
                    },
                    "traced": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["kind", "first_seen", "first_drifted", "last_good"],
                            "properties": {
                                "kind": _STR,
                                "first_seen": _STR,
                                "first_drifted": {"$ref": "#/$defs/commit"},
                                "last_good": {
                                    "oneOf": [{"$ref": "#/$defs/commit"}, {"type": "null"}]
                                },
                            },
                        },
                    },
                },
            },
        },
    },
    "$defs": {"finding": FINDING_SCHEMA, "commit": _COMMIT},
}
"""The JSON Schema (Draft 2020-12) of `render_json`'s output."""
