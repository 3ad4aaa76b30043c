"""Is a recorded response a feed? A cheap, bounded look at its head, never a full parse.

A cassette recorded by vcrpy or pytest-recording may hold, besides feeds, the HTML page a feed
was discovered from, API calls, images, redirects. Replay checks every feed response and lists
the rest as skipped; this module tells them apart from the first ``SNIFF_BYTES`` of the body:
XML whose root element is ``rss``, ``RDF`` (RSS 1.0 / 0.90) or ``feed`` (Atom), or JSON whose
``version`` is a jsonfeed.org URL; a response whose Content-Type is a feed's (``declares_feed``)
is one whatever it holds. Anything else gets a one-line reason.
"""

from __future__ import annotations

import re

from harness.model import Response

__all__ = ["FEED_MEDIA_TYPES", "FEED_ROOTS", "SNIFF_BYTES", "declares_feed", "not_a_feed"]

SNIFF_BYTES = 16 * 1024
"""How much of a body is looked at: enough for any XML prolog or JSON Feed's ``version``."""
FEED_ROOTS = frozenset({"rss", "rdf", "feed"})
"""Root element local names (lower-cased) of RSS 2.0/0.9x, RSS 1.0/0.90 and Atom."""

FEED_MEDIA_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/x-rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
    }
)
"""Content types only a feed is served as (text/xml, application/json: the body decides)."""

# What may come before the root element: whitespace, <?xml ...?> and other processing
# instructions, comments, a DOCTYPE (with an internal subset).
_PROLOG = re.compile(
    rb"(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)*", re.DOTALL | re.IGNORECASE
)
_ROOT = re.compile(rb"<([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)")
_JSON_FEED = re.compile(rb'"version"\s*:\s*"https?://jsonfeed\.org/version/')
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def not_a_feed(response: Response) -> str | None:
    """Why ``response`` is not a feed (one line), or None when its head looks like one."""
    head = _head(response.body)
    ctype = _media_type(response.content_type)
    if not head:
        return f"empty body ({ctype})" if ctype else "empty body"
    if head[:1] == b"<":
        return _markup_reason(head)
    if head[:1] in (b"{", b"["):
        if _JSON_FEED.search(head):
            return None
        return "JSON, not a JSON Feed (no jsonfeed.org version)"
    if ctype.startswith("image/"):
        return f"image ({ctype}), not a feed"
    return f"not a feed ({ctype or 'no content type'})"


def declares_feed(response: Response) -> bool:
    """Whether the response says it is a feed (its Content-Type), whatever its status or body.

    Such a response is checked as one: an empty body or an error status is then the feed's
    failure to report, not a reason to skip it.
    """
    return _media_type(response.content_type) in FEED_MEDIA_TYPES


def _head(body: bytes) -> bytes:
    """The first SNIFF_BYTES, as UTF-8 when a UTF-16 BOM says otherwise, leading space off."""
    head = body[:SNIFF_BYTES]
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            text = head[len(bom) :].decode(encoding, errors="ignore")
            head = text.encode("utf-8")
            break
    return head.lstrip()


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _markup_reason(head: bytes) -> str | None:
    prolog = _PROLOG.match(head)
    root = _ROOT.match(head, prolog.end() if prolog else 0)
    if root is None:
        return "markup with no root element in its first 16 KiB, not a feed"
    name = root.group(1).decode("ascii", errors="replace")
    local = name.rpartition(":")[2].lower()
    if local in FEED_ROOTS:
        return None
    if local == "html":
        return "HTML page, not a feed"
    return f"XML document <{name}>, not a feed"
