"""The feed document's envelope, scanned raw: namespaces, root and channel paths, and per item
the element/attribute paths (``env:``) and how each markup field is written (``esc:``).

The XML is parsed once with lxml (no entities, no network, recovering); how a field is written
(CDATA, escaped, double-escaped) is lost in parsing, so it is read from the raw text of each item.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from harness.drift.forms import link_form

__all__ = [
    "KNOWN_NS",
    "MARKUP_FIELD",
    "RAW_LINK",
    "XML_PARSER",
    "Envelope",
    "channel_paths",
    "envelope",
    "item_bounds",
    "qname",
    "raw_forms",
]

# The item spans are those of ``re.finditer(r"<(item|entry)\b.*?</\1\s*>", text, re.DOTALL)``.
_ITEM_OPEN = re.compile(r"<(item|entry)\b")
_ITEM_CLOSE = {"item": re.compile(r"</item\s*>"), "entry": re.compile(r"</entry\s*>")}
MARKUP_FIELD = re.compile(
    r"<((?:content:encoded)|description|summary|content)\b[^>]*?(/?)>(\s*)(<!\[CDATA\[|&amp;lt;|&lt;|<)?"
)
RAW_LINK = re.compile(r"<link>\s*(?:<!\[CDATA\[)?\s*([^<\]\s]*)")
KNOWN_NS = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/dc/terms/": "dcterms",
    "http://search.yahoo.com/mrss/": "media",
    "http://www.w3.org/2005/Atom": "atom",
    "http://purl.org/atom/ns#": "atom03",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "http://purl.org/rss/1.0/": "",
    "http://my.netscape.com/rdf/simple/0.9/": "",
    "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
    "http://purl.org/rss/1.0/modules/slash/": "slash",
    "http://wellformedweb.org/CommentAPI/": "wfw",
    "http://purl.org/rss/1.0/modules/syndication/": "sy",
    "http://www.w3.org/XML/1998/namespace": "xml",
}
XML_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
    recover=True,
)


@dataclass(slots=True)
class Envelope:
    """Feed-level signals (namespaces, root, channel paths) and each item's ``env:`` paths."""

    feed: set[str] = field(default_factory=set)
    items: list[set[str]] = field(default_factory=list)


def qname(tag: str, nsmap: Mapping[str | None, str]) -> str:
    """A tag or attribute name with its namespace as a known prefix (``media:content``)."""
    if not tag.startswith("{"):
        return tag
    uri, _, local = tag[1:].partition("}")
    prefix = KNOWN_NS.get(uri)
    if prefix is None:
        prefix = next((p for p, u in nsmap.items() if u == uri and p), "ns")
    if uri == "http://www.w3.org/2005/Atom" and prefix == "atom":
        return f"atom:{local}"
    return f"{prefix}:{local}" if prefix else local


def envelope(body: bytes) -> Envelope:
    """Namespaces, root, channel paths and per-item element/attribute paths of the XML."""
    env = Envelope()
    if body.lstrip()[:1] in (b"{", b"["):
        env.feed.add("root:jsonfeed")
        return env
    try:
        root = etree.fromstring(body, XML_PARSER)
    except (etree.LxmlError, ValueError):
        return env
    if root is None:
        return env
    nsmap = dict(root.nsmap)
    env.feed.add(f"root:{qname(root.tag, nsmap)}")
    qnames: dict[str, str] = {}  # qname(tag, nsmap) of each tag met, for this nsmap
    if 0 < len(nsmap) == body.count(b"xmlns"):
        # every declaration is on the root (``xmlns`` appears once per root declaration and
        # nowhere else): the namespaces in scope anywhere are the root's
        namespaces = set(nsmap.values())
        for el in root.iter("{*}item", "{*}entry"):  # by local name, in document order
            env.items.append(_item_paths(el, nsmap, qnames))
    else:
        namespaces = set()
        for el in root.iter():
            tag = el.tag
            if not isinstance(tag, str):
                continue
            namespaces.update(el.nsmap.values())
            if tag.rpartition("}")[2] in ("item", "entry"):  # the local name
                env.items.append(_item_paths(el, nsmap, qnames))
    env.feed.update(f"ns:{KNOWN_NS.get(u, u) or u}" for u in namespaces)
    env.feed.update(f"chan:{p}" for p in channel_paths(root, nsmap))
    forms = raw_forms(body)
    for paths, found in zip(env.items, forms, strict=False):
        paths.update(found)
    return env


def _item_paths(
    item: Any, nsmap: Mapping[str | None, str], qnames: dict[str, str] | None = None
) -> set[str]:
    """``env:`` paths of an item; ``qnames`` memoizes ``qname(tag, nsmap)`` (same nsmap)."""
    if qnames is None:
        qnames = {}
    paths: set[str] = set()
    for child in item:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        name = qnames.get(tag)
        if name is None:
            name = qnames[tag] = qname(tag, nsmap)
        paths.add(f"env:{name}")
        names = child.keys()
        if names:
            paths.update(f"env:{name}@{qname(a, nsmap)}" for a in names)
        if len(child):
            for grand in child:
                if isinstance(grand.tag, str):
                    paths.add(f"env:{name}/{qname(grand.tag, nsmap)}")
    return paths


def channel_paths(root: Any, nsmap: Mapping[str | None, str]) -> set[str]:
    """Element paths from the root down to depth 2, items and entries left out."""
    paths: set[str] = set()
    stack: list[tuple[Any, str, int]] = [(root, qname(root.tag, nsmap), 0)]
    while stack:
        el, path, depth = stack.pop()
        paths.add(path)
        if depth >= 2:
            continue
        for child in el:
            if not isinstance(child.tag, str):
                continue
            if child.tag.rpartition("}")[2] in ("item", "entry"):  # QName rejects "a:b"
                continue
            stack.append((child, f"{path}/{qname(child.tag, nsmap)}", depth + 1))
    return paths


def raw_forms(body: bytes) -> list[set[str]]:
    """Per item: how each markup field is written (cdata, escaped, double-escaped, xml, text)."""
    text = body.decode("utf-8", "replace")
    found: list[set[str]] = []
    # searched in place: the patterns start with "<" and look neither before the span's start
    # nor past its end (an end bound reads as the end of the text), as in a copy of the span
    for start, end in item_bounds(text):
        forms: set[str] = set()
        for m in MARKUP_FIELD.finditer(text, start, end):
            name, empty, _, opener = m.groups()
            kind = {
                "<![CDATA[": "cdata",
                "&lt;": "escaped",
                "&amp;lt;": "double-escaped",
                "<": "xml",
            }.get(opener or "", "text")
            forms.add(f"esc:{name}={'empty' if empty else kind}")
        link = RAW_LINK.search(text, start, end)
        if link is not None:
            forms.add(f"rawlink:{link_form(link.group(1))[0]}")
        found.append(forms)
    return found


def item_bounds(text: str) -> Iterator[tuple[int, int]]:
    """Where the items are: the spans of the item regex (above :data:`_ITEM_OPEN`), found
    without its lazy scan of every character.

    At an opening ``<item``/``<entry``, the lazy ``.*?`` stops at the first closing tag of that
    name: a plain search for it. With no closing tag, the regex moves on by one character; no
    later opening of that name can close either.
    """
    pos = 0
    closed: dict[str, bool] = {}
    while (opening := _ITEM_OPEN.search(text, pos)) is not None:
        name = opening.group(1)
        closing = None
        if closed.get(name) is not False:
            closing = _ITEM_CLOSE[name].search(text, opening.end())
        if closing is None:
            closed[name] = False
            pos = opening.start() + 1
            continue
        yield opening.start(), closing.end()
        pos = closing.end()
