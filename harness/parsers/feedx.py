"""Parser ``feedx-rfi``: RFI Chinese through the feedx.net mirror, each item's body parsed."""

from __future__ import annotations

from typing import ClassVar

from harness.model import FeedOutput, Fetch, Item, Response, Violation
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

__all__ = ["ARTICLE_INVARIANTS", "FeedxRfiParser", "article_record", "body_violations"]

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
    """The RSS envelope via :class:`RssParser`, then each body via :func:`parse_rfi_body`."""

    name: ClassVar[str] = "feedx-rfi"
    schema: ClassVar[str] = "article"
    default_invariants: ClassVar[tuple[str, ...]] = ARTICLE_INVARIANTS

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
        return FeedOutput(
            dialect=envelope.dialect, feed=envelope.feed, items=records, problems=tuple(problems)
        )

    def _article(self, item: Item, index: int) -> tuple[Item, list[Violation]]:
        """One feed item as an article record, with its body's problems."""
        html = item.get("content") or item.get("summary") or ""
        base_url = item.get("url") or DEFAULT_BASE_URL
        body = parse_rfi_body(html, base_url=base_url, timezone=self.timezone)
        return article_record(item, body), body_violations(body, index=index, item=item)
