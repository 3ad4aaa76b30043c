"""Parser ``feedx-rfi``: RFI Chinese through the feedx.net mirror, each item's body parsed."""

from __future__ import annotations

from typing import ClassVar

from harness.model import FeedOutput, Fetch, Item, Response, Violation
from harness.parsers.rfi import (
    ARTICLE_INVARIANTS,
    DEFAULT_BASE_URL,
    DEFAULT_TIMEZONE,
    article_record,
    body_violations,
    load_zone,
    parse_rfi_body,
)
from harness.parsers.rss import RssParser

__all__ = ["FeedxRfiParser"]


class FeedxRfiParser:
    """The RSS envelope via :class:`RssParser`, then each body via :func:`parse_rfi_body`."""

    name: ClassVar[str] = "feedx-rfi"
    schema: ClassVar[str] = "article"
    default_invariants: ClassVar[tuple[str, ...]] = ARTICLE_INVARIANTS

    def __init__(self, *, timezone: str = DEFAULT_TIMEZONE) -> None:
        """Read date lines in ``timezone`` (an IANA name); ConfigError when unknown."""
        load_zone(timezone)
        self.timezone = timezone

    def parse(self, response: Response, *, fetch: Fetch) -> FeedOutput:
        """Parse the feed; envelope errors (ParseError, TransportError) propagate."""
        envelope = RssParser().parse(response, fetch=fetch)
        records: list[Item] = []
        problems: list[Violation] = list(envelope.problems)
        for index, item in enumerate(envelope.items):
            record, found = self._article(item, index)
            records.append(record)
            problems.extend(found)
        return FeedOutput(dialect=envelope.dialect, feed=envelope.feed, items=records,
                          problems=tuple(problems))

    def _article(self, item: Item, index: int) -> tuple[Item, list[Violation]]:
        """One feed item as an article record, with its body's problems."""
        html = item.get("content") or item.get("summary") or ""
        base_url = item.get("url") or DEFAULT_BASE_URL
        body = parse_rfi_body(html, base_url=base_url, timezone=self.timezone)
        return article_record(item, body), body_violations(body, index=index, item=item)
