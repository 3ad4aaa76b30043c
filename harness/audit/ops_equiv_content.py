"""Benign operators that rewrite how dates and item bodies are *written*, never what they say.

Dates: RSS 2.0 / RFC 822 and Atom (RFC 4287) / RFC 3339 spellings of one instant; item bodies: the
HTML Living Standard's syntax (section 13.1) that its parsing rules (13.2) undo. The section each
rewrite rests on is named in its docstring; the document is edited token by token
(:class:`~harness.audit.xmltext.XmlText`), as in :mod:`harness.audit.ops_equiv`.
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Callable, Iterator
from datetime import datetime

from harness.audit.feeddoc import FeedDoc
from harness.audit.operators import Choices, Kind, operator
from harness.audit.xmltext import (
    XmlText,
    escape,
    rewrite,
    token_kind,
    unescape,
)

BENIGN = Kind.BENIGN


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
        if name.rpartition(":")[2] in _DATE_ELEMENTS and token_kind(xml.tokens[i]) == "text":
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

    return rewrite(doc, edit, "date zones renamed")


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

    return rewrite(doc, edit, "days of the week left out")


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

    return rewrite(doc, edit, "UTC offsets rewritten")


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
            cdata = token_kind(token) == "cdata"
            source = token[9:-3] if cdata else unescape(token)
            if source is None or "<" not in source:
                continue
            parts = _HTML_TOKEN.findall(source)
            if "".join(parts) != source:
                continue
            new = "".join(fn(p) for p in parts)
            if new == source or (cdata and "]]>" in new):
                continue
            xml.tokens[i] = f"<![CDATA[{new}]]>" if cdata else escape(new)
            changed += 1
        return changed

    return rewrite(doc, edit, what)


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
