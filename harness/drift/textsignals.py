"""Text signals of an item: escaped markup, mojibake, replacement characters, the script mix.

``text:`` signals name anomalies of the text itself (not of its markup); the ``cjk`` metric is
the share of the body's letters in the Chinese script. What counts as mojibake and as a letter of
the Chinese script is :mod:`harness.textclass`'s rule, the one the ``no-mojibake`` and
``script-matches-language`` checks use; this module only counts faster where it can.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from typing import Any

from harness.drift.body import text_of
from harness.drift.draft import Draft
from harness.drift.forms import short
from harness.textclass import (
    SCRIPT_CLASSES,
    SCRIPT_RE,
    may_hold_mojibake,
    mojibake_candidate,
    mojibake_runs,
)

__all__ = [
    "BULK_PUNCTUATION",
    "BULK_RUNS",
    "CJK_LETTER_RUNS",
    "ESCAPED_MARKUP",
    "LATIN1_LETTERS",
    "cjk_letter_ranges",
    "letters_and_han",
    "text_signals",
    "title_signals",
]

ESCAPED_MARKUP = re.compile(
    r"<\s*/?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]{0,200})?/?>|&(?:[A-Za-z]{2,8}|#\d{2,6});"
)
_ENTITY = re.compile(r"&(?:[A-Za-z]{2,8}|#\d{2,6});")  # the second branch of ESCAPED_MARKUP
# The thresholds came with the fingerprint itself (drift detection, issue 4); no corpus figure
# was recorded for them. Each counts misread characters, the runs ``find_mojibake`` reports
# (until the rule was shared they counted a lead character and its first continuation: one
# per misread character too).
_BODY_MOJIBAKE = 3  # in a body: one or two (a quoted name, a stray byte) are not the feed's form
_TITLE_MOJIBAKE = 2  # a title is a line: two suffice
_MIN_LETTERS = 20  # letters a body needs before its script share is a form, not a word
_HAN = SCRIPT_RE["zh"]  # the Chinese script (Han), as script-matches-language counts it
_LETTERS = re.compile(r"[^\W\d_]+")  # runs: summing their lengths counts letters (as textclass)
# The bulk count below knows the Han class's BMP part; an astral rest is left to the regex.
_HAN_BMP = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_KNOWN = SCRIPT_CLASSES["zh"].startswith(_HAN_BMP) and all(
    c == "-" or ord(c) > 0xFFFF for c in SCRIPT_CLASSES["zh"][len(_HAN_BMP) :]
)
CJK_LETTER_RUNS = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufa6d\ufa70-\ufad9]+")
_CJK_LETTERS_CHECKED = frozenset({"14.0.0"})  # Unicode versions where CJK_LETTER_RUNS holds
# High bytes of UTF-16 code units whose whole block of 256 is in CJK_LETTER_RUNS (3400-4CFF,
# 4E00-9FFF, F900-F9FF), and the two blocks only partly in it (4D00-4DBF, FA00-FA6D, FA70-FAD9).
_CJK_HIGH = bytes([*range(0x34, 0x4D), *range(0x4E, 0xA0), 0xF9])
_CJK_PARTIAL_HIGH = (0x4D, 0xFA)
LATIN1_LETTERS = bytes(b for b in range(256) if _LETTERS.match(chr(b)))
# Common non-letters of CJK and European text outside Latin-1 (kept only if neither letter
# nor Han): removed in bulk before the rest is scanned.
BULK_PUNCTUATION = "，。、：；！？（）《》【】「」『』“”‘’…—–·・\u3000\u200b\u2022\u20ac"


def text_signals(body: Any, draft: Draft) -> None:
    """Text anomalies and the script mix of the body's text pieces, joined by spaces.

    The pieces are joined in C, without the spaces between them (whitespace-only pieces
    included): the joined text holds as many letters and Han characters, and a ``\ufffd`` if
    the pieces do. A mojibake run lies within one piece and starts with a lead character and a
    continuation, which stay side by side in the joined text (``mojibake_candidate``), and
    escaped markup needs ``<`` or an entity (``_ENTITY``, no whitespace in it: within one
    piece, so in the joined text too): without those, the pieces need no joining.
    """
    text = text_of(body)
    if (
        "<" in text
        or ("&" in text and _ENTITY.search(text) is not None)
        or (may_hold_mojibake(text) and mojibake_candidate(text))
    ):
        text = " ".join([t for t in body.itertext() if t and not t.isspace()])
        markup = ESCAPED_MARKUP.search(text)
        if markup is not None:
            draft.add("text:escaped-markup", excerpt=_around(text, markup))
        runs = list(itertools.islice(mojibake_runs(text), _BODY_MOJIBAKE))
        if len(runs) >= _BODY_MOJIBAKE:
            draft.add("text:mojibake", excerpt=_around(text, runs[0]))
    _script(text, draft)


def title_signals(title: str, draft: Draft) -> None:
    """Escaped markup and mojibake in an item's title."""
    if ESCAPED_MARKUP.search(title):
        draft.add("text:title-escaped", excerpt=short(title, 100))
    if sum(1 for _ in itertools.islice(mojibake_runs(title), _TITLE_MOJIBAKE)) >= _TITLE_MOJIBAKE:
        draft.add("text:mojibake", excerpt=short(title, 100))


def _around(text: str, match: re.Match[str]) -> str:
    """An excerpt of ``text`` around ``match``."""
    return short(text[max(0, match.start() - 30) : match.end() + 30], 100)


def _script(text: str, draft: Draft) -> None:
    if "\ufffd" in text:
        draft.add("text:replacement-char")
    letters, han = letters_and_han(text)
    if letters >= _MIN_LETTERS:
        draft.metrics["cjk"] = round(min(1.0, han / letters), 4)  # textclass.script_share(, "zh")


def letters_and_han(text: str) -> tuple[int, int]:
    """How many letters, and how many characters of the Chinese script, the text holds.

    The counts ``textclass.script_share(text, "zh")`` divides: letters (``_LETTERS``) and
    characters of ``SCRIPT_RE["zh"]`` (``_HAN``, which may include a few unassigned ones).

    Counted in bulk, in C, where the Unicode version is one checked: the CJK letters by the
    high bytes of their UTF-16 code units (:data:`_CJK_HIGH`, whole 256-character blocks of
    ``CJK_LETTER_RUNS``), the Latin-1 letters by bytes (:data:`LATIN1_LETTERS`). One regex
    pass then removes those and common punctuation (:data:`BULK_RUNS`, no letter and no CJK
    character in it): only what is left is scanned for both. Otherwise, and when the text has
    a CJK block only partly of letters: :func:`_letters_and_han_plain`.
    """
    if BULK_RUNS is None:
        return _letters_and_han_plain(text)
    units = text.encode("utf-16-be", "surrogatepass")[::2]  # the high byte of each code unit
    if _CJK_PARTIAL_HIGH[0] in units or _CJK_PARTIAL_HIGH[1] in units:
        return _letters_and_han_plain(text)  # a block only partly of CJK letters
    both = len(units) - len(units.translate(None, _CJK_HIGH))
    latin = text.encode("latin-1", "ignore")
    letters = both + len(latin) - len(latin.translate(None, LATIN1_LETTERS))
    rest = BULK_RUNS.sub("", text)
    if not rest:
        return letters, both
    letters += sum(map(len, _LETTERS.findall(rest)))
    return letters, both + sum(map(len, _HAN.findall(rest)))


def _letters_and_han_plain(text: str) -> tuple[int, int]:
    """:func:`letters_and_han` by regexes only.

    The CJK ideographs that are letters are counted by removing them (one scan of the text);
    the rest, short in Chinese text, is scanned for both.
    """
    if not _HAN_KNOWN:  # a Han class this module does not know: count by its regex alone
        return sum(map(len, _LETTERS.findall(text))), sum(map(len, _HAN.findall(text)))
    rest = _cjk_letter_runs().sub("", text)
    both = len(text) - len(rest)
    letters = sum(map(len, _LETTERS.findall(rest)))
    return both + letters, both + sum(map(len, _HAN.findall(rest)))


def _bulk_runs() -> re.Pattern[str] | None:
    """Runs of what :func:`letters_and_han` counts in bulk: Latin-1, CJK letters, punctuation.

    None where the Unicode version is not one checked (``CJK_LETTER_RUNS`` may not hold).
    """
    if unicodedata.unidata_version not in _CJK_LETTERS_CHECKED or not _HAN_KNOWN:
        return None
    punctuation = "".join(
        c for c in BULK_PUNCTUATION if not _LETTERS.match(c) and not _HAN.match(c)
    )
    cjk = CJK_LETTER_RUNS.pattern[1:-2]  # the ranges inside "[...]+"
    return re.compile(f"[\\x00-\\xff{cjk}{re.escape(punctuation)}]+")


BULK_RUNS = _bulk_runs()


@functools.cache
def _cjk_letter_runs() -> re.Pattern[str]:
    """Runs of the characters of ``_HAN_BMP`` that ``_LETTERS`` matches (all but unassigned).

    Written out for the Unicode versions checked (``cjk_letter_ranges`` finds them); other
    versions find them once.
    """
    if unicodedata.unidata_version in _CJK_LETTERS_CHECKED:
        return CJK_LETTER_RUNS
    return re.compile(cjk_letter_ranges())


def cjk_letter_ranges() -> str:
    """A character class of the characters of ``_HAN_BMP`` that ``_LETTERS`` matches, runs."""
    ranges: list[list[int]] = []
    for low, high in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)):
        for code in range(low, high + 1):
            if _LETTERS.match(chr(code)):
                if ranges and ranges[-1][1] == code - 1:
                    ranges[-1][1] = code
                else:
                    ranges.append([code, code])
    return "[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in ranges) + "]+"
