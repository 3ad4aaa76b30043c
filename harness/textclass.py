"""What feed text is: its tags, its script, whether it is mojibake. One classifier for all.

The ``no-mojibake`` and ``script-matches-language`` invariants and the drift fingerprint's text
signals all ask these functions, so a check and a drift report never disagree about a text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = [
    "SCRIPT_CLASSES",
    "SCRIPT_RE",
    "clearly_in_script",
    "find_mojibake",
    "may_hold_mojibake",
    "mojibake_candidate",
    "mojibake_runs",
    "script_share",
    "strip_tags",
]

_TAG = re.compile(r"<[^<>]*>")  # [^<>]: linear even on a run of unclosed "<"


def strip_tags(markup: str, replacement: str = "") -> str:
    """``markup`` with every tag replaced by ``replacement`` (entities left as they are)."""
    return _TAG.sub(replacement, markup)


# UTF-8 bytes read as Windows-1252 (Latin-1 for its holes): a lead byte 0xC2-0xF4 shows as
# Â..ô, each continuation byte 0x80-0xBF as one of these characters.
_CONTINUATION = (
    "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
_CANDIDATE = re.compile(f"[\u00c2-\u00f4][{_CONTINUATION}]{{1,3}}")
# Every candidate starts with one of these; ``char in text`` runs at memchr speed, so text
# without any of them (most text, in any script) is cleared without a regex scan.
_LEADS = tuple(chr(code) for code in range(0xC2, 0xF5))


def may_hold_mojibake(text: str) -> bool:
    """True when ``text`` holds a lead character (U+00C2-U+00F4): every candidate starts with one.

    ASCII text holds none (``isascii`` is O(1)). In UTF-8 every character U+00C0-U+00FF starts
    with the byte C3, which no other character's encoding contains: one encoding and one memchr
    clear long CJK text about twice as fast as 51 ``in`` scans, which only run on a C3 byte.
    """
    if text.isascii() or b"\xc3" not in text.encode("utf-8", "surrogatepass"):
        return False
    return any(lead in text for lead in _LEADS)


def _as_bytes(run: str) -> bytes | None:
    out = bytearray()
    for char in run:
        try:
            out += char.encode("cp1252")
        except UnicodeEncodeError:
            if ord(char) > 0xFF:
                return None
            out.append(ord(char))  # a Latin-1 C1 character standing for a cp1252 hole
    return bytes(out)


def mojibake_candidate(text: str) -> bool:
    """Whether ``text`` holds a run shaped like UTF-8 read as Windows-1252 (not yet decoded)."""
    return _CANDIDATE.search(text) is not None


def find_mojibake(text: str) -> tuple[str, str] | None:
    """The first run of UTF-8 read as Windows-1252 in ``text`` and what it meant, else None."""
    if not may_hold_mojibake(text):
        return None
    for match in _CANDIDATE.finditer(text):
        raw = _as_bytes(match.group(0))
        if raw is None:
            continue
        try:
            meant = raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        return match.group(0), meant
    return None


_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_KANA = "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
SCRIPT_CLASSES = {  # letters of each language's script(s), as regex character classes
    "zh": _HAN,
    "ja": _HAN + _KANA,
    "ko": _HAN + "\uac00-\ud7af\u1100-\u11ff\u3130-\u318f",
    "ru": "\u0400-\u04ff",
    "uk": "\u0400-\u04ff",
    "bg": "\u0400-\u04ff",
    "ar": "\u0600-\u06ff\u0750-\u077f",
    "fa": "\u0600-\u06ff\u0750-\u077f",
    "he": "\u0590-\u05ff",
    "el": "\u0370-\u03ff\u1f00-\u1fff",
}
_LATIN = "A-Za-z\u00c0-\u024f\u1e00-\u1eff"
# Runs of characters, not single characters: the count is the total length of the runs, and
# matching a run of 20 Han characters once costs a twentieth of matching each of them.
SCRIPT_RE = {lang: re.compile(f"[{chars}]+") for lang, chars in SCRIPT_CLASSES.items()}
_LATIN_RE = re.compile(f"[{_LATIN}]+")
_LETTER_RE = re.compile(r"[^\W\d_]+")


def _count(pattern: re.Pattern[str], text: str) -> int:
    """How many characters of ``text`` the one-class run ``pattern`` matches."""
    return sum(map(len, pattern.findall(text)))


_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def script_share(text: str, lang: str) -> tuple[float, int, int]:
    """Share of letters in the language's script (Latin when unknown), letters, Latin-1 letters."""
    if text.isascii():
        # The letters of ASCII text are A-Z and a-z: all Latin, none Latin-1 (U+00C0-U+00FF)
        # and none in another script's class. Deleting them from the bytes counts them.
        letters = len(text) - len(text.encode("ascii").translate(None, _ASCII_LETTERS))
        wanted = 0 if lang in SCRIPT_RE else letters
        return (min(1.0, wanted / letters) if letters else 1.0), letters, 0
    letters = _count(_LETTER_RE, text)
    wanted = _count(SCRIPT_RE.get(lang, _LATIN_RE), text)
    # In UTF-8 the byte C3 starts the characters U+00C0-U+00FF and nothing else: one per letter.
    latin1 = text.encode("utf-8", "surrogatepass").count(b"\xc3")
    return (min(1.0, wanted / letters) if letters else 1.0), letters, latin1


def clearly_in_script(text: str, lang: str, min_share: float) -> bool:
    """True when ``text`` is in ``lang``'s script whatever its letter count: at least
    ``min_share`` of *all* its characters are in the script and none is Latin-1 (U+00C0-U+00FF).

    Letters are at most all characters, so the share of letters in the script is at least that
    share (float division rounds monotonically); a text with no letters is skipped anyway. This
    spares the letter count (the costliest regex) on almost every item of a non-Latin feed.
    """
    if not text or text.isascii():  # ASCII text has its own fast path in _script_share
        return False
    if not _count(SCRIPT_RE.get(lang, _LATIN_RE), text) / len(text) >= min_share:
        return False
    return lang not in SCRIPT_RE or b"\xc3" not in text.encode("utf-8", "surrogatepass")


def mojibake_runs(text: str) -> Iterator[re.Match[str]]:
    """Each run of UTF-8 read as Windows-1252 in ``text``, in order (the first: find_mojibake)."""
    if not may_hold_mojibake(text):
        return
    for match in _CANDIDATE.finditer(text):
        raw = _as_bytes(match.group(0))
        if raw is None:
            continue
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            continue
        yield match
