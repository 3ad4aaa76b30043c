"""Escaping helpers: terminal text, CommonMark code spans, table cells, JSON and XML."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from harness.textsafe import json_safe, md_code, md_table_cell, shorten, terminal_safe, xml_safe

UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
    "\ud800-\udfff\ufffe\uffff]"
)
# Any code point, lone surrogates included, with the hostile ones made likely.
HOSTILE_CHARS = st.sampled_from(["\x1b", "\n", "\r", "\x00", "\x85", "\u202e", "\u2066", "\ud800"])
ANY_TEXT = st.lists(st.one_of(st.characters(codec=None), HOSTILE_CHARS, st.just("`"))).map("".join)


def read_code_span(text: str) -> str:
    """Read text as one CommonMark code span (spec 6.1) and return what it displays."""
    opener = re.match("`+", text)
    assert opener, f"no code span: {text!r}"
    n = len(opener.group())
    closer = next(r for r in re.finditer("`+", text[n:]) if len(r.group()) == n)
    assert n + closer.end() == len(text), f"span closes before the end: {text!r}"
    content = text[n : n + closer.start()].replace("\n", " ")
    if content.startswith(" ") and content.endswith(" ") and content.strip(" "):
        content = content[1:-1]
    return content


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain 中文 text", "plain 中文 text"),
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
        ("a\nb\rc\td", "a\\nb\\rc\\td"),
        ("\x00\x07\x7f", "\\x00\\x07\\x7f"),
        ("\x85\x9b", "\\x85\\x9b"),  # C1: NEL and CSI
        ("abc\u202edcba", "abc\\u202edcba"),  # right-to-left override
        ("\u2066x\u2069", "\\u2066x\\u2069"),  # isolates
        ("\u2028", "\\u2028"),
        ("\ud800", "\\ud800"),
        ("\ufffe", "\\ufffe"),
        ("back\\slash", "back\\slash"),
    ],
)
def test_terminal_safe_makes_controls_visible(raw: str, shown: str) -> None:
    assert terminal_safe(raw) == shown


@given(ANY_TEXT)
def test_terminal_safe_leaves_nothing_unsafe_and_is_idempotent(s: str) -> None:
    safe = terminal_safe(s)
    assert not UNSAFE.search(safe)
    assert terminal_safe(safe) == safe
    safe.encode("utf-8")  # no lone surrogate left


@given(ANY_TEXT)
def test_xml_safe_is_legal_xml_character_data(s: str) -> None:
    element = ET.Element("t", a=xml_safe(s))
    element.text = xml_safe(s)
    parsed = ET.fromstring(ET.tostring(element, encoding="unicode"))
    assert (parsed.text or "") == xml_safe(s)
    assert parsed.get("a") == xml_safe(s)


@pytest.mark.parametrize(
    ("s", "width", "out"),
    [("abc", 3, "abc"), ("abcd", 3, "ab…"), ("abcd", 1, "…"), ("", 5, "")],
)
def test_shorten(s: str, width: int, out: str) -> None:
    assert shorten(s, width) == out


def test_shorten_refuses_a_width_below_one() -> None:
    with pytest.raises(ValueError, match="at least 1; got 0"):
        shorten("abc", 0)


@pytest.mark.parametrize(
    ("raw", "span"),
    [
        ("a", "`a`"),
        ("a`b", "``a`b``"),
        ("x``y`z", "```x``y`z```"),
        ("`a", "`` `a ``"),
        ("a`", "`` a` ``"),
        (" a", "`  a `"),
        (" a ", "`  a  `"),
        ("   ", "`   `"),
        ("", "` `"),
        ("a\nb", "`a\\nb`"),
        ("<script>", "`<script>`"),
        ("a|b", "`a|b`"),
    ],
)
def test_md_code_examples(raw: str, span: str) -> None:
    assert md_code(raw) == span


@given(ANY_TEXT)
@example("`")
@example("``` ")
@example(" `` ")
@example("a ````` b")
def test_md_code_is_one_span_showing_the_escaped_text(s: str) -> None:
    span = md_code(s)
    assert "\n" not in span
    assert read_code_span(span) == (terminal_safe(s) or " ")


@given(ANY_TEXT.map(lambda s: s + "|"))
@example("\\|")
def test_md_table_cell_escapes_every_pipe(s: str) -> None:
    cell = md_table_cell(s)
    assert not re.search(r"(?<!\\)\|", cell)
    # GFM drops the backslash of each \| (after splitting the row), leaving md_code's span.
    assert cell.replace("\\|", "|") == md_code(s)


@given(ANY_TEXT)
def test_json_safe_keeps_json_meaning(s: str) -> None:
    text = json_safe(json.dumps({"k": s}, ensure_ascii=False))
    assert not UNSAFE.search(text)
    assert json.loads(text) == {"k": s}
