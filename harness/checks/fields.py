"""Invariants found missing by ``harness audit``: mojibake in any script, required fields.

Registered on import (``import harness.checks.fields`` in :mod:`harness.checks.core`); a feed runs
them when its configuration names them (``[feeds.invariants] no-mojibake = true``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from harness.checks.core import text_fields, violation
from harness.invariants import CheckContext, invariant
from harness.model import Item, Violation
from harness.textclass import find_mojibake, may_hold_mojibake, mojibake_candidate, strip_tags

__all__ = ["find_mojibake"]


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
    if not may_hold_mojibake("\n".join(text for _, text in fields)) and not any(
        may_hold_mojibake(raw) for _, raw in html
    ):
        return
    yield from fields
    for key, raw in html:
        if mojibake_candidate(raw):
            yield key, strip_tags(raw, " ")


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
