"""The ``rss`` parser: RSS 0.9x/1.0/2.0, Atom 1.0/0.3 and JSON Feed, read as hostile input.

Each body is parsed once by one safe lxml parser (no DTD, no entity expansion, no network) and
each item's children are walked once. Transport damage (HTTP errors, empty or NUL-filled bodies,
spliced HTTP responses, HTML pages) raises ``TransportError``; anything else unreadable raises
``ParseError``.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import json
import re
from collections.abc import Callable, Iterable
from html import unescape
from http import HTTPStatus
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from lxml import etree

from harness.dates import parse_feed_date, to_utc_rfc3339
from harness.errors import ParseError, TransportError
from harness.model import FeedOutput, Fetch, Item, Response, Severity, Violation

__all__ = ["RssParser"]

Element = Any  # lxml.etree._Element: lxml ships no type information

_ATOM10 = "http://www.w3.org/2005/Atom"
_ATOM03 = "http://purl.org/atom/ns#"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RSS10 = "http://purl.org/rss/1.0/"
_RSS090 = "http://my.netscape.com/rdf/simple/0.9/"
_XHTML = "http://www.w3.org/1999/xhtml"
_DC = "{http://purl.org/dc/elements/1.1/}"
_DCTERMS = "{http://purl.org/dc/terms/}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_JSONFEED = "https://jsonfeed.org/version/"

_RFC822_EXPECTED = "an RFC 822 date such as 'Wed, 06 Dec 2023 15:45:03 GMT'"
_RFC3339_EXPECTED = "an RFC 3339 date such as '2023-12-06T15:45:03Z'"

# Built once: no DTD loading, no entity expansion, no network, libxml2's depth and size limits on.
_XML_PARSER = etree.XMLParser(
    encoding="utf-8",  # bodies are decoded in Python (BOM, declaration, charset), then re-encoded
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)  # not collect_ids=False: with it libxml2 tries to fetch external DTDs (and fails: no_network)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_WIDE_PATTERNS = (  # XML 1.0 appendix F: "<" in a wide encoding without a byte order mark
    (re.compile(rb"\x00\x00\x00<"), "utf-32-be"),
    (re.compile(rb"<\x00\x00\x00"), "utf-32-le"),
    (re.compile(rb"\x00<\x00[^\x00]"), "utf-16-be"),
    (re.compile(rb"<\x00[^\x00]\x00"), "utf-16-le"),
)
_ENCODING_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030"}  # as browsers do
_NOT_CHARSETS = {"unicode-escape", "raw-unicode-escape", "punycode", "idna", "undefined"}
_DECLARED = re.compile(rb"<\?xml[^>]{0,200}?\sencoding\s*=\s*[\"']([A-Za-z][\w.:-]{0,40})[\"']")
_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([^\"';,\s]+)", re.IGNORECASE)

_NUL_RUN = re.compile(rb"\x00+")
_STATUS_LINE = re.compile(
    rb"HTTP/\d(?:\.\d)? [1-5]\d\d(?: [^\r\n]{0,60})?\r?\n[A-Za-z][\w-]{0,40}:"
)
# Prolog parts are skipped one at a time (a single regex with nested repeats backtracks badly).
_PROLOG_PART = re.compile(
    rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!doctype[^<>]*>)", re.IGNORECASE | re.DOTALL
)
_HTML_ROOT = re.compile(rb"\s*<(?:html|head|body)[\s>]", re.IGNORECASE)
_HTML_TITLE = re.compile(rb"<title[^<>]{0,200}>(.{0,300}?)</title", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^<>]*>")  # [^<>]: linear even on a run of unclosed "<"
_XML_POSITION = re.compile(r", line \d+, column \d+$")
_LENGTH = re.compile(r"\d{1,18}", re.ASCII)


class RssParser:
    """Reads RSS 0.9x/1.0/2.0, Atom 1.0/0.3 and JSON Feed 1.0/1.1 into feed-item dicts."""

    name: ClassVar[str] = "rss"
    schema: ClassVar[str] = "feed-item"
    default_invariants: ClassVar[tuple[str, ...]] = (
        "items-present",
        "unique-ids",
        "title-nonempty",
        "links-absolute",
        "no-markup-in-text",
    )

    def __init__(self, *, max_bytes: int = 64 * 1024 * 1024, max_items: int = 100_000) -> None:
        self.max_bytes = max_bytes
        self.max_items = max_items

    def parse(self, response: Response, *, fetch: Fetch) -> FeedOutput:
        """Parse one recorded feed response; raise TransportError or ParseError if unreadable."""
        del fetch  # the whole feed is in the response
        body = response.body
        _check_status(response.status)
        if len(body) > self.max_bytes:
            raise ParseError(f"body is {len(body)} bytes, over max_bytes={self.max_bytes}")
        _check_body(response)
        if _looks_like_json(body):
            return _read_json(body, response.url, self.max_items)
        return _read_xml(response, self.max_items)


# --- transport damage -------------------------------------------------------------------------


def _check_status(status: int) -> None:
    if not 200 <= status < 300:
        raise TransportError(f"HTTP {status} {_status_phrase(status)}".rstrip())


def _check_body(response: Response) -> None:
    body = response.body
    if not body.strip():
        raise TransportError(
            "empty body" if not body else f"body is only whitespace ({len(body)} bytes)"
        )
    if _wide_encoding(body) is not None or body.startswith(_WIDE_BOMS):
        return  # UTF-16/32: NUL bytes are part of every character
    nul = _NUL_RUN.search(body)
    if nul is not None:
        where = "at the start" if nul.start() == 0 else f"at byte {nul.start()}"
        raise TransportError(f"run of {len(nul[0])} NUL bytes {where} of the body")
    splice = _find_splice(body, certain_only=True)
    if splice is not None:
        raise TransportError(splice)
    if _looks_like_html(body):
        raise TransportError(f"HTML page, not a feed: title {_html_title(body, response)!r}")


def _looks_like_html(body: bytes) -> bool:
    """Whether the body's first element, after the prolog, is <html>, <head> or <body>."""
    head, position = body.removeprefix(codecs.BOM_UTF8)[:4096], 0
    while part := _PROLOG_PART.match(head, position):
        position = part.end()
    return _HTML_ROOT.match(head, position) is not None


def _status_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:  # not a registered status code
        return ""


def _find_splice(body: bytes, *, certain_only: bool) -> str | None:
    """Describe an HTTP response spliced into the body; 'certain' ones are not preceded by text."""
    for match in _STATUS_LINE.finditer(body):
        start = match.start()
        # A status line quoted in an article follows markup or a blank; a splice lands anywhere.
        if certain_only and start > 0 and body[start - 1 : start] in b" \t\r\n>;(\"'":
            continue
        line = match[0].splitlines()[0].decode("ascii", "replace")
        return f"HTTP status line {line!r} spliced into the body at byte {start}"
    return None


def _html_title(body: bytes, response: Response) -> str:
    match = _HTML_TITLE.search(body[:65536])
    if match is None:
        return "(no <title>)"
    charset = _http_charset(response) or "utf-8"
    try:
        title = match[1].decode(charset, "replace")
    except (LookupError, UnicodeError):  # not a charset, or the "undefined" codec
        title = match[1].decode("utf-8", "replace")
    return _shorten(_collapse(unescape(_TAG.sub("", title))), 80)


def _http_charset(response: Response) -> str | None:
    match = _HTTP_CHARSET.search(response.content_type or "")
    return match[1].lower() if match else None


# --- encodings and XML ------------------------------------------------------------------------


def _wide_encoding(body: bytes) -> str | None:
    for pattern, label in _WIDE_PATTERNS:
        if pattern.match(body):
            return label
    return None


def _encoding_candidates(response: Response) -> tuple[list[tuple[str, str]], list[str]]:
    """Encodings to try, as (label, source), and reasons already known against the declaration."""
    body = response.body
    for bom, label in _BOMS:
        if body.startswith(bom):
            return [(label, "byte order mark")], []
    wide = _wide_encoding(body)
    if wide is not None:
        return [(wide, "byte pattern")], []
    match = _DECLARED.match(body)
    declared = match[1].decode("ascii").lower() if match else None
    labels = ((declared, "XML declaration"), (_http_charset(response), "HTTP charset"))
    result: list[tuple[str, str]] = []
    reasons: list[str] = []
    for name, source in (*labels, ("utf-8", "default")):
        if not name or name in (seen for seen, _ in result):
            continue
        if name.startswith(("utf-16", "utf-32", "ucs")):  # no BOM, no wide "<": a wrong label
            reasons.append(f"{name} ({source}): the bytes are not UTF-16/32")
        else:
            result.append((name, source))
    return result, reasons


def _decode_as(body: bytes, label: str) -> bytes:
    """The body decoded from ``label`` and re-encoded as UTF-8 (raises LookupError/UnicodeError)."""
    codec = codecs.lookup(_ENCODING_ALIASES.get(label, label))
    if codec.name in _NOT_CHARSETS:
        raise LookupError("not a character encoding")
    try:
        text = body.decode(codec.name)
    except UnicodeDecodeError as err:
        if err.end != len(body) or "unexpected end of data" not in err.reason:
            raise
        text = body[: err.start].decode(codec.name)  # cut mid-character: the XML parser says how
    return text.encode("utf-8")


def _decode(response: Response) -> tuple[bytes, str, list[Violation]]:
    """The body as UTF-8, the encoding that read it, and warnings about disagreeing encodings."""
    candidates, reasons = _encoding_candidates(response)
    for label, source in candidates:
        try:
            data = _decode_as(response.body, label)
        except (LookupError, UnicodeError) as err:
            reasons.append(f"{label} ({source}): {_shorten(str(err), 100)}")
            continue
        name = "utf-8" if label == "utf-8-sig" else label
        if reasons:
            message = f"read as {name} ({source}) after: {'; '.join(reasons)}"
            return data, name, [_encoding_warning(message, reasons[0])]
        if _utf8_in_disguise(response.body, label):
            message = f"read as {name} ({source}), but the bytes are UTF-8: text will be mojibake"
            return data, name, [_encoding_warning(message, f"{name} ({source})")]
        return data, name, []
    raise ParseError(f"cannot decode the body: {'; '.join(reasons)}")


def _utf8_in_disguise(body: bytes, label: str) -> bool:
    """Whether a body read with a single-byte charset is in fact valid non-ASCII UTF-8."""
    if not codecs.lookup(label).name.startswith(("iso8859", "cp125")) or body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _encoding_warning(message: str, observed: str) -> Violation:
    return Violation(
        "encoding",
        message,
        observed=_shorten(observed, 120),
        expected="bytes in the declared encoding",
        severity=Severity.WARNING,
    )


def _parse_tree(response: Response) -> tuple[Element, str, list[Violation]]:
    try:
        data, encoding, problems = _decode(response)
        return etree.fromstring(data, _XML_PARSER), encoding, problems
    except (ParseError, etree.LxmlError, ValueError) as err:
        splice = _find_splice(response.body, certain_only=False)
        if splice is not None:
            raise TransportError(splice) from None
        if isinstance(err, ParseError):
            raise
        raise ParseError(_xml_error_message(err)) from None


def _xml_error_message(err: Exception) -> str:
    """'XML not well formed at line L, column C: <libxml2's reason, shortened>'."""
    message = _collapse(getattr(err, "msg", None) or str(err))
    position = getattr(err, "position", None)
    if not position:
        return f"XML not well formed: {_shorten(message, 160)}"
    reason = _XML_POSITION.sub("", message)
    line, column = position
    return f"XML not well formed at line {line}, column {column}: {_shorten(reason, 120)}"


# --- XML dialects -----------------------------------------------------------------------------


class _Context:
    """What item readers share: dialect, core namespace, link base, problems and the item count."""

    def __init__(self, dialect: str, core: str, base: str, max_items: int) -> None:
        self.dialect, self.core, self.base, self.max_items = dialect, core, base, max_items
        self.items: list[Item] = []
        self.problems: list[Violation] = []
        self.feed_author: str | None = None

    def add(self, item: Item, dates: dict[str, tuple[str | None, str]]) -> None:
        """Parse the item's dates (recording problems) and append it."""
        index = len(self.items)
        if index >= self.max_items:
            raise ParseError(f"more than max_items={self.max_items} items")
        for field, (raw, expected) in dates.items():
            item[field] = _date(raw, field, expected, item, index, self.problems)
        item["published_raw"] = dates["published"][0]
        self.items.append(_ordered(item))


def _read_xml(response: Response, max_items: int) -> FeedOutput:
    root, encoding, problems = _parse_tree(response)
    qname = etree.QName(root)
    if qname.localname.lower() == "html":
        raise TransportError(f"HTML page, not a feed: title {_tree_title(root)!r}")
    reader = _READERS.get(qname.text) or (_read_rss if qname.localname == "rss" else None)
    if reader is None:
        raise ParseError(
            f"unknown root element <{qname.localname}> ({qname.namespace or 'no'} "
            "namespace); expected rss, rdf:RDF or an Atom feed"
        )
    ctx, feed = reader(root, response.url, max_items)
    feed |= {"dialect": ctx.dialect, "encoding": encoding}
    problems += _entity_warnings(root)
    return FeedOutput(ctx.dialect, feed, ctx.items, (*problems, *ctx.problems))


def _entity_warnings(root: Element) -> list[Violation]:
    """A warning when the document relies on entities from a DTD, which are never expanded."""
    if not root.getroottree().docinfo.doctype:
        return []  # without a DTD an undefined entity is a well-formedness error
    entity = next(root.iter(etree.Entity), None)
    if entity is None:
        return []
    message = f"entity reference {entity.text} left unexpanded: DTDs and entities are never loaded"
    return [
        Violation(
            "xml-entities",
            message,
            observed=_shorten(entity.text, 120),
            expected="character references or plain text",
            severity=Severity.WARNING,
        )
    ]


def _read_rss(root: Element, url: str, max_items: int) -> tuple[_Context, dict[str, Any]]:
    namespace = etree.QName(root).namespace
    core = f"{{{namespace}}}" if namespace else ""
    channel = root.find(f"{core}channel")
    if channel is None:
        raise ParseError("<rss> has no <channel> element")
    version = (root.get("version") or "").strip()
    dialect = "rss0.9x" if version.startswith("0.9") else "rss2.0"
    items = (*channel.iterchildren(f"{core}item"), *root.iterchildren(f"{core}item"))
    return _read_channel(dialect, core, channel, items, url, max_items)


def _read_rdf(root: Element, url: str, max_items: int) -> tuple[_Context, dict[str, Any]]:
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
) -> tuple[_Context, dict[str, Any]]:
    kids = _children(channel, core)
    link = _resolve(_text(kids, "link"), _first(kids, "link"), url)
    ctx = _Context(dialect, core, link or url, max_items)
    for item in items:
        ctx.add(*_rss_item(item, ctx))
    language = _text(kids, "language") or _text(kids, f"{_DC}language")
    return ctx, {"title": _plain(kids, "title"), "link": link, "language": language}


def _rss_item(elem: Element, ctx: _Context) -> tuple[Item, dict[str, tuple[str | None, str]]]:
    kids = _children(elem, ctx.core)
    guid, guid_text = _first(kids, "guid"), _text(kids, "guid")
    url = _resolve(_text(kids, "link"), _first(kids, "link"), ctx.base)
    if url is None and guid is not None and _is_permalink(guid):
        url = _resolve(guid_text, guid, ctx.base)
    item: Item = {
        "id": guid_text or elem.get(f"{{{_RDF}}}about") or None,
        "url": url,
        "title": _plain(kids, "title"),
        "author": _plain(kids, "author") or _plain(kids, f"{_DC}creator"),
        "summary": _markup(kids, "description"),
        "content": _markup(kids, f"{_CONTENT}encoded"),
        "categories": _all_plain(kids, "category", f"{_DC}subject"),
        "enclosures": [e for e in (_rss_enclosure(x, ctx) for x in kids.get("enclosure", ())) if e],
    }
    return item, _rss_dates(kids)


def _is_permalink(guid: Element) -> bool:
    return (guid.get("isPermaLink") or "true").strip().lower() != "false"


def _rss_dates(kids: dict[str, list[Element]]) -> dict[str, tuple[str | None, str]]:
    published = (_raw_text(kids, "pubDate"), _RFC822_EXPECTED)
    for key in (f"{_DC}date", f"{{{_ATOM10}}}published", f"{{{_ATOM10}}}updated"):
        if published[0] is None:
            published = (_raw_text(kids, key), _RFC3339_EXPECTED)
    updated = _raw_text(kids, f"{_DCTERMS}modified") or _raw_text(kids, f"{{{_ATOM10}}}updated")
    return {"published": published, "updated": (updated, _RFC3339_EXPECTED)}


def _rss_enclosure(elem: Element, ctx: _Context) -> dict[str, Any] | None:
    url = _resolve(elem.get("url"), elem, ctx.base)
    return _enclosure(url, elem.get("type"), elem.get("length"))


def _read_atom(root: Element, url: str, max_items: int) -> tuple[_Context, dict[str, Any]]:
    namespace = etree.QName(root).namespace
    core = f"{{{namespace}}}"
    ctx = _Context("atom1.0" if namespace == _ATOM10 else "atom0.3", core, url, max_items)
    kids = _children(root, core)
    ctx.feed_author = _atom_authors(kids, ctx)
    link, _ = _atom_links(kids.get("link", ()), ctx)
    for entry in kids.get("entry", ()):
        ctx.add(*_atom_entry(entry, ctx))
    title = _atom_text(kids["title"][0], plain=True) if "title" in kids else None
    language = root.get(_XML_LANG) or None
    return ctx, {"title": title, "link": link, "language": language}


def _atom_entry(elem: Element, ctx: _Context) -> tuple[Item, dict[str, tuple[str | None, str]]]:
    kids = _children(elem, ctx.core)
    url, enclosures = _atom_links(kids.get("link", ()), ctx)
    texts = {
        key: _atom_text(kids[key][0], plain=key == "title") if key in kids else None
        for key in ("title", "summary", "content")
    }
    item: Item = {
        "id": _text(kids, "id"),
        "url": url,
        **texts,
        "author": _atom_authors(kids, ctx) or ctx.feed_author,
        "categories": [c.get("term", "").strip() for c in kids.get("category", ()) if c.get("term")]
        + _all_plain(kids, f"{_DC}subject"),
        "enclosures": enclosures,
    }
    published = next(
        (r for k in ("published", "issued", "created") if (r := _raw_text(kids, k))), None
    )
    updated = _raw_text(kids, "updated") or _raw_text(kids, "modified")
    return item, {
        "published": (published or updated, _RFC3339_EXPECTED),
        "updated": (updated, _RFC3339_EXPECTED),
    }


def _atom_links(links: Iterable[Element], ctx: _Context) -> tuple[str | None, list[Any]]:
    """The first rel=alternate href, and the rel=enclosure links as enclosures."""
    alternate: str | None = None
    enclosures: list[Any] = []
    for link in links:
        rel = (link.get("rel") or "alternate").strip().lower()
        href = _resolve(link.get("href"), link, ctx.base)
        if rel == "alternate" and alternate is None:
            alternate = href
        elif rel == "enclosure" and (
            enclosure := _enclosure(href, link.get("type"), link.get("length"))
        ):
            enclosures.append(enclosure)
    return alternate, enclosures


def _atom_authors(kids: dict[str, list[Element]], ctx: _Context) -> str | None:
    names = []
    for author in kids.get("author", ()):
        name = _plain(_children(author, ctx.core), "name")
        if name:
            names.append(name)
    return ", ".join(names) or None


def _atom_text(elem: Element, *, plain: bool) -> str:
    """An Atom text construct (or Atom 0.3 content) as plain text, or as markup given."""
    kind = (elem.get("type") or "text").strip().lower()
    mode = (elem.get("mode") or "").strip().lower()
    if mode == "base64":
        raw = _base64_text(elem.text or "")
    elif kind in ("xhtml", "application/xhtml+xml") or (mode == "xml" and len(elem)):
        div = elem.find(f"{{{_XHTML}}}div")
        target = div if div is not None else elem
        if plain:
            return _collapse("".join(target.itertext()))
        raw = _inner_markup(target)
    else:
        raw = "".join(elem.itertext())
    if not plain:
        return raw.strip()
    if kind in ("html", "text/html") or mode == "escaped":
        raw = unescape(_TAG.sub("", raw))
    return _collapse(raw)


_READERS: dict[str, Callable[[Element, str, int], tuple[_Context, dict[str, Any]]]] = {
    f"{{{_RDF}}}RDF": _read_rdf,
    f"{{{_ATOM10}}}feed": _read_atom,
    f"{{{_ATOM03}}}feed": _read_atom,
}


# --- JSON Feed --------------------------------------------------------------------------------


def _looks_like_json(body: bytes) -> bool:
    return body.removeprefix(codecs.BOM_UTF8).lstrip()[:1] in (b"{", b"[")


def _read_json(body: bytes, url: str, max_items: int) -> FeedOutput:
    try:
        encoding = json.detect_encoding(body)
        doc = json.loads(body.decode(encoding))
    except (ValueError, RecursionError) as err:
        raise ParseError(f"invalid JSON: {_shorten(_collapse(str(err)), 160)}") from None
    version = doc.get("version") if isinstance(doc, dict) else None
    if not isinstance(version, str) or not version.startswith(_JSONFEED + "1"):
        raise ParseError(
            f"JSON but not a JSON Feed: 'version' is {_shorten(repr(version), 60)}, "
            f"expected '{_JSONFEED}1' or '{_JSONFEED}1.1'"
        )
    items = doc.get("items")
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ParseError("JSON Feed 'items' is not a list of objects")
    dialect = "jsonfeed1.1" if version.rstrip("/") == _JSONFEED + "1.1" else "jsonfeed1.0"
    base = _resolve(_jstr(doc.get("home_page_url")), None, url) or url
    ctx = _Context(dialect, "", base, max_items)
    ctx.feed_author = _json_authors(doc)
    for entry in items:
        ctx.add(*_json_item(entry, ctx))
    feed = {
        "title": _collapse_or_none(_jstr(doc.get("title"))),
        "link": base if base != url else None,
        "language": _jstr(doc.get("language")),
        "dialect": dialect,
        "encoding": "utf-8",
    }
    return FeedOutput(dialect, feed, ctx.items, tuple(ctx.problems))


def _json_item(
    entry: dict[str, Any], ctx: _Context
) -> tuple[Item, dict[str, tuple[str | None, str]]]:
    raw_id = entry.get("id")
    is_number = isinstance(raw_id, int | float) and not isinstance(raw_id, bool)
    attachments = _json_list(entry.get("attachments"), dict)
    tags = _json_list(entry.get("tags"), str)
    item: Item = {
        "id": (str(raw_id) if is_number else _jstr(raw_id)) or None,
        "url": _resolve(_jstr(entry.get("url")), None, ctx.base),
        "title": _collapse_or_none(_jstr(entry.get("title"))),
        "author": _json_authors(entry) or ctx.feed_author,
        "summary": _jstr(entry.get("summary")),
        "content": _jstr(entry.get("content_html")) or _jstr(entry.get("content_text")),
        "categories": tags,
        "enclosures": [e for a in attachments if (e := _json_attachment(a, ctx))],
    }
    published = _jstr(entry.get("date_published"))
    updated = _jstr(entry.get("date_modified"))
    return item, {
        "published": (published or updated, _RFC3339_EXPECTED),
        "updated": (updated, _RFC3339_EXPECTED),
    }


def _json_attachment(att: dict[str, Any], ctx: _Context) -> dict[str, Any] | None:
    size = att.get("size_in_bytes")
    length = str(size) if isinstance(size, int) and not isinstance(size, bool) else None
    return _enclosure(
        _resolve(_jstr(att.get("url")), None, ctx.base), _jstr(att.get("mime_type")), length
    )


def _json_authors(obj: dict[str, Any]) -> str | None:
    authors = obj.get("authors")
    if not isinstance(authors, list):
        authors = [obj.get("author")]
    names = [_collapse(a["name"]) for a in authors if isinstance(a, dict) and _jstr(a.get("name"))]
    return ", ".join(n for n in names if n) or None


def _json_list(value: object, kind: type[Any]) -> list[Any]:
    return [v for v in value if isinstance(v, kind)] if isinstance(value, list) else []


def _jstr(value: object) -> str | None:
    return value if isinstance(value, str) else None


# --- shared helpers ---------------------------------------------------------------------------


def _children(elem: Element, core: str) -> dict[str, list[Element]]:
    """Direct child elements by key: local name in the dialect's namespace, else Clark name."""
    kids: dict[str, list[Element]] = {}
    for child in elem:
        tag = child.tag
        if isinstance(tag, str):  # skips unexpanded entity references
            key = tag[len(core) :] if core and tag.startswith(core) else tag
            kids.setdefault(key, []).append(child)
    return kids


def _first(kids: dict[str, list[Element]], key: str) -> Element | None:
    found = kids.get(key)
    return found[0] if found else None


def _raw_text(kids: dict[str, list[Element]], key: str) -> str | None:
    elem = _first(kids, key)
    return None if elem is None else "".join(elem.itertext())


def _text(kids: dict[str, list[Element]], key: str) -> str | None:
    raw = _raw_text(kids, key)
    return (raw.strip() or None) if raw is not None else None


def _plain(kids: dict[str, list[Element]], key: str) -> str | None:
    raw = _raw_text(kids, key)
    return None if raw is None else _collapse(raw)


def _all_plain(kids: dict[str, list[Element]], *keys: str) -> list[str]:
    texts = (_collapse("".join(e.itertext())) for key in keys for e in kids.get(key, ()))
    return [t for t in texts if t]


def _markup(kids: dict[str, list[Element]], key: str) -> str | None:
    elem = _first(kids, key)
    return None if elem is None else _inner_markup(elem).strip()


def _inner_markup(elem: Element) -> str:
    """Text and child elements of ``elem`` as markup (for unescaped XHTML inside an element)."""
    parts = [elem.text or ""]
    parts += [etree.tostring(child, encoding="unicode", with_tail=True) for child in elem]
    return "".join(parts).replace(f' xmlns="{_XHTML}"', "")


def _tree_title(root: Element) -> str:
    titles = (
        e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname == "title"
    )
    title = next(titles, None)
    return "(no <title>)" if title is None else _shorten(_collapse("".join(title.itertext())), 80)


def _resolve(href: str | None, elem: Element | None, base: str) -> str | None:
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


def _enclosure(url: str | None, kind: str | None, length: str | None) -> dict[str, Any] | None:
    if not url:
        return None
    size = length.strip() if length else ""
    return {
        "url": url,
        "type": (kind or "").strip() or None,
        "length": int(size) if _LENGTH.fullmatch(size) else None,
    }


def _date(
    raw: str | None, field: str, expected: str, item: Item, index: int, problems: list[Violation]
) -> str | None:
    """The UTC RFC 3339 form of ``raw``; unparseable dates and odd forms become problems."""
    if raw is None:
        return None
    where = {
        "field": field,
        "observed": _shorten(raw.strip(), 120),
        "expected": expected,
        "item_index": index,
        "item_id": item["id"],
        "item_url": item["url"],
    }
    try:
        parsed = parse_feed_date(raw)
    except ValueError as err:
        problems.append(
            Violation("date-parseable", f"{field} date cannot be parsed: {err}", **where)
        )
        return None
    for note in parsed.notes:
        problems.append(
            Violation("date-format", f"{field} date: {note}", **where, severity=Severity.WARNING)
        )
    return to_utc_rfc3339(parsed.value)


def _ordered(item: Item) -> Item:
    keys = (
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
    return {key: item.get(key) for key in keys}


def _base64_text(text: str) -> str:
    try:
        return base64.b64decode(text, validate=False).decode("utf-8")
    except (binascii.Error, ValueError):
        return ""


def _collapse(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


def _collapse_or_none(text: str | None) -> str | None:
    return None if text is None else _collapse(text)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
