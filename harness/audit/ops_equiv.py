"""Benign operators that rewrite how a feed is *written*, never what it says (issue 13).

Each rewrite is one that every conforming reader undoes: XML 1.0 (Fifth Edition) for the
document, Namespaces in XML 1.0 (Third Edition) for names, RSS 2.0 / RFC 822 and Atom (RFC 4287)
/ RFC 3339 for dates, the HTML Living Standard's parsing rules (section 13.2) for item bodies.
The section each rewrite rests on is named in its docstring. The document is rewritten as text,
token by token (:class:`XmlText`), so that nothing else about it changes: CDATA sections,
comments and processing instructions are never edited from inside.
"""

from __future__ import annotations

import codecs
import html.entities
import itertools
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from harness.audit.feeddoc import FeedDoc, NotApplicable
from harness.audit.operators import Choices, Kind, operator

BENIGN = Kind.BENIGN

# --- the document as tokens --------------------------------------------------------------------

# XML 1.0 section 2.7 (CDATA), 2.5 (comments), 2.6 (PIs), 2.8 (doctype), 3.1 (tags: an attribute
# value is quoted and may hold ">", [10] AttValue), 2.4 (character data: everything else).
_TOKEN = re.compile(
    r"<!\[CDATA\[.*?\]\]>|<!--.*?-->|<\?.*?\?>|<!DOCTYPE(?:[^\[>]|\[.*?\])*>"
    r"|<(?:[^<>\"']|\"[^\"]*\"|'[^']*')*>|[^<]+",
    re.DOTALL,
)
_NAME = re.compile(r"</?([^\s/>]+)")
_ATTRIBUTE = re.compile(r"(\s)([^\s=/>]+)(\s*=\s*)(\"[^\"]*\"|'[^']*')")
_DECLARATION = re.compile(r"^<\?xml\s[^?]*\?>")
_ENCODING_DECL = re.compile(r"(\sencoding\s*=\s*)([\"'])[^\"']*\2")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _kind(token: str) -> str:
    """cdata, comment, pi, doctype, end, empty, start or text."""
    if not token.startswith("<"):
        return "text"
    for prefix, kind in (("<![CDATA[", "cdata"), ("<!--", "comment"), ("<?", "pi")):
        if token.startswith(prefix):
            return kind
    if token.startswith("<!"):
        return "doctype"
    if token.startswith("</"):
        return "end"
    return "empty" if token.endswith("/>") else "start"


def _tag_name(token: str) -> str:
    match = _NAME.match(token)
    return match[1] if match else ""


@dataclass(slots=True)
class XmlText:
    """A feed document as decoded text split into tokens, and how to encode it back."""

    tokens: list[str]
    encoding: str
    bom: bool

    @classmethod
    def of(cls, doc: FeedDoc) -> XmlText:
        """The tokens of an XML feed (NotApplicable for JSON Feed)."""
        if doc.kind != "xml":
            raise NotApplicable("not an XML document")
        body, codec, bom = doc.body, "", False
        for mark, name in _BOMS:  # 4.3.3, App. F: a byte order mark decides
            if body.startswith(mark):
                body, codec, bom = body[len(mark) :], name, True
                break
        try:
            codec = codec or codecs.lookup(doc.encoding).name
            text = body.decode(codec)
        except (LookupError, UnicodeDecodeError):
            raise NotApplicable(f"not readable as {doc.encoding}") from None
        tokens = _TOKEN.findall(text)
        if "".join(tokens) != text:
            raise NotApplicable("the document does not split into XML tokens")
        return cls(tokens, codec, bom)

    def to_bytes(self) -> bytes:
        """The tokens encoded as recorded (same encoding, same byte order mark)."""
        mark = {name: m for m, name in _BOMS}.get(self.encoding, b"") if self.bom else b""
        return mark + "".join(self.tokens).encode(self.encoding, "xmlcharrefreplace")

    def kinds(self) -> list[str]:
        """The kind of every token."""
        return [_kind(t) for t in self.tokens]

    def element_only(self) -> list[bool]:
        """Per token: a whitespace text token in element-only content (never in mixed content,
        never the whole content of an element: ``<a> </a>`` keeps its blank)."""
        kinds = self.kinds()
        mixed: list[bool] = [False]  # the document level: no character data allowed (2.8)
        owner: list[int] = []
        stack: list[int] = []
        for token, kind in zip(self.tokens, kinds, strict=True):
            if kind == "start":
                stack.append(len(mixed))
                mixed.append(False)
            elif kind == "end" and stack:
                stack.pop()
            owner.append(stack[-1] if stack else 0)
            if kind in ("text", "cdata") and (kind == "cdata" or token.strip()):
                mixed[owner[-1]] = True
        out = []
        for i, kind in enumerate(kinds):
            blank = kind == "text" and not self.tokens[i].strip()
            whole = 0 < i < len(kinds) - 1 and kinds[i - 1] == "start" and kinds[i + 1] == "end"
            out.append(blank and not whole and not mixed[owner[i]])
        return out

    def leaf_texts(self) -> Iterator[tuple[int, str]]:
        """(index, element name) of each text or CDATA token that is an element's whole content."""
        kinds = self.kinds()
        for i in range(1, len(kinds) - 1):
            if kinds[i] in ("text", "cdata") and kinds[i - 1] == "start" and kinds[i + 1] == "end":
                yield i, _tag_name(self.tokens[i - 1])


def _rewrite(doc: FeedDoc, edit: Callable[[XmlText], int], what: str) -> bytes:
    """Apply ``edit`` to the document's tokens; NotApplicable when it changed nothing."""
    xml = XmlText.of(doc)
    changed = edit(xml)
    out = xml.to_bytes()
    if not changed or out == doc.body:
        raise NotApplicable(f"nothing to rewrite: {what}")
    doc.notes.append(f"{changed} {what}")
    return out


# --- character data and references (XML 1.0 sections 2.4, 2.7, 4.1, 4.6) ------------------------

_PREDEFINED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}  # 4.6
_REFERENCE = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z][\w.-]*);")


def _unescape(text: str) -> str | None:
    """Character data with its references replaced (4.1, 4.6); None for any other entity."""

    def one(match: re.Match[str]) -> str:
        ref = match[1]
        if ref.startswith("#x"):
            return chr(int(ref[2:], 16))
        if ref.startswith("#"):
            return chr(int(ref[1:]))
        return _PREDEFINED.get(ref, "\0")

    out = _REFERENCE.sub(one, text)
    return None if "\0" in out else out


def _escape(text: str) -> str:
    """Character data as 2.4 requires: ``&`` and ``<`` escaped, ``>`` too (``]]>``)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@operator("xml-cdata-to-references", kind=BENIGN)
def cdata_to_references(doc: FeedDoc, choices: Choices) -> bytes:
    """CDATA sections become escaped character data (XML 1.0 2.7, 2.4): the same text."""
    del choices

    def edit(xml: XmlText) -> int:
        changed = 0
        for i, token in enumerate(xml.tokens):
            if _kind(token) == "cdata":
                xml.tokens[i] = _escape(token[9:-3])
                changed += 1
        return changed

    return _rewrite(doc, edit, "CDATA sections escaped")


@operator("xml-references-to-cdata", kind=BENIGN)
def references_to_cdata(doc: FeedDoc, choices: Choices) -> bytes:
    """Escaped element text becomes a CDATA section (XML 1.0 2.7, 2.4, 4.6): the same text."""
    del choices

    def edit(xml: XmlText) -> int:
        changed = 0
        for i, _ in list(xml.leaf_texts()):
            token = xml.tokens[i]
            if _kind(token) != "text" or "&" not in token:
                continue
            plain = _unescape(token)
            if plain is None or "]]>" in plain or "\r" in plain:  # CR: 2.11 would fold it
                continue
            xml.tokens[i] = f"<![CDATA[{plain}]]>"
            changed += 1
        return changed

    return _rewrite(doc, edit, "escaped texts as CDATA")


def _map_text_and_values(xml: XmlText, fn: Callable[[str], str]) -> int:
    """Apply ``fn`` to every run of character data and every attribute value (not CDATA)."""
    changed = 0
    for i, token in enumerate(xml.tokens):
        kind = _kind(token)
        if kind == "text":
            new = fn(token)
        elif kind in ("start", "empty"):
            new = _ATTRIBUTE.sub(
                lambda m: m[1] + m[2] + m[3] + m[4][0] + fn(m[4][1:-1]) + m[4][0], token
            )
        else:
            continue
        if new != token:
            xml.tokens[i] = new
            changed += 1
    return changed


@operator("xml-character-references", kind=BENIGN)
def character_references(doc: FeedDoc, choices: Choices) -> bytes:
    """Non-ASCII characters written as numeric character references (XML 1.0 4.1)."""
    hexa = choices.boolean()

    def ref(char: str) -> str:
        return f"&#x{ord(char):X};" if hexa else f"&#{ord(char)};"

    def fn(text: str) -> str:
        return "".join(ref(c) if ord(c) > 127 else c for c in text)

    return _rewrite(doc, lambda xml: _map_text_and_values(xml, fn), "texts with references")


_ALTERNATES = {
    "&amp;": ("&#38;", "&#x26;"),
    "&lt;": ("&#60;", "&#x3C;"),
    "&gt;": ("&#62;", "&#x3E;"),
    "&quot;": ("&#34;", "&#x22;"),
    "&apos;": ("&#39;", "&#x27;"),
}
_NAMED = re.compile(r"&(?:amp|lt|gt|quot|apos);")


@operator("xml-markup-escapes", kind=BENIGN)
def markup_escapes(doc: FeedDoc, choices: Choices) -> bytes:
    """Escapes ``&amp; &lt; &gt;`` written as ``&#38; &#x3C; &#62;`` (XML 1.0 4.6, 4.1, 2.4)."""
    which = choices.integer(0, 1)

    def fn(text: str) -> str:
        return _NAMED.sub(lambda m: _ALTERNATES[m[0]][which], text)

    return _rewrite(doc, lambda xml: _map_text_and_values(xml, fn), "escapes rewritten")


# --- tags and attributes (XML 1.0 section 3.1) ---------------------------------------------------


@operator("xml-attribute-quotes", kind=BENIGN)
def attribute_quotes(doc: FeedDoc, choices: Choices) -> bytes:
    """Attribute values quoted with the other quote mark (XML 1.0 3.1, [10] AttValue)."""
    del choices

    def swap(match: re.Match[str]) -> str:
        value = match[4]
        inner = value[1:-1]
        if value[0] == '"':
            return f"{match[1]}{match[2]}{match[3]}'{inner.replace(chr(39), '&apos;')}'"
        return f'{match[1]}{match[2]}{match[3]}"{inner.replace(chr(34), "&quot;")}"'

    def edit(xml: XmlText) -> int:
        changed = 0
        for i, token in enumerate(xml.tokens):
            if _kind(token) in ("start", "empty") and _ATTRIBUTE.search(token):
                xml.tokens[i] = _ATTRIBUTE.sub(swap, token)
                changed += 1
        return changed

    return _rewrite(doc, edit, "tags with requoted attributes")


@operator("xml-empty-elements", kind=BENIGN)
def empty_elements(doc: FeedDoc, choices: Choices) -> bytes:
    """Empty elements written ``<x></x>`` where ``<x/>``, and back (XML 1.0 3.1, [44])."""
    del choices

    def edit(xml: XmlText) -> int:
        kinds = xml.kinds()
        out: list[str] = []
        changed, i = 0, 0
        while i < len(xml.tokens):
            token, kind = xml.tokens[i], kinds[i]
            if kind == "empty":
                out += [token[:-2].rstrip() + ">", f"</{_tag_name(token)}>"]
                changed += 1
            elif kind == "start" and i + 1 < len(kinds) and kinds[i + 1] == "end":
                out.append(token[:-1] + "/>")
                changed += 1
                i += 1
            else:
                out.append(token)
            i += 1
        xml.tokens[:] = out
        return changed

    return _rewrite(doc, edit, "empty elements rewritten")


# --- names (Namespaces in XML 1.0) --------------------------------------------------------------

_XMLNS = re.compile(r"\sxmlns:([^\s=]+)\s*=\s*([\"'])([^\"']*)\2")
_RESERVED = ("xml", "xmlns")  # Namespaces in XML section 3: bound, never declared or renamed


def _rename_names(token: str, names: dict[str, str]) -> str:
    """A tag with its element and attribute prefixes (and xmlns:p declarations) renamed."""

    def prefixed(name: str) -> str:
        prefix, colon, local = name.partition(":")
        if colon and prefix == "xmlns" and local in names:
            return f"xmlns:{names[local]}"
        return f"{names[prefix]}:{local}" if colon and prefix in names else name

    head = _NAME.match(token)
    if head is None:
        return token
    start = head.start(1)
    token = token[:start] + prefixed(head[1]) + token[head.end(1) :]
    return _ATTRIBUTE.sub(lambda m: m[1] + prefixed(m[2]) + m[3] + m[4], token)


@operator("xml-namespace-prefixes", kind=BENIGN)
def namespace_prefixes(doc: FeedDoc, choices: Choices) -> bytes:
    """Namespace prefixes renamed (Namespaces in XML 1.0, sections 3 and 4: only URIs count)."""
    suffix = choices.choice(("ns", "x", "_1"))

    def edit(xml: XmlText) -> int:
        declared = {
            p for t in xml.tokens if _kind(t) in ("start", "empty") for p, _, _ in _XMLNS.findall(t)
        }
        names = {p: f"{p}{suffix}" for p in declared if p not in _RESERVED}
        if not names:
            return 0
        changed = 0
        for i, token in enumerate(xml.tokens):
            if _kind(token) in ("start", "empty", "end"):
                new = _rename_names(token, names)
                changed += new != token
                xml.tokens[i] = new
        return changed

    return _rewrite(doc, edit, "tags with renamed prefixes")


@operator("xml-default-namespace", kind=BENIGN)
def default_namespace(doc: FeedDoc, choices: Choices) -> bytes:
    """Prefixed leaf elements written in the default-namespace form (Namespaces in XML 6.2)."""
    del choices

    def edit(xml: XmlText) -> int:
        uris = {
            p: u
            for t in xml.tokens
            if _kind(t) in ("start", "empty")
            for p, _, u in _XMLNS.findall(t)
        }
        kinds = xml.kinds()
        changed = 0
        for i, kind in enumerate(kinds):
            name = _tag_name(xml.tokens[i]) if kind in ("start", "empty") else ""
            prefix, colon, local = name.partition(":")
            if not colon or prefix not in uris or prefix in _RESERVED or not uris[prefix]:
                continue
            if kind == "start" and not (
                kinds[i + 1] == "end"
                or (kinds[i + 1] in ("text", "cdata") and kinds[i + 2] == "end")
            ):
                continue  # only leaves: no child element may fall into the new default
            # 6.2: the default applies to the element's own name; 6.3: unprefixed attributes
            # have no namespace either way, prefixed ones keep their (still declared) prefix
            token = xml.tokens[i]
            head = token.index(name)
            xml.tokens[i] = (
                f'{token[:head]}{local} xmlns="{uris[prefix]}"{token[head + len(name) :]}'
            )
            if kind == "start":
                end = i + 1 if kinds[i + 1] == "end" else i + 2
                xml.tokens[end] = f"</{local}>"
            changed += 1
        return changed

    return _rewrite(doc, edit, "elements in default-namespace form")


# --- document layout (XML 1.0 sections 2.5, 2.6, 2.8, 2.11) ---------------------------------------


@operator("xml-comments-and-pis", kind=BENIGN)
def comments_and_pis(doc: FeedDoc, choices: Choices) -> bytes:
    """Comments and processing instructions between elements (XML 1.0 2.5, 2.6, 2.8 Misc)."""
    every = choices.integer(1, 4)

    def edit(xml: XmlText) -> int:
        places = [i for i, ok in enumerate(xml.element_only()) if ok]
        chosen = places[::every]
        for n, i in enumerate(chosen):
            # 2.5: a comment holds no "--"; 2.6: a PI's target is not "xml" in any case
            extra = "<!-- equivalent -->" if n % 2 else "<?feedharness equivalent?>"
            xml.tokens[i] = xml.tokens[i] + extra
        return len(chosen)

    return _rewrite(doc, edit, "comments and PIs inserted")


@operator("xml-line-ends", kind=BENIGN)
def line_ends(doc: FeedDoc, choices: Choices) -> bytes:
    """Line ends as CR LF, or LF (XML 1.0 2.11: a parser reads both as LF, also in CDATA)."""
    del choices

    def edit(xml: XmlText) -> int:
        text = "".join(xml.tokens)
        crlf = "\r\n" in text
        # 2.11: CR LF and a lone CR both become LF; LF alone is the normal form
        new = text.replace("\r\n", "\n").replace("\r", "\n")
        if not crlf:
            new = new.replace("\n", "\r\n")
        xml.tokens[:] = _TOKEN.findall(new)
        return new.count("\n")

    return _rewrite(doc, edit, "line ends rewritten")


@operator("xml-element-whitespace", kind=BENIGN)
def element_whitespace(doc: FeedDoc, choices: Choices) -> bytes:
    """Other blanks between elements in element-only content (XML 1.0 2.10, 3.2.1)."""
    blank = choices.choice(("", " ", "\n", "\n\t"))

    def edit(xml: XmlText) -> int:
        changed = 0
        for i, ok in enumerate(xml.element_only()):
            if ok and xml.tokens[i] != blank:
                xml.tokens[i] = blank
                changed += 1
        xml.tokens[:] = [t for t in xml.tokens if t]
        return changed

    return _rewrite(doc, edit, "blanks between elements rewritten")


def _declaration(xml: XmlText) -> str | None:
    first = xml.tokens[0] if xml.tokens else ""
    return first if _DECLARATION.match(first) else None


@operator("xml-declaration", kind=BENIGN)
def declaration(doc: FeedDoc, choices: Choices) -> bytes:
    """A UTF-8 document's XML declaration dropped or requoted (XML 1.0 2.8, 4.3.3, App. F)."""
    drop = choices.boolean()

    def edit(xml: XmlText) -> int:
        decl = _declaration(xml)
        if xml.encoding != "utf-8" or xml.bom:
            return 0
        if decl is None:  # 4.3.3: without declaration or BOM a document is UTF-8
            xml.tokens.insert(0, "<?xml version='1.0' encoding='utf-8'?>\n")
            return 1
        if drop and "standalone" not in decl:
            xml.tokens[0] = ""
            if len(xml.tokens) > 1 and not xml.tokens[1].strip():
                xml.tokens[1] = ""  # blanks before the root are Misc; dropped with it
            return 1
        swapped = decl.replace('"', "\0").replace("'", '"').replace("\0", "'")
        xml.tokens[0] = _ENCODING_DECL.sub(lambda m: f"{m[1]}{m[2]}UTF-8{m[2]}", swapped)
        return 1

    return _rewrite(doc, edit, "XML declaration rewritten")


@operator("xml-utf16", kind=BENIGN)
def utf16(doc: FeedDoc, choices: Choices) -> bytes:
    """Re-encoded as UTF-16 with a byte order mark and declaration (XML 1.0 4.3.3, App. F).

    RFC 7303 section 3 (encoding considerations): a byte order mark is authoritative, over an
    HTTP charset parameter too.
    """
    del choices

    def edit(xml: XmlText) -> int:
        decl = _declaration(xml)
        if decl is None:
            xml.tokens.insert(0, '<?xml version="1.0" encoding="UTF-16"?>')
        elif _ENCODING_DECL.search(decl):
            xml.tokens[0] = _ENCODING_DECL.sub(lambda m: f"{m[1]}{m[2]}UTF-16{m[2]}", decl)
        else:
            xml.tokens[0] = decl.replace("?>", ' encoding="UTF-16"?>')
        xml.encoding, xml.bom = "utf-16-le", True
        return 1

    return _rewrite(doc, edit, "re-encoded as UTF-16")


@operator("xml-utf8-bom", kind=BENIGN)
def utf8_bom(doc: FeedDoc, choices: Choices) -> bytes:
    """A UTF-8 document gains (or loses) its byte order mark (XML 1.0 4.3.3, App. F)."""
    del choices

    def edit(xml: XmlText) -> int:
        if xml.encoding != "utf-8":
            return 0
        xml.bom = not xml.bom
        return 1

    return _rewrite(doc, edit, "byte order mark toggled")


# --- item structure (RSS 2.0, RSS 1.0, RFC 4287) -------------------------------------------------

_ITEM_NAMES = ("item", "entry")


def _children(xml: XmlText, kinds: list[str], start: int) -> tuple[list[tuple[int, int]], int]:
    """Spans of the child elements of the element opened at ``start``, and its end token."""
    spans: list[tuple[int, int]] = []
    depth, i, begin = 0, start + 1, 0
    while i < len(kinds):
        kind = kinds[i]
        if kind == "start":
            if depth == 0:
                begin = i
            depth += 1
        elif kind == "empty" and depth == 0:
            spans.append((i, i + 1))
        elif kind == "end":
            if depth == 0:
                return spans, i
            depth -= 1
            if depth == 0:
                spans.append((begin, i + 1))
        i += 1
    raise NotApplicable("an item is not closed")


@operator("item-child-order", kind=BENIGN)
def item_child_order(doc: FeedDoc, choices: Choices) -> bytes:
    """Elements inside an item in another order; same-named ones keep theirs (RSS 2.0).

    RSS 2.0 and RSS 1.0 define no order of an item's elements, nor does RFC 4287 (4.1.2).
    """
    rng = choices.rng()

    def edit(xml: XmlText) -> int:
        kinds = xml.kinds()
        changed = 0
        for i in range(len(kinds)):
            if (
                kinds[i] != "start"
                or _tag_name(xml.tokens[i]).rpartition(":")[2] not in _ITEM_NAMES
            ):
                continue
            spans, _ = _children(xml, kinds, i)
            if any(
                t.strip() for a, b in itertools.pairwise(spans) for t in xml.tokens[a[1] : b[0]]
            ):
                continue  # text between children: mixed content, left alone
            parts = ["".join(xml.tokens[a:b]) for a, b in spans]
            names = [_tag_name(xml.tokens[a]) for a, _ in spans]
            order = _shuffle_keeping_names(names, rng)
            for (a, b), j in zip(spans, order, strict=True):
                xml.tokens[a] = parts[j]
                for k in range(a + 1, b):
                    xml.tokens[k] = ""
            changed += order != list(range(len(spans)))
        return changed

    return _rewrite(doc, edit, "items with reordered elements")


def _shuffle_keeping_names(names: list[str], rng: random.Random) -> list[int]:
    """A permutation of the children where children of one name keep their relative order."""
    slots = list(names)
    rng.shuffle(slots)
    queues: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        queues.setdefault(name, []).append(index)
    return [queues[name].pop(0) for name in slots]


# --- dates (RFC 822 section 5, RFC 2822 section 4.3, RFC 3339 section 4.3) ----------------------

_DATE_ELEMENTS = ("pubDate", "lastBuildDate", "date", "published", "updated", "modified")
_RFC822 = re.compile(
    r"^(\s*)(?:([A-Za-z]{3}),\s*)?(\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?)"
    r"\s+(GMT|UT|UTC|\+0000)(\s*)$"
)
_RFC822_ANY = re.compile(
    r"^(\s*)([A-Za-z]{3}),\s*(\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?\s+\S+)(\s*)$"
)
_RFC3339_UTC = re.compile(
    r"^(\s*\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|\+00:00)(\s*)$"
)


def _date_texts(xml: XmlText) -> Iterator[int]:
    for i, name in xml.leaf_texts():
        if name.rpartition(":")[2] in _DATE_ELEMENTS and _kind(xml.tokens[i]) == "text":
            yield i


@operator("rfc822-zone-name", kind=BENIGN)
def rfc822_zone_name(doc: FeedDoc, choices: Choices) -> bytes:
    """A UTC date's zone written as GMT, UT or +0000 (RFC 822 5.1; RFC 2822 4.3: all +0000)."""
    pick = choices.integer(0, 1)

    def edit(xml: XmlText) -> int:
        changed = 0
        for i in _date_texts(xml):
            match = _RFC822.match(xml.tokens[i])
            if match is None:
                continue
            others = [z for z in ("GMT", "UT", "+0000") if z != match[4]]
            day = f"{match[2]}, " if match[2] else ""
            xml.tokens[i] = f"{match[1]}{day}{match[3]} {others[pick]}{match[5]}"
            changed += 1
        return changed

    return _rewrite(doc, edit, "date zones renamed")


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _weekday_of(date: str) -> str | None:
    day, month, year = date.split()[:3]
    if month.title() not in _MONTHS or len(year) != 4:
        return None
    try:
        return _DAYS[datetime(int(year), _MONTHS.index(month.title()) + 1, int(day)).weekday()]
    except ValueError:
        return None


@operator("rfc822-weekday", kind=BENIGN)
def rfc822_weekday(doc: FeedDoc, choices: Choices) -> bytes:
    """The optional day of the week left out of RFC 822 dates (RFC 822 5.1 ``[day ","]``)."""
    del choices

    def edit(xml: XmlText) -> int:
        changed = 0
        for i in _date_texts(xml):
            match = _RFC822_ANY.match(xml.tokens[i])
            # only a correct day is redundant: a wrong one ("Wes,") is an error the checks see
            if match is None or _weekday_of(match[3]) != match[2].title():
                continue
            xml.tokens[i] = f"{match[1]}{match[3]}{match[4]}"
            changed += 1
        return changed

    return _rewrite(doc, edit, "days of the week left out")


@operator("rfc3339-utc", kind=BENIGN)
def rfc3339_utc(doc: FeedDoc, choices: Choices) -> bytes:
    """A UTC timestamp's offset written ``Z`` or ``+00:00`` (RFC 3339 4.3 and 5.6)."""
    del choices

    def edit(xml: XmlText) -> int:
        changed = 0
        for i in _date_texts(xml):
            match = _RFC3339_UTC.match(xml.tokens[i])
            if match is not None:
                other = "+00:00" if match[2] == "Z" else "Z"
                xml.tokens[i] = f"{match[1]}{other}{match[3]}"
                changed += 1
        return changed

    return _rewrite(doc, edit, "UTC offsets rewritten")


# --- item bodies: HTML (HTML Living Standard 13.1 syntax, 13.2 parsing) --------------------------

_BODY_ELEMENTS = ("description", "encoded", "content", "summary")
_HTML_TOKEN = re.compile(
    r"<!--.*?-->|<(?:script|style)\b.*?</(?:script|style)\s*>"
    r"|<[A-Za-z][^\s/>]*(?:\s+[^\s=/>]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*\s*/?>"
    r"|[^<]+|<",
    re.DOTALL | re.IGNORECASE,
)
_HTML_ATTRIBUTE = re.compile(r"(\s+[^\s=/>]+\s*=\s*)(\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+)")
_VOID = re.compile(
    r"^<(area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr)\b(.*?)\s*(/?)>$",
    re.DOTALL | re.IGNORECASE,
)
_UNQUOTED_OK = re.compile(r"^[^\s\"'=<>`/]+$")  # 13.1.2.3: unquoted values; no "/" before ">"
_HTML_REF = re.compile(r"&(#[xX][0-9A-Fa-f]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);")


def _edit_bodies(doc: FeedDoc, fn: Callable[[str], str], what: str) -> bytes:
    """Apply ``fn`` to each item body's HTML, written back in the same XML form (CDATA stays
    CDATA, escaped stays escaped)."""

    def edit(xml: XmlText) -> int:
        changed = 0
        for i, name in list(xml.leaf_texts()):
            if name.rpartition(":")[2] not in _BODY_ELEMENTS:
                continue
            token = xml.tokens[i]
            cdata = _kind(token) == "cdata"
            source = token[9:-3] if cdata else _unescape(token)
            if source is None or "<" not in source:
                continue
            parts = _HTML_TOKEN.findall(source)
            if "".join(parts) != source:
                continue
            new = "".join(fn(p) for p in parts)
            if new == source or (cdata and "]]>" in new):
                continue
            xml.tokens[i] = f"<![CDATA[{new}]]>" if cdata else _escape(new)
            changed += 1
        return changed

    return _rewrite(doc, edit, what)


def _is_tag(part: str) -> bool:
    return len(part) > 1 and part[0] == "<" and part[1].isalpha()


@operator("html-attribute-quotes", kind=BENIGN)
def html_attribute_quotes(doc: FeedDoc, choices: Choices) -> bytes:
    """Body attributes quoted otherwise or unquoted (HTML 13.1.2.3: four equal syntaxes)."""
    unquote = choices.boolean()

    def value(match: re.Match[str]) -> str:
        raw = match[2]
        inner = raw[1:-1] if raw[:1] in "\"'" else raw
        if unquote and _UNQUOTED_OK.match(inner) and "&" not in inner:
            return match[1] + inner
        if "'" not in inner:
            return f"{match[1]}'{inner}'"
        return f'{match[1]}"{inner}"' if '"' not in inner else match[0]

    def fn(part: str) -> str:
        return _HTML_ATTRIBUTE.sub(value, part) if _is_tag(part) else part

    return _edit_bodies(doc, fn, "bodies with requoted attributes")


@operator("html-void-tags", kind=BENIGN)
def html_void_tags(doc: FeedDoc, choices: Choices) -> bytes:
    """Void elements written ``<br>`` where ``<br/>``, and back (HTML 13.1.2.1).

    HTML 13.1.2.1: on a void element's start tag the slash is allowed and has no effect.
    """
    del choices

    def fn(part: str) -> str:
        match = _VOID.match(part) if _is_tag(part) else None
        if match is None:
            return part
        rest = match[2]
        if match[3]:
            return f"<{match[1]}{rest}>"
        # an unquoted last value would take the slash in: a space before it (13.2.5.38)
        return f"<{match[1]}{rest} />"

    return _edit_bodies(doc, fn, "bodies with void tags rewritten")


def _html_ref(match: re.Match[str]) -> str:
    ref = match[1]
    if ref.startswith("#"):
        code = int(ref[2:], 16) if ref[1] in "xX" else int(ref[1:])
        name = html.entities.codepoint2name.get(code)
        # 13.2.5.80: a number reference to a C1 control or surrogate is remapped: left alone
        if name and (code > 159 or name in ("amp", "lt", "gt", "quot")):
            return f"&{name};"
        return match[0]
    named = html.entities.name2codepoint.get(ref)
    return f"&#{named};" if named is not None else match[0]


@operator("html-character-references", kind=BENIGN)
def html_character_references(doc: FeedDoc, choices: Choices) -> bytes:
    """Body character references named where numeric, numeric where named (HTML 13.1.4).

    HTML 13.5 (named character references): ``&nbsp;`` and ``&#160;`` are one character.
    """
    del choices

    def fn(part: str) -> str:
        if part.startswith("<!--") or part[:7].lower() in ("<script", "<style"):
            return part  # comments and raw text elements decode no references
        return _HTML_REF.sub(_html_ref, part)

    return _edit_bodies(doc, fn, "bodies with references rewritten")
