"""Text signals of an item: escaped markup, mojibake, replacement characters, the script mix.

``text:`` signals name anomalies of the text itself (not of its markup); the ``cjk`` metric is
the share of the body's letters in the Chinese script.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

from harness.drift.body import text_of
from harness.drift.draft import Draft
from harness.drift.forms import short

__all__ = ["ESCAPED_MARKUP", "text_signals", "title_signals"]

ESCAPED_MARKUP = re.compile(
    r"<\s*/?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]{0,200})?/?>|&(?:[A-Za-z]{2,8}|#\d{2,6});"
)
_ENTITY = re.compile(r"&(?:[A-Za-z]{2,8}|#\d{2,6});")  # the second branch of ESCAPED_MARKUP
# UTF-8 read as Latin-1/cp1252: a lead byte (Ã Â â å æ ç è é ä ...) followed by a continuation.
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u2018-\u201e\u2020-\u2022\u2026\u2030\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u02c6\u02dc\u20ac\u2122]"
)
_LETTERS = re.compile(r"[^\W\d_]+")  # runs: summing their lengths counts letters
_CJK_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_CJK_LETTER_RUNS = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufa6d\ufa70-\ufad9]+")
_CJK_LETTERS_CHECKED = frozenset({"14.0.0"})  # Unicode versions where _CJK_LETTER_RUNS holds
# High bytes of UTF-16 code units whose whole block of 256 is in _CJK_LETTER_RUNS (3400-4CFF,
# 4E00-9FFF, F900-F9FF), and the two blocks only partly in it (4D00-4DBF, FA00-FA6D, FA70-FAD9).
_CJK_HIGH = bytes([*range(0x34, 0x4D), *range(0x4E, 0xA0), 0xF9])
_CJK_PARTIAL_HIGH = (0x4D, 0xFA)
_LATIN1_LETTERS = bytes(b for b in range(256) if _LETTERS.match(chr(b)))
# Common non-letters of CJK and European text outside Latin-1 (kept only if neither letter
# nor CJK): removed in bulk before the rest is scanned.
_BULK_PUNCTUATION = "，。、：；！？（）《》【】「」『』“”‘’…—–·・\u3000\u200b\u2022\u20ac"
_MOJIBAKE_MIN = 3  # mojibake pairs in a body text that make it ``text:mojibake``


def text_signals(body: Any, draft: Draft) -> None:
    """Text anomalies and the script mix of the body's text pieces, joined by spaces.

    The pieces are joined in C, without the spaces between them (whitespace-only pieces
    included): the joined text holds as many letters and CJK characters, and a ``\ufffd`` if
    the pieces do. It has at least as many mojibake pairs (a pair never spans two pieces),
    and escaped markup needs ``<`` or an entity (``_ENTITY``, no whitespace in it: within one
    piece, so in the joined text too): below those, the pieces need no joining.
    """
    text = text_of(body)
    if (
        "<" in text
        or ("&" in text and _ENTITY.search(text) is not None)
        or len(_MOJIBAKE.findall(text)) >= _MOJIBAKE_MIN
    ):
        text = " ".join([t for t in body.itertext() if t and not t.isspace()])
        if ESCAPED_MARKUP.search(text):
            draft.add("text:escaped-markup", excerpt=_first_match(ESCAPED_MARKUP, text))
        if len(_MOJIBAKE.findall(text)) >= _MOJIBAKE_MIN:
            draft.add("text:mojibake", excerpt=_first_match(_MOJIBAKE, text))
    _script(text, draft)


def title_signals(title: str, draft: Draft) -> None:
    if ESCAPED_MARKUP.search(title):
        draft.add("text:title-escaped", excerpt=short(title, 100))
    if len(_MOJIBAKE.findall(title)) >= 2:
        draft.add("text:mojibake", excerpt=short(title, 100))


def _first_match(pattern: re.Pattern[str], text: str) -> str:
    match = pattern.search(text)
    if match is None:
        return ""
    return short(text[max(0, match.start() - 30) : match.end() + 30], 100)


def _script(text: str, draft: Draft) -> None:
    if "\ufffd" in text:
        draft.add("text:replacement-char")
    letters, cjk = _letters_and_cjk(text)
    if letters >= 20:
        draft.metrics["cjk"] = round(cjk / letters, 4)


def _letters_and_cjk(text: str) -> tuple[int, int]:
    """How many letters (``_LETTERS``) and CJK ideographs (``_CJK_RUNS``) the text holds.

    Counted in bulk, in C, where the Unicode version is one checked: the CJK letters by the
    high bytes of their UTF-16 code units (:data:`_CJK_HIGH`, whole 256-character blocks of
    ``_CJK_LETTER_RUNS``), the Latin-1 letters by bytes (:data:`_LATIN1_LETTERS`). One regex
    pass then removes those and common punctuation (:data:`_BULK_RUNS`, no letter and no CJK
    character in it): only what is left is scanned for both. Otherwise, and when the text has
    a CJK block only partly of letters: :func:`_letters_and_cjk_plain`.
    """
    if _BULK_RUNS is None:
        return _letters_and_cjk_plain(text)
    units = text.encode("utf-16-be", "surrogatepass")[::2]  # the high byte of each code unit
    if _CJK_PARTIAL_HIGH[0] in units or _CJK_PARTIAL_HIGH[1] in units:
        return _letters_and_cjk_plain(text)  # a block only partly of CJK letters
    both = len(units) - len(units.translate(None, _CJK_HIGH))
    latin = text.encode("latin-1", "ignore")
    letters = both + len(latin) - len(latin.translate(None, _LATIN1_LETTERS))
    rest = _BULK_RUNS.sub("", text)
    if not rest:
        return letters, both
    letters += sum(map(len, _LETTERS.findall(rest)))
    return letters, both + sum(map(len, _CJK_RUNS.findall(rest)))


def _letters_and_cjk_plain(text: str) -> tuple[int, int]:
    """:func:`_letters_and_cjk` by regexes only.

    The CJK ideographs that are letters are counted by removing them (one scan of the text);
    the rest, short in Chinese text, is scanned for both.
    """
    rest = _cjk_letter_runs().sub("", text)
    both = len(text) - len(rest)
    letters = sum(map(len, _LETTERS.findall(rest)))
    return both + letters, both + sum(map(len, _CJK_RUNS.findall(rest)))


def _bulk_runs() -> re.Pattern[str] | None:
    """Runs of what :func:`_letters_and_cjk` counts in bulk: Latin-1, CJK letters, punctuation.

    None where the Unicode version is not one checked (``_CJK_LETTER_RUNS`` may not hold).
    """
    if unicodedata.unidata_version not in _CJK_LETTERS_CHECKED:
        return None
    punctuation = "".join(
        c for c in _BULK_PUNCTUATION if not _LETTERS.match(c) and not _CJK_RUNS.match(c)
    )
    cjk = _CJK_LETTER_RUNS.pattern[1:-2]  # the ranges inside "[...]+"
    return re.compile(f"[\\x00-\\xff{cjk}{re.escape(punctuation)}]+")


_BULK_RUNS = _bulk_runs()


@functools.cache
def _cjk_letter_runs() -> re.Pattern[str]:
    """Runs of the characters of ``_CJK_RUNS`` that ``_LETTERS`` matches (all but unassigned).

    Written out for the Unicode versions checked (``_cjk_letter_ranges`` finds them); other
    versions find them once.
    """
    if unicodedata.unidata_version in _CJK_LETTERS_CHECKED:
        return _CJK_LETTER_RUNS
    return re.compile(_cjk_letter_ranges())


def _cjk_letter_ranges() -> str:
    """A character class of the characters of ``_CJK_RUNS`` that ``_LETTERS`` matches, runs."""
    ranges: list[list[int]] = []
    for low, high in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)):
        for code in range(low, high + 1):
            if _LETTERS.match(chr(code)):
                if ranges and ranges[-1][1] == code - 1:
                    ranges[-1][1] = code
                else:
                    ranges.append([code, code])
    return "[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in ranges) + "]+"
