"""The JSON report of a check: fields, error kinds, escaping, its schema."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from jsonschema import Draft202012Validator
from report_samples import (
    BROKEN,
    FAILING,
    HOSTILE,
    HOSTILE_RESULT,
    PASSING,
    PROPERTY,
    RESULTS,
    SMALL,
    UNCLAIMED,
)

from harness import __version__
from harness.model import Outcome, Result, Severity
from harness.report.result_json import render_json, to_json_data

SCHEMA = json.loads(
    (Path(__file__).parents[2] / "schemas" / "report.schema.json").read_text(encoding="utf-8")
)
VALIDATOR = Draft202012Validator(SCHEMA)

# --- JSON ----------------------------------------------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize(
    "result",
    [
        Result(),
        Result(cassettes=(PASSING,)),
        Result(cassettes=(FAILING,)),
        Result(cassettes=(BROKEN,)),
        Result(cassettes=(UNCLAIMED,)),
        SMALL,
        HOSTILE_RESULT,
    ],
    ids=["empty", "pass", "fail", "broken", "unclaimed", "mixed", "hostile"],
)
def test_json_validates_against_the_schema(result: Result) -> None:
    data = json.loads(render_json(result))
    VALIDATOR.validate(data)
    assert data == to_json_data(result)


def test_json_fields() -> None:
    data = to_json_data(SMALL)
    assert (data["tool"], data["version"]) == ("feedharness", __version__)
    assert data["summary"] == {
        "cassettes": 3,
        "passed": 1,
        "failed": 1,
        "broken": 1,
        "items": 15,
        "errors": 2,
        "warnings": 1,
        "exit_code": 2,
        "fail_on": "error",
    }
    failing, unclaimed, broken = data["cassettes"]
    assert failing["violations"][2] == {
        "check": "items-have-links",
        "severity": "warning",
        "message": "item has no link",
        "field": "url",
        "observed": None,
        "expected": None,
        "item": {"index": 9, "id": None, "url": None},
    }
    assert (unclaimed["feed"], unclaimed["outcome"], unclaimed["error"]) == (None, "pass", None)
    assert broken["error"] == {"kind": "transport", "message": "HTTP 503 Service Unavailable"}


@pytest.mark.parametrize("kind", [None, "gremlin"])
def test_json_writes_a_missing_or_unlisted_error_kind_as_unknown(kind: str | None) -> None:
    data = to_json_data(Result(cassettes=(replace(BROKEN, error_kind=kind),)))
    assert data["cassettes"][0]["error"]["kind"] == "unknown"
    VALIDATOR.validate(data)


@pytest.mark.parametrize("kind", ["cassette", "parse", "transport", "config", "internal"])
def test_json_writes_every_error_kind_the_runner_emits(kind: str) -> None:
    data = to_json_data(Result(cassettes=(replace(BROKEN, error_kind=kind),)))
    assert data["cassettes"][0]["error"]["kind"] == kind
    VALIDATOR.validate(data)


def test_json_escapes_what_a_terminal_would_act_on_but_keeps_the_text() -> None:
    text = render_json(HOSTILE_RESULT)
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)
    assert json.loads(text)["cassettes"][0]["feed"] == HOSTILE


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("extra",), 1),
        (("summary", "exit_code"), 3),
        (("cassettes", 0, "outcome"), "ok"),
        (("cassettes", 0, "violations", 0, "severity"), "fatal"),
        (("summary", "fail_on"), "never"),
        (("cassettes", 0, "violations", 0, "item", "index"), -1),
        (("cassettes", 0, "outcome"), "pass"),  # a pass cannot carry error-level violations
        (("cassettes", 2, "error"), None),  # a broken cassette must say why
    ],
)
def test_schema_rejects_malformed_reports(path: tuple[Any, ...], value: Any) -> None:
    data = to_json_data(SMALL)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert not VALIDATOR.is_valid(data)


@given(RESULTS)
@PROPERTY
def test_json_of_any_result_validates_and_round_trips_the_counts(result: Result) -> None:
    data = json.loads(render_json(result))
    VALIDATOR.validate(data)
    assert data == to_json_data(result)
    outcomes = [c.outcome for c in result.cassettes]
    severities = [v.severity for c in result.cassettes for v in c.violations]
    summary = data["summary"]
    assert summary["cassettes"] == len(result.cassettes)
    assert summary["passed"] == outcomes.count(Outcome.PASS)
    assert summary["failed"] == outcomes.count(Outcome.FAIL)
    assert summary["broken"] == outcomes.count(Outcome.BROKEN)
    assert summary["items"] == sum(c.items for c in result.cassettes)
    assert summary["errors"] == severities.count(Severity.ERROR)
    assert summary["warnings"] == severities.count(Severity.WARNING)
    assert summary["exit_code"] == result.exit_code
    assert [len(c["violations"]) for c in data["cassettes"]] == [
        len(c.violations) for c in result.cassettes
    ]
