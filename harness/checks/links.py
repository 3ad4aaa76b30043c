"""Built-in invariant ``links-absolute``: item links are absolute http(s) URLs on allowed hosts."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from harness.checks.api import violation
from harness.invariants import CheckContext
from harness.model import Item, Violation

__all__ = ["link_problem", "links_absolute"]


def links_absolute(items: Sequence[Item], ctx: CheckContext) -> Iterator[Violation]:
    """Item URL and images are absolute http(s) URLs on the feed's allowed hosts."""
    hosts = tuple(h.lower().lstrip(".") for h in ctx.allowed_hosts)
    for i, item in enumerate(items):
        links: list[tuple[str, Any]] = [("url", item.get("url"))]
        links += [(f"images/{j}", u) for j, u in enumerate(item.get("images") or ())]
        for path, link in links:
            if link is None and path == "url":
                continue  # a feed item without a link is the schema's business
            problem = link_problem(link, hosts)
            if problem:
                yield violation(
                    item,
                    i,
                    path,
                    problem,
                    observed=link,
                    expected="absolute http(s) URL" + (f" on {', '.join(hosts)}" if hosts else ""),
                )


# A URL whose scheme and host urlsplit reads without surprises: a lower-case http(s) scheme, an

# ASCII host of letters, digits, dots and hyphens (no user, no brackets, no zone), an optional

# numeric port, then nothing urlsplit strips or removes (C0 controls, space). Its host is

# ``group(1).lower()``, as urlsplit's; any other URL goes through urlsplit.

_PLAIN_URL = re.compile(r"https?://([A-Za-z0-9.-]+)(?::[0-9]*)?(?:[/?#][^\x00-\x20]*)?")


def link_problem(link: Any, hosts: tuple[str, ...]) -> str | None:
    """What is wrong with ``link`` as an item link on ``hosts`` (any host when empty), or None."""
    if not isinstance(link, str):
        return "link is not a string"
    plain = _PLAIN_URL.fullmatch(link)
    if plain is not None:
        host = plain.group(1).lower()
    else:
        try:
            parts = urlsplit(link)
            hostname = parts.hostname
        except ValueError as err:  # "http://example.c[o.test/": a malformed IPv6 host
            return f"malformed URL ({err})"
        if parts.scheme not in ("http", "https") or not hostname:
            return "relative or non-http link"
        host = hostname.lower()
    if hosts and host not in hosts and not any(host.endswith("." + h) for h in hosts):
        return f"link on host {host!r}, not an allowed host"
    return None
