"""Form fingerprints of one recording: what shape its envelope, bodies, fields and dates have.

A fingerprint describes *form*, not content: which element and attribute paths occur, how tags
are written, where the date line, lead, paragraphs, images and author sit, which fields are
filled, what date strings look like, which text blocks repeat verbatim across items, and the
script mix of the text. Each item becomes an :class:`ItemPrint` holding *signals* (strings
``family:value`` that are present or not) and *metrics* (numbers); :mod:`harness.drift` compares
counts of signals and spreads of metrics. Each document is parsed once, with lxml.

Signal families (the part before the first ``:``):

========  =======================================================================
``env``   envelope element/attribute path inside the item (``env:media:content@url``)
``esc``   how a markup field is written in the XML (``esc:description=escaped``)
``tag``   body element path, last three levels, with classes and ``data-*`` names
``attr``  body attribute name per tag (``attr:img@alt``)
``case``  how tag names are written in the raw body (``case:upper``/``lower``/``mixed``)
``href``  link form (``href:relative``, ``src:https``); ``host``/``imghost`` link hosts
``boiler`` a text block repeated verbatim across items (a boilerplate candidate)
``tb``    the tag holding most of the body text (``tb:p``)
``fill``  a parsed field is filled (``fill:author``)
``role``  where a parsed field was found in the body (``role:lead=p|strong``)
``dshape`` / ``pshape`` / ``zone``  date line shape, published date shape, zone form
``text``  text anomalies (``text:mojibake``, ``text:escaped-markup``)
========  =======================================================================
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from lxml import etree

from harness.cassettes import load_cassette
from harness.errors import CassetteError, FetchError, HarnessError, ParseError, TransportError
from harness.model import FeedOutput, Item
from harness.textsafe import shorten

__all__ = [
    "METRICS",
    "Fingerprint",
    "ItemPrint",
    "fingerprint_cassette",
    "fingerprint_output",
    "host_key",
    "recording_label",
    "shape",
]

METRICS: tuple[str, ...] = (
    "paragraphs",
    "text",
    "images",
    "offset",
    "boilerplate",
    "cjk",
)
"""Per-item numbers: paragraph count, body text length, images, timestamp minus date line
(minutes), share of body text in boilerplate candidates, share of CJK among letters."""

_BLOCKS = frozenset({
    "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "td", "th", "dd",
    "dt", "figcaption", "section", "article", "aside", "header", "footer", "address", "center",
    "table", "ul", "ol", "dl", "figure", "form", "main", "nav", "tr",
})  # fmt: skip
_BLOCK_TAGS = tuple(sorted(_BLOCKS))
_SKIP = frozenset({"script", "style", "noscript", "template", "head"})
_WS = re.compile(r"[\s\u3000\xa0]+")  # \s is str.isspace(), U+3000 and U+00A0 included
_DIGIT = re.compile(r"\d")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_ZONE = re.compile(r"(?:[+-]\d\d:?\d\d|Z|[A-Z]{1,5})$")
_DIGITS = re.compile(r"\d+")
_ASCII_DIGITS = re.compile(r"[0-9]+")
_MEMO = 4096  # entries per memoized pure function (tags, classes, hosts, link values)
_TAG_NAME = re.compile(r"<([A-Za-z][A-Za-z0-9]*)")
_UPPER_TAG = re.compile(r"<[A-Z][A-Z0-9]*(?![A-Za-z0-9])")  # _TAG_NAME names with isupper()
_LOWER_TAG = re.compile(r"<[a-z][a-z0-9]*(?![A-Za-z0-9])")  # _TAG_NAME names with islower()
_ESCAPED_MARKUP = re.compile(
    r"<\s*/?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]{0,200})?/?>|&(?:[A-Za-z]{2,8}|#\d{2,6});"
)
_ENTITY = re.compile(r"&(?:[A-Za-z]{2,8}|#\d{2,6});")  # the second branch of _ESCAPED_MARKUP
# UTF-8 read as Latin-1/cp1252: a lead byte (Ã Â â å æ ç è é ä ...) followed by a continuation.
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u2018-\u201e\u2020-\u2022\u2026\u2030\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u02c6\u02dc\u20ac\u2122]"
)
_WORD = re.compile(r"\w")
_LETTERS = re.compile(r"[^\W\d_]+")  # runs: summing their lengths counts letters
_CJK_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_CJK_LETTER_RUNS = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufa6d\ufa70-\ufad9]+")
_CJK_LETTERS_CHECKED = frozenset({"14.0.0"})  # Unicode versions where _CJK_LETTER_RUNS holds
# High bytes of UTF-16 code units whose whole block of 256 is in _CJK_LETTER_RUNS (3400-4CFF,
# 4E00-9FFF, F900-F9FF), and the two blocks only partly in it (4D00-4DBF, FA00-FA6D, FA70-FAD9).
_CJK_HIGH = bytes([*range(0x34, 0x4D), *range(0x4E, 0xA0), 0xF9])
_CJK_PARTIAL_HIGH = (0x4D, 0xFA)
_LATIN1_LETTERS = bytes(b for b in range(256) if _LETTERS.match(chr(b)))
# Common non-letters of CJK and European text outside Latin-1 (kept only if neither letter
# nor CJK): removed in bulk before the rest is scanned.
_BULK_PUNCTUATION = "，。、：；！？（）《》【】「」『』“”‘’…—–·・\u3000\u200b\u2022\u20ac"
_ITEM_SPAN = re.compile(r"<(item|entry)\b.*?</\1\s*>", re.DOTALL)  # found by _item_spans
_ITEM_OPEN = re.compile(r"<(item|entry)\b")
_ITEM_CLOSE = {"item": re.compile(r"</item\s*>"), "entry": re.compile(r"</entry\s*>")}
_MARKUP_FIELD = re.compile(
    r"<((?:content:encoded)|description|summary|content)\b[^>]*?(/?)>(\s*)(<!\[CDATA\[|&amp;lt;|&lt;|<)?"
)
_URLISH = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|run|best|xyz|top|fr|cn|io)\b"
)
_URLISH_TLD = re.compile(r"\.(?:com|net|org|run|best|xyz|top|fr|cn|io)")
_SHAPE_MAX = 200
_MOJIBAKE_MIN = 3  # mojibake pairs in a body text that make it ``text:mojibake``
_HOST_FAMILY = {"href": "host", "src": "imghost"}
_RAW_LINK = re.compile(r"<link>\s*(?:<!\[CDATA\[)?\s*([^<\]\s]*)")
_HASH_CHARS = 10
_BLAKE2B = hashlib.blake2b(digest_size=_HASH_CHARS // 2)  # never updated: _digest copies it
_PATH_DEPTH = 3
_LABEL_MAX = 60
_EXCERPT = 160
_BOILER_MIN_SHARE = 0.25
_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "gov", "edu", "ac"})
_KNOWN_NS = {
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
_XML_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
    recover=True,
)
_HTML_PARSER = etree.HTMLParser(
    encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, recover=True
)


@dataclass(frozen=True, slots=True)
class ItemPrint:
    """The form of one item: present signals, per-item numbers and where signals were met."""

    key: str  # id, else URL, else title, else "#index": identifies the item across recordings
    index: int
    title: str
    signals: frozenset[str]
    metrics: Mapping[str, float] = field(default_factory=dict)
    where: Mapping[str, int] = field(default_factory=dict)  # signal -> top-level block index
    excerpts: Mapping[str, str] = field(default_factory=dict)  # signal -> short raw excerpt
    texts: frozenset[str] = frozenset()  # hashes of every text block (boilerplate look-ups)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """The form of one recording of a feed (or why it has none: transport failure, error)."""

    path: str
    feed: str | None
    url: str | None
    recorded_at: str | None
    dialect: str | None = None
    encoding: str | None = None
    feed_signals: frozenset[str] = frozenset()  # namespaces, root, channel paths
    items: tuple[ItemPrint, ...] = ()
    boilerplate: Mapping[str, str] = field(default_factory=dict)  # hash -> excerpt
    shapes: Mapping[str, str] = field(default_factory=dict)  # "shape:<hash>" -> an excerpt
    transport: str | None = None  # a transport failure (empty, NUL, spliced, HTTP error)
    error: str | None = None  # unreadable for another reason

    @property
    def ok(self) -> bool:
        """True when the recording has a form to compare (no transport failure, no error)."""
        return self.transport is None and self.error is None

    @property
    def name(self) -> str:
        """The recording's file name, as reports show it."""
        return recording_label(self.path)


def recording_label(path: str) -> str:
    """The file name of a recording path."""
    return Path(path).name


# --- entry points ------------------------------------------------------------------------------


def fingerprint_cassette(path: Path, runner: Any, *, shown: str | None = None) -> Fingerprint:
    """Load a cassette, parse it with the feed's parser (found by URL) and fingerprint it."""
    shown = shown or runner.display(path)
    try:
        cassette = load_cassette(path)
    except CassetteError as err:
        return Fingerprint(shown, None, None, None, error=str(err))
    feed = runner.config.feed_for_url(cassette.url)
    setup = runner.setups[feed.name] if feed else runner.generic("rss")
    recorded = cassette.meta.get("recorded_at")
    base = Fingerprint(shown, setup.name, cassette.url, None if recorded is None else str(recorded))
    try:
        response = cassette.fetch(cassette.url)
        output = setup.parser.parse(response, fetch=cassette.fetch)
    except TransportError as err:
        return _replace(base, transport=_one_line(err))
    except (ParseError, FetchError, HarnessError) as err:
        return _replace(base, error=_one_line(err))
    except Exception as err:  # a third-party parser crashed: the recording has no form
        return _replace(base, error=f"parser crashed: {type(err).__name__}: {_one_line(err)}")
    if not isinstance(output, FeedOutput):
        return _replace(base, error="parser did not return FeedOutput")
    if not output.items:
        return _replace(base, transport="the feed served no items (an empty channel)")
    try:
        return fingerprint_output(base, output, response.body)
    except Exception as err:  # a form no fingerprint foresaw: named, never a traceback
        return _replace(base, error=f"cannot fingerprint: {type(err).__name__}: {_one_line(err)}")


def fingerprint_output(base: Fingerprint, output: FeedOutput, body: bytes) -> Fingerprint:
    """Fingerprint a parsed recording: ``base`` names it, ``body`` is the raw feed document."""
    envelope = _envelope(body)
    drafts = [_item_draft(item, i, envelope.items) for i, item in enumerate(output.items)]
    boilerplate = _boilerplate(drafts)
    items = tuple(d.finish(boilerplate) for d in drafts)
    encoding = output.feed.get("encoding")
    return _replace(
        base,
        dialect=output.dialect,
        encoding=encoding if isinstance(encoding, str) else None,
        feed_signals=frozenset(envelope.feed),
        items=items,
        boilerplate={h: text for h, (text, _) in boilerplate.items()},
        shapes={
            s: text for item in items for s, text in item.excerpts.items() if s.startswith("shape:")
        },
    )


def _replace(fp: Fingerprint, **changes: Any) -> Fingerprint:
    from dataclasses import replace

    return replace(fp, **changes)


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split())


# --- shapes, hosts, text -----------------------------------------------------------------------


def shape(text: str) -> str:
    """The shape of a date string: digits become ``D``, ASCII letters ``A``; the rest is kept.

    Zone names and offsets are kept as written elsewhere (``zone:`` signals), so
    ``Wed, 06 Dec 2023 15:45:03 GMT`` has the shape ``AAA, DD AAA DDDD DD:DD:DD AAA``.
    """
    text = _WS.sub(" ", text.strip())[:64]
    return _DIGIT.sub("D", _ASCII_LETTER.sub("A", text))


def _zone(raw: str) -> str:
    """The zone form of a date string: ``+0800``-style, ``+08:00``, ``Z``, a name, or none."""
    raw = raw.strip()
    match = _ZONE.search(raw)
    if match is None:
        return "none"
    token = match.group()
    if token[0] in "+-":
        return "±HH:MM" if ":" in token else "±HHMM"
    return token


@functools.lru_cache(maxsize=_MEMO)
def host_key(host: str) -> str:
    """A host without ``www.`` and port, cut to its registrable part (``s.rfi.fr`` → ``rfi.fr``)."""
    labels = host.lower().strip(".").split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


@functools.lru_cache(maxsize=_MEMO)
def _link_form(value: str) -> tuple[str, str | None]:
    """(form, host) of an href/src: https, http, protocol- or root-relative, relative, scheme."""
    value = value.strip()
    lowered = value[:8].lower()
    if lowered.startswith(("http://", "https://")):
        scheme, _, rest = value.partition("://")
        host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rsplit("@", 1)[-1]
        return scheme.lower(), host.split(":", 1)[0] or None
    if value.startswith("//"):
        parts = urlsplit("https:" + value)
        return "protocol-relative", parts.hostname
    try:
        parts = urlsplit(value)
    except ValueError:
        return "invalid", None
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        return scheme, parts.hostname
    if scheme:
        return f"scheme-{scheme[:12]}", None
    if value.startswith("/"):
        return "root-relative", None
    if value.startswith("#") or not value:
        return "fragment", None
    return "relative", None


def _norm(text: str) -> str:
    """Whitespace runs as one space, ends stripped: ``_WS.sub(" ", text).strip()``, faster."""
    return " ".join(text.split())  # str.split() splits on exactly the characters \s matches


def _digest(text: str) -> str:
    """A short BLAKE2b hex digest of the text (copying an empty hasher is cheaper)."""
    hasher = _BLAKE2B.copy()
    hasher.update(text.encode("utf-8", "surrogatepass"))
    return hasher.hexdigest()


def _short(text: str, width: int = _EXCERPT) -> str:
    """``shorten(_norm(text), width)``, normalizing only a prefix of a long text when it suffices.

    The normalized prefix (stripped) is a prefix of the normalized text: when it is already
    longer than ``width``, the text is cut at the same place.
    """
    if len(text) > 4 * width:
        head = _norm(text[: 2 * width + 64])
        if len(head) > width:
            return shorten(head, width)
    return shorten(_norm(text), width)


# --- envelope ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Envelope:
    feed: set[str] = field(default_factory=set)
    items: list[set[str]] = field(default_factory=list)


def _qname(tag: str, nsmap: Mapping[str | None, str]) -> str:
    if not tag.startswith("{"):
        return tag
    uri, _, local = tag[1:].partition("}")
    prefix = _KNOWN_NS.get(uri)
    if prefix is None:
        prefix = next((p for p, u in nsmap.items() if u == uri and p), "ns")
    if uri == "http://www.w3.org/2005/Atom" and prefix == "atom":
        return f"atom:{local}"
    return f"{prefix}:{local}" if prefix else local


def _envelope(body: bytes) -> _Envelope:
    """Namespaces, root, channel paths and per-item element/attribute paths of the XML."""
    env = _Envelope()
    if body.lstrip()[:1] in (b"{", b"["):
        env.feed.add("root:jsonfeed")
        return env
    try:
        root = etree.fromstring(body, _XML_PARSER)
    except (etree.LxmlError, ValueError):
        return env
    if root is None:
        return env
    nsmap = dict(root.nsmap)
    env.feed.add(f"root:{_qname(root.tag, nsmap)}")
    qnames: dict[str, str] = {}  # _qname(tag, nsmap) of each tag met, for this nsmap
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
    env.feed.update(f"ns:{_KNOWN_NS.get(u, u) or u}" for u in namespaces)
    env.feed.update(f"chan:{p}" for p in _channel_paths(root, nsmap))
    forms = _raw_forms(body)
    for paths, found in zip(env.items, forms, strict=False):
        paths.update(found)
    return env


def _item_paths(
    item: Any, nsmap: Mapping[str | None, str], qnames: dict[str, str] | None = None
) -> set[str]:
    """``env:`` paths of an item; ``qnames`` memoizes ``_qname(tag, nsmap)`` (same nsmap)."""
    if qnames is None:
        qnames = {}
    paths: set[str] = set()
    for child in item:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        name = qnames.get(tag)
        if name is None:
            name = qnames[tag] = _qname(tag, nsmap)
        paths.add(f"env:{name}")
        names = child.keys()
        if names:
            paths.update(f"env:{name}@{_qname(a, nsmap)}" for a in names)
        if len(child):
            for grand in child:
                if isinstance(grand.tag, str):
                    paths.add(f"env:{name}/{_qname(grand.tag, nsmap)}")
    return paths


def _channel_paths(root: Any, nsmap: Mapping[str | None, str]) -> set[str]:
    paths: set[str] = set()
    stack: list[tuple[Any, str, int]] = [(root, _qname(root.tag, nsmap), 0)]
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
            stack.append((child, f"{path}/{_qname(child.tag, nsmap)}", depth + 1))
    return paths


def _raw_forms(body: bytes) -> list[set[str]]:
    """Per item: how each markup field is written (cdata, escaped, double-escaped, xml, text)."""
    text = body.decode("utf-8", "replace")
    found: list[set[str]] = []
    # searched in place: the patterns start with "<" and look neither before the span's start
    # nor past its end (an end bound reads as the end of the text), as in a copy of the span
    for start, end in _item_bounds(text):
        forms: set[str] = set()
        for m in _MARKUP_FIELD.finditer(text, start, end):
            name, empty, _, opener = m.groups()
            kind = {
                "<![CDATA[": "cdata",
                "&lt;": "escaped",
                "&amp;lt;": "double-escaped",
                "<": "xml",
            }.get(opener or "", "text")
            forms.add(f"esc:{name}={'empty' if empty else kind}")
        link = _RAW_LINK.search(text, start, end)
        if link is not None:
            forms.add(f"rawlink:{_link_form(link.group(1))[0]}")
        found.append(forms)
    return found


def _item_spans(text: str) -> Iterator[str]:
    """What ``_ITEM_SPAN.finditer(text)`` matches (:func:`_item_bounds`, cut out)."""
    for start, end in _item_bounds(text):
        yield text[start:end]


def _item_bounds(text: str) -> Iterator[tuple[int, int]]:
    """Where ``_ITEM_SPAN.finditer(text)`` matches, without its lazy scan of every character.

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


# --- bodies ------------------------------------------------------------------------------------


def _parse_body(html: str) -> Any:
    data = ("<html><body>" + html + "</body></html>").encode("utf-8", "surrogatepass")
    try:
        root = etree.fromstring(data, _HTML_PARSER)
    except (etree.LxmlError, ValueError):
        return None
    if root is None:
        return None
    body = root.find("body")
    return root if body is None else body


def _parser_lowercases() -> bool:
    """Whether the HTML parser writes ASCII tag names in lowercase (libxml2 does)."""
    names = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "Div", "P", "BLOCKQUOTE"
    body = _parse_body("".join(f"<{n}>x</{n}>" for n in names))
    tags = [el.tag for el in body.iterdescendants()] if body is not None else []
    return tags == [n.lower() for n in names]


_PARSER_LOWERCASES = _parser_lowercases()


def _label(el: Any) -> str:
    """An element's path label: tag, up to 3 classes and 3 ``data-*`` names, digits as ``D``."""
    return _form(el.tag if isinstance(el.tag, str) else "?", el.get("class"), tuple(el.keys()))[0]


@functools.lru_cache(maxsize=_MEMO)
def _form(
    tag: str, classes: str | None, names: tuple[str, ...]
) -> tuple[str, str, tuple[str, ...]]:
    """(label, lowercase tag, ``attr:`` signals) of an element: a pure function of its tag,
    class attribute and attribute names, so the walk computes it once per distinct element form.
    """
    lower = tag.lower()
    attrs = tuple(
        f"attr:{lower}@{name.lower()[:30]}"
        for name in names
        if name != "class" and not name.startswith("data-")
    )
    if not names:
        return lower[:24], lower, attrs
    parts = [lower[:24]]
    parts += ["." + _DIGITS.sub("D", c)[:24] for c in sorted(set((classes or "").split()))[:3]]
    data = sorted(a for a in names if a.startswith("data-"))[:3]
    parts += [f"[{_ASCII_DIGITS.sub('D', a)[:30]}]" for a in data]
    return "".join(parts)[:_LABEL_MAX], lower, attrs


@dataclass(slots=True)
class _Draft:
    """An item on its way to an ItemPrint (boilerplate needs every item's blocks first)."""

    key: str
    index: int
    title: str
    signals: set[str] = field(default_factory=set)
    metrics: dict[str, float] = field(default_factory=dict)
    where: dict[str, int] = field(default_factory=dict)
    excerpts: dict[str, str] = field(default_factory=dict)
    blocks: list[Any] = field(default_factory=list)  # top-level elements (or text) in order
    texts: list[tuple[str, int, str]] = field(default_factory=list)  # (hash, top index, text)
    field_text: str | None = None  # parsed text fields joined (None: the parser has none)
    block_excerpts: dict[int, str] = field(default_factory=dict)  # top index -> its excerpt

    def add(self, signal: str, top: int | None = None, excerpt: str | None = None) -> None:
        """Note a signal, where it was first met and an excerpt of that place."""
        self.signals.add(signal)
        if top is not None and signal not in self.where:
            self.where[signal] = top
            if excerpt is None and top < len(self.blocks):
                excerpt = self.block_excerpt(top)
        if excerpt is not None and signal not in self.excerpts:
            self.excerpts[signal] = excerpt

    def block_excerpt(self, top: int) -> str:
        """The excerpt of top-level block ``top``, serialized once (blocks are only appended)."""
        excerpt = self.block_excerpts.get(top)
        if excerpt is None:
            excerpt = self.block_excerpts[top] = _block_excerpt(self.blocks[top])
        return excerpt

    def finish(self, boilerplate: Mapping[str, tuple[str, int]]) -> ItemPrint:
        """Add boilerplate signals and the boilerplate share; freeze."""
        total = sum(len(text) for _, _, text in self.texts)
        boiler = 0
        for digest, top, text in self.texts:
            if digest in boilerplate:
                boiler += len(text)
                self.add(f"boiler:{digest}", top, _short(text))
                if self.field_text is not None and text in self.field_text:
                    self.add(f"leak:{digest}", top, _short(text))
        if total:
            self.metrics["boilerplate"] = round(boiler / total, 4)
        return ItemPrint(
            key=self.key,
            index=self.index,
            title=self.title,
            signals=frozenset(self.signals),
            metrics=dict(self.metrics),
            where=dict(self.where),
            excerpts=dict(self.excerpts),
            texts=frozenset(d for d, _, _ in self.texts),
        )


def _item_key(item: Item, index: int) -> str:
    for key in ("id", "url", "title"):
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return f"#{index}"


def _item_draft(item: Item, index: int, envelope_items: list[set[str]]) -> _Draft:
    title = item.get("title") if isinstance(item.get("title"), str) else ""
    draft = _Draft(_item_key(item, index), index, _short(title or "", 80))
    if index < len(envelope_items):
        draft.signals.update(envelope_items[index])
    _fields(item, draft)
    if isinstance(item.get("paragraphs"), list):
        parts = [item.get("lead"), item.get("author"), *item["paragraphs"]]
        draft.field_text = "\n".join(_norm(p) for p in parts if isinstance(p, str))
    html = item.get("content") or item.get("summary") or ""
    body = _parse_body(html) if isinstance(html, str) and html.strip() else None
    if body is not None:
        _case(html, draft)
        text_by_block = _walk(body, draft, html)
        _roles(item, text_by_block, draft)
        _text_signals(body, draft)
    if isinstance(title, str):
        _title_signals(title, draft)
    return draft


def _fields(item: Item, draft: _Draft) -> None:
    for key, value in item.items():
        if value not in (None, "", [], {}):
            draft.signals.add(f"fill:{key}")
    dateline = item.get("dateline")
    if isinstance(dateline, dict):
        text = dateline.get("text")
        if isinstance(text, str) and text:
            draft.signals.add(f"dshape:{shape(text)}")
        if dateline.get("time"):
            draft.signals.add("fill:dateline/time")
            offset = _offset(item.get("published"), dateline.get("time"))
            if offset is not None:
                draft.metrics["offset"] = offset
    url = item.get("url")
    if isinstance(url, str) and url:
        form, host = _link_form(url)
        draft.signals.add(f"url:{form}")
        if host:
            draft.signals.add(f"urlhost:{host_key(host)}")
        if "//" in urlsplit(url).path:
            draft.signals.add("url:double-slash")
    raw = item.get("published_raw")
    if isinstance(raw, str) and raw.strip():
        draft.signals.add(f"pshape:{shape(raw)}")
        draft.signals.add(f"zone:{_zone(raw)}")
    paragraphs = item.get("paragraphs")
    if isinstance(paragraphs, list):
        draft.metrics["paragraphs"] = float(len(paragraphs))


def _offset(published: Any, dateline: Any) -> float | None:
    try:
        a = datetime.fromisoformat(str(published).replace("Z", "+00:00"))
        b = datetime.fromisoformat(str(dateline).replace("Z", "+00:00"))
        return round((a - b).total_seconds() / 60, 1)
    except (TypeError, ValueError):
        return None


def _case(html: str, draft: _Draft) -> None:
    """How tag names are written: the share of ``_TAG_NAME`` names that are upper/lowercase.

    A name is all of ``[A-Za-z0-9]`` and starts with a letter, so ``isupper()`` means no
    lowercase letter in it: ``_UPPER_TAG`` counts those (the lookahead rejects a cut name).
    """
    head = html[:200_000]
    upper = len(_UPPER_TAG.findall(head))
    lower = len(_LOWER_TAG.findall(head))
    if upper + lower == 0:
        return
    share = upper / (upper + lower)
    form = "upper" if share >= 0.8 else "lower" if share <= 0.2 else "mixed"
    draft.add(f"case:{form}", excerpt=_short(html[:400], 100))


class _Step(NamedTuple):
    """What the walk needs of an element, a pure function of its path state and its form."""

    n: int  # numbers the steps (an element's signals depend on more than its path state)
    sid: int  # the element's path state (labels and raw tag), numbered
    labels: tuple[str, ...]  # labels of the last three levels
    raw: str
    tag: str  # lowercase
    path: str  # labels of the last three levels, joined with "/"
    signals: tuple[str, ...]  # ``tag:`` path and ``attr:`` signals
    blockish: bool  # a block tag or a child of a ``body`` tag: a text block if it is a leaf
    kind: int  # _IMG, _LINK or 0: which link attribute the element has signals for
    leafy: bool  # blockish and not a link: a text block when it holds no block


_IMG = 1
_LINK = 2
_STEPS: dict[tuple[int, str, str | None, tuple[str, ...]], _Step] = {}
_STATES: dict[tuple[tuple[str, ...], str], int] = {}
_NUMBERS = itertools.count()  # numbers steps and states, never twice
_STEPS_MAX = 200_000  # memo entries; both are cleared between walks beyond this


def _state(labels: tuple[str, ...], raw: str) -> int:
    sid = _STATES.get((labels, raw))
    if sid is None:
        sid = _STATES[labels, raw] = next(_NUMBERS)
    return sid


def _step(key: tuple[int, str, str | None, tuple[str, ...]], parent: _Step) -> _Step:
    _, raw, classes, names = key
    label, tag, attrs = _form(raw, classes, names)
    labels = (*parent.labels, label)[-_PATH_DEPTH:]
    path = "/".join(labels)
    blockish = tag in _BLOCKS or parent.raw == "body"
    signals = (f"tag:{path}", *attrs)
    sid = _state(labels, raw)
    kind = _IMG if tag == "img" else _LINK if tag == "a" else 0
    leafy = blockish and tag != "a"  # link texts (categories, tags) are content, not blocks
    step = _Step(next(_NUMBERS), sid, labels, raw, tag, path, signals, blockish, kind, leafy)
    _STEPS[key] = step
    return step


def _block_parents(body: Any, html: str) -> set[Any] | None:
    """The elements with a block child, found in C; None when tag names may need ``lower()``.

    The HTML parser lowercases ASCII tag names (checked once, :data:`_PARSER_LOWERCASES`);
    the only other character ``str.lower()`` turns into ASCII is the Kelvin sign.
    """
    if not _PARSER_LOWERCASES or "\u212a" in html:
        return None
    return {c.getparent() for c in body.iter(_BLOCK_TAGS)}


def _walk(body: Any, draft: _Draft, html: str) -> dict[str, tuple[str, int, Any]]:
    """Walk the body once: paths, attributes, links, text blocks; return text -> (path, top, el).

    The top-level children of the body (and the texts around them) are the *blocks*, numbered
    ``top`` in order; every element is visited in document order, a block's tail text after
    its elements. Script, style and the like are skipped with everything inside them.
    """
    by_text: dict[str, tuple[str, int, Any]] = {}
    text_by_tag: Counter[str] = Counter()
    images = 0
    blocks = draft.blocks
    loose = _norm(body.text or "")
    if loose:
        blocks.append(loose)
        _text_block("#text", loose, 0, draft, text_by_tag)
    where = draft.where  # a signal already placed needs nothing more (where ⊆ signals)
    add = draft.add
    if len(_STEPS) > _STEPS_MAX:  # numbers are never reused: a key of before only misses
        _STEPS.clear()
        _STATES.clear()
    root = _Step(-1, _state((), body.tag), (), body.tag, "", "", (), False, 0, False)
    # each visited element's step; the dict keeps the element proxies alive, so an element's
    # getparent() is the very object stored here (absent: inside a skipped element)
    steps_of: dict[Any, _Step] = {body: root}
    get_step = steps_of.get
    memo = _STEPS.get
    done: set[int] = set()  # steps whose signals are placed already
    with_block = _block_parents(body, html)
    block: Any = None  # the current top-level block
    top = 0
    for el in body.iterdescendants():
        parent = el.getparent()
        raw = el.tag
        if parent is body:
            if block is not None:
                tail = block.tail  # the text after a block is the next block
                if tail and not tail.isspace():  # whitespace normalizes to nothing
                    _tail(block, draft, text_by_tag)
                block = None
            if not isinstance(raw, str) or raw in _SKIP:
                continue
            block, top = el, len(blocks)
            blocks.append(el)
            up = root
        else:
            found = get_step(parent)
            if found is None or not isinstance(raw, str) or raw in _SKIP:
                continue
            up = found
        names = el.keys()
        key = (up.sid, raw, el.get("class") if names else None, tuple(names))
        step = memo(key) or _step(key, up)
        steps_of[el] = step
        if step.n not in done:
            done.add(step.n)
            for signal in step.signals:
                if signal not in where:
                    add(signal, top)
        kind = step.kind
        if kind:
            if kind == _IMG:
                images += 1
                link = _link_signals(el.get("src") or el.get("data-src") or "", "src")
            else:
                href = el.get("href")
                link = () if href is None else _link_signals(href, "href")
            for signal in link:
                if signal not in where:
                    add(signal, top)
        if not step.leafy:
            continue
        if with_block is None:
            if not _holds_no_block(el):
                continue
        elif el in with_block:
            continue
        text = " ".join(((el.text or "") if not len(el) else _text_of(el)).split())  # _norm
        if text:
            _text_block(step.tag, text, top, draft, text_by_tag)
            if text not in by_text:
                by_text[text] = (step.path, top, el)
    if block is not None:
        _tail(block, draft, text_by_tag)
    draft.metrics["images"] = float(images)
    draft.metrics["text"] = float(sum(text_by_tag.values()))
    draft.metrics.setdefault("paragraphs", float(len(draft.texts)))
    if text_by_tag:
        draft.signals.add(f"tb:{text_by_tag.most_common(1)[0][0]}")
    return by_text


def _tail(block: Any, draft: _Draft, text_by_tag: Counter[str]) -> None:
    """The text after a top-level block, as a block of its own."""
    tail = _norm(block.tail or "")
    if tail:
        draft.blocks.append(tail)
        _text_block("#text", tail, len(draft.blocks) - 1, draft, text_by_tag)


def _block_excerpt(el: Any) -> str:
    if isinstance(el, str):
        return _short(el)
    try:
        markup = etree.tostring(el, encoding="unicode", with_tail=False)
    except (etree.LxmlError, ValueError):
        markup = ""
    return _short(markup, _EXCERPT)


def _text_of(el: Any) -> str:
    """``"".join(el.itertext())`` (the element's text and its descendants', no tail), in C."""
    return etree.tostring(el, method="text", encoding="unicode", with_tail=False)  # type: ignore[no-any-return]


def _holds_no_block(el: Any) -> bool:
    """A leaf block: no child is a block element (checked for blocks and the body's children)."""
    return not any(isinstance(c.tag, str) and c.tag.lower() in _BLOCKS for c in el)


def _text_block(tag: str, text: str, top: int, draft: _Draft, text_by_tag: Counter[str]) -> None:
    text_by_tag[tag] += len(text)
    if _WORD.search(text):  # punctuation between links (", ") is not a block
        draft.texts.append((_digest(text), top, text))
    if len(text) <= _SHAPE_MAX and _may_be_urlish(text) and _URLISH.search(text):
        masked = _URLISH.sub("<url>", text)
        draft.add(f"shape:{_digest(masked)}", top, _short(text))


def _may_be_urlish(text: str) -> bool:
    """False when ``_URLISH`` cannot match: no ``://`` (of ``https?://``), no ``www.``, no TLD."""
    return "://" in text or "www." in text or _URLISH_TLD.search(text) is not None


@functools.lru_cache(maxsize=_MEMO)
def _link_signals(value: str, kind: str) -> tuple[str, ...]:
    """The signals of an ``href`` (``kind``, ``host``) or ``src`` (``kind``, ``imghost``)."""
    form, host = _link_form(value)
    if not host:
        return (f"{kind}:{form}",)
    return f"{kind}:{form}", f"{_HOST_FAMILY[kind]}:{host_key(host)}"


def _roles(item: Item, by_text: Mapping[str, tuple[str, int, Any]], draft: _Draft) -> None:
    """Where the parser's dateline, lead, paragraphs, author and images were found."""
    dateline = item.get("dateline")
    if isinstance(dateline, dict) and isinstance(dateline.get("text"), str):
        found = by_text.get(_norm(dateline["text"]))
        if found is not None:
            draft.add(f"role:dateline={found[0]}#{found[1]}", found[1])
    lead = item.get("lead")
    if isinstance(lead, str) and lead:
        found = by_text.get(_norm(lead))
        if found is not None:
            draft.add(f"role:lead={found[0]}|{_child_tags(found[2])}", found[1])
    paragraphs = item.get("paragraphs")
    if isinstance(paragraphs, list) and paragraphs:
        paths = Counter(by_text[p][0] for p in paragraphs if isinstance(p, str) and p in by_text)
        if paths:
            draft.add(f"role:paragraphs={paths.most_common(1)[0][0]}")
    author = item.get("author")
    if isinstance(author, str) and author and "lead" in item:
        for text, (path, top, _) in by_text.items():
            if author in text and len(text) <= len(author) + 16:
                draft.add(f"role:author={path}", top)
                break


def _child_tags(el: Any) -> str:
    return ",".join(sorted({c.tag.lower() for c in el if isinstance(c.tag, str)}))[:40]


def _text_signals(body: Any, draft: _Draft) -> None:
    """Text anomalies and the script mix of the body's text pieces, joined by spaces.

    The pieces are joined in C, without the spaces between them (whitespace-only pieces
    included): the joined text holds as many letters and CJK characters, and a ``\ufffd`` if
    the pieces do. It has at least as many mojibake pairs (a pair never spans two pieces),
    and escaped markup needs ``<`` or an entity (``_ENTITY``, no whitespace in it: within one
    piece, so in the joined text too): below those, the pieces need no joining.
    """
    text = _text_of(body)
    if (
        "<" in text
        or ("&" in text and _ENTITY.search(text) is not None)
        or len(_MOJIBAKE.findall(text)) >= _MOJIBAKE_MIN
    ):
        text = " ".join([t for t in body.itertext() if t and not t.isspace()])
        if _ESCAPED_MARKUP.search(text):
            draft.add("text:escaped-markup", excerpt=_first_match(_ESCAPED_MARKUP, text))
        if len(_MOJIBAKE.findall(text)) >= _MOJIBAKE_MIN:
            draft.add("text:mojibake", excerpt=_first_match(_MOJIBAKE, text))
    _script(text, draft)


def _title_signals(title: str, draft: _Draft) -> None:
    if _ESCAPED_MARKUP.search(title):
        draft.add("text:title-escaped", excerpt=_short(title, 100))
    if len(_MOJIBAKE.findall(title)) >= 2:
        draft.add("text:mojibake", excerpt=_short(title, 100))


def _first_match(pattern: re.Pattern[str], text: str) -> str:
    match = pattern.search(text)
    if match is None:
        return ""
    return _short(text[max(0, match.start() - 30) : match.end() + 30], 100)


def _script(text: str, draft: _Draft) -> None:
    if "\ufffd" in text:
        draft.add("text:replacement-char")
    letters, cjk = _letters_and_cjk(text)
    if letters >= 20:
        draft.metrics["cjk"] = round(cjk / letters, 4)


def _letters_and_cjk(text: str) -> tuple[int, int]:
    """How many letters (``_LETTERS``) and CJK ideographs (``_CJK_RUNS``) the text holds.

    Counted in bulk, in C, where the Unicode version is one checked: the CJK letters by the
    high bytes of their UTF-16 code units (:data:`_CJK_HIGH`, whole 256-character blocks of
    ``_CJK_LETTER_RUNS``), the Latin-1 letters by bytes (:data:`_LATIN1_LETTERS`). One regex
    pass then removes those and common punctuation (:data:`_BULK_RUNS`, no letter and no CJK
    character in it): only what is left is scanned for both. Otherwise, and when the text has
    a CJK block only partly of letters: :func:`_letters_and_cjk_plain`.
    """
    if _BULK_RUNS is None:
        return _letters_and_cjk_plain(text)
    units = text.encode("utf-16-be", "surrogatepass")[::2]  # the high byte of each code unit
    if _CJK_PARTIAL_HIGH[0] in units or _CJK_PARTIAL_HIGH[1] in units:
        return _letters_and_cjk_plain(text)  # a block only partly of CJK letters
    both = len(units) - len(units.translate(None, _CJK_HIGH))
    latin = text.encode("latin-1", "ignore")
    letters = both + len(latin) - len(latin.translate(None, _LATIN1_LETTERS))
    rest = _BULK_RUNS.sub("", text)
    if not rest:
        return letters, both
    letters += sum(map(len, _LETTERS.findall(rest)))
    return letters, both + sum(map(len, _CJK_RUNS.findall(rest)))


def _letters_and_cjk_plain(text: str) -> tuple[int, int]:
    """:func:`_letters_and_cjk` by regexes only.

    The CJK ideographs that are letters are counted by removing them (one scan of the text);
    the rest, short in Chinese text, is scanned for both.
    """
    rest = _cjk_letter_runs().sub("", text)
    both = len(text) - len(rest)
    letters = sum(map(len, _LETTERS.findall(rest)))
    return both + letters, both + sum(map(len, _CJK_RUNS.findall(rest)))


def _bulk_runs() -> re.Pattern[str] | None:
    """Runs of what :func:`_letters_and_cjk` counts in bulk: Latin-1, CJK letters, punctuation.

    None where the Unicode version is not one checked (``_CJK_LETTER_RUNS`` may not hold).
    """
    if unicodedata.unidata_version not in _CJK_LETTERS_CHECKED:
        return None
    punctuation = "".join(
        c for c in _BULK_PUNCTUATION if not _LETTERS.match(c) and not _CJK_RUNS.match(c)
    )
    cjk = _CJK_LETTER_RUNS.pattern[1:-2]  # the ranges inside "[...]+"
    return re.compile(f"[\\x00-\\xff{cjk}{re.escape(punctuation)}]+")


_BULK_RUNS = _bulk_runs()


@functools.cache
def _cjk_letter_runs() -> re.Pattern[str]:
    """Runs of the characters of ``_CJK_RUNS`` that ``_LETTERS`` matches (all but unassigned).

    Written out for the Unicode versions checked (``_cjk_letter_ranges`` finds them); other
    versions find them once.
    """
    if unicodedata.unidata_version in _CJK_LETTERS_CHECKED:
        return _CJK_LETTER_RUNS
    return re.compile(_cjk_letter_ranges())


def _cjk_letter_ranges() -> str:
    """A character class of the characters of ``_CJK_RUNS`` that ``_LETTERS`` matches, runs."""
    ranges: list[list[int]] = []
    for low, high in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)):
        for code in range(low, high + 1):
            if _LETTERS.match(chr(code)):
                if ranges and ranges[-1][1] == code - 1:
                    ranges[-1][1] = code
                else:
                    ranges.append([code, code])
    return "[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in ranges) + "]+"


# --- boilerplate -------------------------------------------------------------------------------


def _boilerplate(drafts: list[_Draft]) -> dict[str, tuple[str, int]]:
    """Text blocks repeated verbatim in at least 2 items and a quarter of them: hash -> text."""
    seen: Counter[str] = Counter()
    texts: dict[str, str] = {}
    for draft in drafts:
        digests = {d for d, _, _ in draft.texts}
        seen.update(digests)
        for digest, _, text in draft.texts:
            texts.setdefault(digest, text)
    need = max(2, int(len(drafts) * _BOILER_MIN_SHARE + 0.999))
    return {
        digest: (_short(texts[digest]), count) for digest, count in seen.items() if count >= need
    }


def iter_signals(items: tuple[ItemPrint, ...]) -> Iterator[str]:
    """Every signal of the items (with repeats)."""
    for item in items:
        yield from item.signals
