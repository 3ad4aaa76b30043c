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


def title_nonempty(
    items: Sequence[Item], ctx: CheckContext, *, per_dialect: bool = True
) -> Iterator[Violation]:
    """Every item has what its dialect requires: a title (RSS 2.0: or a description).

    The rules come from the specifications, so that a valid feed nobody configured passes:
    RSS 2.0 (and 0.92): "All elements of an item are optional, however at least one of title or
    description must be present"; RSS 1.0 and Atom 1.0 (RFC 4287 4.1.2: "atom:entry elements MUST
    contain exactly one atom:title element") require a title; JSON Feed 1.x requires ``id`` and
    one of ``content_html`` or ``content_text`` and no title. Other or unknown dialects, and
    article records (items with paragraphs): a title. ``per-dialect = false`` asks every item
    for a title.
    """
    feed_rule = _item_rule(ctx.dialect if per_dialect else None)
    for i, item in enumerate(items):
        # An article record (an article parser read the page: it has paragraphs) has a headline
        # whatever the envelope allows: it needs its title.
        rule = _item_rule(None) if "paragraphs" in item else feed_rule
        for field, expected in rule:
            if not any(_filled(item.get(name)) for name in field):
                name = field[0]
                message = f"empty {name}" if name != "title" else _EMPTY_TITLE[len(field) > 1]
                yield violation(
                    item, i, name, message, observed=repr(item.get(name)), expected=expected
                )


_EMPTY_TITLE = ("empty title", "empty title and description")
# One rule per dialect: each entry is (fields of which one must be non-blank, what is expected).
_TITLE = (("title",), "non-blank text")
_DIALECT_RULES: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    "rss2.0": ((("title", "summary"), "a title or a description (RSS 2.0)"),),
    "rss0.9x": ((("title", "summary"), "a title or a description (RSS 0.92)"),),
    "jsonfeed": (
        (("id",), "an id (JSON Feed: required)"),
        (("content",), "content_html or content_text (JSON Feed: required)"),
    ),
}


def _item_rule(dialect: str | None) -> tuple[tuple[tuple[str, ...], str], ...]:
    """The dialect's rule; a title for RSS 1.0, Atom, other and unknown dialects."""
    if dialect is not None and dialect.startswith("jsonfeed"):
        dialect = "jsonfeed"
    return _DIALECT_RULES.get(dialect or "", (_TITLE,))


def _filled(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


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
