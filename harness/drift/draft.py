"""An item on its way to a fingerprint, and the boilerplate found across a recording's items.

An item's signals are noted on a :class:`Draft` as the envelope, fields and body are read; the
boilerplate (text blocks repeated verbatim across items) needs every item's blocks first, so it
is marked on the drafts last, before they are frozen into item prints.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from harness.drift.forms import EXCERPT, short

__all__ = ["BOILER_MIN_SHARE", "Draft", "boilerplate"]

BOILER_MIN_SHARE = 0.25  # share of a recording's items a block must repeat in (and 2 at least)


@dataclass(slots=True)
class Draft:
    """An item's signals, numbers, places and text blocks, noted while it is read."""

    key: str
    index: int
    title: str
    signals: set[str] = field(default_factory=set)
    metrics: dict[str, float] = field(default_factory=dict)
    where: dict[str, int] = field(default_factory=dict)
    excerpts: dict[str, str] = field(default_factory=dict)
    blocks: list[Any] = field(default_factory=list)  # top-level elements (or text) in order
    texts: list[tuple[str, int, str]] = field(default_factory=list)  # (hash, top index, text)
    field_text: str | None = None  # parsed text fields joined (None: the parser has none)
    block_excerpts: dict[int, str] = field(default_factory=dict)  # top index -> its excerpt

    def add(self, signal: str, top: int | None = None, excerpt: str | None = None) -> None:
        """Note a signal, where it was first met and an excerpt of that place."""
        self.signals.add(signal)
        if top is not None and signal not in self.where:
            self.where[signal] = top
            if excerpt is None and top < len(self.blocks):
                excerpt = self.block_excerpt(top)
        if excerpt is not None and signal not in self.excerpts:
            self.excerpts[signal] = excerpt

    def block_excerpt(self, top: int) -> str:
        """The excerpt of top-level block ``top``, serialized once (blocks are only appended)."""
        excerpt = self.block_excerpts.get(top)
        if excerpt is None:
            excerpt = self.block_excerpts[top] = _block_excerpt(self.blocks[top])
        return excerpt

    def mark_boilerplate(self, boilerplate: Mapping[str, tuple[str, int]]) -> None:
        """Add the boilerplate (and leaked boilerplate) signals and the boilerplate share."""
        total = sum(len(text) for _, _, text in self.texts)
        boiler = 0
        for digest, top, text in self.texts:
            if digest in boilerplate:
                boiler += len(text)
                self.add(f"boiler:{digest}", top, short(text))
                if self.field_text is not None and text in self.field_text:
                    self.add(f"leak:{digest}", top, short(text))
        if total:
            self.metrics["boilerplate"] = round(boiler / total, 4)


def boilerplate(drafts: list[Draft]) -> dict[str, tuple[str, int]]:
    """Text blocks repeated verbatim in at least 2 items and a quarter of them: hash -> text."""
    seen: Counter[str] = Counter()
    texts: dict[str, str] = {}
    for draft in drafts:
        digests = {d for d, _, _ in draft.texts}
        seen.update(digests)
        for digest, _, text in draft.texts:
            texts.setdefault(digest, text)
    need = max(2, int(len(drafts) * BOILER_MIN_SHARE + 0.999))
    return {
        digest: (short(texts[digest]), count) for digest, count in seen.items() if count >= need
    }


def _block_excerpt(el: Any) -> str:
    if isinstance(el, str):
        return short(el)
    try:
        markup = etree.tostring(el, encoding="unicode", with_tail=False)
    except (etree.LxmlError, ValueError):
        markup = ""
    return short(markup, EXCERPT)
