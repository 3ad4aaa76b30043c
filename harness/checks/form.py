"""Invariants on the form of an item's text and dates: cut-off text, the zone dates are written in.

Registered on import (``import harness.checks.form`` in :mod:`harness.checks.core`); a feed runs
them when its configuration names them::

    [feeds.invariants]
    text-complete = true                          # a full-text feed: no text cut with '…'
    timezone-matches = { zone = "Asia/Shanghai" } # default: the feed's `timezone`
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from harness.checks.core import violation
from harness.dates import parse_feed_date
from harness.errors import ConfigError
from harness.invariants import CheckContext, invariant
from harness.model import Item, Violation
from harness.textclass import strip_tags

__all__ = ["cut_off", "expected_offset", "main_text"]

_ELLIPSES = ("…", "...", "⋯")
_TRAILING = " \t\r\n\u3000\xa0,;:|-–—"  # separators left after a cut (", " before a dropped link)
_FIXED = re.compile(r"^(?:UTC|GMT)?\s*([+-])(\d{1,2}):?(\d{2})?$|^(?:UTC|GMT|Z)$", re.IGNORECASE)


def main_text(item: Item) -> tuple[str, str] | None:
    """(path, plain text) of an item's main text: its last paragraph (else lead), else its
    content, else its summary (markup stripped); None when it has none."""
    paragraphs = item.get("paragraphs")
    if isinstance(paragraphs, list):
        for index in range(len(paragraphs) - 1, -1, -1):
            if isinstance(paragraphs[index], str) and paragraphs[index].strip():
                return f"paragraphs/{index}", paragraphs[index]
        lead = item.get("lead")
        return ("lead", lead) if isinstance(lead, str) and lead.strip() else None
    for key in ("content", "summary"):
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return key, html.unescape(strip_tags(value, " "))
    return None


def cut_off(text: str) -> bool:
    """True when ``text`` ends with an ellipsis (separators after it aside): it was cut."""
    return text.rstrip(_TRAILING).endswith(_ELLIPSES)


@invariant("text-complete")
def text_complete(items: Sequence[Item], ctx: CheckContext) -> Iterator[Violation]:
    """The text is whole: the last paragraph (or the description) does not end cut with '…'."""
    for i, item in enumerate(items):
        found = main_text(item)
        if found is not None and cut_off(found[1]):
            path, text = found
            yield violation(
                item,
                i,
                path,
                "the text ends with an ellipsis: cut off (the feed serves summaries?)",
                observed=text.rstrip()[-60:],
                expected="the full text, not cut with '…'",
            )


@functools.lru_cache(maxsize=32)
def _zone(name: str) -> Any:
    """An IANA zone, or a fixed offset written ``+08:00``, ``UTC-5`` or ``UTC``."""
    fixed = _FIXED.match(name.strip())
    if fixed is not None:
        sign, hours, minutes = fixed.group(1), fixed.group(2), fixed.group(3)
        if sign is None:
            return UTC
        delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
        return timezone(-delta if sign == "-" else delta)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"timezone-matches: unknown zone {name!r}: expected an IANA name such as "
            "'Asia/Shanghai' or a fixed offset such as '+08:00'"
        ) from None


def expected_offset(zone: str, instant: datetime) -> timedelta:
    """The UTC offset of ``zone`` at ``instant`` (DST-aware for IANA zones)."""
    found = instant.astimezone(_zone(zone)).utcoffset()
    return found if found is not None else timedelta()


def _offset_text(delta: timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


@invariant("timezone-matches")
def timezone_matches(
    items: Sequence[Item], ctx: CheckContext, *, zone: str | None = None
) -> Iterator[Violation]:
    """Item dates are written in the source's zone (zone, default: the feed's timezone)."""
    name = zone or ctx.timezone
    if not name:
        return
    for i, item in enumerate(items):
        raw = item.get("published_raw")
        try:
            written = parse_feed_date(raw).value if isinstance(raw, str) else None
        except ValueError:
            continue  # an unreadable date is date-parseable's business
        offset = None if written is None else written.utcoffset()
        if written is None or offset is None:
            continue
        wanted = expected_offset(name, written)
        if offset != wanted:
            yield violation(
                item,
                i,
                "published",
                f"the date is written at {_offset_text(offset)}, but {name} is at "
                f"{_offset_text(wanted)} then: the zone changed (the instants moved?)",
                observed=raw,
                expected=f"a date at {_offset_text(wanted)} ({name})",
            )
