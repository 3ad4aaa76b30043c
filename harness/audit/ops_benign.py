"""Built-in benign operators: content changes that keep a feed's form (see harness.audit.operators).

Each one changes what a feed says, never how it says it: other text in the same script, other
item counts and order, other dates (keeping the source's date line and mirror lag), optional
parts present or not, whitespace and attribute order. No check should fire on their output.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, timedelta
from typing import Any

from lxml import etree

from harness.audit.articleform import (
    DATELINE_FORMAT,
    Article,
    articles,
    is_ambiguous,
    shift_date_text,
    source_zone,
)
from harness.audit.feeddoc import (
    Entry,
    FeedDoc,
    NotApplicable,
    html_join,
    html_parts,
    iter_html_text,
)
from harness.audit.operators import Choices, Kind, operator
from harness.dates import parse_feed_date

BENIGN = Kind.BENIGN
_CJK = re.compile("[\u3400-\u9fff]")
_LATIN = re.compile("[A-Za-z]")
_DATELINE = re.compile(r"\d{2}/\d{2}/\d{4} - \d{2}:\d{2}")
_URL_DATE = re.compile(r"/(\d{8})-")
# Labels and markers that belong to the form: text holding one is left alone.
_FORM_WORDS = ("作者", "分享", "同一主题", "获取更多", "©", "http", "RSS", "免责", "AFP")
# Common characters of news Chinese (none of them starts a label of the RFI form).
HANZI = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到地于出就分对成会可主发年动同工也能下过子说"
    "产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使"
    "点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明"
    "看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直党程展五果料象"
    "员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几"
    "九区强放决西被干做必战先回则任取据处府研理世界经济外交部长总统政府国际新闻报道表示认为美国法国"
)
WORDS = (
    "the",
    "government",
    "said",
    "on",
    "tuesday",
    "that",
    "talks",
    "would",
    "resume",
    "after",
    "a",
    "brief",
    "pause",
    "in",
    "the",
    "capital",
    "officials",
    "markets",
    "investors",
    "reported",
    "growth",
    "inflation",
    "central",
    "bank",
    "rates",
    "shares",
    "fell",
    "rose",
    "minister",
    "parliament",
    "election",
    "campaign",
    "voters",
    "policy",
    "economy",
    "energy",
    "prices",
    "workers",
    "strike",
    "company",
    "profits",
    "quarter",
    "analysts",
    "expect",
    "deal",
    "agreement",
    "border",
    "security",
    "council",
    "leaders",
    "meeting",
    "summit",
    "climate",
    "report",
    "week",
    "year",
    "city",
    "region",
    "people",
    "police",
    "court",
    "ruling",
    "case",
)


def chinese_text(rng: random.Random, size: int) -> str:
    """``size`` characters of Chinese-looking text with full-width punctuation."""
    out: list[str] = []
    while len(out) < size:
        run = rng.randint(4, 14)
        out += rng.choices(HANZI, k=run)
        out.append(rng.choice("，，，。、"))
    text = "".join(out[:size])
    return text[:-1] + "。" if size > 8 else text


def english_text(rng: random.Random, size: int) -> str:
    """About ``size`` characters of English-looking words, capitalised, with a full stop."""
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < size:
        words.append(rng.choice(WORDS))
    text = " ".join(words) or rng.choice(WORDS)
    return text[0].upper() + text[1:] + ("." if size > 20 else "")


def _like(text: str, rng: random.Random) -> str:
    """Other text in the same script and of a similar length, same surrounding whitespace."""
    core = text.strip()
    if not core or _DATELINE.search(core) or any(w in core for w in _FORM_WORDS):
        return text
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    size = max(1, round(len(core) * rng.uniform(0.7, 1.3)))
    if _CJK.search(core):
        return lead + chinese_text(rng, size) + trail
    if _LATIN.search(core):
        return lead + english_text(rng, size) + trail
    return text


@operator("text-vary", kind=BENIGN)
def text_vary(doc: FeedDoc, choices: Choices) -> None:
    """Other articles: titles and body text replaced by other text in the same script."""
    rng = choices.rng()
    entries = doc.entries()
    keep = _repeated_texts(entries)
    for entry in entries:
        _vary_entry_text(entry, rng, keep)
    doc.notes.append("text replaced")


def _repeated_texts(entries: list[Entry]) -> frozenset[str]:
    """Texts and image sources found in two or more items: the feed's own (form), kept."""
    seen: dict[str, int] = {}
    for entry in entries:
        body = entry.get("body")
        holder = html_parts(body or "")
        texts = {getattr(e, a).strip() for e, a in iter_html_text(holder)}
        texts |= {img.get("src") or "" for img in holder.iter("img")}
        for text in texts:
            seen[text] = seen.get(text, 0) + 1
    return frozenset(t for t, n in seen.items() if n > 1)


def _vary_entry_text(entry: Entry, rng: random.Random, keep: frozenset[str] = frozenset()) -> None:
    title = entry.get("title")
    if title:
        entry.set("title", _like(title, rng))
    body = entry.get("body")
    if not body:
        return
    holder = html_parts(body)
    for elem, attr in list(iter_html_text(holder)):
        if elem.tag == "a" or any(a.tag == "a" for a in elem.iterancestors()):
            continue
        if getattr(elem, attr).strip() not in keep:
            setattr(elem, attr, _like(getattr(elem, attr), rng))
    for img in holder.iter("img"):  # another article, another picture
        src = img.get("src") or ""
        if "/" in src and src not in keep:
            head, _, name = src.rpartition("/")
            stem, dot, ext = name.rpartition(".")
            img.set("src", f"{head}/{rng.getrandbits(40):010x}{dot}{ext if stem else name}")
    entry.set("body", html_join(holder))


@operator("item-order", kind=BENIGN)
def item_order(doc: FeedDoc, choices: Choices) -> None:
    """The items come in another order."""
    entries = doc.entries()
    if len(entries) < 2:
        raise NotApplicable("fewer than two items")
    order = list(entries)
    rng = choices.rng()
    while [e.node for e in order] == [e.node for e in entries]:
        rng.shuffle(order)
    doc.reorder(order)
    doc.notes.append("items reordered")


@operator("item-count", kind=BENIGN)
def item_count(doc: FeedDoc, choices: Choices) -> None:
    """Fewer or more items (within half the count either way); new items get fresh ids."""
    entries = doc.entries()
    n = len(entries)
    if n == 0:
        raise NotApplicable("no items")
    target = choices.integer(max(1, (n + 1) // 2), n + max(1, n // 2))
    if target == n:
        target = n + 1 if n == 1 or choices.boolean() else n - 1
    rng = choices.rng()
    if target < n:
        for entry in rng.sample(entries, n - target):
            doc.remove(entry)
    for k in range(target - n):
        _freshen(doc.duplicate(rng.choice(entries)), k + 1, rng)
    doc.notes.append(f"{n} -> {target} items")


def _freshen(entry: Entry, k: int, rng: random.Random) -> None:
    """Make a copied item another article of the same site: own link, id and text."""
    for name in ("link", "id"):
        value = entry.get(name)
        if value:
            sep = "&" if "?" in value else "?"
            entry.set(name, f"{value}{sep}copy={k}")
    _vary_entry_text(entry, rng, frozenset())


@operator("date-vary", kind=BENIGN)
def date_vary(doc: FeedDoc, choices: Choices) -> None:
    """Other dates: items moved by up to a year; date lines, URL dates and mirror lag follow."""
    rng = choices.rng()
    try:
        parts = articles(doc)
    except NotApplicable:
        parts = []
    done = {id(a.entry.node) for a in parts if _move_article(a, doc, rng)}
    moved = len(done)
    for entry in doc.entries():
        if id(entry.node) in done:
            continue
        raw = entry.get("published")
        new = shift_date_text(raw, _delta(rng)) if raw else None
        if new is not None:
            entry.set("published", new)
            moved += 1
    if not moved:
        raise NotApplicable("no item has a readable date")
    doc.notes.append(f"{moved} item dates moved")


def _delta(rng: random.Random) -> timedelta:
    return timedelta(days=rng.randint(-365, 365), minutes=rng.randint(-720, 720))


def _move_article(article: Article, doc: FeedDoc, rng: random.Random) -> bool:
    """New timestamp; the date line (source zone) and the URL date follow, the lag is kept."""
    raw = article.entry.get("published")
    try:
        stamp = parse_feed_date(raw).value if raw else None
    except ValueError:
        return False
    if stamp is None or article.local_time is None:
        return False
    zone = source_zone(doc)
    line = article.local_time.replace(tzinfo=zone)
    for _ in range(20):
        delta = _delta(rng)
        local = (line.astimezone(UTC) + delta).astimezone(zone).replace(tzinfo=None)
        if not is_ambiguous(local, zone):
            break
    new_raw = shift_date_text(raw or "", delta)
    if new_raw is None:
        return False
    article.entry.set("published", new_raw)
    article.dateline.text = local.strftime(DATELINE_FORMAT)
    article.save()
    for name in ("link", "id"):
        value = article.entry.get(name)
        if value and _URL_DATE.search(value):
            article.entry.set(name, _URL_DATE.sub(f"/{local:%Y%m%d}-", value, count=1))
    return True


@operator("optional-fields", kind=BENIGN)
def optional_fields(doc: FeedDoc, choices: Choices) -> None:
    """Optional parts present or not: an image, an author (only forms the feed already uses)."""
    rng = choices.rng()
    changed = _toggle_article_parts(doc, rng) + _toggle_authors(doc, rng)
    if not changed:
        raise NotApplicable("the feed has no optional image or author")
    doc.notes.append(f"{changed} optional parts toggled")


def _toggle_article_parts(doc: FeedDoc, rng: random.Random) -> int:
    try:
        parts = articles(doc)
    except NotApplicable:
        return 0
    images = [etree.tostring(a.image, encoding="unicode") for a in parts if a.image is not None]
    candidates = [a for a in parts if a.image is not None or images]
    if not candidates:
        return 0
    chosen = rng.sample(candidates, min(len(candidates), rng.randint(1, max(1, len(parts) // 2))))
    for article in chosen:
        if article.image is not None:
            _drop(article.image)
        else:
            image = html_parts(rng.choice(images))[0]
            image.tail = None
            article.dateline.addnext(image)
        article.save()
    return len(chosen)


def _toggle_authors(doc: FeedDoc, rng: random.Random) -> int:
    entries = doc.entries()
    names = [a for a in (e.get("author") for e in entries) if a]
    if not names:
        return 0
    chosen = rng.sample(entries, rng.randint(1, max(1, len(entries) // 2)))
    for entry in chosen:
        entry.set("author", None if entry.get("author") is not None else rng.choice(names))
    return len(chosen)


def _drop(elem: Any) -> None:
    parent, previous = elem.getparent(), elem.getprevious()
    if elem.tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + elem.tail
        else:
            parent.text = (parent.text or "") + elem.tail
    parent.remove(elem)


@operator("whitespace", kind=BENIGN)
def whitespace(doc: FeedDoc, choices: Choices) -> bytes | None:
    """Other whitespace: indentation between elements, blanks around titles and in bodies."""
    indent = choices.choice(("", "\n", "\n  ", "\n\t\t"))
    pad = choices.choice((" ", "\n", "  \n  "))
    for entry in doc.entries():
        title = entry.get("title")
        if title:
            entry.set("title", f"{pad}{title}{pad}")
        body = entry.get("body")
        if body:
            holder = html_parts(body)
            for child in holder:
                child.tail = (child.tail or "") + indent
            entry.set("body", html_join(holder))
    if doc.kind == "json":
        return _json_bytes(doc, indent)
    for elem in doc.root.iter():
        if isinstance(elem.tag, str) and len(elem) and not (elem.text or "").strip():
            elem.text = indent or None
            for child in elem:
                if not (child.tail or "").strip():
                    child.tail = indent or None
    doc.notes.append(f"indentation {indent!r}, title padding {pad!r}")
    return None


def _json_bytes(doc: FeedDoc, indent: str) -> bytes:
    import json

    spaces = None if not indent else len(indent.replace("\n", "").expandtabs(4)) or 1
    return (json.dumps(doc.data, ensure_ascii=False, indent=spaces) + "\n").encode("utf-8")


@operator("attribute-order", kind=BENIGN)
def attribute_order(doc: FeedDoc, choices: Choices) -> None:
    """Attributes written in another order (XML elements and body HTML)."""
    del choices
    changed = 0
    if doc.kind == "xml":
        changed += sum(_reverse_attributes(e) for e in doc.root.iter())
    for entry in doc.entries():
        body = entry.get("body")
        if not body or "=" not in body:
            continue
        holder = html_parts(body)
        count = sum(_reverse_attributes(e) for e in holder.iter())
        if count:
            entry.set("body", html_join(holder))
            changed += count
    if not changed:
        raise NotApplicable("no element has two or more attributes")
    doc.notes.append(f"{changed} attribute lists reversed")


def _reverse_attributes(elem: Any) -> int:
    if not isinstance(elem.tag, str) or len(elem.attrib) < 2:
        return 0
    items = list(elem.attrib.items())
    elem.attrib.clear()
    for name, value in reversed(items):
        elem.set(name, value)
    return 1
