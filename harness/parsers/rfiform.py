"""Where text may sit in an RFI body: the bold lead, then the paragraphs of one body ``<div>``.

The RFI form (as the feedx mirror serves it) keeps the article's text in two places: the bold
lead ``<p><strong>…</strong></p>`` at the top level, and the ``<p>`` children of one body
``<div>`` after it. Everything else at the top level is a date line, an image or a side block the
body parser knows (author, share widget, related articles, copyright, footer). A paragraph found
anywhere else means the form changed: the lead or the author block in other markup, a renamed
boilerplate block, a new block. :func:`misplaced` finds those paragraphs once the body is walked;
the parser still keeps their text (and reports them as ``body-structure`` problems).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["GENERIC_CONTAINERS", "Place", "looks_like_credit", "misplaced", "place_of"]

GENERIC_CONTAINERS = frozenset(
    {"div", "section", "article", "main", "header", "footer", "center", "form", "aside"}
)
"""Containers with no meaning of their own (lists, tables and figures are content)."""

# An author credit as a paragraph of its own: a label, a separator, one to three short names.
_CREDIT = re.compile(
    r"(?:作者|文|撰文|撰稿|记者|采写)\s*[：:／/｜|]\s*"
    r"[\w·・\-. ]{1,16}(?:[、，, ][\w·・\-. ]{1,16}){0,2}"
)
_SENTENCE = re.compile(r"[。！？!?；;“”\"「」]")


@dataclass(frozen=True, slots=True)
class Place:
    """Where a paragraph came from: its top-level element, and whether it sits deeper."""

    top: int  # index of its top-level element among the body's elements
    in_container: bool  # the top-level element is a container, not the text block itself
    nested: bool  # a generic container lies between the paragraph and that top-level element
    promo: bool = False  # the paragraph or a container of it has a class naming a promo


def place_of(el: Any, body: Any, top: int) -> Place:
    """The place of text block ``el`` whose top-level element has index ``top``."""
    between = 0
    promo = _is_promo(el)
    parent = el.getparent()
    if parent is None or parent is body:
        return Place(top, in_container=False, nested=False, promo=promo)
    while parent is not None and parent.getparent() is not None and parent.getparent() is not body:
        tag = parent.tag.lower() if isinstance(parent.tag, str) else ""
        between += tag in GENERIC_CONTAINERS
        promo = promo or _is_promo(parent)
        parent = parent.getparent()
    promo = promo or (parent is not None and _is_promo(parent))
    return Place(top, in_container=True, nested=between > 0, promo=promo)


def _is_promo(el: Any) -> bool:
    """A class naming a promo (``newsletter-promo``, ``app-promo``): self-promotion markup."""
    return "promo" in (el.get("class") or "").lower()


def looks_like_credit(text: str) -> bool:
    """True for a paragraph that is only an author credit (``文／夏榕``, ``记者：甲、乙``)."""
    return len(text) <= 40 and not _SENTENCE.search(text) and _CREDIT.fullmatch(text) is not None


_BEFORE = (
    "a text block before the article body that is not the bold lead",
    "the lead as <p><strong>…</strong></p>, the text in the body's <div>",
)
_AFTER = (
    "text after the article body, where only the author, share, related-articles and footer "
    "blocks belong",
    "no text after the body's <div>",
)
_NESTED = (
    "text in a block nested inside the article body (a block the parser does not know)",
    "paragraphs as <p> children of the body's <div>",
)
_PROMO = (
    "the text of a promo block (a class naming a promo) reaches the paragraphs",
    "no self-promotion in the text: a block the parser drops",
)
_CREDIT_OUTSIDE = (
    "an author credit outside the author block: the author block changed markup",
    "the author block <span>作者：</span><a>name</a>",
)


def misplaced(paragraphs: Sequence[str], places: Sequence[Place]) -> Iterator[tuple[int, str, str]]:
    """(paragraph index, message, expected) of every paragraph outside the RFI form.

    The body ``<div>`` is the top-level container holding the most paragraphs; a body without
    one (paragraphs straight at the top level) has no form to hold them to, but a promo block
    is one anywhere.
    """
    held = Counter(p.top for p in places if p.in_container)
    body = max(held, key=lambda top: (held[top], -top)) if held else None
    for index, (text, where) in enumerate(zip(paragraphs, places, strict=True)):
        if where.promo:
            yield index, *_PROMO
        elif body is None or (where.top == body and not where.nested):
            continue
        elif looks_like_credit(text):
            yield index, *_CREDIT_OUTSIDE
        elif where.top < body:
            yield index, *_BEFORE
        elif where.top > body:
            yield index, *_AFTER
        else:
            yield index, *_NESTED
