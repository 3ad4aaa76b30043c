"""The ``rss`` parser: RSS 0.9x/1.0/2.0, Atom 1.0/0.3 and JSON Feed, read as hostile input.

One job per module: transport damage (:mod:`._transport`), the body's encoding
(:mod:`._encoding`), safe XML with a node budget (:mod:`._xmlsafe`), the dialects (RSS here,
:mod:`.atom`, :mod:`.jsonfeed`) and what their item readers share (:mod:`._items`). Each body is
parsed once and each item's children are walked once. Transport damage raises
``TransportError``; anything else unreadable, or over a limit, raises ``ParseError``.

Limits (keyword options, ``[feeds.parser-options]``): ``max_bytes`` of body (64 MiB),
``max_items`` (100,000), ``max_nodes`` XML elements + attributes + namespace declarations, or JSON
values (2,000,000). libxml2's own limits are fixed: 256 levels of nesting, 10 MB per text node.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from lxml import etree

from harness.errors import ParseError, TransportError
from harness.model import FeedOutput, Fetch, Item, Response
from harness.parsers._encoding import decode_body
from harness.parsers._items import (
    ATOM10,
    DC,
    RFC822_EXPECTED,
    RFC3339_EXPECTED,
    Dates,
    ItemCollector,
    all_plain,
    all_text,
    check_item_count,
    children,
    enclosure,
    first,
    markup,
    plain,
    raw_text,
    resolve,
    text,
)
from harness.parsers._text import collapse, shorten
from harness.parsers._transport import check_body, check_status, find_splice
from harness.parsers._xmlsafe import DEFAULT_MAX_NODES, Element, entity_warnings, parse_xml
from harness.parsers.atom import ATOM03, read_atom
from harness.parsers.jsonfeed import looks_like_json, read_json

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_MAX_ITEMS", "DEFAULT_MAX_NODES", "RssParser"]

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_ITEMS = 100_000

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RSS10 = "http://purl.org/rss/1.0/"
_RSS090 = "http://my.netscape.com/rdf/simple/0.9/"
_DCTERMS = "{http://purl.org/dc/terms/}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
# Child keys, built once (not per item).
_ABOUT = f"{{{_RDF}}}about"
_DC_CREATOR, _DC_SUBJECT, _DC_LANGUAGE = f"{DC}creator", f"{DC}subject", f"{DC}language"
_CONTENT_ENCODED = f"{_CONTENT}encoded"
_DATE_FALLBACKS = (f"{DC}date", f"{{{ATOM10}}}published", f"{{{ATOM10}}}updated")
_DCTERMS_MODIFIED, _ATOM_UPDATED = f"{_DCTERMS}modified", f"{{{ATOM10}}}updated"


class RssParser:
    """Reads RSS 0.9x/1.0/2.0, Atom 1.0/0.3 and JSON Feed 1.0/1.1 into feed-item dicts."""

    name: ClassVar[str] = "rss"
    schema: ClassVar[str] = "feed-item"
    fetches: ClassVar[bool] = False  # the whole feed is in the response
    default_invariants: ClassVar[tuple[str, ...]] = (
        "items-present",
        "unique-ids",
        "title-nonempty",
        "links-absolute",
        "no-markup-in-text",
    )

    def __init__(
        self,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_items: int = DEFAULT_MAX_ITEMS,
        max_nodes: int = DEFAULT_MAX_NODES,
    ) -> None:
        """Limits: body bytes, items, and XML nodes / JSON values (see the module docstring)."""
        self.max_bytes = max_bytes
        self.max_items = max_items
        self.max_nodes = max_nodes

    def parse(self, response: Response, *, fetch: Fetch) -> FeedOutput:
        """Parse one recorded feed response; raise TransportError or ParseError if unreadable."""
        del fetch  # the whole feed is in the response
        body = response.body
        check_status(response.status)
        if len(body) > self.max_bytes:
            raise ParseError(
                f"body is {len(body)} bytes, over max_bytes={self.max_bytes}; "
                "raise the parser option max_bytes if the feed is really that large"
            )
        check_body(response)
        if looks_like_json(body):
            return read_json(body, response.url, max_items=self.max_items, max_nodes=self.max_nodes)
        return self._read_xml(response)

    def _read_xml(self, response: Response) -> FeedOutput:
        root, encoding, problems = _parse_tree(response, self.max_nodes)
        qname = etree.QName(root)
        if qname.localname.lower() == "html":
            raise TransportError(f"HTML page, not a feed: title {_tree_title(root)!r}")
        reader = _READERS.get(qname.text) or (_read_rss if qname.localname == "rss" else None)
        if reader is None:
            raise ParseError(
                f"unknown root element <{shorten(qname.localname, 60)}> "
                f"({shorten(qname.namespace or 'no', 80)} namespace); "
                "expected rss, rdf:RDF or an Atom feed"
            )
        ctx, feed = reader(root, response.url, self.max_items)
        feed |= {"dialect": ctx.dialect, "encoding": encoding}
        problems += entity_warnings(root)
        return FeedOutput(ctx.dialect, feed, ctx.items, (*problems, *ctx.problems))


def _parse_tree(response: Response, max_nodes: int) -> tuple[Element, str, list[Any]]:
    """Decode, then parse; a body that breaks because of a splice is transport damage."""
    try:
        decoded = decode_body(response.body, response.content_type)
        root = parse_xml(decoded.data, max_nodes=max_nodes)
    except ParseError:
        splice = find_splice(response.body, certain_only=False)
        if splice is not None:
            raise TransportError(splice) from None
        raise
    return root, decoded.encoding, list(decoded.problems)


def _tree_title(root: Element) -> str:
    titles = (
        e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname == "title"
    )
    title = next(titles, None)
    return "(no <title>)" if title is None else shorten(collapse(all_text(title)), 80)


# --- RSS 0.9x / 1.0 / 2.0 ---------------------------------------------------------------------


def _read_rss(root: Element, url: str, max_items: int) -> tuple[ItemCollector, dict[str, Any]]:
    namespace = etree.QName(root).namespace
    core = f"{{{namespace}}}" if namespace else ""
    channel = root.find(f"{core}channel")
    if channel is None:
        raise ParseError("<rss> has no <channel> element")
    version = (root.get("version") or "").strip()
    dialect = "rss0.9x" if version.startswith("0.9") else "rss2.0"
    items = (*channel.iterchildren(f"{core}item"), *root.iterchildren(f"{core}item"))
    return _read_channel(dialect, core, channel, items, url, max_items)


def _read_rdf(root: Element, url: str, max_items: int) -> tuple[ItemCollector, dict[str, Any]]:
    tags = (f"{{{_RSS10}}}channel", f"{{{_RSS090}}}channel")
    channel = next((child for child in root if child.tag in tags), None)
    if channel is None:
        raise ParseError("<rdf:RDF> has no RSS 1.0 or 0.90 <channel> element")
    core = channel.tag[: -len("channel")]
    dialect = "rss1.0" if core == f"{{{_RSS10}}}" else "rss0.9x"
    items = tuple(root.iterchildren(f"{core}item"))
    return _read_channel(dialect, core, channel, items, url, max_items)


def _read_channel(
    dialect: str, core: str, channel: Element, items: tuple[Element, ...], url: str, max_items: int
) -> tuple[ItemCollector, dict[str, Any]]:
    check_item_count(len(items), max_items)
    kids = children(channel, core)
    link = resolve(text(kids, "link"), first(kids, "link"), url)
    ctx = ItemCollector(dialect, core, link or url)
    for item in items:
        ctx.add(*_rss_item(item, ctx))
    language = text(kids, "language") or text(kids, _DC_LANGUAGE)
    return ctx, {"title": plain(kids, "title"), "link": link, "language": language}


def _rss_item(elem: Element, ctx: ItemCollector) -> tuple[Item, Dates]:
    kids = children(elem, ctx.core)
    guid, guid_text = first(kids, "guid"), text(kids, "guid")
    url = resolve(text(kids, "link"), first(kids, "link"), ctx.base)
    if url is None and guid is not None and _is_permalink(guid):
        url = resolve(guid_text, guid, ctx.base)
    item: Item = {
        "id": guid_text or elem.get(_ABOUT) or None,
        "url": url,
        "title": plain(kids, "title"),
        "author": plain(kids, "author") or plain(kids, _DC_CREATOR),
        "summary": markup(kids, "description"),
        "content": markup(kids, _CONTENT_ENCODED),
        "categories": all_plain(kids, "category", _DC_SUBJECT),
        "enclosures": [e for e in (_rss_enclosure(x, ctx) for x in kids.get("enclosure", ())) if e],
    }
    return item, _rss_dates(kids)


def _is_permalink(guid: Element) -> bool:
    return (guid.get("isPermaLink") or "true").strip().lower() != "false"


def _rss_dates(kids: dict[str, list[Element]]) -> Dates:
    published = (raw_text(kids, "pubDate"), RFC822_EXPECTED)
    for key in _DATE_FALLBACKS:
        if published[0] is None:
            published = (raw_text(kids, key), RFC3339_EXPECTED)
    updated = raw_text(kids, _DCTERMS_MODIFIED) or raw_text(kids, _ATOM_UPDATED)
    return {"published": published, "updated": (updated, RFC3339_EXPECTED)}


def _rss_enclosure(elem: Element, ctx: ItemCollector) -> dict[str, Any] | None:
    url = resolve(elem.get("url"), elem, ctx.base)
    return enclosure(url, elem.get("type"), elem.get("length"))


_Reader = Callable[[Element, str, int], tuple[ItemCollector, dict[str, Any]]]
_READERS: dict[str, _Reader] = {
    f"{{{_RDF}}}RDF": _read_rdf,
    f"{{{ATOM10}}}feed": read_atom,
    f"{{{ATOM03}}}feed": read_atom,
}
