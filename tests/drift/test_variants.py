"""Each drift kind of the issue is found and explained; benign changes are not reported."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from drift_paths import VARIANTS

from harness.drift import Level, diff
from harness.drift.fingerprint import Fingerprint

Print = Callable[[Path], Fingerprint]

# variant, its baseline, the finding kind, its level, the parser field named, a signal prefix
DRIFT_KINDS = [
    ("dateline-format", "rfi-base", "dateline-shape", Level.ERROR, "dateline/time", "dshape:"),
    (
        "dateline-position",
        "rfi-base",
        "dateline-position",
        Level.ERROR,
        "dateline",
        "role:dateline=",
    ),
    ("timezone-shift", "rfi-base", "timezone-shift", Level.ERROR, "published", "metric:offset"),
    ("boilerplate-new", "rfi-base", "boilerplate-new", Level.ERROR, "paragraphs", "boiler:"),
    (
        "boilerplate-renamed",
        "rfi-base-footer",
        "boilerplate-changed",
        Level.WARNING,
        "none yet",
        "block text",
    ),
    (
        "paragraphs-tags",
        "rfi-base",
        "paragraphs-markup",
        Level.ERROR,
        "paragraphs",
        "role:paragraphs=",
    ),
    ("lead-markup", "rfi-base", "lead-markup", Level.ERROR, "lead", "fill:lead"),
    ("author-markup", "rfi-base-authors", "author-markup", Level.ERROR, "author", "fill:author"),
    ("summary-only", "rfi-base", "summary-only", Level.ERROR, "paragraphs", "metric:text"),
    (
        "links-relative",
        "rfi-base",
        "links-relative",
        Level.ERROR,
        "url, images",
        "src:root-relative",
    ),
    ("links-rehosted", "rfi-base", "links-rehosted", Level.ERROR, "url, images", "imghost:"),
    (
        "double-escaping",
        "rfi-base",
        "double-escaping",
        Level.ERROR,
        "paragraphs",
        "esc:description=double-escaped",
    ),
    ("mojibake", "rfi-base", "mojibake", Level.ERROR, "title", "text:mojibake"),
    ("ft-atom", "ft-base", "dialect-switch", Level.ERROR, "id", "dialect:atom1.0"),
    ("ft-missing-guid", "ft-base", "missing-guid", Level.ERROR, "id", "env:guid"),
]


@pytest.mark.parametrize(
    ("variant", "base", "kind", "level", "field", "signal"),
    DRIFT_KINDS,
    ids=[d[0] for d in DRIFT_KINDS],
)
def test_drift_kind_found_and_explained(
    fingerprint: Print, variant: str, base: str, kind: str, level: Level, field: str, signal: str
) -> None:
    old, new = fingerprint(VARIANTS / f"{base}.yaml"), fingerprint(VARIANTS / f"{variant}.yaml")
    result = diff(old, new)
    found = [f for f in result.findings if f.is_drift]
    shown = [(f.kind, [s.signal for s in f.signals]) for f in found]
    assert found, shown
    assert found[0].kind == kind, shown
    finding = found[0]
    assert finding.level is level
    assert field in finding.field
    assert any(s.signal.startswith(signal) for s in finding.signals)
    assert finding.first_seen == f"{variant}.yaml"
    assert finding.last_good == f"{base}.yaml"
    assert finding.explanation
    assert 1 <= len(finding.examples) <= 3
    assert len({f.kind for f in found}) == len(found)  # grouped by cause: one finding per kind


BENIGN = [
    "benign-other-articles",
    "benign-reordered",
    "benign-lengths",
    "benign-optional",
    "benign-whitespace",
    "rfi-base",
]


@pytest.mark.parametrize("variant", BENIGN)
def test_benign_change_not_reported(fingerprint: Print, variant: str) -> None:
    result = diff(
        fingerprint(VARIANTS / "rfi-base.yaml"), fingerprint(VARIANTS / f"{variant}.yaml")
    )
    assert not result.drifted, [(f.kind, [s.signal for s in f.signals]) for f in result.findings]


def test_one_odd_item_is_an_item_problem(fingerprint: Print) -> None:
    result = diff(
        fingerprint(VARIANTS / "rfi-base.yaml"), fingerprint(VARIANTS / "benign-optional.yaml")
    )
    (item,) = result.findings
    assert item.scope.value == "item"
    assert item.level is Level.INFO
    assert item.kind == "author-markup"
    assert "作者" in item.examples[0].excerpt


def test_ft_atom_switch_keeps_the_envelope_in_one_finding(fingerprint: Print) -> None:
    result = diff(fingerprint(VARIANTS / "ft-base.yaml"), fingerprint(VARIANTS / "ft-atom.yaml"))
    kinds = [f.kind for f in result.findings if f.is_drift]
    assert kinds == ["dialect-switch"]
