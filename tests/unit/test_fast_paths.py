"""Fast paths give the answers of the straightforward code they replaced (issue 6).

Each test keeps the plain version as a reference and compares on generated input built from the
characters that matter (mojibake runs, tags, CJK and Latin text).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from helpers import reference_find_mojibake
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.checks import text_fields
from harness.invariants import CheckContext, get_invariant
from harness.textclass import find_mojibake

_TAG = re.compile(r"<[^<>]*>")
_CANDIDATE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{1,3}"
)


def _reference_fields(item: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Every field, HTML stripped of its tags, as the first no-mojibake searched them."""
    yield from text_fields(item)
    for key in ("summary", "content"):
        if isinstance(item.get(key), str):
            yield key, _TAG.sub(" ", item[key])


def _reference_fired(item: dict[str, Any]) -> tuple[str, str] | None:
    for path, text in _reference_fields(item):
        found = reference_find_mojibake(text)
        if found:
            return path, found[0]
    return None


_MOJIBAKE = [
    w.encode("utf-8").decode("cp1252", "replace")
    for w in ("é", "’", "王", "ü", "—", "©", "\u00a0", "ô")
]
_PIECES = st.sampled_from(
    [*_MOJIBAKE, "é", "Ã", "â", "Â ", "<p>", "</p>", '<a title="Ã©">', "<", ">", "中文", "abc", " "]
)
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=4)), max_size=12).map("".join)


@given(_TEXT)
def test_find_mojibake_matches_the_reference(text: str) -> None:
    assert find_mojibake(text) == reference_find_mojibake(text)


@settings(max_examples=300)
@given(
    title=_TEXT, summary=_TEXT, content=st.none() | _TEXT, paragraphs=st.lists(_TEXT, max_size=3)
)
def test_no_mojibake_fires_exactly_where_the_reference_does(
    title: str, summary: str, content: str | None, paragraphs: list[str]
) -> None:
    item = {"title": title, "summary": summary, "content": content, "paragraphs": paragraphs}
    check = get_invariant("no-mojibake").bind({})
    found = list(check.iter_violations([item], CheckContext()))
    expected = _reference_fired(item)
    got = [(v.field, v.message.split(" is UTF-8")[0]) for v in found]
    assert got == ([(expected[0], f"mojibake: {expected[1]!r}")] if expected else [])


_SCRIPTS = st.text(
    alphabet=st.sampled_from(
        [
            *"aZé×÷ÿ王中文。，1_ ",
            *"\u0416\u0482\u0660\u060c\u05d0\u03b1\u30fb\u30fc",
            *"\u3042\uac00\u4dbf\u9fff\ufa6e\U00020000\u1e00\u0250",
        ]
    ),
    max_size=60,
)


@given(_SCRIPTS, st.sampled_from(["zh", "ja", "ko", "ru", "ar", "he", "el", "en", "xx"]))
def test_script_share_counts_like_one_match_per_character(text: str, lang: str) -> None:
    from harness.textclass import SCRIPT_CLASSES, script_share

    def count(chars: str) -> int:
        return re.compile(f"[{chars}]").subn("", text)[1]

    letters = re.compile(r"[^\W\d_]").subn("", text)[1]
    wanted = count(SCRIPT_CLASSES.get(lang, "A-Za-z\u00c0-\u024f\u1e00-\u1eff"))
    share = min(1.0, wanted / letters) if letters else 1.0
    assert script_share(text, lang) == (share, letters, count("\u00c0-\u00ff"))


def test_case_folding_never_separates_what_the_regex_engine_matches() -> None:
    """Every pair of characters re.IGNORECASE treats as equal folds to the same text, so the
    folded pre-check of boilerplate-stripped cannot miss a marker the regex would find."""
    import _sre
    from re import _casefix  # type: ignore[attr-defined]  # the engine's extra equivalences

    from harness.checks.boilerplate import fold_like_ignorecase as _fold

    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        assert _fold(char) == _fold(chr(_sre.unicode_tolower(code))), hex(code)
    for one, others in _casefix._EXTRA_CASES.items():
        for other in others:
            assert _fold(chr(one)) == _fold(chr(other)), (hex(one), hex(other))


_MARKER_TEXT = st.text(
    alphabet=st.sampled_from([*"aSsKkIiß-./获", "ſ", "K", "İ", "ı", "ẞ", "Σ", "ς"])
)


@settings(max_examples=300)
@given(
    markers=st.lists(_MARKER_TEXT.filter(bool), min_size=1, max_size=3),
    fields=st.lists(_MARKER_TEXT, min_size=1, max_size=3),
)
def test_boilerplate_stripped_fires_exactly_where_the_regex_does(
    markers: list[str], fields: list[str]
) -> None:
    item = {"title": fields[0], "paragraphs": fields[1:]}
    check = get_invariant("boilerplate-stripped").bind({"markers": markers})
    found = [(v.field, v.message) for v in check.iter_violations([item], CheckContext())]
    pattern = re.compile("|".join(map(re.escape, dict.fromkeys(markers))), re.IGNORECASE)
    expected = []
    for path, text in text_fields(item):
        match = pattern.search(text)
        if match:
            expected.append((path, f"boilerplate marker {match.group(0)!r} in text"))
    assert found == expected
