"""Invariants found missing by ``harness audit``: mojibake in any script, required fields.

Registered on import (``import harness.checks.fields`` in :mod:`harness.checks.core`); a feed runs
them when its configuration names them (``[feeds.invariants] no-mojibake = true``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from harness.checks.core import text_fields, violation
from harness.invariants import CheckContext, invariant
from harness.model import Item, Violation

__all__ = ["find_mojibake"]

# UTF-8 bytes read as Windows-1252 (Latin-1 for its holes): a lead byte 0xC2-0xF4 shows as
# Â..ô, each continuation byte 0x80-0xBF as one of these characters.
_CONTINUATION = (
    "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
_CANDIDATE = re.compile(f"[\u00c2-\u00f4][{_CONTINUATION}]{{1,3}}")
_TAG = re.compile(r"<[^<>]*>")
# Every candidate starts with one of these; ``char in text`` runs at memchr speed, so text
# without any of them (most text, in any script) is cleared without a regex scan.
_LEADS = tuple(chr(code) for code in range(0xC2, 0xF5))


def _may_hold_mojibake(text: str) -> bool:
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


def find_mojibake(text: str) -> tuple[str, str] | None:
    """The first run of UTF-8 read as Windows-1252 in ``text`` and what it meant, else None."""
    if not _may_hold_mojibake(text):
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


@invariant("no-mojibake")
def no_mojibake(
    items: Sequence[Item], ctx: CheckContext, *, html_fields: bool = True
) -> Iterator[Violation]:
    """No UTF-8 read as Windows-1252/Latin-1 ('Ã©', 'â€™', 'çŽ‹') in text or HTML fields."""
    for i, item in enumerate(items):
        for path, text in _mojibake_fields(item, html_fields):
            found = find_mojibake(text)
            if found:
                yield violation(
                    item,
                    i,
                    path,
                    f"mojibake: {found[0]!r} is UTF-8 for {found[1]!r} read as Windows-1252",
                    observed=text[max(0, text.find(found[0]) - 20) :][:60],
                    expected="text decoded once, as UTF-8",
                )
                break


def _mojibake_fields(item: Item, html_fields: bool) -> Iterator[tuple[str, str]]:
    """The fields to search, HTML without its tags; none when no field can hold mojibake.

    One pre-check over all the item's text clears most items. Replacing a tag by a space only
    removes characters, so HTML whose raw text holds no candidate holds none once stripped:
    the (costly) stripping is done only on a hit.
    """
    fields = text_fields(item)
    html = [
        (key, item[key])
        for key in ("summary", "content")
        if html_fields and isinstance(item.get(key), str)
    ]
    # No lead is a newline: the joined text holds one exactly when a field does. The (long)
    # HTML fields are searched as they are, not copied into the join.
    if not _may_hold_mojibake("\n".join(text for _, text in fields)) and not any(
        _may_hold_mojibake(raw) for _, raw in html
    ):
        return
    yield from fields
    for key, raw in html:
        if _CANDIDATE.search(raw):
            yield key, _TAG.sub(" ", raw)


@invariant("fields-present")
def fields_present(
    items: Sequence[Item], ctx: CheckContext, *, fields: tuple[str, ...] = ("id", "published")
) -> Iterator[Violation]:
    """Every item has a non-empty value in each of the configured fields."""
    for i, item in enumerate(items):
        for name in fields:
            value = item.get(name)
            if value is None or value == "" or value == []:
                yield violation(
                    item,
                    i,
                    name,
                    f"item has no {name}",
                    observed=repr(value),
                    expected=f"a {name} in every item",
                )
