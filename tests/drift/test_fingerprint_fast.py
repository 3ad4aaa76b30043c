"""Fast paths of the fingerprint modules that the bundled cassettes do not all exercise.

Each test keeps the plain version the fast path replaced and compares the two on Hypothesis-drawn
input built from the characters that matter (see test_fingerprint_pinned.py for the others).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st
from lxml import etree

from harness.drift import envelope as envm
from harness.drift import textsignals as textm
from harness.drift.body import TAG_NAME, tag_case
from harness.drift.draft import Draft
from harness.drift.forms import link_form, short
from harness.textclass import SCRIPT_RE, script_share

_LETTER = re.compile(r"[^\W\d_]")
_HAN = SCRIPT_RE["zh"]  # the Chinese script as harness.textclass classifies it
_ITEM_SPAN = re.compile(r"<(item|entry)\b.*?</\1\s*>", re.DOTALL)  # what envelope.item_bounds finds

# block edges of the CJK ranges, Latin-1, other scripts, numbers that are letters to \w, the
# bulk punctuation, astral characters and a lone surrogate
_CHARS = [
    *"aZ09_ \n\t\xa0\xaa\xb2\xb5\xba\xbd\xc0\xd7\xe9\xf7\xff",
    *"\u3400\u34ff\u4cff\u4d00\u4dbf\u4dc0\u4dff\u4e00\u4eff\u9fff\ua000",
    *"\uf8ff\uf900\uf9ff\ufa00\ufa6d\ufa6e\ufa6f\ufa70\ufad9\ufada\ufaff\ufb00",
    *"\u0416\u3042\u30a2\u3005\u3007\u3006\uff21\uff10\u0661\u2071\u2160\u00b9",
    *textm.BULK_PUNCTUATION,
    *"\U00020000\U0001f600\udcff\ufffd\u2014\u201c",
]
CJK_TEXT = st.lists(
    st.one_of(st.sampled_from(_CHARS), st.characters(), st.text(max_size=3)), max_size=40
).map("".join)


@given(CJK_TEXT)
@example("中文，English letters: déjà vu 123。\U00020000")
@example("\u4d00\u4dc0 mixed block 4D")
@example("\ufa6e\ufa70 mixed block FA")
@example("\U0002f825 astral Han \U00020000")
def test_letters_and_han_are_script_shares_counts(text: str) -> None:
    letters, han = textm.letters_and_han(text)
    assert (letters, han) == (len(_LETTER.findall(text)), sum(map(len, _HAN.findall(text))))
    share, counted, _ = script_share(text, "zh")
    assert counted == letters
    if letters:
        assert min(1.0, han / letters) == share


def test_the_bulk_punctuation_is_neither_letter_nor_han() -> None:
    assert textm.BULK_RUNS is not None  # the Unicode version of the test machine is checked
    for char in textm.BULK_PUNCTUATION:
        assert not _LETTER.match(char)
        assert not _HAN.match(char)
    for byte in range(256):
        assert (byte in textm.LATIN1_LETTERS) == bool(_LETTER.match(chr(byte)))


# --- tag case ------------------------------------------------------------------------------------

_TAG_PARTS = ["<", "</", ">", "p", "P", "Div", "DIV", "div", "h1", "H1", "1", "a", "B", "é", "ß"]
TAGS = st.lists(st.one_of(st.sampled_from(_TAG_PARTS), st.text(max_size=2)), max_size=30)


def _case_plain(html: str) -> Draft:
    draft = Draft("k", 0, "")
    upper = lower = 0
    for name in TAG_NAME.findall(html[:200_000]):
        if name.isupper():
            upper += 1
        elif name.islower():
            lower += 1
    if upper + lower:
        share = upper / (upper + lower)
        form = "upper" if share >= 0.8 else "lower" if share <= 0.2 else "mixed"
        draft.add(f"case:{form}", excerpt=short(html[:400], 100))
    return draft


@given(TAGS.map("".join))
@example("<DIV1><Div><h1é><P>")
def test_tag_case_matches_the_plain_loop(html: str) -> None:
    draft = Draft("k", 0, "")
    tag_case(html, draft)
    assert draft == _case_plain(html)


# --- envelope --------------------------------------------------------------------------------------

_NS = ['xmlns:media="http://search.yahoo.com/mrss/"', 'xmlns="http://www.w3.org/2005/Atom"']
_NS += ['xmlns:x="urn:y"', 'xmlns:dc="http://purl.org/dc/terms/"', 'xmlns=""']
_PREFIXES = [
    'xmlns:x="urn:x"',
    'xmlns:media="http://search.yahoo.com/mrss/"',
    'xmlns:dc="http://purl.org/dc/elements/1.1/"',
    'xmlns:content="http://purl.org/rss/1.0/modules/content/"',
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"',
]
_CHILDREN = [
    "<title>t</title>",
    '<media:content url="u" x:y="1"/>',
    "<dc:creator>a</dc:creator>",
    "<x:item><link>l</link></x:item>",
    '<description><![CDATA[<p xmlns="urn:p">x</p>]]></description>',
    "<content:encoded>&lt;p&gt;</content:encoded>",
    "<link> https://h.example/a </link>",
    "<!-- xmlns:c='urn:c' -->",
    "<entry><id>1</id></entry>",
]


@st.composite
def _feeds(draw: st.DrawFn) -> bytes:
    def element(name: str, depth: int) -> str:
        decls = draw(st.sampled_from(["", "", *_NS]))
        parts = draw(st.lists(st.sampled_from(_CHILDREN), max_size=3)) if depth else []
        if depth < 2:
            names = st.sampled_from(["item", "entry", "x:item", "g"])
            kids = draw(st.lists(names, min_size=1 - depth, max_size=3))
            parts += [element(k, depth + 1) for k in kids]
        return f"<{name} {decls}>{''.join(parts)}</{name}>"

    root = draw(st.sampled_from(["rss", "feed", "rdf:RDF"]))
    # every prefix used is declared: the root's, or the children's only (or both)
    where = draw(st.sampled_from(["root", "children", "both"]))
    decls = "".join(f" {d}" for d in _PREFIXES) if where != "children" else ""
    text = element(root, 0).replace(f"<{root} ", f"<{root}{decls} ", 1)
    if where != "root":
        for name in ("item", "entry", "x:item", "g"):
            text = text.replace(f"<{name} ", f"<{name} {' '.join(_PREFIXES)} ")
    return text.encode("utf-8")


def _item_paths_plain(item: Any, nsmap: Mapping[str | None, str]) -> set[str]:
    paths: set[str] = set()
    for child in item:
        if not isinstance(child.tag, str):
            continue
        name = envm.qname(child.tag, nsmap)
        paths.add(f"env:{name}")
        paths.update(f"env:{name}@{envm.qname(a, nsmap)}" for a in child.attrib)
        for grand in child:
            if isinstance(grand.tag, str):
                paths.add(f"env:{name}/{envm.qname(grand.tag, nsmap)}")
    return paths


def _raw_forms_plain(body: bytes) -> list[set[str]]:
    text = envm.document_text(body)
    names = envm.declared_namespaces(text)
    found: list[set[str]] = []
    for span in (m.group() for m in _ITEM_SPAN.finditer(text)):
        forms: set[str] = set()
        for m in envm.MARKUP_FIELD.finditer(span):
            form = envm.field_form(m, names)
            if form is not None:
                forms.add(form)
        link = envm.RAW_LINK.search(span)
        if link is not None:
            forms.add(f"rawlink:{link_form(link.group(1))[0]}")
        found.append(forms)
    return found


def _envelope_plain(body: bytes) -> envm.Envelope:
    env = envm.Envelope()
    root = etree.fromstring(body, envm.XML_PARSER)
    nsmap = dict(root.nsmap)
    env.feed.add(f"root:{envm.qname(root.tag, nsmap)}")
    namespaces: set[str] = set()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        namespaces.update(el.nsmap.values())
        if el.tag.rpartition("}")[2] in ("item", "entry"):
            env.items.append(_item_paths_plain(el, nsmap))
    env.feed.update(f"ns:{envm.KNOWN_NS.get(u, u) or u}" for u in namespaces)
    env.feed.update(f"chan:{p}" for p in envm.channel_paths(root, nsmap))
    for paths, found in zip(env.items, _raw_forms_plain(body), strict=False):
        paths.update(found)
    return env


@given(_feeds())
@example(b'<rss xmlns:x="urn:x"><x:item><x:item/></x:item><item xmlns:z="urn:z"/></rss>')
@example(b'<rss xmlns:x="urn:x"><item><title>xmlns</title></item></rss>')
def test_envelope_matches_the_plain_walk(body: bytes) -> None:
    assert envm.envelope(body) == _envelope_plain(body)
    assert envm.raw_forms(body) == _raw_forms_plain(body)


def test_undeclared_prefix_is_a_form_not_a_crash() -> None:
    """A lenient parser may accept <media:content> without xmlns:media; lxml's recovering
    parser keeps "media:content" as the tag name, which etree.QName rejects."""
    from harness.drift.fingerprint import Fingerprint, fingerprint_output
    from harness.model import FeedOutput

    body = (
        b'<rss version="2.0"><channel><media:thumbnail url="http://example.com/t.jpg"/>'
        b"<title>t</title><item><title>a</title><link>http://example.com/a</link>"
        b'<media:content url="http://example.com/x.jpg"/></item></channel></rss>'
    )
    item = {"id": "a", "url": "http://example.com/a", "title": "a", "summary": None}
    output = FeedOutput(dialect="rss2.0", feed={}, items=[item])
    fp = fingerprint_output(Fingerprint("a.yaml", "f", None, None), output, body)
    assert any("media:thumbnail" in s for s in fp.feed_signals)
    assert any("media:content" in s for s in fp.items[0].signals)
