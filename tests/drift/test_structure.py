"""The body's layout by position (``pos:`` signals) for feeds without a site parser.

Equivalent HTML gives the same signals; the structure operators (``harness.audit.ops_structure``)
on the bundled RSS feeds, and on their Atom renderings, are found with the position named; healthy
variation (items shuffled, a minority dropped, other text) and the real consecutive recordings
give no layout finding.
"""

from __future__ import annotations

import itertools
import random
from functools import cache
from pathlib import Path

import pytest
from drift_paths import ROOT
from hypothesis import example, given, settings
from hypothesis import strategies as st

from harness.audit.feeddoc import FeedDoc, NotApplicable
from harness.audit.feedwriter import render_feed
from harness.audit.operators import get_operator
from harness.cassettes import load_cassette
from harness.config import load_config
from harness.drift import diff
from harness.drift.body import parse_body, walk
from harness.drift.draft import Draft
from harness.drift.findings import Finding, Scope
from harness.drift.fingerprint import Fingerprint, fingerprint_output
from harness.drift.structure import block_form, coarse_label
from harness.model import Response
from harness.runner import Runner
from harness.strategies import DataChoices

CASSETTES = ROOT / "cassettes"
GENERIC = ("dapenti_2015-06-14", "dapenti_2015-01-05", "ft-home_2026-02-21", "dw-en-all_2015-02-23")
STRUCTURE_OPS = ("structure-wrap", "structure-lead", "structure-append", "structure-br")
# kinds a layout change may take: its own, or the body gaining markup at all (a plain-text feed)
LAYOUT_KINDS = frozenset({"body-layout", "description-markup", "markup-style"})
SLOW = settings(max_examples=6, deadline=None, derandomize=True)


# --- signals of one body ----------------------------------------------------------------------


def pos_signals(html: str) -> frozenset[str]:
    body = parse_body(html)
    assert body is not None
    draft = Draft("k", 0, "")
    walk(body, draft, html)
    return frozenset(s for s in draft.signals if s.startswith("pos:"))


def test_signals_of_a_plain_article() -> None:
    html = (
        '<div class="article-body post-1234"><p><strong>Lead</strong></p><p>One <a href="/x">'
        'link</a>.</p><p><img src="a.jpg"></p><p>Two <b>bold</b> words.</p></div>'
        '<div class="share"><a href="/s">Share</a> <a href="/t">Tweet</a></div>'
    )
    assert pos_signals(html) == {
        "pos:first=div.article-body.post-#",
        "pos:last=div.share",
        "pos:container=div.article-body.post-#>p",
        "pos:images=p>img",
        "pos:links=div.share>a",
        "pos:emphasis=p>strong",
    }


def test_br_separated_text_is_held_by_the_body() -> None:
    assert pos_signals("First line<br>second line<br/><b>third</b>") >= {
        "pos:first=#text",
        "pos:container=#text",
        "pos:last=b",
    }


@pytest.mark.parametrize(
    ("tag", "classes", "label"),
    [
        ("DIV", "Article  body", "div.Article.body"),
        ("p", "post-1234 entry", "p.entry.post-#"),
        ("p", "css-1x2y3z", "p.css-#"),
        ("span", "a b c d", "span.a.b"),
        ("li", None, "li"),
    ],
)
def test_coarse_labels(tag: str, classes: str | None, label: str) -> None:
    assert coarse_label(tag, classes) == label


def test_a_block_form_follows_sole_children_only() -> None:
    body = parse_body(
        "<p> <strong>Lead</strong> </p><p>Text <em>and</em></p><p><a><img></a><br></p>"
    )
    assert body is not None
    assert [block_form(b) for b in body] == ["p>strong", "p", "p>a>img"]
    assert block_form("loose text") == "#text"


def test_hostile_sizes_stay_bounded() -> None:
    html = f'<{"d" * 5000} class="{"c" * 5000} {"x" * 5000}">text</{"d" * 5000}>'
    assert all(len(s) < 120 for s in pos_signals(html))


# --- equivalent HTML -----------------------------------------------------------------------------

_TAGS = ("p", "div", "strong", "em", "a", "span", "h2", "blockquote", "img", "br")
_VOID = frozenset({"img", "br"})


@st.composite
def _trees(draw: st.DrawFn, depth: int = 0) -> list[tuple[str, str | None, object]]:
    """Nodes: (tag, class, children) or ("#text", text, None)."""
    nodes: list[tuple[str, str | None, object]] = []
    for _ in range(draw(st.integers(1, 4 if depth == 0 else 2))):
        if depth >= 2 or draw(st.booleans()):
            nodes.append(("#text", draw(st.sampled_from(("a & b", "é <x>", "plain", "  "))), None))
            continue
        tag = draw(st.sampled_from(_TAGS))
        cls = draw(st.sampled_from((None, "lead", "post-12 body")))
        kids = [] if tag in _VOID else draw(_trees(depth + 1))
        nodes.append((tag, cls, kids))
    return nodes


def _render(nodes: object, style: int) -> str:
    """One HTML text of ``nodes``; ``style`` picks case, quoting, void and entity forms."""
    out = []
    for tag, value, kids in nodes:  # type: ignore[attr-defined]
        if tag == "#text":
            text = value.replace("&", "&amp;").replace("<", "&lt;")
            if style % 2:
                text = (
                    text.replace("&amp;", "&#38;")
                    .replace("é", "&eacute;")
                    .replace("&lt;", "&#x3C;")
                )
            out.append(text)
            continue
        name = tag.upper() if style in (1, 2) else tag
        attr = ""
        if value is not None:
            attr = (f' class="{value}"', f" class='{value}'", f' CLASS="{value}"')[style % 3]
            if " " not in value and style == 3:
                attr = f" class={value}"
        if tag in _VOID:
            out.append(f"<{name}{attr}{' /' if style % 2 else ''}>")
        else:
            out.append(f"<{name}{attr}>{_render(kids, style)}</{name}>")
    return "".join(out)


@given(_trees(), st.integers(1, 3))
@example([("p", None, [("strong", None, [("#text", "a & b", None)])])], 1)
def test_equivalent_html_gives_the_same_positions(nodes: object, style: int) -> None:
    assert pos_signals(_render(nodes, style)) == pos_signals(_render(nodes, 0))


# --- the bundled generic feeds ----------------------------------------------------------------


@cache
def _runner() -> Runner:
    return Runner(load_config(ROOT / "harness.toml"))


@cache
def _recording(stem: str, atom: bool) -> tuple[Response, object]:
    cassette = load_cassette(CASSETTES / f"{stem}.yaml")
    response = cassette.fetch(cassette.url)
    if atom:
        doc = FeedDoc(response.body)
        body = render_feed(doc.spec(), "atom1.0", cdata=doc.cdata)
        response = Response(response.url, response.status, response.headers, body)
    return response, cassette.fetch


def _print(stem: str, atom: bool, body: bytes, name: str) -> Fingerprint:
    response, fetch = _recording(stem, atom)
    feed = _runner().config.feed_for_url(response.url)
    assert feed is not None
    variant = Response(response.url, response.status, response.headers, body)
    output = _runner().setups[feed.name].parser.parse(variant, fetch=fetch)
    return fingerprint_output(Fingerprint(name, feed.name, response.url, None), output, body)


def _findings(stem: str, atom: bool, body: bytes) -> tuple[Finding, ...]:
    response, _ = _recording(stem, atom)
    base = _print(stem, atom, response.body, "real")
    return diff(base, _print(stem, atom, body, "variant")).findings


def _positions(finding: Finding) -> list[str]:
    return [s.signal for s in finding.signals if s.signal.startswith("pos:")]


def test_the_generic_feeds_use_no_site_parser() -> None:
    for stem in GENERIC:
        response, _ = _recording(stem, False)
        feed = _runner().config.feed_for_url(response.url)
        assert feed is not None, stem
        assert feed.parser == "rss", stem


@pytest.mark.parametrize("atom", [False, True], ids=["rss", "atom"])
@pytest.mark.parametrize("op_id", STRUCTURE_OPS)
@pytest.mark.parametrize("stem", GENERIC)
@SLOW
@given(data=st.data())
def test_a_layout_change_is_found_with_its_position(
    stem: str, op_id: str, atom: bool, data: st.DataObject
) -> None:
    response, _ = _recording(stem, atom)
    try:
        mutation = get_operator(op_id).mutate(response.body, DataChoices(data))
    except NotApplicable:  # the feed has no such part (no <p> to unwrap)
        return
    feed = [f for f in _findings(stem, atom, mutation.body) if f.scope is Scope.FEED]
    found = [f for f in feed if _positions(f)]
    assert found, (mutation.notes, [(f.kind, [s.signal for s in f.signals]) for f in feed])
    assert {f.kind for f in found} <= LAYOUT_KINDS, [(f.kind, _positions(f)) for f in found]
    assert all(f.examples for f in found)
    layout = [f for f in found if f.kind == "body-layout"]
    assert all(f.signals[0].signal.startswith("pos:") for f in layout)  # the position first


def _shuffled_minority(body: bytes, rng: random.Random) -> bytes:
    """Items shuffled, fewer than half of them dropped."""
    doc = FeedDoc(body)
    entries = doc.entries()
    rng.shuffle(entries)
    doc.reorder(entries)
    for entry in entries[: rng.randint(0, (len(entries) - 1) // 2 - 1 if len(entries) > 3 else 0)]:
        doc.remove(entry)
    return doc.to_bytes()


@pytest.mark.parametrize("stem", GENERIC)
@SLOW
@given(seed=st.integers(0, 2**32 - 1), vary_text=st.booleans())
def test_healthy_variation_gives_no_layout_finding(stem: str, seed: int, vary_text: bool) -> None:
    response, _ = _recording(stem, False)
    rng = random.Random(seed)
    body = _shuffled_minority(response.body, rng)
    if vary_text:
        body = get_operator("text-vary").apply(body, _Seeded(rng))
    found = [(f.kind, _positions(f)) for f in _findings(stem, False, body) if _positions(f)]
    assert found == []


class _Seeded:
    """Choices from one Random (text-vary only asks for a Random)."""

    def __init__(self, rng: random.Random) -> None:
        self.random = rng

    def rng(self) -> random.Random:
        return random.Random(self.random.getrandbits(32))


# --- real consecutive recordings ----------------------------------------------------------------

_HISTORIES = ROOT / "tests" / "data" / "drift"


def _pairs() -> list[tuple[Path, Path]]:
    pairs = []
    for folder in ("dapenti", "rss-arch"):
        paths = sorted((_HISTORIES / folder).glob("*.yaml"))
        pairs += list(itertools.pairwise(paths))
    return pairs


@pytest.mark.parametrize(("old", "new"), _pairs(), ids=lambda p: p.stem)
def test_real_consecutive_recordings_have_no_layout_finding(
    fingerprint: object, old: Path, new: Path
) -> None:
    """What really drifts there (markup case, footer text, escaping) is no layout change."""
    findings = diff(fingerprint(old), fingerprint(new)).findings  # type: ignore[operator]
    assert [f.kind for f in findings if f.kind == "body-layout"] == []
