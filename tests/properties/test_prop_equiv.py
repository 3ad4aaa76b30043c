"""Equivalence is decided by parsing, not by bytes (issue 13).

Every operator of :mod:`harness.audit.ops_equiv` and :mod:`harness.audit.ops_equiv_content`
rewrites a recording the way a conforming XML / RSS / Atom / HTML reader undoes. On every bundled cassette, for each rewrite: (a) the parser
reads the same items and feed fields, (b) ``harness check`` gives the same verdict, (c)
``harness.drift.diff`` reports no error or warning finding other than a serialization-only one.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from _budget import CASSETTES, ROOT, budget
from hypothesis import given
from hypothesis import strategies as st
from lxml import html as lxml_html

from harness.audit.feeddoc import NotApplicable
from harness.audit.operators import Kind, Operator, operators
from harness.cassettes import load_cassette
from harness.config import load_config
from harness.drift import diff
from harness.drift.fingerprint import Fingerprint, fingerprint_output
from harness.kinds import KINDS
from harness.model import CassetteResult, FeedOutput, Response
from harness.runner import Runner
from harness.strategies import DataChoices

ALL = sorted(p.name for p in CASSETTES.glob("*.yaml"))
EQUIV_MODULES = ("harness.audit.ops_equiv", "harness.audit.ops_equiv_content")
EQUIV = [op for op in operators(Kind.BENIGN) if op.fn.__module__ in EQUIV_MODULES]
LARGE = ("dapenti",)  # 1 MB recordings: one example each (most rewrites draw little or nothing)
HTML_FIELDS = ("summary", "content")  # the item fields that hold an HTML fragment
# The date as written, kept beside the parsed ``published`` for diagnostics: a date rewrite
# changes it by definition; the parsed instant must not change.
RAW_DATE = "published_raw"


@cache
def runner() -> Runner:
    return Runner(load_config(ROOT / "harness.toml"))


@cache
def recording(name: str) -> Response:
    cassette = load_cassette(CASSETTES / name)
    return cassette.fetch(cassette.url)


@cache
def original(name: str) -> tuple[CassetteResult, FeedOutput, Fingerprint]:
    response = recording(name)
    result, output = runner().check_parsed(response, fetch=lambda url: response)
    assert output is not None, result.error
    return result, output, _fingerprint(name, response, output)


def _fingerprint(name: str, response: Response, output: FeedOutput) -> Fingerprint:
    feed = runner().config.feed_for_url(response.url)
    assert feed is not None
    base = Fingerprint(name, feed.name, response.url, None)
    return fingerprint_output(base, output, response.body)


def _html(value: str) -> str:
    """An HTML fragment as the HTML parsing rules read it, serialized one way."""
    holder = lxml_html.fragment_fromstring(value, create_parent="div")
    return str(lxml_html.tostring(holder, encoding="unicode"))


def _items(output: FeedOutput, op: Operator) -> list[dict[str, Any]]:
    """The items; HTML fields compared as parsed HTML when the rewrite was inside the HTML, the
    raw date left out when the rewrite was of dates."""
    html, dates = op.id.startswith("html-"), op.id.startswith(("rfc822-", "rfc3339-"))
    return [
        {
            k: _html(v) if html and k in HTML_FIELDS and isinstance(v, str) and v else v
            for k, v in item.items()
            if not (dates and k == RAW_DATE)
        }
        for item in output.items
    ]


def _verdict(result: CassetteResult) -> tuple[object, ...]:
    errors = sorted(
        (v.check, v.item_index, v.field) for v in result.violations if v.severity == "error"
    )
    return result.outcome, result.error_kind, errors


def _alarms(old: Fingerprint, new: Fingerprint) -> list[str]:
    """Findings at level error or warning, unless their kind is a serialization-only one."""
    return [
        f"{f.kind} ({f.level}): {', '.join(sorted(f.signal_names))}"
        for f in diff(old, new).findings
        if f.level in ("error", "warning") and KINDS[f.kind].cause != "serialization-only"
    ]


def check_equivalent(op: Operator, name: str, choices: Any) -> None:
    """Apply ``op`` to the recording ``name`` and assert (a), (b) and (c)."""
    response = recording(name)
    feed = runner().config.feed_for_url(response.url)
    try:
        body = op.apply(response.body, choices, timezone=feed.timezone if feed else None)
    except NotApplicable:
        return
    variant = Response(response.url, response.status, response.headers, body)
    result, output = runner().check_parsed(variant, fetch=lambda url: variant)
    old_result, old_output, old_print = original(name)
    assert output is not None, f"{op.id}: the rewrite no longer parses: {result.error}"
    items, old_items = _items(output, op), _items(old_output, op)
    assert items == old_items, f"(a) items: {_first_difference(items, old_items)}"
    feed, old_feed = _feed(output), _feed(old_output)
    assert feed == old_feed, f"(a) feed fields: {feed} != {old_feed}"
    assert _verdict(result) == _verdict(old_result), "(b) check verdict"
    alarms = _alarms(old_print, _fingerprint("variant", variant, output))
    assert alarms == [], f"(c) drift: {alarms}"


def _feed(output: FeedOutput) -> dict[str, Any]:
    """The feed fields, less the encoding the document was read in (a rewrite may change it)."""
    return {k: v for k, v in output.feed.items() if k != "encoding"}


def _first_difference(new: list[dict[str, Any]], old: list[dict[str, Any]]) -> str:
    if len(new) != len(old):
        return f"{len(new)} items, not {len(old)}"
    for i, (a, b) in enumerate(zip(new, old, strict=True)):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                return f"item {i} {key}: {a.get(key)!r:.200} != {b.get(key)!r:.200}"
    return "none"


def _cases(large: bool) -> list[Any]:
    return [
        pytest.param(op, name, id=f"{op.id}-{name.removesuffix('.yaml')}")
        for op in EQUIV
        for name in ALL
        if name.startswith(LARGE) == large
    ]


def test_at_least_twelve_rewrites_each_naming_its_specification() -> None:
    assert len(EQUIV) >= 12
    for op in EQUIV:
        doc = op.fn.__doc__ or ""
        assert any(s in doc for s in ("XML 1.0", "Namespaces", "RFC", "HTML", "RSS")), op.id


@pytest.mark.parametrize(("op", "name"), _cases(large=False))
@budget(2)
@given(data=st.data())
def test_rewrite_is_read_as_the_original(op: Operator, name: str, data: st.DataObject) -> None:
    check_equivalent(op, name, DataChoices(data))


@pytest.mark.parametrize(("op", "name"), _cases(large=True))
@budget(1)
@given(data=st.data())
def test_rewrite_of_a_large_recording_is_read_as_the_original(
    op: Operator, name: str, data: st.DataObject
) -> None:
    check_equivalent(op, name, DataChoices(data))


@pytest.mark.parametrize("op", EQUIV, ids=lambda op: op.id)
def test_each_rewrite_applies_to_some_bundled_recording(op: Operator) -> None:
    from harness.audit.operators import RandomChoices

    for name in sorted(ALL, key=lambda n: len(recording(n).body)):  # the small ones first
        try:
            if op.apply(recording(name).body, RandomChoices(1)) != recording(name).body:
                return
        except NotApplicable:
            continue
    pytest.fail(f"{op.id} has nothing to act on in any bundled recording")


@pytest.mark.parametrize("op", EQUIV, ids=lambda op: op.id)
def test_audit_shortcut_gives_the_full_fingerprint(op: Operator) -> None:
    """``harness audit`` re-reads only the envelope when the parser read the same output."""
    from harness.audit.operators import RandomChoices
    from harness.audit.run import reenveloped
    from harness.drift.envelope import envelope

    compared = 0
    for name in ("feedx-rfi_2023-11.yaml", "ft-home_2026-02-21.yaml", "dw-en-all_2015-02-23.yaml"):
        response = recording(name)
        try:
            body = op.apply(response.body, RandomChoices(2))
        except NotApplicable:
            continue
        variant = Response(response.url, response.status, response.headers, body)
        _, out = runner().check_parsed(variant, fetch=lambda url, v=variant: v)
        _, output, base = original(name)
        assert out is not None
        fast = reenveloped(base, output, envelope(response.body), out, body)
        if fast is not None:
            assert fast == _fingerprint("variant", variant, out)
            compared += 1
    # html- and date rewrites change an item field (the HTML string, the raw date): no shortcut
    assert compared or op.id.startswith(("html-", "rfc")), "the shortcut was never taken"
