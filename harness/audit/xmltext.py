"""A feed document as XML tokens: split, edited and encoded back without touching the rest.

The benign rewrites of :mod:`harness.audit.ops_equiv` and :mod:`harness.audit.ops_equiv_content`
edit a document as text, token by token, so that nothing else about it changes: CDATA sections,
comments and processing instructions are never edited from inside (XML 1.0, Fifth Edition).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from harness.audit.feeddoc import FeedDoc, NotApplicable

__all__ = [
    "ATTRIBUTE",
    "BOMS",
    "DECLARATION",
    "ENCODING_DECL",
    "NAME",
    "TOKEN",
    "XmlText",
    "escape",
    "rewrite",
    "tag_name",
    "token_kind",
    "unescape",
]

# --- the tokens --------------------------------------------------------------------

# XML 1.0 section 2.7 (CDATA), 2.5 (comments), 2.6 (PIs), 2.8 (doctype), 3.1 (tags: an attribute
# value is quoted and may hold ">", [10] AttValue), 2.4 (character data: everything else).
TOKEN = re.compile(
    r"<!\[CDATA\[.*?\]\]>|<!--.*?-->|<\?.*?\?>|<!DOCTYPE(?:[^\[>]|\[.*?\])*>"
    r"|<(?:[^<>\"']|\"[^\"]*\"|'[^']*')*>|[^<]+",
    re.DOTALL,
)
NAME = re.compile(r"</?([^\s/>]+)")
ATTRIBUTE = re.compile(r"(\s)([^\s=/>]+)(\s*=\s*)(\"[^\"]*\"|'[^']*')")
DECLARATION = re.compile(r"^<\?xml\s[^?]*\?>")
ENCODING_DECL = re.compile(r"(\sencoding\s*=\s*)([\"'])[^\"']*\2")
BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def token_kind(token: str) -> str:
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


def tag_name(token: str) -> str:
    match = NAME.match(token)
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
        for mark, name in BOMS:  # 4.3.3, App. F: a byte order mark decides
            if body.startswith(mark):
                body, codec, bom = body[len(mark) :], name, True
                break
        try:
            codec = codec or codecs.lookup(doc.encoding).name
            text = body.decode(codec)
        except (LookupError, UnicodeDecodeError):
            raise NotApplicable(f"not readable as {doc.encoding}") from None
        tokens = TOKEN.findall(text)
        if "".join(tokens) != text:
            raise NotApplicable("the document does not split into XML tokens")
        return cls(tokens, codec, bom)

    def to_bytes(self) -> bytes:
        """The tokens encoded as recorded (same encoding, same byte order mark)."""
        mark = {name: m for m, name in BOMS}.get(self.encoding, b"") if self.bom else b""
        return mark + "".join(self.tokens).encode(self.encoding, "xmlcharrefreplace")

    def kinds(self) -> list[str]:
        """The kind of every token."""
        return [token_kind(t) for t in self.tokens]

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
                yield i, tag_name(self.tokens[i - 1])


def rewrite(doc: FeedDoc, edit: Callable[[XmlText], int], what: str) -> bytes:
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


def unescape(text: str) -> str | None:
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


def escape(text: str) -> str:
    """Character data as 2.4 requires: ``&`` and ``<`` escaped, ``>`` too (``]]>``)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
