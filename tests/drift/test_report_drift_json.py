"""A drift report as JSON: valid against its schema, the counts carried over."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hostile_drift import Print, build_hostile_report

from harness.drift import DriftReport
from harness.report.drift_json import DRIFT_REPORT_SCHEMA, render_json, to_json_data


@pytest.fixture
def hostile_report(tmp_path: Path, fingerprint: Print) -> DriftReport:
    """rfi-base with a hostile block in every item (so it repeats: a boilerplate candidate)."""
    return build_hostile_report(tmp_path, fingerprint)


def test_json_report_matches_its_schema(hostile_report: DriftReport) -> None:
    jsonschema.Draft202012Validator.check_schema(DRIFT_REPORT_SCHEMA)
    data = json.loads(render_json(hostile_report))
    jsonschema.validate(data, DRIFT_REPORT_SCHEMA)
    assert data == json.loads(json.dumps(to_json_data(hostile_report)))
    assert data["exit_code"] == hostile_report.exit_code
    assert data["fail_on"] == "error"
    assert data["summary"]["drifted"] == 1
