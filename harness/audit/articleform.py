"""The parts of a feed's form that operators edit: RFI-style article bodies and feed date strings.

An article body (feedx/RFI) opens with a date line ``<div>DD/MM/YYYY - HH:MM</div>`` in the
source's zone, then an image, a bold lead, ``<p>`` paragraphs in a wrapper, an author block
(``作者：``) and boilerplate. :func:`articles` finds those parts in each entry of a
:class:`~harness.audit.feeddoc.FeedDoc`; the date helpers rewrite RFC 822 / RFC 3339 strings keeping
their shape (weekday or not, seconds or not, the zone token).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from harness.audit.feeddoc import Entry, FeedDoc, NotApplicable, html_join, html_parts
from harness.dates import parse_feed_date
from harness.parsers.rfidateline import local_dateline

__all__ = [
    "DATELINE_FORMAT",
    "Article",
    "articles",
    "dateline_local",
    "is_ambiguous",
    "rezone_date_text",
    "shift_date_text",
    "source_zone",
]

DATELINE_FORMAT = "%d/%m/%Y - %H:%M"
_DATELINE = re.compile(r"^\s*(\d{2})/(\d{2})/(\d{4}) - (\d{2}):(\d{2})\s*$")
_OPENS_WITH_DATELINE = re.compile(
    r"\s*<div[^<>]*>\s*\d{2}/\d{2}/\d{4} - \d{2}:\d{2}\s*</div>", re.I
)
_AUTHOR_LABEL = re.compile(r"^\s*作者\s*[：:]")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_RFC822 = re.compile(
    r"^(?P<weekday>[A-Za-z]{2,9},\s*)?(?P<day>\d{1,2}) (?P<month>[A-Za-z]{3,9}) (?P<year>\d{4}) "
    r"(?P<clock>\d{1,2}:\d{2}(?::\d{2})?)(?P<space>\s+)(?P<zone>\S+)\s*$"
)
_RFC3339 = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})(?P<sep>[Tt ])(?P<clock>\d{2}:\d{2}(?::\d{2})?)"
    r"(?P<fraction>[.,]\d+)?(?P<zone>[Zz]|[+-]\d{2}:?\d{2})?\s*$"
)

Element = Any


@dataclass(slots=True)
class Article:
    """One entry's body split into the parts of the RFI form (elements of ``holder``)."""

    entry: Entry
    holder: Element
    dateline: Element = None  # set for every Article that articles() returns
    image: Element = None
    lead: Element = None
    paragraphs: list[Element] = field(default_factory=list)
    author: Element = None

    @property
    def local_time(self) -> datetime | None:
        """The date line as a naive local datetime."""
        return None if self.dateline is None else dateline_local(self.dateline.text or "")

    def save(self) -> None:
        """Write the edited body back into the entry."""
        self.entry.set("body", html_join(self.holder))


def articles(doc: FeedDoc) -> list[Article]:
    """Every entry whose body opens with a date line; NotApplicable when none does."""
    found = []
    for entry in doc.entries():
        body = entry.get("body")
        if not body or not _OPENS_WITH_DATELINE.match(body):
            continue
        article = _split(entry, html_parts(body))
        if article.dateline is not None:
            found.append(article)
    if not found:
        raise NotApplicable("no item body opens with a date line (DD/MM/YYYY - HH:MM)")
    return found


def _split(entry: Entry, holder: Element) -> Article:
    article = Article(entry, holder)
    children = [c for c in holder if isinstance(c.tag, str)]
    if children and len(children[0]) == 0 and _DATELINE.match(children[0].text or ""):
        article.dateline = children[0]
    for child in children:
        if child.tag == "img" and article.image is None:
            article.image = child
        elif child.tag == "p" and article.lead is None and _is_lead(child):
            article.lead = child
        elif article.author is None and _AUTHOR_LABEL.match("".join(child.itertext())):
            article.author = child
    lead = article.lead
    article.paragraphs = [
        p
        for p in holder.iter("p")
        if p is not lead and "".join(p.itertext()).strip() and not _inside(p, article.author)
    ]
    return article


def _is_lead(p: Element) -> bool:
    if (p.text or "").strip() or not len(p):
        return False
    return all(c.tag in ("strong", "b") and not (c.tail or "").strip() for c in p)


def _inside(elem: Element, block: Element | None) -> bool:
    return block is not None and any(a is block for a in elem.iterancestors())


def source_zone(doc: FeedDoc) -> ZoneInfo:
    """The zone date lines are written in (the feed's configured zone, else Europe/Paris)."""
    return ZoneInfo(doc.timezone or "Europe/Paris")


def dateline_local(text: str) -> datetime | None:
    """``DD/MM/YYYY - HH:MM`` as a naive datetime, or None (the RFI body parser's reading)."""
    return local_dateline(text.strip())


def is_ambiguous(local: datetime, zone: ZoneInfo) -> bool:
    """True when ``local`` falls in a DST gap or fold of ``zone`` (read back differently)."""
    return (
        local.replace(tzinfo=zone, fold=0).utcoffset()
        != local.replace(tzinfo=zone, fold=1).utcoffset()
    )


# --- feed date strings ---------------------------------------------------------------------------


def shift_date_text(raw: str, delta: timedelta) -> str | None:
    """``raw`` moved by ``delta``, written in the same shape and zone; None if unreadable."""
    try:
        value = parse_feed_date(raw).value + delta
    except (ValueError, OverflowError):
        return None
    text = raw.strip()
    if m := _RFC822.match(text):
        weekday = ""
        if m["weekday"]:
            known = m["weekday"][:3].title() in _WEEKDAYS
            name = _WEEKDAYS[value.weekday()] if known else m["weekday"].split(",")[0]
            weekday = name + m["weekday"][len(m["weekday"].split(",")[0]) :]
        seconds = f":{value.second:02d}" if m["clock"].count(":") == 2 else ""
        day = f"{value.day:02d}" if len(m["day"]) == 2 else str(value.day)
        return (
            f"{weekday}{day} {_MONTHS[value.month - 1]} {value.year:04d} "
            f"{value.hour:02d}:{value.minute:02d}{seconds}{m['space']}{m['zone']}"
        )
    if m := _RFC3339.match(text):
        seconds = f":{value.second:02d}" if m["clock"].count(":") == 2 else ""
        return (
            f"{value:%Y-%m-%d}{m['sep']}{value:%H:%M}{seconds}{m['fraction'] or ''}"
            f"{m['zone'] or ''}"
        )
    return None


def rezone_date_text(raw: str, offset_minutes: int) -> str | None:
    """``raw`` with its wall clock kept and its zone replaced (the instant moves)."""
    text = raw.strip()
    sign = "-" if offset_minutes < 0 else "+"
    hours, minutes = divmod(abs(offset_minutes), 60)
    if m := _RFC822.match(text):
        token = "GMT" if offset_minutes == 0 else f"{sign}{hours:02d}{minutes:02d}"
        return text[: m.start("zone")] + token
    if m := _RFC3339.match(text):
        token = "Z" if offset_minutes == 0 else f"{sign}{hours:02d}:{minutes:02d}"
        end = m.end("fraction") if m["fraction"] else m.end("clock")
        return text[:end] + token
    return None
