"""Benign operators that rewrite how a feed is *written*, never what it says (issue 13).

Each rewrite is one that every conforming reader undoes: XML 1.0 (Fifth Edition) for the
document, Namespaces in XML 1.0 (Third Edition) for names, RSS 2.0 / RFC 4287 for the order of an
item's children (dates and item bodies: :mod:`harness.audit.ops_equiv_content`).
The section each rewrite rests on is named in its docstring. The document is rewritten as text,
token by token (:class:`XmlText`), so that nothing else about it changes: CDATA sections,
comments and processing instructions are never edited from inside.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable

from harness.audit.feeddoc import FeedDoc, NotApplicable
from harness.audit.operators import Choices, Kind, operator
from harness.audit.xmltext import (
    ATTRIBUTE,
    DECLARATION,
    ENCODING_DECL,
    NAME,
    TOKEN,
    XmlText,
    escape,
    rewrite,
    tag_name,
    token_kind,
    unescape,
)

BENIGN = Kind.BENIGN


@operator("xml-cdata-to-references", kind=BENIGN)
def cdata_to_references(doc: FeedDoc, choices: Choices) -> bytes:
    """CDATA sections become escaped character data (XML 1.0 2.7, 2.4): the same text."""
    del choices

    def edit(xml: XmlText) -> int:
        changed = 0
        for i, token in enumerate(xml.tokens):
            if token_kind(token) == "cdata":
                xml.tokens[i] = escape(token[9:-3])
                changed += 1
        return changed

    return rewrite(doc, edit, "CDATA sections escaped")


@operator("xml-references-to-cdata", kind=BENIGN)
def references_to_cdata(doc: FeedDoc, choices: Choices) -> bytes:
    """Escaped element text becomes a CDATA section (XML 1.0 2.7, 2.4, 4.6): the same text."""
    del choices

    def edit(xml: XmlText) -> int:
        changed = 0
        for i, _ in list(xml.leaf_texts()):
            token = xml.tokens[i]
            if token_kind(token) != "text" or "&" not in token:
                continue
            plain = unescape(token)
            if plain is None or "]]>" in plain or "\r" in plain:  # CR: 2.11 would fold it
                continue
            xml.tokens[i] = f"<![CDATA[{plain}]]>"
            changed += 1
        return changed

    return rewrite(doc, edit, "escaped texts as CDATA")


def _map_text_and_values(xml: XmlText, fn: Callable[[str], str]) -> int:
    """Apply ``fn`` to every run of character data and every attribute value (not CDATA)."""
    changed = 0
    for i, token in enumerate(xml.tokens):
        kind = token_kind(token)
        if kind == "text":
            new = fn(token)
        elif kind in ("start", "empty"):
            new = ATTRIBUTE.sub(
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

    return rewrite(doc, lambda xml: _map_text_and_values(xml, fn), "texts with references")


_ALTERNATES = {
    "&amp;": ("&#38;", "&#x26;"),
    "&lt;": ("&#60;", "&#x3C;"),
    "&gt;": ("&#62;", "&#x3E;"),
    "&quot;": ("&#34;", "&#x22;"),
    "&apos;": ("&#39;", "&#x27;"),
}
NAMED = re.compile(r"&(?:amp|lt|gt|quot|apos);")


@operator("xml-markup-escapes", kind=BENIGN)
def markup_escapes(doc: FeedDoc, choices: Choices) -> bytes:
    """Escapes ``&amp; &lt; &gt;`` written as ``&#38; &#x3C; &#62;`` (XML 1.0 4.6, 4.1, 2.4)."""
    which = choices.integer(0, 1)

    def fn(text: str) -> str:
        return NAMED.sub(lambda m: _ALTERNATES[m[0]][which], text)

    return rewrite(doc, lambda xml: _map_text_and_values(xml, fn), "escapes rewritten")


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
            if token_kind(token) in ("start", "empty") and ATTRIBUTE.search(token):
                xml.tokens[i] = ATTRIBUTE.sub(swap, token)
                changed += 1
        return changed

    return rewrite(doc, edit, "tags with requoted attributes")


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
                out += [token[:-2].rstrip() + ">", f"</{tag_name(token)}>"]
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

    return rewrite(doc, edit, "empty elements rewritten")


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

    head = NAME.match(token)
    if head is None:
        return token
    start = head.start(1)
    token = token[:start] + prefixed(head[1]) + token[head.end(1) :]
    return ATTRIBUTE.sub(lambda m: m[1] + prefixed(m[2]) + m[3] + m[4], token)


@operator("xml-namespace-prefixes", kind=BENIGN)
def namespace_prefixes(doc: FeedDoc, choices: Choices) -> bytes:
    """Namespace prefixes renamed (Namespaces in XML 1.0, sections 3 and 4: only URIs count)."""
    suffix = choices.choice(("ns", "x", "_1"))

    def edit(xml: XmlText) -> int:
        declared = {
            p
            for t in xml.tokens
            if token_kind(t) in ("start", "empty")
            for p, _, _ in _XMLNS.findall(t)
        }
        names = {p: f"{p}{suffix}" for p in declared if p not in _RESERVED}
        if not names:
            return 0
        changed = 0
        for i, token in enumerate(xml.tokens):
            if token_kind(token) in ("start", "empty", "end"):
                new = _rename_names(token, names)
                changed += new != token
                xml.tokens[i] = new
        return changed

    return rewrite(doc, edit, "tags with renamed prefixes")


@operator("xml-default-namespace", kind=BENIGN)
def default_namespace(doc: FeedDoc, choices: Choices) -> bytes:
    """Prefixed leaf elements written in the default-namespace form (Namespaces in XML 6.2)."""
    del choices

    def edit(xml: XmlText) -> int:
        uris = {
            p: u
            for t in xml.tokens
            if token_kind(t) in ("start", "empty")
            for p, _, u in _XMLNS.findall(t)
        }
        kinds = xml.kinds()
        changed = 0
        for i, kind in enumerate(kinds):
            name = tag_name(xml.tokens[i]) if kind in ("start", "empty") else ""
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

    return rewrite(doc, edit, "elements in default-namespace form")


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

    return rewrite(doc, edit, "comments and PIs inserted")


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
        xml.tokens[:] = TOKEN.findall(new)
        return new.count("\n")

    return rewrite(doc, edit, "line ends rewritten")


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

    return rewrite(doc, edit, "blanks between elements rewritten")


def _declaration(xml: XmlText) -> str | None:
    first = xml.tokens[0] if xml.tokens else ""
    return first if DECLARATION.match(first) else None


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
        xml.tokens[0] = ENCODING_DECL.sub(lambda m: f"{m[1]}{m[2]}UTF-8{m[2]}", swapped)
        return 1

    return rewrite(doc, edit, "XML declaration rewritten")


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
        elif ENCODING_DECL.search(decl):
            xml.tokens[0] = ENCODING_DECL.sub(lambda m: f"{m[1]}{m[2]}UTF-16{m[2]}", decl)
        else:
            xml.tokens[0] = decl.replace("?>", ' encoding="UTF-16"?>')
        xml.encoding, xml.bom = "utf-16-le", True
        return 1

    return rewrite(doc, edit, "re-encoded as UTF-16")


@operator("xml-utf8-bom", kind=BENIGN)
def utf8_bom(doc: FeedDoc, choices: Choices) -> bytes:
    """A UTF-8 document gains (or loses) its byte order mark (XML 1.0 4.3.3, App. F)."""
    del choices

    def edit(xml: XmlText) -> int:
        if xml.encoding != "utf-8":
            return 0
        xml.bom = not xml.bom
        return 1

    return rewrite(doc, edit, "byte order mark toggled")


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
            if kinds[i] != "start" or tag_name(xml.tokens[i]).rpartition(":")[2] not in _ITEM_NAMES:
                continue
            spans, _ = _children(xml, kinds, i)
            if any(
                t.strip() for a, b in itertools.pairwise(spans) for t in xml.tokens[a[1] : b[0]]
            ):
                continue  # text between children: mixed content, left alone
            parts = ["".join(xml.tokens[a:b]) for a, b in spans]
            names = [tag_name(xml.tokens[a]) for a, _ in spans]
            order = _shuffle_keeping_names(names, rng)
            for (a, b), j in zip(spans, order, strict=True):
                xml.tokens[a] = parts[j]
                for k in range(a + 1, b):
                    xml.tokens[k] = ""
            changed += order != list(range(len(spans)))
        return changed

    return rewrite(doc, edit, "items with reordered elements")


def _shuffle_keeping_names(names: list[str], rng: random.Random) -> list[int]:
    """A permutation of the children where children of one name keep their relative order."""
    slots = list(names)
    rng.shuffle(slots)
    queues: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        queues.setdefault(name, []).append(index)
    return [queues[name].pop(0) for name in slots]
