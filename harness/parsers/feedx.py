"""Parser ``feedx-rfi``: RFI Chinese through the feedx.net mirror, each item's body parsed."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from typing import ClassVar
from urllib.parse import urljoin, urlsplit

from harness.model import FeedOutput, Fetch, Item, Response, Severity, Violation
from harness.parsers.rfi import (
    DEFAULT_BASE_URL,
    DEFAULT_TIMEZONE,
    BodyParse,
    clean_title,
    load_zone,
    parse_rfi_body,
)
from harness.parsers.rss import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ITEMS,
    DEFAULT_MAX_NODES,
    RssParser,
)

__all__ = [
    "ARTICLE_INVARIANTS",
    "FEEDX_RFI_BOILERPLATE",
    "FeedxRfiParser",
    "article_record",
    "body_violations",
    "relative_links",
]

ARTICLE_INVARIANTS: tuple[str, ...] = (
    "items-present",
    "timestamp-matches-dateline",
    "url-date-matches-timestamp",
    "paragraphs-nonempty",
    "boilerplate-stripped",
    "no-markup-in-text",
    "links-absolute",
    "unique-ids",
    "title-nonempty",
    "script-matches-language",
)
"""The invariants run by default on article records (feedx-rfi and itemdump)."""

FEEDX_RFI_BOILERPLATE: tuple[str, ...] = (
    "获取更多RSS",  # feedx.net promo footer
    "feedx.net",
    "feedx.xyz",
    "feedx.best",
    "feedx.run",
    "feedx.top",
    "data-selfpromo",
    "o-self-promo",  # RFI self-promotion blocks
    "share-button",
    "share-modal",
    "data-root-share",  # RFI share widget (2023-09 on)
    "intent/tweet",
    "api.whatsapp.com",
)
"""Text the feedx mirror and RFI pages leak into items: the parsers' ``boilerplate_markers``."""

# An RSS <link> as written (CDATA or not): read from the raw bytes, linear, bounded per match.
_RAW_LINK = re.compile(rb"<link>\s*+(<!\[CDATA\[)?\s*+([^<\]\s]{1,4096})")


def article_record(item: Item, body: BodyParse) -> Item:
    """An article record: the feed item's fields plus the parsed body's (author falls back)."""
    return {
        "id": item.get("id"),
        "url": item.get("url"),
        "title": clean_title(item.get("title")),
        "published": item.get("published"),
        "published_raw": item.get("published_raw"),
        "updated": item.get("updated"),
        "summary": item.get("summary"),
        "content": item.get("content"),
        "categories": list(item.get("categories") or []),
        "enclosures": list(item.get("enclosures") or []),
        "dateline": dict(body.dateline) if body.dateline is not None else None,
        "lead": body.lead,
        "paragraphs": list(body.paragraphs),
        "images": list(body.images),
        "author": body.author or item.get("author"),
    }


def body_violations(body: BodyParse, *, index: int, item: Item) -> list[Violation]:
    """The body's problems as violations of item ``index``."""
    return [
        Violation(
            check=p.check,
            message=p.message,
            field=p.field,
            observed=p.observed,
            expected=p.expected,
            item_index=index,
            item_id=item.get("id"),
            item_url=item.get("url"),
            severity=p.severity,
        )
        for p in body.problems
    ]


class FeedxRfiParser:
    """The RSS envelope via :class:`RssParser`, then each body via :func:`parse_rfi_body`.

    Besides the bodies' problems it reports a ``link-relative`` warning for an item whose
    ``<link>`` the feed wrote relative (see :func:`relative_links`).
    """

    name: ClassVar[str] = "feedx-rfi"
    schema: ClassVar[str] = "article"
    fetches: ClassVar[bool] = False  # the mirror puts each article's full text in the feed
    default_invariants: ClassVar[tuple[str, ...]] = ARTICLE_INVARIANTS
    boilerplate_markers: ClassVar[tuple[str, ...]] = FEEDX_RFI_BOILERPLATE
    problem_checks: ClassVar[tuple[str, ...]] = ("link-relative",)  # see relative_links

    def __init__(
        self,
        *,
        timezone: str = DEFAULT_TIMEZONE,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_items: int = DEFAULT_MAX_ITEMS,
        max_nodes: int = DEFAULT_MAX_NODES,
    ) -> None:
        """Read date lines in ``timezone`` (an IANA name); the limits go to the ``rss`` parser."""
        load_zone(timezone)
        self.timezone = timezone
        self.envelope = RssParser(max_bytes=max_bytes, max_items=max_items, max_nodes=max_nodes)

    def parse(self, response: Response, *, fetch: Fetch) -> FeedOutput:
        """Parse the feed; envelope errors (ParseError, TransportError) propagate."""
        envelope = self.envelope.parse(response, fetch=fetch)
        records: list[Item] = []
        problems: list[Violation] = list(envelope.problems)
        for index, item in enumerate(envelope.items):
            record, found = self._article(item, index)
            records.append(record)
            problems.extend(found)
        base = envelope.feed.get("link") or response.url
        problems.extend(relative_links(response.body, envelope.items, base=str(base)))
        return FeedOutput(
            dialect=envelope.dialect, feed=envelope.feed, items=records, problems=tuple(problems)
        )

    def _article(self, item: Item, index: int) -> tuple[Item, list[Violation]]:
        """One feed item as an article record, with its body's problems."""
        html = item.get("content") or item.get("summary") or ""
        base_url = item.get("url") or DEFAULT_BASE_URL
        body = parse_rfi_body(html, base_url=base_url, timezone=self.timezone)
        return article_record(item, body), body_violations(body, index=index, item=item)


def relative_links(body: bytes, items: list[Item], *, base: str) -> Iterator[Violation]:
    """A ``link-relative`` error for each item whose ``<link>`` the feed wrote relative.

    RSS 2.0 links are absolute URLs; the envelope resolves a relative one against ``base`` (the
    channel link), which may not be where the source meant (and body images that are relative
    too then resolve against that guess: a feed whose images sit on another host gets them all
    wrong). A guess in the data is an error by default, as relative links are for every feed
    (``[feeds.severity] link-relative = "warning"`` when the guess is known to be right).
    """
    written: dict[str, str] = {}
    for match in _RAW_LINK.finditer(body):
        raw = match.group(2).decode("utf-8", "replace")
        raw = raw if match.group(1) else htmllib.unescape(raw)  # CDATA holds no entities
        try:
            if not urlsplit(raw).scheme:
                written.setdefault(urljoin(base, raw), raw)
        except ValueError:
            continue
    if not written:
        return
    for index, item in enumerate(items):
        found = written.get(item.get("url") or "")
        if found is not None:
            yield Violation(
                check="link-relative",
                message=f"the item link is relative in the feed: resolved against {base}",
                field="url",
                observed=found[:120],
                expected="an absolute http(s) URL",
                item_index=index,
                item_id=item.get("id"),
                item_url=item.get("url"),
                severity=Severity.ERROR,
            )
