"""Built-in invariants on an item's text: paragraphs and title present, no markup, not cut off."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence

from harness.checks.api import text_fields, violation
from harness.invariants import CheckContext
from harness.model import Item, Violation
from harness.textclass import strip_tags

__all__ = [
    "cut_off",
    "main_text",
    "no_markup_in_text",
    "paragraphs_nonempty",
    "text_complete",
    "title_nonempty",
]


def paragraphs_nonempty(
    items: Sequence[Item], ctx: CheckContext, *, min_paragraphs: int = 1
) -> Iterator[Violation]:
    """At least min-paragraphs paragraphs, none empty or whitespace-only."""
    for i, item in enumerate(items):
        paragraphs = item.get("paragraphs") or []
        if len(paragraphs) < min_paragraphs:
            yield violation(
                item,
                i,
                "paragraphs",
                f"{len(paragraphs)} paragraph(s)",
                observed=str(len(paragraphs)),
                expected=f">= {min_paragraphs}",
            )
        for j, para in enumerate(paragraphs):
            if not isinstance(para, str) or not para.strip():
                yield violation(
                    item,
                    i,
                    f"paragraphs/{j}",
                    "empty paragraph",
                    observed=repr(para),
                    expected="non-blank text",
                )


def title_nonempty(items: Sequence[Item], ctx: CheckContext) -> Iterator[Violation]:
    """Every item has a non-blank title."""
    for i, item in enumerate(items):
        title = item.get("title")
        if not isinstance(title, str) or not title.strip():
            yield violation(
                item, i, "title", "empty title", observed=repr(title), expected="non-blank text"
            )


_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(\s[^<>]*)?/?>|<!--|-->")


_ESCAPED_TAG = re.compile(r"&(?:amp;)*lt;\s*/?[A-Za-z]", re.IGNORECASE)


_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def no_markup_in_text(items: Sequence[Item], ctx: CheckContext) -> Iterator[Violation]:
    """No tags, escaped tags (&lt;p&gt;) or undecoded entities (&amp; &#160;) in text fields."""
    for i, item in enumerate(items):
        fields = text_fields(item)
        # Every match holds "<" or "&", or is "-->": text without them is plain (most items).
        joined = "\n".join(text for _, text in fields)
        if "<" not in joined and "&" not in joined and "-->" not in joined:
            continue
        for path, text in fields:
            for pattern, what in (
                (_TAG, "markup"),
                (_ESCAPED_TAG, "escaped markup"),
                (_ENTITY, "an undecoded entity"),
            ):
                found = pattern.search(text)
                if found:
                    yield violation(
                        item,
                        i,
                        path,
                        f"{what} in text",
                        observed=text[max(0, found.start() - 20) : found.end() + 20],
                        expected="plain text",
                    )
                    break


_ELLIPSES = ("…", "...", "⋯")


_TRAILING = " \t\r\n\u3000\xa0,;:|-–—"  # separators left after a cut (", " before a dropped link)


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
