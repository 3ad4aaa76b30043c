"""Built-in invariants on the script of an item's text: the feed language's, and no mojibake."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from harness.checks.api import text_fields, violation
from harness.invariants import CheckContext
from harness.model import Item, Violation
from harness.textclass import (
    SCRIPT_RE,
    clearly_in_script,
    find_mojibake,
    may_hold_mojibake,
    mojibake_candidate,
    script_share,
    strip_tags,
)

__all__ = ["no_mojibake", "script_matches_language"]


def script_matches_language(
    items: Sequence[Item],
    ctx: CheckContext,
    *,
    language: str | None = None,
    min_share: float = 0.5,
    max_latin1_share: float = 0.1,
    min_letters: int = 20,
) -> Iterator[Violation]:
    """Text is mostly in the feed language's script; many Latin-1 letters suggest mojibake."""
    lang = (language or ctx.language or "").lower().split("-")[0]
    if not lang:
        return
    non_latin = lang in SCRIPT_RE
    # Whether _clearly_passes may decide: only when an item with no letters is skipped
    # (min_letters >= 1) and a Latin-1 share of 0 passes.
    may_clear = min_letters >= 1 and not max_latin1_share < 0.0
    for i, item in enumerate(items):
        text = " ".join(t for _, t in text_fields(item))
        if len(text) < min_letters or (may_clear and clearly_in_script(text, lang, min_share)):
            continue  # fewer characters than min-letters: fewer letters too
        share, letters, latin1 = script_share(text, lang)
        if letters < min_letters:
            continue
        if share < min_share or (non_latin and latin1 / letters > max_latin1_share):
            yield violation(
                item,
                i,
                "paragraphs",
                f"{share:.0%} of letters in the {lang!r} script, {latin1 / letters:.0%} Latin-1 "
                "(mojibake?)",
                observed=text[:60],
                expected=f">= {min_share:.0%} {lang!r} script, <= {max_latin1_share:.0%} Latin-1",
            )


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
