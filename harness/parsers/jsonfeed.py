"""JSON Feed 1.0/1.1 bodies -> feed items, for the ``rss`` parser.

The body is hostile: before ``json.loads`` builds anything, the values it could hold are bounded
by counting ``,``, ``[`` and ``{`` (an upper bound: commas inside strings count too), so a body of
``[{},{},...]`` cannot cost gigabytes; nesting too deep for Python is a ParseError as well.
"""

from __future__ import annotations

import codecs
import json
from typing import Any

from harness.errors import ParseError
from harness.model import FeedOutput, Item
from harness.parsers._items import (
    RFC3339_EXPECTED,
    Dates,
    ItemCollector,
    check_item_count,
    enclosure,
    resolve,
)
from harness.parsers._text import collapse, collapse_or_none, shorten

__all__ = ["looks_like_json", "read_json"]

_JSONFEED = "https://jsonfeed.org/version/"


def looks_like_json(body: bytes) -> bool:
    """Whether the body opens like a JSON document (after an optional BOM and whitespace)."""
    return body.removeprefix(codecs.BOM_UTF8).lstrip()[:1] in (b"{", b"[")


def read_json(body: bytes, url: str, *, max_items: int, max_nodes: int) -> FeedOutput:
    """Parse a JSON Feed; ParseError when it is not one or is over a limit."""
    doc = _load(body, max_nodes)
    version = doc.get("version") if isinstance(doc, dict) else None
    if not isinstance(version, str) or not version.startswith(_JSONFEED + "1"):
        raise ParseError(
            f"JSON but not a JSON Feed: 'version' is {shorten(repr(version), 60)}, "
            f"expected '{_JSONFEED}1' or '{_JSONFEED}1.1'"
        )
    items = doc.get("items")
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ParseError("JSON Feed 'items' is not a list of objects")
    check_item_count(len(items), max_items)
    dialect = "jsonfeed1.1" if version.rstrip("/") == _JSONFEED + "1.1" else "jsonfeed1.0"
    base = resolve(_jstr(doc.get("home_page_url")), None, url) or url
    ctx = ItemCollector(dialect, "", base)
    ctx.feed_author = _authors(doc)
    for entry in items:
        ctx.add(*_item(entry, ctx))
    feed = {
        "title": collapse_or_none(_jstr(doc.get("title"))),
        "link": base if base != url else None,
        "language": _jstr(doc.get("language")),
        "dialect": dialect,
        "encoding": "utf-8",
    }
    return FeedOutput(dialect, feed, ctx.items, tuple(ctx.problems))


def _load(body: bytes, max_nodes: int) -> Any:
    values = body.count(b",") + body.count(b"[") + body.count(b"{")
    if values > max_nodes:
        raise ParseError(
            f"JSON has up to {values:,} values (counting ',', '[' and '{{'), more than "
            f"max_nodes={max_nodes:,}; raise the parser option max_nodes if the feed is that large"
        )
    try:
        encoding = json.detect_encoding(body)
        return json.loads(body.decode(encoding))
    except RecursionError:
        raise ParseError("invalid JSON: nested too deeply for the JSON reader") from None
    except ValueError as err:  # JSONDecodeError, UnicodeDecodeError, int digit limits
        raise ParseError(f"invalid JSON: {shorten(collapse(str(err)), 160)}") from None


def _item(entry: dict[str, Any], ctx: ItemCollector) -> tuple[Item, Dates]:
    raw_id = entry.get("id")
    is_number = isinstance(raw_id, int | float) and not isinstance(raw_id, bool)
    attachments = _list_of(entry.get("attachments"), dict)
    item: Item = {
        "id": (str(raw_id) if is_number else _jstr(raw_id)) or None,
        "url": resolve(_jstr(entry.get("url")), None, ctx.base),
        "title": collapse_or_none(_jstr(entry.get("title"))),
        "author": _authors(entry) or ctx.feed_author,
        "summary": _jstr(entry.get("summary")),
        "content": _jstr(entry.get("content_html")) or _jstr(entry.get("content_text")),
        "categories": _list_of(entry.get("tags"), str),
        "enclosures": [e for a in attachments if (e := _attachment(a, ctx))],
    }
    published = _jstr(entry.get("date_published"))
    updated = _jstr(entry.get("date_modified"))
    return item, {
        "published": (published or updated, RFC3339_EXPECTED),
        "updated": (updated, RFC3339_EXPECTED),
    }


def _attachment(att: dict[str, Any], ctx: ItemCollector) -> dict[str, Any] | None:
    size = att.get("size_in_bytes")
    length = str(size) if isinstance(size, int) and not isinstance(size, bool) else None
    return enclosure(
        resolve(_jstr(att.get("url")), None, ctx.base), _jstr(att.get("mime_type")), length
    )


def _authors(obj: dict[str, Any]) -> str | None:
    authors = obj.get("authors")
    if not isinstance(authors, list):
        authors = [obj.get("author")]
    names = [collapse(a["name"]) for a in authors if isinstance(a, dict) and _jstr(a.get("name"))]
    return ", ".join(n for n in names if n) or None


def _list_of(value: object, kind: type[Any]) -> list[Any]:
    return [v for v in value if isinstance(v, kind)] if isinstance(value, list) else []


def _jstr(value: object) -> str | None:
    return value if isinstance(value, str) else None
