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
from typing import Any, Protocol
from urllib.parse import urljoin

from lxml import etree

from harness.model import Severity
from harness.parsers.rfiblocks import (
    BLOCK_TAGS,
    FEEDX_MARK,
    author_of,
    block_text,
    full_text,
    has_block_child,
    is_boilerplate,
    is_dateline_candidate,
    is_footer_text,
    is_lead,
    is_link_block,
    normalize_text,
)
from harness.parsers.rfidateline import load_zone, read_dateline
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
    "parse_fragment",
    "parse_rfi_body",
]

DEFAULT_BASE_URL = "https://www.rfi.fr/"
DEFAULT_TIMEZONE = "Europe/Paris"

_COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*\d{4}\b.{0,40}", re.IGNORECASE)
# Matched on normalised text (single spaces): a fixed-length pattern, linear on any title.
_TITLE_SUFFIX = re.compile(r" ?[–—-] ?法国国际广播电台 ?- ?RFI$")
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


def clean_title(title: str | None) -> str | None:
    """A feed title without RFI's ``– 法国国际广播电台 - RFI`` suffix, whitespace normalised."""
    if title is None:
        return None
    return _TITLE_SUFFIX.sub("", normalize_text(title)).strip()


def parse_rfi_body(html: str, *, base_url: str, timezone: str = DEFAULT_TIMEZONE) -> BodyParse:
    """Extract date line, lead, paragraphs, images and author from one RFI body (never raises)."""
    load_zone(timezone)  # ConfigError naming an unknown zone, before any parsing
    state = _State(zone_name=timezone, base_url=base_url or DEFAULT_BASE_URL)
    body, limit = parse_fragment(html)
    if limit is not None:
        message = f"the body is over a fixed limit of the HTML parser ({_HTML_LIMITS}): cut there"
        state.report("body-structure", "", message, limit, "HTML within the parser's limits")
    if body is None:
        state.report("body-structure", "", "the body is not parseable HTML", html, "HTML")
        return state.freeze()
    _walk_top(body, state)
    for index, message, expected in misplaced(state.paragraphs, state.places):
        state.report(
            "body-structure", f"paragraphs/{index}", message, state.paragraphs[index], expected
        )
    return state.freeze()


parse_body: BodyParser = parse_rfi_body
"""The name the itemdump parser's host registry uses."""


# --- parsing ---------------------------------------------------------------------------------


def parse_fragment(html: str) -> tuple[Any, str | None]:
    """An HTML fragment parsed safely: its ``<body>`` (None if lxml gives up), the limit it hit."""
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


def _walk_top(body: Any, state: _State) -> None:
    """Walk the top level: date line first, then images, lead, body wrapper, boilerplate."""
    _stray(body.text, state)
    state.body = body
    first = True
    for top, child in enumerate(body):
        if not isinstance(child.tag, str):
            continue
        state.top = top
        if first and is_dateline_candidate(child):
            state.dateline = _dateline(full_text(child), state)
        elif is_footer_text(child.tail):
            _visit(child, state, top=True)
            return
        else:
            _visit(child, state, top=True)
        first = False
        _stray(child.tail, state)


def _visit(el: Any, state: _State, *, top: bool) -> None:
    """Handle one element: skip boilerplate, take images, text blocks, or walk into containers."""
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if not tag or is_boilerplate(el, tag) or (top and is_link_block(el, tag)):
        return
    if _take_side_block(el, state):
        return
    if tag == "img":
        _add_image(el, state)
    elif tag in BLOCK_TAGS or not has_block_child(el):
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
    text = normalize_text(block_text(el, images))
    for img in images:
        _add_image(img, state)
    if not text:
        return
    if _COPYRIGHT.fullmatch(text):
        state.copyright = text
    elif top and tag == "p" and state.lead is None and not state.paragraphs and is_lead(el):
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
        state.copyright = normalize_text(block_text(el)) or state.copyright
        return True
    author = author_of(el)
    if author is None:
        return False
    state.author = author or state.author
    return True


# --- text ------------------------------------------------------------------------------------


def _stray(text: str | None, state: _State) -> None:
    """Loose top-level text: where the image belongs (``Array``) or between blocks."""
    observed = normalize_text(text or "")
    if not observed or FEEDX_MARK in observed:
        return
    if state.dateline is not None and not state.seen_top and not state.images:
        message = "text where the image belongs"
        state.report("body-structure", "images", message, observed, "an <img> element")
        return
    _loose(observed, state)


def _loose(text: str | None, state: _State) -> None:
    """Text outside any paragraph element: reported, kept out of the paragraphs."""
    observed = normalize_text(text or "")
    if observed and FEEDX_MARK not in observed:
        message = "text outside any paragraph element"
        state.report("body-structure", "paragraphs", message, observed, "text inside <p>")


def _dateline(text: str, state: _State) -> dict[str, str | None]:
    """The date line record; its problem, if any, reported."""
    text = normalize_text(text)
    record, note = read_dateline(text, state.zone_name)
    if note is not None and note.check == "dateline-format":
        state.report(note.check, "dateline/time", note.message, text, "DD/MM/YYYY - HH:MM")
    elif note is not None:
        problem = BodyProblem(note.check, "dateline/time", note.message, text, None, note.severity)
        state.problems.append(problem)
    return record


def _short(text: str) -> str:
    """``text`` cut to a length that fits a report line."""
    return shorten(normalize_text(text), _OBSERVED_MAX)
