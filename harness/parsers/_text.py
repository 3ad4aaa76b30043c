"""Tiny text helpers the feed-envelope modules share: collapse, shorten, strip tags."""

from __future__ import annotations

from html import unescape

from harness.textclass import strip_tags
from harness.textsafe import shorten  # re-exported for the envelope modules

__all__ = ["collapse", "collapse_or_none", "plain_html", "shorten"]


def collapse(text: str | None) -> str:
    """Runs of whitespace as one space, stripped ("" for None)."""
    return " ".join(text.split()) if text else ""


def collapse_or_none(text: str | None) -> str | None:
    """Like :func:`collapse`, but None stays None."""
    return None if text is None else collapse(text)


def plain_html(markup: str) -> str:
    """Escaped HTML as plain text: tags dropped, entities decoded, whitespace collapsed."""
    return collapse(unescape(strip_tags(markup)))
