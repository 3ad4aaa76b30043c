"""The feed document's envelope, scanned raw: namespaces, root and channel paths, and per item
the element/attribute paths (``env:``) and how each markup field is written (``esc:``).

The XML is parsed once with lxml (no entities, no network, recovering); how a field is written
(CDATA, escaped, double-escaped) is lost in parsing, so it is read from the raw text of each item.
"""

from __future__ import annotations

import codecs
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
    "declared_namespaces",
    "document_text",
    "envelope",
    "field_form",
    "item_bounds",
    "qname",
    "raw_forms",
]

# The item spans are those of ``re.finditer(r"<(item|entry)\b.*?</\1\s*>", text, re.DOTALL)``.
_ITEM_OPEN = re.compile(r"<(item|entry)\b")
_ITEM_CLOSE = {"item": re.compile(r"</item\s*>"), "entry": re.compile(r"</entry\s*>")}
# A markup field's tag, any prefix (resolved by field_form), and what its content opens with.
# XML 1.0 4.1 and 4.6: "<" may be written "&lt;", "&#60;" or "&#x3C;" (any leading zeros), and
# "&" as "&amp;", "&#38;" or "&#x26;"; 2.7: a CDATA section holds its text unescaped.
_LT = r"(?:&lt;|&#0*60;|&#[xX]0*3[cC];)"
_AMP = r"(?:&amp;|&#0*38;|&#[xX]0*26;)"
MARKUP_FIELD = re.compile(
    r"<(?:([A-Za-z_][\w.-]*):)?(encoded|description|summary|content)\b([^>]*?)(/?)>(\s*)"
    rf"(<!\[CDATA\[\s*(?:<|{_LT})?|{_AMP}(?:lt|#0*60|#[xX]0*3[cC]);|{_LT}|<)?"
)
_XMLNS_DECLARATION = re.compile(r"\sxmlns(?::([\w.-]+))?\s*=\s*[\"']([^\"']*)[\"']")
_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_ATOM_NS = ("http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#")
# Which namespace makes each local name a markup field (Namespaces in XML 1.0: the expanded
# name counts, not the prefix): content:encoded, the RSS description, Atom summary and content.
_FIELD_NAMESPACES = {
    "encoded": (_CONTENT_NS,),
    "description": ("", "http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/"),
    "summary": _ATOM_NS,
    "content": _ATOM_NS,
}
_FIELD_SIGNAL = {"encoded": "content:encoded"}  # the signal keeps the conventional prefix
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
        # Namespaces in XML 1.0 section 4: a prefix is only a stand-in for its URI, so an
        # unknown namespace is named by its URI (Clark notation), never by the document's prefix
        del nsmap
        return tag
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
    text = document_text(body)
    names = declared_namespaces(text)
    found: list[set[str]] = []
    # searched in place: the patterns start with "<" and look neither before the span's start
    # nor past its end (an end bound reads as the end of the text), as in a copy of the span
    for start, end in item_bounds(text):
        forms: set[str] = set()
        for m in MARKUP_FIELD.finditer(text, start, end):
            form = field_form(m, names)
            if form is not None:
                forms.add(form)
        link = RAW_LINK.search(text, start, end)
        if link is not None:
            forms.add(f"rawlink:{link_form(link.group(1))[0]}")
        found.append(forms)
    return found


# XML 1.0 4.3.3 and appendix F: a byte order mark decides the encoding, else the declaration,
# else the document is UTF-8. Only the markup (ASCII) is read here: "replace" is enough.
_BOM_CODECS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED = re.compile(rb"<\?xml[^>]{0,200}?\sencoding\s*=\s*[\"']([A-Za-z][\w.:-]{0,40})[\"']")


def document_text(body: bytes) -> str:
    """The feed document as text, in the encoding XML 1.0 4.3.3 gives it."""
    for mark, codec in _BOM_CODECS:
        if body.startswith(mark):
            return body.decode(codec, "replace")
    declared = _DECLARED.match(body)
    codec = "utf-8"
    if declared is not None:
        try:
            codec = codecs.lookup(declared[1].decode("ascii")).name
        except LookupError:
            codec = "utf-8"
    if codec.startswith(("utf-16", "utf-32")):  # declared wide without a mark: appendix F
        codec = "utf-8"
    return body.decode(codec, "replace")


_XMLNS_LITERAL = re.compile("xmlns")
_ROOT_TAG = re.compile(r"<[A-Za-z_][^>]*>")  # the first start tag after the prolog


def declared_namespaces(text: str) -> dict[str | None, frozenset[str]]:
    """Every namespace URI each prefix is bound to in the document; under None, the default
    namespace the root element declares (``""``: none)."""
    bound: dict[str | None, set[str]] = {}
    for found in _XMLNS_LITERAL.finditer(text):  # a literal scan, then the declaration there
        declaration = _XMLNS_DECLARATION.match(text, found.start() - 1)
        if declaration is not None and declaration[1]:
            bound.setdefault(declaration[1], set()).add(declaration[2])
    root = _ROOT_TAG.search(text)
    default = [u for p, u in _XMLNS_DECLARATION.findall(root.group() if root else "") if not p]
    bound[None] = set(default or [""])
    return {p: frozenset(u) for p, u in bound.items()}


def field_form(match: re.Match[str], names: Mapping[str | None, frozenset[str]]) -> str | None:
    """The ``esc:`` signal of a MARKUP_FIELD match, None when the tag is not a markup field.

    The tag counts by its expanded name (Namespaces in XML 1.0, sections 5 and 6.2): its prefix
    is resolved through the document's declarations, an unprefixed tag's through its own
    ``xmlns=`` or the document's default. The content's form: CDATA opening with markup is
    ``cdata``, a CDATA section of plain text is ``text`` (2.7: it is the same character data),
    markup escaped once (any reference to "<") is ``escaped``, twice is ``double-escaped``.
    """
    prefix, local, attributes, empty, _, opener = match.groups()
    own = _XMLNS_DECLARATION.findall(attributes) if "xmlns" in attributes else []
    if prefix:
        uris = names.get(prefix, frozenset())
    else:
        default = [u for p, u in own if not p]
        uris = frozenset(default) if default else names[None]
    if not uris & set(_FIELD_NAMESPACES[local]):
        return None
    name = _FIELD_SIGNAL.get(local, local)
    return f"esc:{name}={'empty' if empty else _opener_form(opener or '')}"


def _opener_form(opener: str) -> str:
    if opener.startswith("<![CDATA["):
        rest = opener[9:].lstrip()
        if rest.startswith("<"):
            return "cdata"
        return "double-escaped" if rest.startswith("&") else "text"
    if opener == "<":
        return "xml"
    if not opener:
        return "text"
    return "escaped" if re.fullmatch(_LT, opener) else "double-escaped"


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
