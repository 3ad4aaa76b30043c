"""Where things sit in an item's HTML body, for every parser: the ``pos:`` signals.

Role signals (``role:lead=...``) exist only where a site parser extracts a lead and paragraphs;
these describe the body's layout by *position*, whatever parsed it:

==================  ===========================================================================
``pos:first=F``     the form of the first top-level block with text or an image (``p>strong``)
``pos:last=F``      the form of the last one (``div.share``, ``a``, ``#text``)
``pos:container=C`` what holds most of the text, and what wraps that (``div.article>p``, ``p``,
                    ``#text`` for text between ``<br>`` at the top level)
``pos:images=H``    what holds most images (``p>img``, ``figure>img``, ``img`` at the top level)
``pos:links=H``     what holds most links (``p>a``, ``li>a``)
``pos:emphasis=H``  what holds most emphasis (``p>strong``; ``b`` is ``strong``, ``i`` is ``em``)
==================  ===========================================================================

A block's *form* is its coarse label, followed (``>``) by the label of its only element child as
long as that child holds the whole content (no text of its own around it), three levels at most:
``<p><strong>Lead</strong></p>`` is ``p>strong``, ``<p>Text <b>bold</b></p>`` is ``p``.

The value space is coarse on purpose, so that the items of one healthy recording (an article
with a list, another with a quote) share their values: a label is the lowercase tag name and at
most two class names (sorted); a part of a class name holding a digit becomes ``#``
(``post-1234`` and ``post-987`` are both ``post-#``); no other attribute counts. The body is
parsed with lxml's HTML parser, so tag case, attribute quoting, ``<br>`` or ``<br/>`` and entity
forms never reach a label; ``<br>`` and whitespace-only text never make a block.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from harness.drift.draft import Draft
from harness.drift.forms import MEMO

__all__ = ["EMPHASIS", "LOOSE", "Held", "Tally", "block_form", "coarse_label", "position_signals"]

EMPHASIS = {"strong": "strong", "b": "strong", "em": "em", "i": "em"}
"""Emphasis tags, the presentational ones (HTML ``b``, ``i``) named as the semantic ones."""

_FORM_DEPTH = 3  # parts of a block form: the block, its sole child, that child's sole child
_CLASSES = 2  # class names kept per label; a third rarely names the layout, more often a state
_PART_MAX = 24  # characters per tag or class name: feed text is hostile, labels stay short
_CLASS_PART = re.compile(r"[-_]")
_DIGIT = re.compile(r"\d")
_SKIPPED = frozenset({"br", "wbr", "hr"})  # void separators: no content, never a block's form


@functools.lru_cache(maxsize=MEMO)
def coarse_label(tag: str, classes: str | None) -> str:
    """The coarse label of an element: ``div.article``, ``p``, ``ul.post-#``."""
    lower = tag.lower()[:_PART_MAX]
    if not classes:
        return lower
    names = sorted({_coarse_class(c) for c in classes.split()})[:_CLASSES]
    return lower + "".join("." + n for n in names)


def _coarse_class(name: str) -> str:
    """A class name with each ``-``/``_`` part that holds a digit written ``#``."""
    if not _DIGIT.search(name):
        return name[:_PART_MAX]
    parts = _CLASS_PART.split(name)
    return "-".join("#" if _DIGIT.search(p) else p for p in parts)[:_PART_MAX]


def _label(el: Any) -> str:
    return coarse_label(el.tag, el.get("class"))


def block_form(block: Any) -> str:
    """The form of a top-level block (an element, or a text string: ``#text``)."""
    if isinstance(block, str):
        return "#text"
    parts = [_label(block)]
    el = block
    while len(parts) < _FORM_DEPTH:
        only = _sole_child(el)
        if only is None:
            break
        el = only
        parts.append(_label(el))
    return ">".join(parts)


def _sole_child(el: Any) -> Any:
    """The one element child holding all of ``el``'s content, else None."""
    if el.text and not el.text.isspace():
        return None
    found = None
    for child in el:
        if child.tail and not child.tail.isspace():
            return None
        if not isinstance(child.tag, str) or child.tag.lower() in _SKIPPED:
            continue
        if found is not None:
            return None
        found = child
    return found


def _has_content(block: Any) -> bool:
    """Text with a non-space character or an image: a block a reader sees."""
    if isinstance(block, str):
        return True
    for text in block.itertext():  # lazily: the first words end the look
        if not text.isspace():
            return True
    return any(True for _ in block.iter("img"))


Held = dict[tuple[int, int], list[Any]]
"""(holder's number, element's number) -> [count, first top, holder label, element label]."""

LOOSE = (-1, -1)  # the key of text outside any element (the body's own text, tails)


class Tally:
    """What the body walk counts for the ``pos:`` signals: holders of text, images, links.

    The walk counts by (holder, element) step numbers, cheap to hash; labels are joined only
    for the few distinct pairs of an item, when the signals are made.
    """

    __slots__ = ("containers", "emphasis", "images", "links")

    def __init__(self) -> None:
        self.containers: Held = {}  # characters of text held
        self.images: Held = {}
        self.links: Held = {}
        self.emphasis: Held = {}  # emphasis elements holding text

    @staticmethod
    def note(table: Held, key: tuple[int, int], n: int, top: int, holder: str, label: str) -> None:
        """Add ``n`` to ``key`` of ``table`` (what the walk inlines on its hot path)."""
        found = table.get(key)
        if found is None:
            table[key] = [n, top, holder, label]
        else:
            found[0] += n


def _winner(table: Held) -> tuple[str, int] | None:
    """The label counted most (first met on a tie) and the top where it was first met."""
    counts: dict[str, list[int]] = {}
    for n, top, holder, label in table.values():
        name = f"{holder}>{label}" if holder else label
        found = counts.get(name)
        if found is None:
            counts[name] = [n, top]
        else:
            found[0] += n
            found[1] = min(found[1], top)
    if not counts:
        return None
    best = max(counts.items(), key=lambda kv: (kv[1][0], -kv[1][1]))
    return best[0], best[1][1]


def position_signals(draft: Draft, tally: Tally) -> None:
    """Add the ``pos:`` signals of an item whose body was walked into ``draft`` and ``tally``."""
    blocks = draft.blocks
    first = next((i for i, b in enumerate(blocks) if _has_content(b)), None)
    if first is not None:
        last = next(i for i in range(len(blocks) - 1, -1, -1) if _has_content(blocks[i]))
        draft.add(f"pos:first={block_form(blocks[first])}", first)
        draft.add(f"pos:last={block_form(blocks[last])}", last)
    for family, table in (
        ("container", tally.containers),
        ("images", tally.images),
        ("links", tally.links),
        ("emphasis", tally.emphasis),
    ):
        won = _winner(table)
        if won is not None:
            draft.add(f"pos:{family}={won[0]}", won[1])
