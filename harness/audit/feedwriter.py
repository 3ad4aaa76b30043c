"""Feed documents from plain specs: RSS 0.90/0.91/0.92/1.0/2.0, Atom 1.0 and JSON Feed 1.1.

The writer behind :mod:`harness.strategies` (generated feeds) and the ``dialect-switch``
operator (a recorded feed re-served in another dialect). Each dialect is written the way real
feeds write it; :func:`expected_item` says what the ``rss`` parser must read back.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

from harness.dates import format_rfc822, to_utc_rfc3339

__all__ = ["DIALECTS", "EntrySpec", "FeedSpec", "expected_item", "parsed_dialect", "render_feed"]

DIALECTS: tuple[str, ...] = (
    "rss0.90",
    "rss0.91",
    "rss0.92",
    "rss1.0",
    "rss2.0",
    "atom1.0",
    "jsonfeed1.1",
)
"""Every dialect :func:`render_feed` writes (the ``rss`` parser reads them all)."""

_NO_ITEM_DATES = frozenset({"rss0.90", "rss0.91", "rss0.92"})
_NO_ITEM_IDS = frozenset({"rss0.90", "rss0.91", "rss0.92"})
_NO_AUTHORS = frozenset({"rss0.90", "rss0.91", "rss0.92"})
_NO_EXTRAS = frozenset({"rss0.90", "rss0.91", "rss1.0"})  # no categories nor enclosures
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@dataclass(frozen=True, slots=True)
class EntrySpec:
    """One item: plain-text title and author, HTML body, an aware ``published`` datetime."""

    title: str | None
    link: str | None
    id: str | None
    published: datetime | None
    body: str | None  # HTML: <description>, <content>, content_html
    author: str | None = None
    categories: tuple[str, ...] = ()
    enclosures: tuple[tuple[str, str, int], ...] = ()  # (url, type, length)


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """A whole feed: channel metadata and its entries, newest first."""

    title: str
    link: str
    entries: tuple[EntrySpec, ...]
    language: str | None = None
    description: str = ""


def render_feed(spec: FeedSpec, dialect: str, *, cdata: bool = True) -> bytes:
    """The feed as ``dialect`` writes it (UTF-8); ``cdata`` puts RSS bodies in CDATA sections."""
    try:
        writer = _WRITERS[dialect]
    except KeyError:
        raise ValueError(f"no dialect {dialect!r}; known: {', '.join(DIALECTS)}") from None
    return writer(spec, dialect, cdata)


def parsed_dialect(dialect: str) -> str:
    """The dialect name the ``rss`` parser reports for a document written as ``dialect``."""
    if dialect.startswith("rss0.9"):
        return "rss0.9x"
    return dialect


def expected_item(entry: EntrySpec, dialect: str) -> dict[str, Any]:
    """The fields the ``rss`` parser must read back from ``entry`` written as ``dialect``."""
    published = None if dialect in _NO_ITEM_DATES or entry.published is None else entry.published
    ident = None if dialect in _NO_ITEM_IDS else entry.id
    if dialect == "rss1.0":
        ident = entry.id or entry.link  # rdf:about is required: the link stands in
    extras = dialect not in _NO_EXTRAS
    return {
        "id": ident,
        "url": entry.link,
        "title": _collapse(entry.title),
        "published": None if published is None else to_utc_rfc3339(published),
        "author": None if dialect in _NO_AUTHORS else _collapse(entry.author),
        "categories": list(entry.categories) if extras else [],
        "enclosures": [
            {"url": u, "type": t, "length": n} for u, t, n in (entry.enclosures if extras else ())
        ],
    }


def _collapse(text: str | None) -> str | None:
    return None if text is None else " ".join(text.split())


def _x(text: str) -> str:
    return escape(text, quote=True)


def _body(html: str, cdata: bool) -> str:
    if cdata and "]]>" not in html:
        return f"<![CDATA[{html}]]>"
    return _x(html)


def _element(tag: str, text: str | None) -> str:
    return "" if text is None else f"<{tag}>{_x(text)}</{tag}>"


def _rss_entry(entry: EntrySpec, dialect: str, cdata: bool) -> str:
    parts = [_element("title", entry.title), _element("link", entry.link)]
    if dialect not in _NO_ITEM_IDS and entry.id is not None:
        permalink = "true" if entry.id == entry.link else "false"
        parts.append(f'<guid isPermaLink="{permalink}">{_x(entry.id)}</guid>')
    if dialect not in _NO_ITEM_DATES and entry.published is not None:
        parts.append(f"<pubDate>{format_rfc822(entry.published)}</pubDate>")
    if entry.body is not None:
        parts.append(f"<description>{_body(entry.body, cdata)}</description>")
    if dialect not in _NO_AUTHORS:
        parts.append(_element("dc:creator", entry.author))
    if dialect not in _NO_EXTRAS:
        parts += [_element("category", c) for c in entry.categories]
        parts += [
            f'<enclosure url="{_x(u)}" type="{_x(t)}" length="{n}"/>'
            for u, t, n in entry.enclosures
        ]
    return "<item>" + "".join(parts) + "</item>"


def _write_rss(spec: FeedSpec, dialect: str, cdata: bool) -> bytes:
    version = {"rss0.91": "0.91", "rss0.92": "0.92"}.get(dialect, "2.0")
    namespaces = "" if dialect in _NO_AUTHORS else ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
    head = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<rss version="{version}"{namespaces}><channel>',
        _element("title", spec.title),
        _element("link", spec.link),
        _element("description", spec.description or spec.title),
        _element("language", spec.language),
    ]
    items = [_rss_entry(e, dialect, cdata) for e in spec.entries]
    return "\n".join([*head, *items, "</channel></rss>", ""]).encode("utf-8")


def _write_rdf(spec: FeedSpec, dialect: str, cdata: bool) -> bytes:
    core = "http://my.netscape.com/rdf/simple/0.9/" if dialect == "rss0.90" else _RSS10
    extra = "" if dialect == "rss0.90" else ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
    about = "" if dialect == "rss0.90" else f' rdf:about="{_x(spec.link)}"'
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<rdf:RDF xmlns:rdf="{_RDF}" xmlns="{core}"{extra}>',
        f"<channel{about}>{_element('title', spec.title)}{_element('link', spec.link)}"
        f"{_element('description', spec.description or spec.title)}"
        f"{'' if dialect == 'rss0.90' else _element('dc:language', spec.language)}</channel>",
    ]
    for e in spec.entries:
        if dialect == "rss0.90":
            parts.append(
                f"<item>{_element('title', e.title)}{_element('link', e.link)}"
                f"{'' if e.body is None else '<description>' + _x(e.body) + '</description>'}"
                "</item>"
            )
            continue
        ident = e.id or e.link or ""
        date = "" if e.published is None else _element("dc:date", to_utc_rfc3339(e.published))
        parts.append(
            f'<item rdf:about="{_x(ident)}">{_element("title", e.title)}'
            f"{_element('link', e.link)}{date}"
            f"{'' if e.body is None else '<description>' + _body(e.body, cdata) + '</description>'}"
            f"{_element('dc:creator', e.author)}</item>"
        )
    parts += ["</rdf:RDF>", ""]
    return "\n".join(parts).encode("utf-8")


_RSS10 = "http://purl.org/rss/1.0/"


def _write_atom(spec: FeedSpec, dialect: str, cdata: bool) -> bytes:
    del dialect, cdata  # Atom escapes HTML content
    dates = [e.published for e in spec.entries if e.published is not None]
    updated = to_utc_rfc3339(max(dates)) if dates else "2000-01-01T00:00:00Z"
    lang = f' xml:lang="{_x(spec.language)}"' if spec.language else ""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom"{lang}>',
        f'<title type="text">{_x(spec.title)}</title>',
        f'<link rel="alternate" href="{_x(spec.link)}"/>',
        f"<id>{_x(spec.link)}</id><updated>{updated}</updated>",
    ]
    for e in spec.entries:
        parts.append("<entry>" + "".join(_atom_entry_parts(e)) + "</entry>")
    parts += ["</feed>", ""]
    return "\n".join(parts).encode("utf-8")


def _atom_entry_parts(e: EntrySpec) -> list[str]:
    parts = [f'<title type="text">{_x(e.title)}</title>' if e.title is not None else ""]
    if e.link is not None:
        parts.append(f'<link rel="alternate" type="text/html" href="{_x(e.link)}"/>')
    parts.append(_element("id", e.id))
    if e.published is not None:
        stamp = to_utc_rfc3339(e.published)
        parts.append(f"<published>{stamp}</published><updated>{stamp}</updated>")
    if e.author is not None:
        parts.append(f"<author><name>{_x(e.author)}</name></author>")
    if e.body is not None:
        parts.append(f'<content type="html">{_x(e.body)}</content>')
    parts += [f'<category term="{_x(c)}"/>' for c in e.categories]
    parts += [
        f'<link rel="enclosure" href="{_x(u)}" type="{_x(t)}" length="{n}"/>'
        for u, t, n in e.enclosures
    ]
    return parts


def _write_json(spec: FeedSpec, dialect: str, cdata: bool) -> bytes:
    del dialect, cdata
    doc: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": spec.title,
        "home_page_url": spec.link,
    }
    if spec.language:
        doc["language"] = spec.language
    doc["items"] = [_json_entry(e) for e in spec.entries]
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _json_entry(e: EntrySpec) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for key, value in (("id", e.id), ("url", e.link), ("title", e.title)):
        if value is not None:
            item[key] = value
    if e.body is not None:
        item["content_html"] = e.body
    if e.published is not None:
        item["date_published"] = to_utc_rfc3339(e.published)
    if e.author is not None:
        item["authors"] = [{"name": e.author}]
    if e.categories:
        item["tags"] = list(e.categories)
    if e.enclosures:
        item["attachments"] = [
            {"url": u, "mime_type": t, "size_in_bytes": n} for u, t, n in e.enclosures
        ]
    return item


_WRITERS: dict[str, Callable[[FeedSpec, str, bool], bytes]] = {
    "rss0.90": _write_rdf,
    "rss0.91": _write_rss,
    "rss0.92": _write_rss,
    "rss1.0": _write_rdf,
    "rss2.0": _write_rss,
    "atom1.0": _write_atom,
    "jsonfeed1.1": _write_json,
}
