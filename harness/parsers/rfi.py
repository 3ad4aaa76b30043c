"""RFI article bodies as feedx.net mirrors them: date line, lead, paragraphs, images and author.

The body is an HTML fragment: a date line ``<div>DD/MM/YYYY - HH:MM</div>`` (Paris local time), an
``<img>``, a bold lead ``<p><strong>…</strong></p>``, a wrapper ``<div>`` holding the ``<p>``
paragraphs, then boilerplate that changed over the years (self-promo blocks, the ``作者：`` author
block, a share widget, a "同一主题" related-articles block, the feedx ``获取更多RSS`` footer).
:func:`parse_rfi_body` never raises on odd HTML: what looks wrong goes to ``BodyParse.problems``,
text outside the form too (a lead or author block in other markup, a new block: see
:mod:`harness.parsers.rfiform`). The share widget and the feedx footer are known by their links as
well as their labels, the author block by its link to the author page as well as ``作者：``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Protocol
from urllib.parse import urljoin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import etree

from harness.errors import ConfigError
from harness.model import Severity
from harness.parsers.rfiform import Place, misplaced, place_of
from harness.textsafe import shorten

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEZONE",
    "BodyParse",
    "BodyParser",
    "BodyProblem",
    "clean_title",
    "load_zone",
    "normalize_text",
    "parse_body",
    "parse_rfi_body",
]

DEFAULT_BASE_URL = "https://www.rfi.fr/"
DEFAULT_TIMEZONE = "Europe/Paris"

_DATELINE = re.compile(r"(\d{2})/(\d{2})/(\d{4}) - (\d{2}):(\d{2})")
_DIGIT = re.compile(r"\d")
_AUTHOR_LABEL = re.compile(r"作者\s*[：:]\s*")
_SHARE_LABEL = re.compile(r"分享\s*[:：]?")
_COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*\d{4}\b.{0,40}", re.IGNORECASE)
# Matched on normalised text (single spaces): a fixed-length pattern, linear on any title.
_TITLE_SUFFIX = re.compile(r" ?[–—-] ?法国国际广播电台 ?- ?RFI$")
_SHARE_HREF = re.compile(
    r"^(?:https?:)?//(?:[\w-]+\.)*(?:facebook\.com/(?:dialog/share|sharer)|(?:x|twitter)\.com/"
    r"(?:intent/tweet|share)|(?:web|api)\.whatsapp\.com/send|linkedin\.com/share|t\.me/share)"
    r"|^whatsapp://send",
    re.IGNORECASE,
)
_FEEDX_HREF = re.compile(r"^(?:https?:)?//(?:www\.)?feedx\.[a-z]+(?:[/?#]|$)", re.IGNORECASE)
_AUTHOR_HREF = re.compile(r"/(?:%E4%BD%9C%E8%80%85|作者)/[^/?#]+/?(?:[?#]|$)", re.IGNORECASE)
_FEEDX_MARK = "获取更多RSS"
_RELATED_MARK = "同一主题"
_SHARE_WORD = "分享"
_AUTHOR_WORD = "作者"

_BLOCK_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption", "dd", "dt"}
)
_CONTAINER_TAGS = frozenset({
    "div", "section", "article", "main", "figure", "ul", "ol", "dl", "table", "tbody", "thead",
    "tr", "td", "th", "header", "footer", "center", "form", "body", "html",
})  # fmt: skip
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "object", "head"})
_LEAD_TAGS = frozenset({"strong", "b"})
_INLINE_TAGS = frozenset(
    {"span", "a", "strong", "b", "em", "i", "u", "small", "font", "sup", "sub"}
)
_DATELINE_MAX = 64
_AUTHOR_MAX = 40
_LABEL_MAX = 24  # the own text (outside links) of a share widget or footer: a label
_OBSERVED_MAX = 80

_PARSER_OPTIONS: dict[str, Any] = {
    "encoding": "utf-8",
    "remove_comments": True,
    "remove_pis": True,
    "no_network": True,
    "recover": True,
}  # a parser per body: its error log tells when libxml2 stopped at a limit (and threads are safe)
_LIMIT_HINT = re.compile(r",? (?:use|try) XML_PARSE_HUGE(?: option)?")
_LIMIT_ERROR = "ERR_RESOURCE_LIMIT"
_HTML_LIMITS = "256 levels of nesting, 10,000,000 bytes per text node"


@dataclass(frozen=True, slots=True)
class BodyProblem:
    """Something the body shows that is wrong (``field`` is a JSON path inside the record)."""

    check: str  # "body-structure", "dateline-format", "dateline-ambiguous", ...
    field: str
    message: str
    observed: str | None = None
    expected: str | None = None
    severity: Severity = Severity.ERROR


@dataclass(frozen=True, slots=True)
class BodyParse:
    """What one article body holds, as plain data."""

    dateline: dict[str, str | None] | None = None
    lead: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    author: str | None = None
    copyright: str | None = None
    problems: list[BodyProblem] = field(default_factory=list)


class BodyParser(Protocol):
    """A body extractor: HTML fragment in, :class:`BodyParse` out; never raises on odd HTML."""

    def __call__(self, html: str, *, base_url: str, timezone: str = ...) -> BodyParse:
        """Parse one body."""
        ...


@dataclass(slots=True)
class _State:
    """Mutable scratch space of one parse; frozen into a BodyParse at the end."""

    zone_name: str
    base_url: str
    dateline: dict[str, str | None] | None = None
    lead: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    author: str | None = None
    copyright: str | None = None
    problems: list[BodyProblem] = field(default_factory=list)
    seen_top: bool = False  # a top-level element other than the date line was met
    body: Any = None  # the <body> element walked
    top: int = 0  # index of the top-level element being walked
    places: list[Place] = field(default_factory=list)  # where each paragraph came from

    def report(self, check: str, path: str, message: str, observed: str, expected: str) -> None:
        """Note a problem (``observed`` is shortened to fit a report line)."""
        self.problems.append(BodyProblem(check, path, message, _short(observed), expected))

    def freeze(self) -> BodyParse:
        """The finished parse."""
        fields = (self.dateline, self.lead, self.paragraphs, self.images, self.author)
        return BodyParse(*fields, self.copyright, self.problems)


def normalize_text(text: str) -> str:
    """Collapse runs of whitespace (ASCII, U+3000, no-break space) to one space and strip."""
    # str.split() splits on exactly the characters of the pattern [\s\u3000\xa0]+ (str.isspace:
    # U+3000 and U+00A0 are among them), ~5 times faster than re.sub then strip.
    return " ".join(text.split())


def clean_title(title: str | None) -> str | None:
    """A feed title without RFI's ``– 法国国际广播电台 - RFI`` suffix, whitespace normalised."""
    if title is None:
        return None
    return _TITLE_SUFFIX.sub("", normalize_text(title)).strip()


@lru_cache(maxsize=32)
def load_zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; :class:`ConfigError` naming it when there is no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ConfigError(
            f"unknown time zone {name!r}: expected an IANA name such as 'Europe/Paris'"
        ) from None


def parse_rfi_body(html: str, *, base_url: str, timezone: str = DEFAULT_TIMEZONE) -> BodyParse:
    """Extract date line, lead, paragraphs, images and author from one RFI body (never raises)."""
    zone = load_zone(timezone)
    state = _State(zone_name=timezone, base_url=base_url or DEFAULT_BASE_URL)
    body, limit = _parse_html(html)
    if limit is not None:
        message = f"the body is over a fixed limit of the HTML parser ({_HTML_LIMITS}): cut there"
        state.report("body-structure", "", message, limit, "HTML within the parser's limits")
    if body is None:
        state.report("body-structure", "", "the body is not parseable HTML", html, "HTML")
        return state.freeze()
    _walk_top(body, state, zone)
    for index, message, expected in misplaced(state.paragraphs, state.places):
        state.report(
            "body-structure", f"paragraphs/{index}", message, state.paragraphs[index], expected
        )
    return state.freeze()


parse_body: BodyParser = parse_rfi_body
"""The name the itemdump parser's host registry uses."""


# --- parsing ---------------------------------------------------------------------------------


def _parse_html(html: str) -> tuple[Any, str | None]:
    """The ``<body>`` element of the fragment (None when lxml gives up), and the limit it hit."""
    data = ("<html><body>" + html + "</body></html>").encode("utf-8", "replace")
    parser = etree.HTMLParser(**_PARSER_OPTIONS)
    try:
        root = etree.fromstring(data, parser)
    except (etree.LxmlError, ValueError):
        root = None
    limit = next(
        (_LIMIT_HINT.sub("", e.message) for e in parser.error_log if e.type_name == _LIMIT_ERROR),
        None,
    )
    if root is None:
        return None, limit
    body = root.find("body")
    return (root if body is None else body), limit


def _walk_top(body: Any, state: _State, zone: ZoneInfo) -> None:
    """Walk the top level: date line first, then images, lead, body wrapper, boilerplate."""
    _stray(body.text, state)
    state.body = body
    first = True
    for top, child in enumerate(body):
        if not isinstance(child.tag, str):
            continue
        state.top = top
        if first and _is_dateline_candidate(child):
            state.dateline = _read_dateline(_full_text(child), state, zone)
        elif _is_footer_text(child.tail):
            _visit(child, state, top=True)
            return
        else:
            _visit(child, state, top=True)
        first = False
        _stray(child.tail, state)


def _visit(el: Any, state: _State, *, top: bool) -> None:
    """Handle one element: skip boilerplate, take images, text blocks, or walk into containers."""
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if not tag or _is_boilerplate(el, tag) or (top and _is_link_block(el, tag)):
        return
    if _take_side_block(el, state):
        return
    if tag == "img":
        _add_image(el, state)
    elif tag in _BLOCK_TAGS or not _has_block_child(el):
        _add_block(el, tag, state, top=top)
    else:
        _walk_container(el, state)
    if top and tag not in ("br", "hr"):
        state.seen_top = True


def _walk_container(el: Any, state: _State) -> None:
    """Walk a container's children; loose text in it is a structure problem."""
    _loose(el.text, state)
    for child in el:
        _visit(child, state, top=False)
        _loose(child.tail, state)


def _add_block(el: Any, tag: str, state: _State, *, top: bool) -> None:
    """A text block: the lead, a paragraph, or a copyright line; images in it are kept."""
    images: list[Any] = []
    text = normalize_text(_block_text(el, images))
    for img in images:
        _add_image(img, state)
    if not text:
        return
    if _COPYRIGHT.fullmatch(text):
        state.copyright = text
    elif top and tag == "p" and state.lead is None and not state.paragraphs and _is_lead(el):
        state.lead = text
    else:
        state.paragraphs.append(text)
        state.places.append(place_of(el, state.body, state.top))


def _add_image(el: Any, state: _State) -> None:
    """Resolve an ``<img>`` source against the base URL (``//host/x`` becomes https)."""
    src = (el.get("src") or el.get("data-src") or "").strip()
    if not src:
        return
    if src.startswith("//"):
        state.images.append("https:" + src)
        return
    try:
        state.images.append(urljoin(state.base_url, src))
    except ValueError:
        state.images.append(src)
        state.report("body-structure", "images", "image source is not a URL", src, "a URL")


def _take_side_block(el: Any, state: _State) -> bool:
    """Take the author block and ``t-copyright`` lines out of the text; True when taken."""
    if "t-copyright" in (el.get("class") or "").split():
        state.copyright = normalize_text(_block_text(el)) or state.copyright
        return True
    author = _author_of(el)
    if author is None:
        return False
    state.author = author or state.author
    return True


# --- recognisers -----------------------------------------------------------------------------


def _is_boilerplate(el: Any, tag: str) -> bool:
    """Self-promo, share widget, related articles, feedx footer, scripts: never text."""
    if tag in _SKIP_TAGS or tag.startswith(("aside", "share-")) or "data-" in tag:
        return True
    if _has_boilerplate_attribute(el, tag):
        return True
    text = el.text
    if text and not text.isspace():
        return _is_boilerplate_text(el, text)
    return tag not in _INLINE_TAGS and len(el) > 1 and _opens_with_related_heading(el)


def _is_boilerplate_text(el: Any, text: str) -> bool:
    """The feedx footer, the related-articles heading, the share label (cheap tests first)."""
    if _FEEDX_MARK in text:
        return True
    if _RELATED_MARK not in text and _SHARE_WORD not in text:
        return False
    own = normalize_text(text)
    return own == _RELATED_MARK or _is_share_label(el, own)


def _has_boilerplate_attribute(el: Any, tag: str) -> bool:
    """Self-promo and share markers, related-list markers, share and feedx links."""
    for name, value in el.items():
        if name.startswith(("data-selfpromo", "data-root-share", "data-article-")):
            return True
        if name == "class" and "o-self-promo" in value:
            return True
        if name == "href" and tag == "a":
            href = value.strip()
            if _SHARE_HREF.search(href) or _FEEDX_HREF.search(href):
                return True
    return False


def _opens_with_related_heading(el: Any) -> bool:
    """A block whose first child is the "同一主题" heading (the related-articles list)."""
    first = el[0]
    if not isinstance(first.tag, str):
        return False
    text = _full_text(first)
    return _RELATED_MARK in text and normalize_text(text) == _RELATED_MARK


def _is_link_block(el: Any, tag: str) -> bool:
    """A block of share or feedx links under a short label: the share widget, the feedx footer.

    Known by its links, so a renamed label (分享到：, 订阅更多RSS源) is still boilerplate.
    """
    if tag in _INLINE_TAGS or tag in _BLOCK_TAGS:
        return False
    hrefs = [(a.get("href") or "").strip() for a in el.iter("a")]
    if not hrefs or not all(_SHARE_HREF.search(h) or _FEEDX_HREF.search(h) for h in hrefs):
        return False
    links = sum(len(normalize_text(_full_text(a))) for a in el.iter("a"))
    return len(normalize_text(_full_text(el))) - links <= _LABEL_MAX


def _is_share_label(el: Any, own: str) -> bool:
    """The ``分享 :`` label of the share widget (a text-only element)."""
    return len(el) == 0 and _SHARE_LABEL.fullmatch(own) is not None


def _author_of(el: Any) -> str | None:
    """The author named by a ``作者：`` block, "" for an empty one, None when ``el`` is not one.

    A block whose only link goes to an author page (``/cn/作者/name/``) is one too, whatever its
    label says (a garbled label, say): the name is then the link's text.
    """
    if el.tag not in ("div", "p", "span") or _has_block_child(el):
        return None
    if _opens_with_author_label(el):
        text = normalize_text(_block_text(el))
        label = _AUTHOR_LABEL.match(text)
        name = text[label.end() :] if label else text
    else:
        link = _author_link(el)
        if link is None:
            return None
        name = normalize_text(_full_text(link))
    return name if len(name) <= _AUTHOR_MAX else None


def _author_link(el: Any) -> Any:
    """The one ``<a>`` child of ``el`` pointing to an author page, under a short label."""
    links = [c for c in el if isinstance(c.tag, str) and c.tag == "a"]
    if len(links) != 1 or not _AUTHOR_HREF.search(links[0].get("href") or ""):
        return None
    label = len(normalize_text(_full_text(el))) - len(normalize_text(_full_text(links[0])))
    return links[0] if label <= _LABEL_MAX else None


def _opens_with_author_label(el: Any) -> bool:
    """True when the element's own text, or its first child's, opens with ``作者：``."""
    text = el.text
    if text and not text.isspace():
        return _AUTHOR_WORD in text and _AUTHOR_LABEL.match(normalize_text(text)) is not None
    if not len(el) or not isinstance(el[0].tag, str):
        return False
    first = _full_text(el[0])
    return _AUTHOR_WORD in first and _AUTHOR_LABEL.fullmatch(normalize_text(first)) is not None


def _is_lead(p: Any) -> bool:
    """True when all of a ``<p>``'s text sits in ``<strong>``/``<b>`` children."""
    if normalize_text(p.text or ""):
        return False
    bold = ""
    for child in p:
        if child.tag not in _LEAD_TAGS and normalize_text(_full_text(child)):
            return False
        if normalize_text(child.tail or ""):
            return False
        bold += _full_text(child)
    return bool(normalize_text(bold))


def _is_dateline_candidate(el: Any) -> bool:
    """The first element, text only and short: a date line (parseable or not)."""
    if len(el) or not isinstance(el.tag, str):
        return False
    text = normalize_text(el.text or "")
    if _DATELINE.fullmatch(text):
        return True
    return el.tag == "div" and 0 < len(text) <= _DATELINE_MAX and bool(_DIGIT.search(text))


def _is_footer_text(text: str | None) -> bool:
    """True when loose text opens the feedx footer (``<hr>获取更多RSS：…``)."""
    return bool(text) and _FEEDX_MARK in str(text)


def _has_block_child(el: Any) -> bool:
    """True when some child is a block or container (so ``el`` is not a leaf block)."""
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and (tag in _BLOCK_TAGS or tag in _CONTAINER_TAGS or tag == "img"):
            return True
    return False


# --- text ------------------------------------------------------------------------------------


def _full_text(el: Any) -> str:
    """All text inside ``el`` (no tail); without children, only its text (no tree walker)."""
    return "".join(el.itertext()) if len(el) else (el.text or "")


def _block_text(el: Any, images: list[Any] | None = None) -> str:
    """The text of a block, leaving boilerplate descendants (share links, promo) out.

    ``<img>`` elements met on the way are appended to ``images`` when it is given.
    """
    if not len(el):  # a leaf (most inline elements): its text alone, no child loop
        return (el.text or "").partition(_FEEDX_MARK)[0]
    parts = [el.text or ""]
    for child in el:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "br":
            parts.append(" ")
        elif tag == "img" and images is not None:
            images.append(child)
        elif tag and not _is_boilerplate(child, tag):
            parts.append(_block_text(child, images))
        parts.append(child.tail or "")
    return "".join(parts).partition(_FEEDX_MARK)[0]


def _stray(text: str | None, state: _State) -> None:
    """Loose top-level text: where the image belongs (``Array``) or between blocks."""
    observed = normalize_text(text or "")
    if not observed or _FEEDX_MARK in observed:
        return
    if state.dateline is not None and not state.seen_top and not state.images:
        message = "text where the image belongs"
        state.report("body-structure", "images", message, observed, "an <img> element")
        return
    _loose(observed, state)


def _loose(text: str | None, state: _State) -> None:
    """Text outside any paragraph element: reported, kept out of the paragraphs."""
    observed = normalize_text(text or "")
    if observed and _FEEDX_MARK not in observed:
        message = "text outside any paragraph element"
        state.report("body-structure", "paragraphs", message, observed, "text inside <p>")


def _short(text: str) -> str:
    """``text`` cut to a length that fits a report line."""
    return shorten(normalize_text(text), _OBSERVED_MAX)


# --- date line -------------------------------------------------------------------------------


def _read_dateline(text: str, state: _State, zone: ZoneInfo) -> dict[str, str | None]:
    """The date line record; a problem when it does not parse, a warning on a DST edge."""
    text = normalize_text(text)
    local = local_dateline(text)
    if local is None:
        message = "the date line does not parse"
        state.report("dateline-format", "dateline/time", message, text, "DD/MM/YYYY - HH:MM")
        return {"text": text, "time": None, "timezone": state.zone_name}
    aware = local.replace(tzinfo=zone, fold=0)
    note = _dst_note(aware)
    if note is not None:
        state.problems.append(
            BodyProblem(
                note,
                "dateline/time",
                f"{text} is {note.split('-')[1]} in {state.zone_name}; read with fold=0",
                text,
                None,
                Severity.WARNING,
            )
        )
    return {"text": text, "time": aware.isoformat(), "timezone": state.zone_name}


def local_dateline(text: str) -> datetime | None:
    """``DD/MM/YYYY - HH:MM`` as a naive datetime, or None."""
    match = _DATELINE.fullmatch(text)
    if match is None:
        return None
    day, month, year, hour, minute = (int(g) for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute)
    except ValueError:
        return None


def _dst_note(aware: datetime) -> str | None:
    """The DST note: dateline-ambiguous (time occurs twice), dateline-nonexistent, or None."""
    if aware.utcoffset() != aware.replace(fold=1).utcoffset():
        round_trip = aware.astimezone(UTC).astimezone(aware.tzinfo).replace(tzinfo=None)
        if round_trip != aware.replace(tzinfo=None):
            return "dateline-nonexistent"
        return "dateline-ambiguous"
    return None
