"""Built-in drift operators on the layout of any feed's item bodies (no site parser needed).

A site's template changes where things sit in the HTML an item carries: the paragraphs get a
wrapper, the opening paragraph becomes a heading, a block is appended to every item, paragraphs
become ``<br>``-separated text. Each operator makes one such change in every item with a body;
:mod:`harness.drift.structure` is what should notice it (``pos:`` signals).
"""

from __future__ import annotations

import html
from typing import Any

from lxml import etree

from harness.audit.feeddoc import Entry, FeedDoc, NotApplicable, html_join, html_parts
from harness.audit.operators import Choices, Kind, operator

__all__ = ["edit_bodies"]

DRIFT = Kind.DRIFT

_WRAPPERS = ("article-body", "entry-content", "post__text", "story-body content")
_APPENDED = (
    '<aside class="related"><a href="{link}">{title}</a></aside>',
    '<div class="share-tools"><a href="{link}">{word}</a> <a href="{link}#c">{word}</a></div>',
    '<p class="tags"><a href="{link}">{word}</a></p>',
)
_TITLE_MAX = 80  # characters of another item's title put into an appended block


def edit_bodies(doc: FeedDoc, edit: Any) -> int:
    """Apply ``edit(holder, entry) -> bool`` to every body (an html_parts holder); count them."""
    changed = 0
    for entry in doc.entries():
        body = entry.get("body")
        if not body or not body.strip():
            continue
        holder = html_parts(body)
        if edit(holder, entry):
            entry.set("body", html_join(holder))
            changed += 1
    if not changed:
        raise NotApplicable("no item body has the part this operator changes")
    return changed


def _opening(holder: Any) -> Any:
    """The first text in document order: a top-level element holding text, or loose text
    (returned as the element whose tail it is, or the holder itself for its own text)."""
    if holder.text and holder.text.strip():
        return holder
    for child in holder:
        if isinstance(child.tag, str) and "".join(child.itertext()).strip():
            return child
        if child.tail and child.tail.strip():
            return _Tail(child)
    return None


class _Tail:
    """Loose text after a top-level element."""

    __slots__ = ("el",)

    def __init__(self, el: Any) -> None:
        self.el = el


@operator("structure-wrap", kind=DRIFT)
def structure_wrap(doc: FeedDoc, choices: Choices) -> None:
    """Every body's content is wrapped in a new classed <div> (an article container)."""
    name = choices.choice(_WRAPPERS)

    def edit(holder: Any, entry: Entry) -> bool:
        wrapper = etree.Element("div", {"class": name})
        wrapper.text, holder.text = holder.text, None
        for child in list(holder):
            wrapper.append(child)  # moves it, with its tail
        holder.append(wrapper)
        return True

    edit_bodies(doc, edit)
    doc.notes.append(f'content wrapped in <div class="{name}">')


@operator("structure-lead", kind=DRIFT)
def structure_lead(doc: FeedDoc, choices: Choices) -> None:
    """The opening paragraph becomes bold (<strong>) or a heading (<h2>)."""
    form = choices.choice(("strong", "h2"))

    def edit(holder: Any, entry: Entry) -> bool:
        opening = _opening(holder)
        if opening is None:
            return False
        if opening is holder or isinstance(opening, _Tail):
            return _lead_from_text(holder, opening, form)
        if form == "strong" and not _bold(opening):
            strong = etree.SubElement(opening, "strong")
            strong.text, opening.text = opening.text, None
            for child in list(opening)[:-1]:
                strong.append(child)
            return True
        if opening.tag == "h2":
            return False
        opening.tag = "h2"  # also an opening already bold: it becomes a heading
        return True

    edit_bodies(doc, edit)
    doc.notes.append(f"opening paragraph as <{form}> (a bold one as <h2>)")


def _bold(el: Any) -> bool:
    """All of ``el``'s text inside one <strong> or <b>."""
    kids = [c for c in el if isinstance(c.tag, str)]
    return (
        len(kids) == 1
        and kids[0].tag in ("strong", "b")
        and not (el.text or "").strip()
        and not (kids[0].tail or "").strip()
    )


def _lead_from_text(holder: Any, opening: Any, form: str) -> bool:
    """Wrap loose opening text (the holder's own text, or a top-level tail) into ``form``."""
    lead = etree.Element(form)
    if opening is holder:
        lead.text, holder.text = holder.text.strip(), None
        holder.insert(0, lead)
    else:
        lead.text, opening.el.tail = opening.el.tail.strip(), None
        opening.el.addnext(lead)
    return True


@operator("structure-append", kind=DRIFT)
def structure_append(doc: FeedDoc, choices: Choices) -> None:
    """A block of one form, with other text in each item, is appended to every body."""
    template = choices.choice(_APPENDED)
    entries = doc.entries()
    titles = [e.get("title") or "" for e in entries]
    rng = choices.rng()

    def edit(holder: Any, entry: Entry) -> bool:
        title = rng.choice(titles)[:_TITLE_MAX] if titles else ""
        words = title.split() or ["更多"]
        block = template.format(
            link=html.escape(entry.get("link") or "https://example.org/", quote=True),
            title=html.escape(title or "more"),
            word=html.escape(rng.choice(words)[:20]),
        )
        holder.append(html_parts(block)[0])
        return True

    edit_bodies(doc, edit)
    doc.notes.append(f"appended to every body: {template[:50]}")


@operator("structure-br", kind=DRIFT)
def structure_br(doc: FeedDoc, choices: Choices) -> None:
    """Paragraphs leave their <p> elements for text separated by <br> (one or two)."""
    breaks = choices.integer(1, 2)

    def edit(holder: Any, entry: Entry) -> bool:
        paragraphs = list(holder.iter("p"))
        for p in paragraphs:
            _unwrap_with_breaks(p, breaks)
        return bool(paragraphs)

    edit_bodies(doc, edit)
    doc.notes.append(f"paragraphs as text with {breaks} <br> between them")


def _unwrap_with_breaks(p: Any, breaks: int) -> None:
    """Replace ``p`` by its content followed by ``breaks`` <br> elements."""
    parent = p.getparent()
    at = parent.index(p)
    moved = [*list(p)]
    brs = [etree.Element("br") for _ in range(breaks)]
    brs[-1].tail = p.tail
    text = p.text
    if at == 0:
        parent.text = (parent.text or "") + (text or "")
    else:
        prev = parent[at - 1]
        prev.tail = (prev.tail or "") + (text or "")
    parent.remove(p)
    for offset, el in enumerate([*moved, *brs]):
        parent.insert(at + offset, el)
