"""An editable copy of one recorded feed body, for operators that change its form or content.

:class:`FeedDoc` parses RSS 0.9x/1.0/2.0, Atom and JSON Feed bodies once (lxml, no entities, no
network; CDATA sections kept), hands out its entries as :class:`Entry` views with the same field
names in every dialect, and writes the document back with every untouched byte of form kept:
declaration, namespaces, CDATA, element order. Item bodies are HTML fragments; :func:`html_parts`
and :func:`html_join` edit them as lxml trees.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from lxml import etree, html

from harness.audit.feedwriter import EntrySpec, FeedSpec

__all__ = ["Entry", "FeedDoc", "NotApplicable", "html_join", "html_parts", "iter_html_text"]

_ATOM = "http://www.w3.org/2005/Atom"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RSS10 = "http://purl.org/rss/1.0/"
_RSS090 = "http://my.netscape.com/rdf/simple/0.9/"
_DC = "http://purl.org/dc/elements/1.1/"
_CONTENT = "http://purl.org/rss/1.0/modules/content/"
_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, strip_cdata=False, huge_tree=False
)
_HTML_PARSER = html.HTMLParser(encoding="utf-8", remove_comments=False, no_network=True)
_DECLARED = re.compile(rb"<\?xml[^>]{0,200}?\sencoding\s*=\s*[\"']([A-Za-z][\w.:-]{0,40})[\"']")

Element = Any  # lxml ships no type information


class NotApplicable(Exception):
    """The operator has nothing to act on in this feed (no date lines, no guids, not XML ...)."""


class Entry:
    """One item of a :class:`FeedDoc`, with dialect-independent field names.

    Fields: ``title``, ``link``, ``id``, ``published``, ``author`` (plain text), ``body`` (the HTML
    the parsers read: content:encoded / atom:content / content_html, else the description).
    """

    def __init__(self, doc: FeedDoc, node: Any) -> None:
        self.doc = doc
        self.node = node  # an lxml element, or a JSON Feed item dict

    def get(self, name: str) -> str | None:
        """The field's text, or None when the entry has no such field."""
        if self.doc.kind == "json":
            return _json_get(self.node, name)
        target = self._target(name)
        if target is None:
            return None
        elem, attr = target
        value = elem.get(attr) if attr else "".join(elem.itertext())
        return value if isinstance(value, str) else None

    def set(self, name: str, value: str | None) -> None:
        """Replace a field's text (None removes it); a missing field is added."""
        if self.doc.kind == "json":
            _json_set(self.node, name, value)
            return
        target = self._target(name)
        if value is None:
            if target is not None:
                _remove(target)
            return
        if target is None:
            target = self._add(name)
        elem, attr = target
        if attr:
            elem.set(attr, value)
            return
        for child in list(elem):
            elem.remove(child)
        cdata = name == "body" and self.doc.cdata and "]]>" not in value
        elem.text = etree.CDATA(value) if cdata else value

    def element(self, name: str) -> Element | None:
        """The XML element holding a field (None in JSON Feed or when absent)."""
        if self.doc.kind == "json":
            return None
        target = self._target(name)
        return None if target is None else target[0]

    def _target(self, name: str) -> tuple[Element, str | None] | None:
        for tag, attr in self.doc.fields(name):
            if tag == "" and attr:
                if self.node.get(attr) is not None:
                    return self.node, attr
                continue
            found = _find_child(self.node, tag, name)
            if found is not None and found.tag == f"{{{_ATOM}}}author":
                found = found.find(f"{{{_ATOM}}}name")
            if found is not None:
                return found, attr
        return None

    def _add(self, name: str) -> tuple[Element, str | None]:
        tag, attr = self.doc.fields(name)[-1 if name == "body" else 0]
        if tag == "" and attr:
            return self.node, attr
        if self.doc.dialect.startswith("atom") and name == "author":
            holder = etree.SubElement(self.node, f"{{{_ATOM}}}author")
            return etree.SubElement(holder, f"{{{_ATOM}}}name"), None
        elem = etree.SubElement(self.node, tag)
        elem.tail = self.node[-2].tail if len(self.node) > 1 else None
        if self.doc.dialect.startswith("atom") and name == "body":
            elem.set("type", "html")
        return elem, attr


def _find_child(node: Element, tag: str, name: str) -> Element | None:
    for child in node:
        if child.tag != tag:
            continue
        rel = child.get("rel") or "alternate"
        if name == "link" and child.get("href") is not None and rel != "alternate":
            continue  # atom: only the alternate link is the item's link
        return child
    return None


def _remove(target: tuple[Element, str | None]) -> None:
    elem, attr = target
    if attr and elem.get(attr) is not None and elem.tag != f"{{{_ATOM}}}link":
        del elem.attrib[attr]
        return
    parent = elem.getparent()
    if parent is not None and parent.tag == f"{{{_ATOM}}}author":
        elem, parent = parent, parent.getparent()
    if parent is not None:
        _drop_keeping_tail(parent, elem)


def _drop_keeping_tail(parent: Element, elem: Element) -> None:
    previous = elem.getprevious()
    if elem.tail and previous is not None and not (previous.tail or "").strip():
        previous.tail = elem.tail
    parent.remove(elem)


_JSON_KEYS = {
    "title": ("title",),
    "link": ("url",),
    "id": ("id",),
    "published": ("date_published",),
    "body": ("content_html", "content_text", "summary"),
}


def _json_get(item: dict[str, Any], name: str) -> str | None:
    if name == "author":
        authors = item.get("authors") or ([item["author"]] if "author" in item else [])
        names = [a.get("name") for a in authors if isinstance(a, dict)]
        return next((n for n in names if isinstance(n, str)), None)
    for key in _JSON_KEYS[name]:
        value = item.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool):
            return str(value)
    return None


def _json_set(item: dict[str, Any], name: str, value: str | None) -> None:
    if name == "author":
        item.pop("author", None)
        item.pop("authors", None)
        if value is not None:
            item["authors"] = [{"name": value}]
        return
    keys = _JSON_KEYS[name]
    key = next((k for k in keys if k in item), keys[0])
    if value is None:
        item.pop(key, None)
    else:
        item[key] = value


class FeedDoc:
    """A parsed, editable feed body. ``notes`` collects what operators did, for reports."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.notes: list[str] = []
        self.timezone: str | None = None  # the source's zone, for date lines (None: Paris)
        self.data: Any = None
        self.root: Element = None
        stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
        if stripped[:1] in (b"{", b"["):
            self._load_json(body)
        else:
            self._load_xml(body)

    def _load_json(self, body: bytes) -> None:
        try:
            self.data = json.loads(body.decode(json.detect_encoding(body)))
        except (ValueError, RecursionError) as err:
            raise NotApplicable(f"not a JSON Feed: {err}") from None
        if not isinstance(self.data, dict) or not isinstance(self.data.get("items"), list):
            raise NotApplicable("JSON without an 'items' list")
        self.kind, self.dialect, self.cdata, self.encoding = "json", "jsonfeed", False, "utf-8"

    def _load_xml(self, body: bytes) -> None:
        try:
            self.root = etree.fromstring(body, _XML_PARSER)
        except (etree.XMLSyntaxError, ValueError) as err:
            raise NotApplicable(f"not well-formed XML: {err}") from None
        if self.root is None:
            raise NotApplicable("no XML root element")
        self.kind = "xml"
        self.dialect = _xml_dialect(self.root)
        self.cdata = b"<![CDATA[" in body
        declared = _DECLARED.match(body.lstrip(b"\xef\xbb\xbf"))
        self.encoding = declared[1].decode("ascii") if declared else "UTF-8"

    # --- entries ----------------------------------------------------------------------------

    def entries(self) -> list[Entry]:
        """The items, in document order."""
        if self.kind == "json":
            return [Entry(self, item) for item in self.data["items"] if isinstance(item, dict)]
        return [Entry(self, node) for node in self._entry_nodes()]

    def _entry_nodes(self) -> list[Element]:
        if self.dialect.startswith("atom"):
            return list(self.root.iterchildren(f"{{{_ATOM}}}entry"))
        if self.dialect in ("rss1.0", "rss0.90"):
            core = _RSS10 if self.dialect == "rss1.0" else _RSS090
            return list(self.root.iterchildren(f"{{{core}}}item"))
        channel = self.root.find("channel")
        nodes = [] if channel is None else list(channel.iterchildren("item"))
        return nodes + list(self.root.iterchildren("item"))

    def remove(self, entry: Entry) -> None:
        """Take an entry out of the feed."""
        if self.kind == "json":
            self.data["items"].remove(entry.node)
            return
        parent = entry.node.getparent()
        _drop_keeping_tail(parent, entry.node)

    def duplicate(self, entry: Entry) -> Entry:
        """Insert a deep copy of ``entry`` right after it and return the copy."""
        if self.kind == "json":
            twin = copy.deepcopy(entry.node)
            items = self.data["items"]
            items.insert(items.index(entry.node) + 1, twin)
            return Entry(self, twin)
        twin = copy.deepcopy(entry.node)
        entry.node.addnext(twin)
        return Entry(self, twin)

    def reorder(self, order: list[Entry]) -> None:
        """Put the entries in ``order`` (a permutation of :meth:`entries`)."""
        if self.kind == "json":
            others = [i for i in self.data["items"] if not isinstance(i, dict)]
            self.data["items"] = [e.node for e in order] + others
            return
        current = [e.node for e in self.entries()]
        slots = [(n.getparent(), n.getparent().index(n), n.tail) for n in current]
        for node in current:
            node.getparent().remove(node)
        for (parent, index, tail), entry in zip(slots, order, strict=True):
            parent.insert(index, entry.node)
            entry.node.tail = tail

    # --- field names per dialect ------------------------------------------------------------

    def fields(self, name: str) -> list[tuple[str, str | None]]:
        """(Clark tag, attribute) pairs that may hold field ``name``, in the parser's order."""
        if self.dialect.startswith("atom"):
            return _ATOM_FIELDS[name]
        if self.dialect in ("rss1.0", "rss0.90"):
            core = f"{{{_RSS10 if self.dialect == 'rss1.0' else _RSS090}}}"
            return [(t.replace("{core}", core), a) for t, a in _RDF_FIELDS[name]]
        return _RSS_FIELDS[name]

    # --- output -----------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The document as bytes: same encoding and declaration as recorded."""
        if self.kind == "json":
            return (json.dumps(self.data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        text = str(etree.tostring(self.root.getroottree(), encoding="unicode"))
        declaration = f'<?xml version="1.0" encoding="{self.encoding}"?>\n'
        try:
            return (declaration + text).encode(self.encoding, "xmlcharrefreplace")
        except LookupError:
            return (declaration + text).encode("utf-8")

    def spec(self, published: dict[int, datetime] | None = None) -> FeedSpec:
        """The feed as a :class:`FeedSpec` (for re-writing it in another dialect)."""
        from harness.dates import parse_feed_date

        entries = []
        for entry in self.entries():
            raw = entry.get("published")
            try:
                when = parse_feed_date(raw).value if raw else None
            except ValueError:
                when = None
            entries.append(
                EntrySpec(
                    title=entry.get("title"),
                    link=entry.get("link"),
                    id=entry.get("id"),
                    published=when,
                    body=entry.get("body"),
                    author=entry.get("author"),
                )
            )
        title, link, language = self._channel()
        return FeedSpec(title=title, link=link, entries=tuple(entries), language=language)

    def _channel(self) -> tuple[str, str, str | None]:
        if self.kind == "json":
            data = self.data
            return str(data.get("title") or ""), str(data.get("home_page_url") or ""), None
        texts: dict[str, str] = {}
        scope = self.root if self.dialect.startswith("atom") else self.root.find(".//{*}channel")
        for child in scope if scope is not None else ():
            if isinstance(child.tag, str):
                local = etree.QName(child).localname
                texts.setdefault(local, child.get("href") or "".join(child.itertext()).strip())
        language = texts.get("language") or self.root.get(
            "{http://www.w3.org/XML/1998/namespace}lang"
        )
        return texts.get("title", ""), texts.get("link", ""), language


_RSS_FIELDS: dict[str, list[tuple[str, str | None]]] = {
    "title": [("title", None)],
    "link": [("link", None)],
    "id": [("guid", None)],
    "published": [("pubDate", None), (f"{{{_DC}}}date", None)],
    "author": [("author", None), (f"{{{_DC}}}creator", None)],
    "body": [(f"{{{_CONTENT}}}encoded", None), ("description", None)],
}
_RDF_FIELDS: dict[str, list[tuple[str, str | None]]] = {
    "title": [("{core}title", None)],
    "link": [("{core}link", None)],
    "id": [("", f"{{{_RDF}}}about")],
    "published": [(f"{{{_DC}}}date", None)],
    "author": [(f"{{{_DC}}}creator", None)],
    "body": [(f"{{{_CONTENT}}}encoded", None), ("{core}description", None)],
}
_ATOM_FIELDS: dict[str, list[tuple[str, str | None]]] = {
    "title": [(f"{{{_ATOM}}}title", None)],
    "link": [(f"{{{_ATOM}}}link", "href")],
    "id": [(f"{{{_ATOM}}}id", None)],
    "published": [(f"{{{_ATOM}}}published", None), (f"{{{_ATOM}}}updated", None)],
    "author": [(f"{{{_ATOM}}}author", None)],
    "body": [(f"{{{_ATOM}}}content", None), (f"{{{_ATOM}}}summary", None)],
}


def _xml_dialect(root: Element) -> str:
    tag = root.tag if isinstance(root.tag, str) else ""
    if tag == f"{{{_ATOM}}}feed":
        return "atom1.0"
    if tag == f"{{{_RDF}}}RDF":
        if root.find(f"{{{_RSS090}}}channel") is not None:
            return "rss0.90"
        return "rss1.0"
    if tag == "rss":
        return "rss0.9x" if (root.get("version") or "").startswith("0.9") else "rss2.0"
    raise NotApplicable(f"root element {tag!r} is not a feed")


# --- item bodies (HTML fragments) ---------------------------------------------------------------


def html_parts(fragment: str) -> Element:
    """An HTML fragment as a ``<div>`` holding its nodes (edit it, then :func:`html_join`).

    The holder remembers whether the fragment writes its tags in upper case (``<P><STRONG>``,
    old IE markup), so that :func:`html_join` writes them back the same way.
    """
    holder = html.fragment_fromstring(fragment or "", create_parent="div", parser=_HTML_PARSER)
    upper = len(_UPPER_TAG.findall(fragment or ""))
    lower = len(_LOWER_TAG.findall(fragment or ""))
    if upper and upper >= 4 * lower:
        holder.set("data-harness-case", "upper")
    if _XHTML_VOID.search(fragment or ""):
        holder.set("data-harness-void", "xhtml")
    return holder


_UPPER_TAG = re.compile(r"</?[A-Z][A-Z0-9]*[\s/>]")
_LOWER_TAG = re.compile(r"</?[a-z][a-z0-9]*[\s/>]")
_TAG_NAME = re.compile(r"(</?)([a-z][a-z0-9]*)")
_VOIDS = "area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr"
_XHTML_VOID = re.compile(rf"<(?:{_VOIDS})\b[^<>]*/>", re.IGNORECASE)
_HTML_VOID = re.compile(rf"<((?:{_VOIDS})\b[^<>]*?)\s*>", re.IGNORECASE)


def html_join(holder: Element) -> str:
    """The children of ``holder`` (from :func:`html_parts`) as an HTML fragment again."""
    parts = [_escape_text(holder.text or "")]
    parts += [etree.tostring(child, method="html", encoding="unicode") for child in holder]
    joined = "".join(parts)
    if holder.get("data-harness-void") == "xhtml":  # keep <br /> as the feed writes it
        joined = _HTML_VOID.sub(r"<\1 />", joined)
    if holder.get("data-harness-case") == "upper":  # text has no raw "<": only tags match
        joined = _TAG_NAME.sub(lambda m: m[1] + m[2].upper(), joined)
    return joined


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def iter_html_text(holder: Element) -> Iterator[tuple[Element, str]]:
    """(element, "text" | "tail") for every non-blank text node inside ``holder``."""
    for elem in holder.iter():
        if not isinstance(elem.tag, str) or elem.tag in ("script", "style"):
            continue
        if elem.text and elem.text.strip():
            yield elem, "text"
        if elem is not holder and elem.tail and elem.tail.strip():
            yield elem, "tail"
