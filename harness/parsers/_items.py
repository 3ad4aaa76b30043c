"""What every feed dialect's item reader shares: the collector, element access, links, dates."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from harness.dates import parse_feed_date, to_utc_rfc3339
from harness.errors import ParseError
from harness.model import Item, Severity, Violation
from harness.parsers._text import collapse, shorten
from harness.parsers._xmlsafe import Element

__all__ = [
    "ATOM10",
    "DC",
    "RFC822_EXPECTED",
    "RFC3339_EXPECTED",
    "XHTML",
    "Dates",
    "ItemCollector",
    "all_plain",
    "all_text",
    "base64_text",
    "check_item_count",
    "children",
    "enclosure",
    "first",
    "inner_markup",
    "markup",
    "plain",
    "raw_text",
    "resolve",
    "text",
]

ATOM10 = "http://www.w3.org/2005/Atom"
XHTML = "http://www.w3.org/1999/xhtml"
DC = "{http://purl.org/dc/elements/1.1/}"
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
RFC822_EXPECTED = "an RFC 822 date such as 'Wed, 06 Dec 2023 15:45:03 GMT'"
RFC3339_EXPECTED = "an RFC 3339 date such as '2023-12-06T15:45:03Z'"
_LENGTH = re.compile(r"\d{1,18}", re.ASCII)
_ITEM_KEYS = (
    "id",
    "url",
    "title",
    "published",
    "published_raw",
    "updated",
    "author",
    "summary",
    "content",
    "categories",
    "enclosures",
)

Dates = dict[str, tuple[str | None, str]]
"""field -> (raw date text or None, the form expected), for "published" and "updated"."""

Kids = dict[str, list[Element]]


def check_item_count(count: int, max_items: int) -> None:
    """ParseError before any item is read when the feed holds more than ``max_items``."""
    if count > max_items:
        raise ParseError(
            f"{count:,} items: more than max_items={max_items} items; "
            "raise the parser option max_items if the feed is really that long"
        )


class ItemCollector:
    """What item readers share: dialect, core namespace, link base, items and problems."""

    def __init__(self, dialect: str, core: str, base: str) -> None:
        self.dialect, self.core, self.base = dialect, core, base
        self.items: list[Item] = []
        self.problems: list[Violation] = []
        self.feed_author: str | None = None

    def add(self, item: Item, dates: Dates) -> None:
        """Parse the item's dates (recording problems) and append it."""
        index = len(self.items)
        for field, (raw, expected) in dates.items():
            item[field] = _date(raw, field, expected, item, index, self.problems)
        item["published_raw"] = dates["published"][0]
        self.items.append({key: item.get(key) for key in _ITEM_KEYS})


def children(elem: Element, core: str) -> Kids:
    """Direct child elements by key: local name in the dialect's namespace, else Clark name."""
    kids: Kids = {}
    for child in elem:
        tag = child.tag
        if isinstance(tag, str):  # skips unexpanded entity references
            key = tag[len(core) :] if core and tag.startswith(core) else tag
            kids.setdefault(key, []).append(child)
    return kids


def first(kids: Kids, key: str) -> Element | None:
    """The first child under ``key``."""
    found = kids.get(key)
    return found[0] if found else None


def all_text(elem: Element) -> str:
    """``"".join(elem.itertext())``: the text of ``elem`` and its descendants, no tail.

    An element without children (the common case: titles, links, dates) is only its ``text``,
    read ~25 times faster than through ``itertext``'s tree walker.
    """
    return "".join(elem.itertext()) if len(elem) else (elem.text or "")


def raw_text(kids: Kids, key: str) -> str | None:
    """All text of the first child under ``key``, as written."""
    found = kids.get(key)
    return all_text(found[0]) if found else None


def text(kids: Kids, key: str) -> str | None:
    """The stripped text of the first child under ``key``; None when absent or blank."""
    raw = raw_text(kids, key)
    return (raw.strip() or None) if raw is not None else None


def plain(kids: Kids, key: str) -> str | None:
    """The whitespace-collapsed text of the first child under ``key``."""
    raw = raw_text(kids, key)
    return None if raw is None else collapse(raw)


def all_plain(kids: Kids, *keys: str) -> list[str]:
    """The collapsed, non-empty texts of every child under each of ``keys``."""
    texts = (collapse(all_text(e)) for key in keys for e in kids.get(key, ()))
    return [t for t in texts if t]


def markup(kids: Kids, key: str) -> str | None:
    """The first child under ``key`` as markup (CDATA text, or child elements serialised)."""
    elem = first(kids, key)
    return None if elem is None else inner_markup(elem).strip()


def inner_markup(elem: Element) -> str:
    """Text and child elements of ``elem`` as markup (for unescaped XHTML inside an element)."""
    parts = [elem.text or ""]
    parts += [etree.tostring(child, encoding="unicode", with_tail=True) for child in elem]
    return "".join(parts).replace(f' xmlns="{XHTML}"', "")


def resolve(href: str | None, elem: Element | None, base: str) -> str | None:
    """``href`` made absolute against xml:base (of ``elem`` and its ancestors), then ``base``."""
    href = (href or "").strip()
    if not href:
        return None
    try:
        if urlsplit(href).scheme:
            return href
        chain = [] if elem is None else [elem, *elem.iterancestors()]
        for node in reversed(chain):
            if node.get(_XML_BASE):
                base = urljoin(base, node.get(_XML_BASE).strip())
        return urljoin(base, href) or href
    except ValueError:  # e.g. a malformed IPv6 host: keep what the feed wrote
        return href


def enclosure(url: str | None, kind: str | None, length: str | None) -> dict[str, Any] | None:
    """An enclosure record, or None without a URL; a length that is not a number is None."""
    if not url:
        return None
    size = length.strip() if length else ""
    return {
        "url": url,
        "type": (kind or "").strip() or None,
        "length": int(size) if _LENGTH.fullmatch(size) else None,
    }


def base64_text(encoded: str) -> str:
    """Base64 UTF-8 text decoded ("" when it is not)."""
    try:
        return base64.b64decode(encoded, validate=False).decode("utf-8")
    except (binascii.Error, ValueError):
        return ""


def _date(
    raw: str | None, field: str, expected: str, item: Item, index: int, problems: list[Violation]
) -> str | None:
    """The UTC RFC 3339 form of ``raw``; unparseable dates and odd forms become problems."""
    if raw is None:
        return None
    try:
        parsed = parse_feed_date(raw)
    except ValueError as err:
        where = _where(raw, field, expected, item, index)
        problems.append(
            Violation("date-parseable", f"{field} date cannot be parsed: {err}", **where)
        )
        return None
    if parsed.notes:  # the problem's fields are only built when there is a problem
        where = _where(raw, field, expected, item, index)
        for note in parsed.notes:
            problems.append(
                Violation(
                    "date-format", f"{field} date: {note}", **where, severity=Severity.WARNING
                )
            )
    return to_utc_rfc3339(parsed.value)


def _where(raw: str, field: str, expected: str, item: Item, index: int) -> dict[str, Any]:
    return {
        "field": field,
        "observed": shorten(raw.strip(), 120),
        "expected": expected,
        "item_index": index,
        "item_id": item["id"],
        "item_url": item["url"],
    }
