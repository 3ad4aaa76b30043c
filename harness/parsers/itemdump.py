"""The stored-item form of the seed: one feed item per file, as an archiver wrote it.

::

    <!--1701877503000-->          epoch milliseconds of the item's pubDate
    [title](url)                  the title may hold brackets: the url is after the last "]("
    ------
                                  a blank line
    <div>06/12/2023 - 16:42</div>…  the item's HTML (one line, several accepted)

The body parser is chosen by the host of the item's link (:data:`BODY_PARSERS`).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

from harness.dates import to_utc_rfc3339
from harness.errors import ParseError
from harness.model import FeedOutput, Fetch, Item, Response, Violation
from harness.parsers.feedx import (
    ARTICLE_INVARIANTS,
    FEEDX_RFI_BOILERPLATE,
    article_record,
    body_violations,
)
from harness.parsers.rfi import (
    DEFAULT_BASE_URL,
    DEFAULT_TIMEZONE,
    BodyParser,
    load_zone,
    parse_body,
)

__all__ = [
    "BODY_PARSERS",
    "ItemDumpParser",
    "body_parser_for",
    "looks_like_itemdump",
    "parse_itemdump",
]

BODY_PARSERS: dict[str, BodyParser] = {"rfi.fr": parse_body}
"""Host suffix -> body parser; ``rfi.fr`` matches ``www.rfi.fr`` too."""

_HEAD_BYTES = 2048
_SNIPPET = 60
_HEAD = re.compile(rb"\A(?:\xef\xbb\xbf)?<!--\d{10,16}-->[ \t]*\r?\n\[[^\r\n]*\]\(")
_EPOCH_LINE = re.compile(r"<!--(\d{10,16})-->")
_RULE_LINE = re.compile(r"-{3,}")


def looks_like_itemdump(head: bytes) -> bool:
    """True when the first ~2 KB open with ``<!--<10-16 digits>-->`` then a ``[..](..)`` line."""
    return _HEAD.match(head[:_HEAD_BYTES]) is not None


def parse_itemdump(data: bytes, *, source: str) -> Item:
    """Read one stored item into a feed-item record (summary = the body HTML).

    Raises :class:`ParseError` ``"<source>: ..."`` naming the part of the form that is wrong.
    """
    text = _decode(data, source)
    if not text.strip():
        raise ParseError(
            f"{source}: empty file; expected a stored item opening with '<!--<epoch ms>-->'"
        )
    lines = text.split("\n", 4)
    header = [line.removesuffix("\r") for line in lines[:4]]
    epoch = _read_epoch(header[0], source)
    title, url = _read_link(header[1] if len(header) > 1 else None, source)
    _read_separator(header, source)
    body = lines[4].strip() if len(lines) > 4 else ""
    if not body:
        raise ParseError(f"{source}: no HTML body after line 4 (the blank line after '------')")
    return {
        "id": url,
        "url": url,
        "title": title,
        "published": _published(epoch, source),
        "published_raw": epoch,
        "updated": None,
        "author": None,
        "summary": body,
        "content": None,
        "categories": [],
        "enclosures": [],
    }


def body_parser_for(url: str, *, source: str) -> BodyParser:
    """The body parser registered for the host of ``url``; :class:`ParseError` if none is."""
    host = (urlsplit(url).hostname or "").lower()
    for suffix, parser in BODY_PARSERS.items():
        if host == suffix or host.endswith("." + suffix):
            return parser
    known = ", ".join(sorted(BODY_PARSERS))
    raise ParseError(f"{source}: no body parser for host {host!r} (known: {known})")


class ItemDumpParser:
    """Parser ``itemdump``: one stored item file (``response.body``) -> one article record."""

    name: ClassVar[str] = "itemdump"
    schema: ClassVar[str] = "article"
    fetches: ClassVar[bool] = False  # a stored item is read as it is
    default_invariants: ClassVar[tuple[str, ...]] = ARTICLE_INVARIANTS
    boilerplate_markers: ClassVar[tuple[str, ...]] = FEEDX_RFI_BOILERPLATE

    def __init__(self, *, timezone: str = DEFAULT_TIMEZONE) -> None:
        """Read date lines in ``timezone`` (an IANA name); ConfigError when unknown."""
        load_zone(timezone)
        self.timezone = timezone

    def parse(self, response: Response, *, fetch: Fetch) -> FeedOutput:
        """Parse ``response.body`` as one stored item; ``response.url`` names the file."""
        source = response.url
        item = parse_itemdump(response.body, source=source)
        body_parser = body_parser_for(item["url"], source=source)
        body = body_parser(
            item["summary"], base_url=item["url"] or DEFAULT_BASE_URL, timezone=self.timezone
        )
        problems: tuple[Violation, ...] = tuple(body_violations(body, index=0, item=item))
        feed: dict[str, Any] = {"title": None, "link": None, "language": None, "source": source}
        return FeedOutput(
            dialect="itemdump", feed=feed, items=[article_record(item, body)], problems=problems
        )


def _decode(data: bytes, source: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ParseError(
            f"{source}: not UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}); "
            "a stored item is UTF-8 text"
        ) from None
    return text.removeprefix("\ufeff")


def _read_epoch(line: str, source: str) -> str:
    match = _EPOCH_LINE.fullmatch(line.strip())
    if match is None:
        raise ParseError(
            f"{source}: line 1 should be '<!--<epoch ms, 10-16 digits>-->', got {_snip(line)!r}"
        )
    return match.group(1)


def _read_link(line: str | None, source: str) -> tuple[str, str]:
    link = _split_link(line.strip()) if line is not None else None
    if line is None or link is None:
        got = "end of file" if line is None else repr(_snip(line))
        raise ParseError(f"{source}: line 2 should be '[title](url)', got {got}")
    title, url = link[0], link[1].strip()
    try:
        parts = urlsplit(url)
        absolute = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:  # e.g. a malformed IPv6 host
        absolute = False
    if not absolute:
        raise ParseError(f"{source}: line 2: link {_snip(url)!r} is not an absolute http(s) URL")
    return title.strip(), url


def _split_link(line: str) -> tuple[str, str] | None:
    """``[title](url)`` split at the last ``](`` (the greedy regex's answer, in linear time)."""
    if not line.startswith("[") or not line.endswith(")") or "\n" in line:
        return None
    middle = line.rfind("](", 1, len(line) - 1)
    if middle < 0:
        return None
    return line[1:middle], line[middle + 2 : -1]


def _read_separator(lines: list[str], source: str) -> None:
    rule = lines[2] if len(lines) > 2 else None
    if rule is None or _RULE_LINE.fullmatch(rule.strip()) is None:
        got = "end of file" if rule is None else repr(_snip(rule))
        raise ParseError(f"{source}: line 3 should be '------', got {got}")
    if len(lines) > 3 and lines[3].strip():
        raise ParseError(f"{source}: line 4 should be blank, got {_snip(lines[3])!r}")


def _published(epoch: str, source: str) -> str:
    try:
        moment = datetime.fromtimestamp(int(epoch) // 1000, tz=UTC)
        return to_utc_rfc3339(moment)
    except (OverflowError, OSError, ValueError):
        raise ParseError(
            f"{source}: line 1: epoch {epoch} ms is out of the datetime range"
        ) from None


def _snip(text: str) -> str:
    text = text.strip()
    return text if len(text) <= _SNIPPET else text[: _SNIPPET - 1] + "…"
