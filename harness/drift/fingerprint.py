"""Form fingerprints of one recording: what shape its envelope, bodies, fields and dates have.

A fingerprint describes *form*, not content: which element and attribute paths occur, how tags
are written, where the date line, lead, paragraphs, images and author sit, which fields are
filled, what date strings look like, which text blocks repeat verbatim across items, and the
script mix of the text. Each item becomes an :class:`ItemPrint` holding *signals* (strings
``family:value`` that are present or not) and *metrics* (numbers); :mod:`harness.drift` compares
counts of signals and spreads of metrics. Each document is parsed once, with lxml.

Signal families (the part before the first ``:``):

========  =======================================================================
``env``   envelope element/attribute path inside the item (``env:media:content@url``)
``esc``   how a markup field is written in the XML (``esc:description=escaped``)
``tag``   body element path, last three levels, with classes and ``data-*`` names
``attr``  body attribute name per tag (``attr:img@alt``)
``case``  how tag names are written in the raw body (``case:upper``/``lower``/``mixed``)
``href``  link form (``href:relative``, ``src:https``); ``host``/``imghost`` link hosts
``boiler`` a text block repeated verbatim across items (a boilerplate candidate)
``tb``    the tag holding most of the body text (``tb:p``)
``fill``  a parsed field is filled (``fill:author``)
``role``  where a parsed field was found in the body (``role:lead=p|strong``)
``pos``   the body's layout by position, for every parser (``pos:first=p>strong``,
          ``pos:container=div.article>p``, ``pos:last=div.share``): :mod:`~harness.drift.structure`
``dshape`` / ``pshape`` / ``zone``  date line shape, published date shape, zone form
``text``  text anomalies (``text:mojibake``, ``text:escaped-markup``)
========  =======================================================================

The work is split by what is read: :mod:`~harness.drift.envelope` (the raw feed document),
:mod:`~harness.drift.body` (each item's HTML body), :mod:`~harness.drift.textsignals` (the text's
anomalies and script), :mod:`~harness.drift.draft` (an item's notes and the boilerplate across
items); this module holds the result's data model and reads the parsed fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harness.drift.body import parse_body, role_signals, tag_case, walk
from harness.drift.draft import Draft, boilerplate
from harness.drift.envelope import envelope
from harness.drift.forms import host_key, link_form, norm, shape, short, zone
from harness.drift.textsignals import text_signals, title_signals
from harness.model import FeedOutput, Item, item_key

__all__ = ["METRICS", "Fingerprint", "ItemPrint", "fingerprint_output"]

METRICS: tuple[str, ...] = (
    "paragraphs",
    "text",
    "images",
    "offset",
    "boilerplate",
    "cjk",
)
"""Per-item numbers: paragraph count, body text length, images, timestamp minus date line
(minutes), share of body text in boilerplate candidates, share of CJK among letters."""


@dataclass(frozen=True, slots=True)
class ItemPrint:
    """The form of one item: present signals, per-item numbers and where signals were met."""

    key: str  # harness.model.item_key: id, else URL, else "#index" (across recordings)
    index: int
    title: str
    signals: frozenset[str]
    metrics: Mapping[str, float] = field(default_factory=dict)
    where: Mapping[str, int] = field(default_factory=dict)  # signal -> top-level block index
    excerpts: Mapping[str, str] = field(default_factory=dict)  # signal -> short raw excerpt
    texts: frozenset[str] = frozenset()  # hashes of every text block (boilerplate look-ups)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """The form of one recording of a feed (or why it has none: transport failure, error)."""

    path: str
    feed: str | None
    url: str | None
    recorded_at: str | None
    dialect: str | None = None
    encoding: str | None = None
    feed_signals: frozenset[str] = frozenset()  # namespaces, root, channel paths
    items: tuple[ItemPrint, ...] = ()
    boilerplate: Mapping[str, str] = field(default_factory=dict)  # hash -> excerpt
    shapes: Mapping[str, str] = field(default_factory=dict)  # "shape:<hash>" -> an excerpt
    transport: str | None = None  # a transport failure (empty, NUL, spliced, HTTP error)
    error: str | None = None  # unreadable for another reason

    @property
    def ok(self) -> bool:
        """True when the recording has a form to compare (no transport failure, no error)."""
        return self.transport is None and self.error is None

    @property
    def name(self) -> str:
        """The recording's file name, as reports show it."""
        return Path(self.path).name


# --- entry points ------------------------------------------------------------------------------


def fingerprint_output(base: Fingerprint, output: FeedOutput, body: bytes) -> Fingerprint:
    """Fingerprint a parsed recording: ``base`` names it, ``body`` is the raw feed document."""
    env = envelope(body)
    drafts = [_item_draft(item, i, env.items) for i, item in enumerate(output.items)]
    found = boilerplate(drafts)
    for draft in drafts:
        draft.mark_boilerplate(found)
    items = tuple(_freeze(d) for d in drafts)
    encoding = output.feed.get("encoding")
    return replace(
        base,
        dialect=output.dialect,
        encoding=encoding if isinstance(encoding, str) else None,
        feed_signals=frozenset(env.feed),
        items=items,
        boilerplate={h: text for h, (text, _) in found.items()},
        shapes={
            s: text for item in items for s, text in item.excerpts.items() if s.startswith("shape:")
        },
    )


def _freeze(draft: Draft) -> ItemPrint:
    """The item print of a finished draft."""
    return ItemPrint(
        key=draft.key,
        index=draft.index,
        title=draft.title,
        signals=frozenset(draft.signals),
        metrics=dict(draft.metrics),
        where=dict(draft.where),
        excerpts=dict(draft.excerpts),
        texts=frozenset(d for d, _, _ in draft.texts),
    )


def _item_draft(item: Item, index: int, envelope_items: list[set[str]]) -> Draft:
    title = item.get("title") if isinstance(item.get("title"), str) else ""
    draft = Draft(item_key(item, index), index, short(title or "", 80))
    if index < len(envelope_items):
        draft.signals.update(envelope_items[index])
    _fields(item, draft)
    if isinstance(item.get("paragraphs"), list):
        parts = [item.get("lead"), item.get("author"), *item["paragraphs"]]
        draft.field_text = "\n".join(norm(p) for p in parts if isinstance(p, str))
    html = item.get("content") or item.get("summary") or ""
    body = parse_body(html) if isinstance(html, str) and html.strip() else None
    if body is not None:
        tag_case(html, draft)
        text_by_block = walk(body, draft, html)
        role_signals(item, text_by_block, draft)
        text_signals(body, draft)
    if isinstance(title, str):
        title_signals(title, draft)
    return draft


def _fields(item: Item, draft: Draft) -> None:
    for key, value in item.items():
        if value not in (None, "", [], {}):
            draft.signals.add(f"fill:{key}")
    dateline = item.get("dateline")
    if isinstance(dateline, dict):
        text = dateline.get("text")
        if isinstance(text, str) and text:
            draft.signals.add(f"dshape:{shape(text)}")
        if dateline.get("time"):
            draft.signals.add("fill:dateline/time")
            offset = _offset(item.get("published"), dateline.get("time"))
            if offset is not None:
                draft.metrics["offset"] = offset
    url = item.get("url")
    if isinstance(url, str) and url:
        form, host = link_form(url)
        draft.signals.add(f"url:{form}")
        if host:
            draft.signals.add(f"urlhost:{host_key(host)}")
        if "//" in urlsplit(url).path:
            draft.signals.add("url:double-slash")
    raw = item.get("published_raw")
    if isinstance(raw, str) and raw.strip():
        draft.signals.add(f"pshape:{shape(raw)}")
        draft.signals.add(f"zone:{zone(raw)}")
    paragraphs = item.get("paragraphs")
    if isinstance(paragraphs, list):
        draft.metrics["paragraphs"] = float(len(paragraphs))


def _offset(published: Any, dateline: Any) -> float | None:
    try:
        a = datetime.fromisoformat(str(published).replace("Z", "+00:00"))
        b = datetime.fromisoformat(str(dateline).replace("Z", "+00:00"))
        return round((a - b).total_seconds() / 60, 1)
    except (TypeError, ValueError):
        return None
