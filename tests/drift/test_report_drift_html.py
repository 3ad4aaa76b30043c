"""A drift report as one HTML page: everything escaped, nothing loads."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_drift import Print, build_hostile_report

from harness.drift import DriftReport
from harness.report.drift_html import render_html


@pytest.fixture
def hostile_report(tmp_path: Path, fingerprint: Print) -> DriftReport:
    """rfi-base with a hostile block in every item (so it repeats: a boilerplate candidate)."""
    return build_hostile_report(tmp_path, fingerprint)


def test_html_report_escapes_everything(hostile_report: DriftReport) -> None:
    page = render_html(hostile_report)
    assert "<script" not in page
    assert "onerror=alert" not in page.replace("onerror=alert(2)&gt;", "")
    assert "tag:div.promo" in page
    assert "[click](javascript:alert(1))" in page
    assert "<a " not in page
    assert "<img" not in page
    assert "<link" not in page
    assert "<svg" in page  # charts are inline
    assert "default-src 'none'" in page  # no external assets can load
