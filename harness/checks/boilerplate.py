"""Built-in invariant ``boilerplate-stripped``: no known boilerplate marker reaches an item's text.

The markers come from the feed's configuration, its parser (``boilerplate_markers``) and the
invariant's own ``markers`` parameter.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence

from harness.checks.api import text_fields, violation
from harness.invariants import CheckContext
from harness.model import Item, Violation

__all__ = ["boilerplate_stripped", "fold_like_ignorecase"]


def boilerplate_stripped(
    items: Sequence[Item], ctx: CheckContext, *, markers: tuple[str, ...] = ()
) -> Iterator[Violation]:
    """No configured or built-in boilerplate marker appears in any text field."""
    wanted = tuple(dict.fromkeys((*ctx.boilerplate, *markers)))
    pattern = _markers_pattern(wanted)
    if pattern is None:
        return
    folded = _folded_pattern(wanted)
    for i, item in enumerate(items):
        fields = text_fields(item)
        # A case-insensitive regex tries every marker at every position (~15x slower than a
        # plain search): a plain search of the case-folded text clears most items first.
        if not folded.search(fold_like_ignorecase("\n".join(text for _, text in fields))):
            continue
        for path, text in fields:
            found = pattern.search(text)
            if found:
                yield violation(
                    item,
                    i,
                    path,
                    f"boilerplate marker {found.group(0)!r} in text",
                    observed=text[max(0, found.start() - 30) : found.end() + 30],
                    expected="no boilerplate",
                )


@functools.lru_cache(maxsize=64)
def _markers_pattern(markers: tuple[str, ...]) -> re.Pattern[str] | None:
    """One case-insensitive alternation of all markers, compiled once per marker set."""
    if not markers:
        return None
    return re.compile("|".join(map(re.escape, markers)), re.IGNORECASE)


@functools.lru_cache(maxsize=64)
def _folded_pattern(markers: tuple[str, ...]) -> re.Pattern[str]:
    """The markers case-folded, as one plain alternation."""
    return re.compile("|".join(re.escape(fold_like_ignorecase(m)) for m in markers))


_DOTTED = ("\u0130", "\u0131")  # İ and ı: the regex engine matches both with i, casefold does not


def fold_like_ignorecase(text: str) -> str:
    """Case folding under which text matching a marker case-insensitively (``re.IGNORECASE``)
    still contains the folded marker (tests/unit/test_fast_paths.py checks every character)."""
    if _DOTTED[0] in text or _DOTTED[1] in text:
        text = text.replace(_DOTTED[0], "i").replace(_DOTTED[1], "i")
    return text.casefold()
