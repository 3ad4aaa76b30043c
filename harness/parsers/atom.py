"""Atom 1.0 and 0.3 feeds (a parsed tree) -> feed items, for the ``rss`` parser."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lxml import etree

from harness.model import Item
from harness.parsers._items import (
    ATOM10,
    DC,
    RFC3339_EXPECTED,
    XHTML,
    Dates,
    ItemCollector,
    all_plain,
    all_text,
    base64_text,
    check_item_count,
    children,
    enclosure,
    inner_markup,
    plain,
    raw_text,
    resolve,
    text,
)
from harness.parsers._text import collapse, plain_html
from harness.parsers._xmlsafe import Element

__all__ = ["ATOM03", "read_atom"]

ATOM03 = "http://purl.org/atom/ns#"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def read_atom(root: Element, url: str, max_items: int) -> tuple[ItemCollector, dict[str, Any]]:
    """The entries of an Atom ``<feed>`` and the feed's title, link and language."""
    namespace = etree.QName(root).namespace
    core = f"{{{namespace}}}"
    ctx = ItemCollector("atom1.0" if namespace == ATOM10 else "atom0.3", core, url)
    kids = children(root, core)
    ctx.feed_author = _authors(kids, ctx)
    link, _ = _links(kids.get("link", ()), ctx)
    entries = kids.get("entry", [])
    check_item_count(len(entries), max_items)
    for entry in entries:
        ctx.add(*_entry(entry, ctx))
    title = atom_text(kids["title"][0], plain=True) if "title" in kids else None
    language = root.get(_XML_LANG) or None
    return ctx, {"title": title, "link": link, "language": language}


def _entry(elem: Element, ctx: ItemCollector) -> tuple[Item, Dates]:
    kids = children(elem, ctx.core)
    url, enclosures = _links(kids.get("link", ()), ctx)
    texts = {
        key: atom_text(kids[key][0], plain=key == "title") if key in kids else None
        for key in ("title", "summary", "content")
    }
    item: Item = {
        "id": text(kids, "id"),
        "url": url,
        **texts,
        "author": _authors(kids, ctx) or ctx.feed_author,
        "categories": [c.get("term", "").strip() for c in kids.get("category", ()) if c.get("term")]
        + all_plain(kids, f"{DC}subject"),
        "enclosures": enclosures,
    }
    published = next(
        (r for k in ("published", "issued", "created") if (r := raw_text(kids, k))), None
    )
    updated = raw_text(kids, "updated") or raw_text(kids, "modified")
    return item, {
        "published": (published or updated, RFC3339_EXPECTED),
        "updated": (updated, RFC3339_EXPECTED),
    }


def _links(links: Iterable[Element], ctx: ItemCollector) -> tuple[str | None, list[Any]]:
    """The first rel=alternate href, and the rel=enclosure links as enclosures."""
    alternate: str | None = None
    enclosures: list[Any] = []
    for link in links:
        rel = (link.get("rel") or "alternate").strip().lower()
        href = resolve(link.get("href"), link, ctx.base)
        if rel == "alternate" and alternate is None:
            alternate = href
        elif rel == "enclosure" and (
            found := enclosure(href, link.get("type"), link.get("length"))
        ):
            enclosures.append(found)
    return alternate, enclosures


def _authors(kids: dict[str, list[Element]], ctx: ItemCollector) -> str | None:
    names = []
    for author in kids.get("author", ()):
        name = plain(children(author, ctx.core), "name")
        if name:
            names.append(name)
    return ", ".join(names) or None


def atom_text(elem: Element, *, plain: bool) -> str:
    """An Atom text construct (or Atom 0.3 content) as plain text, or as markup given."""
    kind = (elem.get("type") or "text").strip().lower()
    mode = (elem.get("mode") or "").strip().lower()
    if mode == "base64":
        raw = base64_text(elem.text or "")
    elif kind in ("xhtml", "application/xhtml+xml") or (mode == "xml" and len(elem)):
        div = elem.find(f"{{{XHTML}}}div")
        target = div if div is not None else elem
        if plain:
            return collapse(all_text(target))
        raw = inner_markup(target)
    else:
        raw = all_text(elem)
    if not plain:
        return raw.strip()
    if kind in ("html", "text/html") or mode == "escaped":
        return plain_html(raw)
    return collapse(raw)
