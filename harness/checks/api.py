"""The check-writing API: a violation naming its item, an item's text fields, bounded values."""

from __future__ import annotations

from typing import Any

from harness import textsafe
from harness.model import Item, Violation

__all__ = ["shorten", "text_fields", "violation"]


def shorten(value: Any, width: int = 120) -> str:
    """A one-line, bounded rendering of an observed value."""
    text = value if isinstance(value, str) else repr(value)
    return textsafe.shorten(" ".join(text.split()), width)


def violation(item: Item, index: int, field: str, message: str, **kw: Any) -> Violation:
    """A violation naming the item by index, id and URL."""
    observed = kw.pop("observed", None)
    return Violation(
        check="",
        message=message,
        field=field,
        observed=None if observed is None else shorten(observed),
        item_index=index,
        item_id=_str_or_none(item.get("id")),
        item_url=_str_or_none(item.get("url")),
        **kw,
    )


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


_PARAGRAPH_PATHS = tuple(f"paragraphs/{i}" for i in range(256))  # formatted once, not per call


def text_fields(item: Item) -> list[tuple[str, str]]:
    """(path, text) of every plain-text field of an item or article record."""
    get = item.get
    found = []
    for key in ("title", "lead", "author"):
        value = get(key)
        if isinstance(value, str):
            found.append((key, value))
    dateline = get("dateline")
    if isinstance(dateline, dict) and isinstance(dateline.get("text"), str):
        found.append(("dateline/text", dateline["text"]))
    paragraphs = get("paragraphs")
    if paragraphs:
        paths = _PARAGRAPH_PATHS
        found += [
            (paths[i] if i < 256 else f"paragraphs/{i}", p)
            for i, p in enumerate(paragraphs)
            if isinstance(p, str)
        ]
    return found
