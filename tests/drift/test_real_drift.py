"""Real drift in the corpus is found, dated and explained; real transport failures are not drift."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from drift_paths import CASSETTES, DRIFT, REAL

from harness.drift import Finding, Level, Scope, diff, history, ordered
from harness.drift.fingerprint import Fingerprint

Print = Callable[[Path], Fingerprint]


def _history(fingerprint: Print, folder: Path, pattern: str = "*.yaml") -> list[Finding]:
    fps = ordered(fingerprint(p) for p in sorted(folder.glob(pattern)))
    return list(history(fps).findings)


def _signals(f: Finding) -> set[str]:
    return {s.signal for s in f.signals}


def test_dapenti_switch_from_upper_case_ie_markup(fingerprint: Print) -> None:
    findings = _history(fingerprint, DRIFT / "dapenti")
    style = [f for f in findings if f.kind == "markup-style"]
    assert len(style) == 1
    f = style[0]
    assert f.scope is Scope.FEED
    assert f.level is Level.WARNING
    assert {"case:lower", "case:upper"} <= _signals(f)
    # first seen in the 2015-05-17 (+0800) recording, whose newest items are lower-case;
    # the last good one is 2015-04-24 (2015-05-11 is a transport failure in between)
    assert f.first_seen == "dapenti_2015-05-16_e87c13c.yaml"
    assert f.last_good == "dapenti_2015-04-24_55d6135.yaml"
    assert len(f.seen_in) >= 2
    assert "summary" in f.field
    assert any("<p>" in e.excerpt or "<strong>" in e.excerpt for e in f.examples)


def test_dapenti_transport_failures_are_not_drift(fingerprint: Print) -> None:
    findings = _history(fingerprint, DRIFT / "dapenti")
    transport = {f.first_seen: f.detail for f in findings if f.kind == "transport"}
    assert set(transport) == {
        "dapenti_2015-01-23_b2b4ef8.yaml",
        "dapenti_2015-04-22_4fbf5f5.yaml",
        "dapenti_2015-05-11_ea1c8a7.yaml",
        "dapenti_2015-05-22_bfe4d3a.yaml",
        "dapenti_2015-05-28_bcf2819.yaml",
    }
    assert all(f.scope is Scope.RECORDING for f in findings if f.kind == "transport")
    assert not any(f.first_seen in transport for f in findings if f.is_drift)
    assert "NUL" in transport["dapenti_2015-01-23_b2b4ef8.yaml"]
    assert "403" in transport["dapenti_2015-04-22_4fbf5f5.yaml"]
    assert transport["dapenti_2015-05-22_bfe4d3a.yaml"] == "empty body"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("dapenti-empty.yaml", "empty body"),
        ("dapenti-nul-leading.yaml", "NUL bytes at the start"),
        ("dapenti-nul-run.yaml", "NUL bytes at byte"),
        ("dapenti-http403-spliced.yaml", "403 Forbidden"),
        ("rss-arch-nyt-econ-no-items.yaml", "no items"),
    ],
)
def test_real_transport_failures_classified(fingerprint: Print, name: str, reason: str) -> None:
    fp = fingerprint(REAL / name)
    assert fp.transport is not None
    assert reason in fp.transport
    result = diff(fingerprint(CASSETTES / "dapenti_2015-01-05.yaml"), fp)
    assert [f.kind for f in result.findings] == ["transport"]
    assert not result.drifted


def test_rss_arch_escaped_descriptions_then_namespaces(fingerprint: Print) -> None:
    findings = _history(fingerprint, DRIFT / "rss-arch")
    drift = {f.kind: f for f in findings if f.is_drift}
    markup = drift["description-markup"]
    assert markup.first_seen == "ft-home_2025-04-18T1445_3fd1c05.yaml"
    assert markup.last_good == "ft-home_2025-04-18T1227_f5d94ed.yaml"
    assert {"esc:description=escaped", "esc:description=text"} <= _signals(markup)
    assert markup.field == "summary"
    spaces = [f for f in findings if f.kind == "envelope-namespace"]
    assert [
        (f.first_seen, sorted(s for s in _signals(f) if s.startswith("ns:"))) for f in spaces
    ] == [
        ("ft-home_2025-04-19T1022_a8a0df4.yaml", ["ns:media"]),
        ("ft-home_2025-04-19T1051_b1e8db8.yaml", ["ns:dc"]),
    ]
    assert "env:media:content" in _signals(spaces[0])  # the namespace and its elements: one cause
    assert len([f for f in findings if f.is_drift]) == 3  # nothing from 2025-04-19 12:51 on


def test_rfi_share_widget_footer_and_related_block(fingerprint: Print) -> None:
    findings = _history(fingerprint, CASSETTES, "feedx-rfi_*.yaml")
    share = next(f for f in findings if f.kind == "boilerplate-new")
    assert share.first_seen == "feedx-rfi_2023-09.yaml"
    assert share.last_good == "feedx-rfi_2023-05.yaml"
    assert any(s.startswith("tag:") and "share-button" in s for s in _signals(share))
    assert {"host:facebook.com", "host:x.com"} <= _signals(share)
    assert share.field.startswith("none yet")  # the feedx-rfi parser already drops it
    assert [e.excerpt for e in share.examples] == ["分享 :", "分享 :"]

    footer = next(f for f in findings if f.kind == "boilerplate-changed")
    assert footer.first_seen == "feedx-rfi_2023-11.yaml"
    text = next(s for s in footer.signals if s.signal == "block text")
    assert "feedx.best" in text.before
    assert "feedx.run" in text.after
    assert "host:feedx.run" in _signals(footer)

    related = [
        f for f in findings if f.scope is Scope.ITEM and f.first_seen == "feedx-rfi_2023-11.yaml"
    ]
    assert len(related) == 1  # one item of two: an item problem, not feed drift
    assert any("data-article-item-link" in s for s in _signals(related[0]))
    assert "同一主题" in related[0].examples[0].excerpt


def test_rfi_author_block_promoted_when_seen_again(fingerprint: Print) -> None:
    findings = _history(fingerprint, CASSETTES, "feedx-rfi_*.yaml")
    author = next(f for f in findings if f.kind == "author-markup")
    assert author.is_drift
    assert author.first_seen == "feedx-rfi_2023-05.yaml"
    assert author.seen_in == ("feedx-rfi_2023-05.yaml", "feedx-rfi_2023-11.yaml")
    assert all("作者" in e.excerpt for e in author.examples)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (CASSETTES / "ft-home_2025-05-21.yaml", CASSETTES / "ft-home_2026-02-21.yaml"),
        (
            DRIFT / "rss-arch/ft-home_2025-06-27T1224_39b6fbb.yaml",
            DRIFT / "rss-arch/ft-home_2025-12-31T0432_fea6ce8.yaml",
        ),
        (
            DRIFT / "dapenti/dapenti_2015-06-14_224276f.yaml",
            DRIFT / "dapenti/dapenti_2015-08-16_4e4e13d.yaml",
        ),
        (
            DRIFT / "dapenti/dapenti_2015-03-20_5283043.yaml",
            DRIFT / "dapenti/dapenti_2015-04-05_04cd1a6.yaml",
        ),
    ],
    ids=[
        "ft-home-2025-05-vs-2026-02",
        "ft-home-2025-06-vs-2025-12",
        "dapenti-lower-case",
        "dapenti-upper-case",
    ],
)
def test_same_form_at_different_times_is_not_drift(
    fingerprint: Print, old: Path, new: Path
) -> None:
    result = diff(fingerprint(old), fingerprint(new))
    assert not result.drifted, [(f.kind, [s.signal for s in f.signals]) for f in result.findings]
