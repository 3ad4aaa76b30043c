"""What each element of an RFI body is: boilerplate, the author block, the lead, a date line.

The recognisers of :mod:`harness.parsers.rfi`, and the text of a block with its boilerplate
descendants left out. The share widget and the feedx footer are known by their links as well as
their labels, the author block by its link to the author page as well as ``作者：``.
"""

from __future__ import annotations

import re
from typing import Any

from harness.parsers.rfidateline import DATELINE

__all__ = [
    "BLOCK_TAGS",
    "FEEDX_MARK",
    "author_of",
    "block_text",
    "full_text",
    "has_block_child",
    "is_boilerplate",
    "is_dateline_candidate",
    "is_footer_text",
    "is_lead",
    "is_link_block",
    "normalize_text",
]

_DIGIT = re.compile(r"\d")
_AUTHOR_LABEL = re.compile(r"作者\s*[：:]\s*")
_SHARE_LABEL = re.compile(r"分享\s*[:：]?")
_SHARE_HREF = re.compile(
    r"^(?:https?:)?//(?:[\w-]+\.)*(?:facebook\.com/(?:dialog/share|sharer)|(?:x|twitter)\.com/"
    r"(?:intent/tweet|share)|(?:web|api)\.whatsapp\.com/send|linkedin\.com/share|t\.me/share)"
    r"|^whatsapp://send",
    re.IGNORECASE,
)
_FEEDX_HREF = re.compile(r"^(?:https?:)?//(?:www\.)?feedx\.[a-z]+(?:[/?#]|$)", re.IGNORECASE)
_AUTHOR_HREF = re.compile(r"/(?:%E4%BD%9C%E8%80%85|作者)/[^/?#]+/?(?:[?#]|$)", re.IGNORECASE)
FEEDX_MARK = "获取更多RSS"
_RELATED_MARK = "同一主题"
_SHARE_WORD = "分享"
_AUTHOR_WORD = "作者"

BLOCK_TAGS = frozenset(
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


def normalize_text(text: str) -> str:
    """Collapse runs of whitespace (ASCII, U+3000, no-break space) to one space and strip."""
    # str.split() splits on exactly the characters of the pattern [\s\u3000\xa0]+ (str.isspace:
    # U+3000 and U+00A0 are among them), ~5 times faster than re.sub then strip.
    return " ".join(text.split())


# --- recognisers -----------------------------------------------------------------------------


def is_boilerplate(el: Any, tag: str) -> bool:
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
    if FEEDX_MARK in text:
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
    text = full_text(first)
    return _RELATED_MARK in text and normalize_text(text) == _RELATED_MARK


def is_link_block(el: Any, tag: str) -> bool:
    """A block of share or feedx links under a short label: the share widget, the feedx footer.

    Known by its links, so a renamed label (分享到：, 订阅更多RSS源) is still boilerplate.
    """
    if tag in _INLINE_TAGS or tag in BLOCK_TAGS:
        return False
    hrefs = [(a.get("href") or "").strip() for a in el.iter("a")]
    if not hrefs or not all(_SHARE_HREF.search(h) or _FEEDX_HREF.search(h) for h in hrefs):
        return False
    links = sum(len(normalize_text(full_text(a))) for a in el.iter("a"))
    return len(normalize_text(full_text(el))) - links <= _LABEL_MAX


def _is_share_label(el: Any, own: str) -> bool:
    """The ``分享 :`` label of the share widget (a text-only element)."""
    return len(el) == 0 and _SHARE_LABEL.fullmatch(own) is not None


def author_of(el: Any) -> str | None:
    """The author named by a ``作者：`` block, "" for an empty one, None when ``el`` is not one.

    A block whose only link goes to an author page (``/cn/作者/name/``) is one too, whatever its
    label says (a garbled label, say): the name is then the link's text.
    """
    if el.tag not in ("div", "p", "span") or has_block_child(el):
        return None
    if _opens_with_author_label(el):
        text = normalize_text(block_text(el))
        label = _AUTHOR_LABEL.match(text)
        name = text[label.end() :] if label else text
    else:
        link = _author_link(el)
        if link is None:
            return None
        name = normalize_text(full_text(link))
    return name if len(name) <= _AUTHOR_MAX else None


def _author_link(el: Any) -> Any:
    """The one ``<a>`` child of ``el`` pointing to an author page, under a short label."""
    links = [c for c in el if isinstance(c.tag, str) and c.tag == "a"]
    if len(links) != 1 or not _AUTHOR_HREF.search(links[0].get("href") or ""):
        return None
    label = len(normalize_text(full_text(el))) - len(normalize_text(full_text(links[0])))
    return links[0] if label <= _LABEL_MAX else None


def _opens_with_author_label(el: Any) -> bool:
    """True when the element's own text, or its first child's, opens with ``作者：``."""
    text = el.text
    if text and not text.isspace():
        return _AUTHOR_WORD in text and _AUTHOR_LABEL.match(normalize_text(text)) is not None
    if not len(el) or not isinstance(el[0].tag, str):
        return False
    first = full_text(el[0])
    return _AUTHOR_WORD in first and _AUTHOR_LABEL.fullmatch(normalize_text(first)) is not None


def is_lead(p: Any) -> bool:
    """True when all of a ``<p>``'s text sits in ``<strong>``/``<b>`` children."""
    if normalize_text(p.text or ""):
        return False
    bold = ""
    for child in p:
        if child.tag not in _LEAD_TAGS and normalize_text(full_text(child)):
            return False
        if normalize_text(child.tail or ""):
            return False
        bold += full_text(child)
    return bool(normalize_text(bold))


def is_dateline_candidate(el: Any) -> bool:
    """The first element, text only and short: a date line (parseable or not)."""
    if len(el) or not isinstance(el.tag, str):
        return False
    text = normalize_text(el.text or "")
    if DATELINE.fullmatch(text):
        return True
    return el.tag == "div" and 0 < len(text) <= _DATELINE_MAX and bool(_DIGIT.search(text))


def is_footer_text(text: str | None) -> bool:
    """True when loose text opens the feedx footer (``<hr>获取更多RSS：…``)."""
    return bool(text) and FEEDX_MARK in str(text)


def has_block_child(el: Any) -> bool:
    """True when some child is a block or container (so ``el`` is not a leaf block)."""
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and (tag in BLOCK_TAGS or tag in _CONTAINER_TAGS or tag == "img"):
            return True
    return False


# --- text ------------------------------------------------------------------------------------


def full_text(el: Any) -> str:
    """All text inside ``el`` (no tail); without children, only its text (no tree walker)."""
    return "".join(el.itertext()) if len(el) else (el.text or "")


def block_text(el: Any, images: list[Any] | None = None) -> str:
    """The text of a block, leaving boilerplate descendants (share links, promo) out.

    ``<img>`` elements met on the way are appended to ``images`` when it is given.
    """
    if not len(el):  # a leaf (most inline elements): its text alone, no child loop
        return (el.text or "").partition(FEEDX_MARK)[0]
    parts = [el.text or ""]
    for child in el:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "br":
            parts.append(" ")
        elif tag == "img" and images is not None:
            images.append(child)
        elif tag and not is_boilerplate(child, tag):
            parts.append(block_text(child, images))
        parts.append(child.tail or "")
    return "".join(parts).partition(FEEDX_MARK)[0]
