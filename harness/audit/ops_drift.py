"""Built-in drift operators on any feed: dates, links, guids, escaping, encodings, dialects."""

from __future__ import annotations

import codecs
import html
import re
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from harness.audit.articleform import (
    Article,
    articles,
    rezone_date_text,
)
from harness.audit.feeddoc import FeedDoc, NotApplicable, html_join, html_parts
from harness.audit.feedwriter import render_feed
from harness.audit.operators import Choices, Kind, operator
from harness.audit.ops_article import edit_articles
from harness.dates import parse_feed_date

DRIFT = Kind.DRIFT
_CJK = re.compile("[\u3400-\u9fff]")
_ISO_DATE = re.compile(r"^(\s*\d{4})-(\d{2})-(\d{2})")
_DECLARATION = re.compile(rb"^(\xef\xbb\xbf)?<\?xml[^>]{0,200}?\?>")


_ZONE_OFFSETS = (0, 60, 120, 480, -300, 540)  # minutes east of UTC


@operator("pubdate-timezone", kind=DRIFT)
def pubdate_timezone(doc: FeedDoc, choices: Choices) -> None:
    """Item dates keep their wall clock under another zone (+0800 becomes GMT): instants move."""
    used = set()
    for entry in doc.entries():
        try:
            value = parse_feed_date(entry.get("published") or "").value
            used.add(int((value.utcoffset() or timedelta()).total_seconds()) // 60)
        except ValueError:
            continue
    offset = choices.choice([o for o in _ZONE_OFFSETS if o not in used] or _ZONE_OFFSETS)
    changed = 0
    for entry in doc.entries():
        raw = entry.get("published")
        try:
            current = parse_feed_date(raw).value.utcoffset() if raw else None
        except ValueError:
            continue
        new = rezone_date_text(raw or "", offset)
        if current is None or new is None or current.total_seconds() == offset * 60:
            continue
        entry.set("published", new)
        changed += 1
    if not changed:
        raise NotApplicable("no item date in another zone than the one drawn")
    doc.notes.append(f"item dates relabelled as UTC{offset / 60:+g}")


@operator("day-month-swap", kind=DRIFT)
def day_month_swap(doc: FeedDoc, choices: Choices) -> None:
    """Day and month trade places (DD/MM becomes MM/DD) in date lines or numeric item dates."""
    del choices
    try:
        edit_articles(doc, _swap_dateline)
        doc.notes.append("date lines written MM/DD/YYYY")
        return
    except NotApplicable:
        pass
    changed = 0
    for entry in doc.entries():
        raw = entry.get("published") or ""
        match = _ISO_DATE.match(raw)
        if match and match[2] != match[3]:
            entry.set("published", f"{match[1]}-{match[3]}-{match[2]}{raw[match.end() :]}")
            changed += 1
    if not changed:
        raise NotApplicable("no date line nor numeric item date with day != month")
    doc.notes.append("item dates written YYYY-DD-MM")


def _swap_dateline(article: Article) -> bool:
    text = article.dateline.text or ""
    day, month = text.strip()[0:2], text.strip()[3:5]
    if day == month:
        return False
    article.dateline.text = text.replace(f"{day}/{month}/", f"{month}/{day}/", 1)
    return True


_PROMOS = {
    "zh": (
        '<div class="newsletter-promo"><p>订阅我们的电子快报，每天早上获取最新要闻。</p></div>',
        '<p class="app-promo">下载我们的应用程序，随时随地收听节目和阅读新闻。</p>',
        "<div><p>欢迎关注我们的官方账号，获取更多精彩内容和独家报道。</p></div>",
    ),
    "en": (
        '<div class="newsletter-promo"><p>Sign up for our morning newsletter and get the top '
        "stories in your inbox.</p></div>",
        '<p class="app-promo">Download our app to get breaking news alerts wherever you are.</p>',
        "<div><p>Follow us on social media for more stories like this one.</p></div>",
    ),
}


@operator("boilerplate-new", kind=DRIFT)
def boilerplate_new(doc: FeedDoc, choices: Choices) -> None:
    """A new promo block (newsletter, app, social) appears in every item body."""
    entries = [e for e in doc.entries() if e.get("body")]
    if not entries:
        raise NotApplicable("no item has a body")
    lang = "zh" if any(_CJK.search(e.get("body") or "") for e in entries) else "en"
    block = choices.choice(_PROMOS[lang])
    inside = choices.boolean()
    for entry in entries:
        holder = html_parts(entry.get("body") or "")
        paragraphs = [p for p in holder.iter("p") if p.getparent() is not holder]
        promo = html_parts(block)[0]
        if inside and paragraphs:
            paragraphs[-1].addnext(promo)
        else:
            holder.append(promo)
        entry.set("body", html_join(holder))
    doc.notes.append(f"new block {'in the text' if inside else 'at the end'}: {block[:60]}")


@operator("summary-only", kind=DRIFT)
def summary_only(doc: FeedDoc, choices: Choices) -> None:
    """The feed switches to summaries: a short plain text, or the opening cut with '…'."""
    form = choices.choice(("text", "opening"))
    size = choices.integer(60, 160)
    changed = 0
    for entry in doc.entries():
        body = entry.get("body")
        if not body:
            continue
        holder = html_parts(body)
        text = " ".join(holder.text_content().split())
        if len(text) <= size:
            continue
        if form == "text":
            entry.set("body", _without_dateline(text)[:size] + "…")
        else:
            entry.set("body", _opening(holder, size))
        changed += 1
    if not changed:
        raise NotApplicable(f"no item body is longer than {size} characters")
    doc.notes.append(f"bodies cut to {size} characters ({form})")


def _without_dateline(text: str) -> str:
    return re.sub(r"^\d{2}/\d{2}/\d{4} - \d{2}:\d{2}\s*", "", text)


def _opening(holder: Any, size: int) -> str:
    """The body up to its first text block, that block cut to ``size`` characters plus '…'."""
    kept = 0
    for child in list(holder):
        text = " ".join(child.text_content().split()) if isinstance(child.tag, str) else ""
        if kept and text:
            holder.remove(child)
            continue
        if text and not re.fullmatch(r"\d{2}/\d{2}/\d{4} - \d{2}:\d{2}", text):
            for sub in list(child):
                child.remove(sub)
            child.text = text[:size] + "…"
            kept = 1
    return html_join(holder)


@operator("links-relative", kind=DRIFT)
def links_relative(doc: FeedDoc, choices: Choices) -> None:
    """Item links (and body images) become root-relative (/path) or protocol-relative (//host)."""
    form = choices.choice(("root", "protocol"))
    changed = 0
    for entry in doc.entries():
        link = entry.get("link")
        if link and urlsplit(link).scheme:
            entry.set("link", _relative(link, form))
            changed += 1
    for article in _articles_or_none(doc):
        for img in article.holder.iter("img"):
            if urlsplit(img.get("src") or "").scheme:
                img.set("src", _relative(img.get("src"), form))
        article.save()
    if not changed:
        raise NotApplicable("no absolute item link")
    doc.notes.append(f"links made {form}-relative")


def _relative(url: str, form: str) -> str:
    parts = urlsplit(url)
    if form == "protocol":
        return urlunsplit(("", parts.netloc, parts.path, parts.query, parts.fragment))
    return urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))


def _articles_or_none(doc: FeedDoc) -> list[Article]:
    try:
        return articles(doc)
    except NotApplicable:
        return []


_REDIRECTORS = ("feedproxy.google.com", "rss.feedsportal.com", "l.feedx.net", "t.co")
_IMAGE_MIRRORS = ("img.feedx.net", "images.weserv.nl", "i0.wp.com")


@operator("links-rehosted", kind=DRIFT)
def links_rehosted(doc: FeedDoc, choices: Choices) -> None:
    """Item links go through a redirector host; article images move to a mirror host."""
    redirector = choices.choice(_REDIRECTORS)
    mirror = choices.choice(_IMAGE_MIRRORS)
    parts = _articles_or_none(doc)
    scope = choices.choice(("links", "images", "both")) if parts else "links"
    if scope in ("links", "both"):
        for entry in doc.entries():
            link = entry.get("link")
            if link:
                entry.set("link", f"https://{redirector}/~r/{quote(link, safe='')}")
    if scope in ("images", "both"):
        for article in parts:
            for img in article.holder.iter("img"):
                src = urlsplit(img.get("src") or "")
                img.set("src", f"https://{mirror}/{src.netloc}{src.path}")
            article.save()
    doc.notes.append(f"{scope} re-hosted on {redirector if scope != 'images' else mirror}")


@operator("double-escaping", kind=DRIFT)
def double_escaping(doc: FeedDoc, choices: Choices) -> None:
    """Bodies and titles are HTML-escaped once more than before (&lt;p&gt; in the text)."""
    del choices
    changed = 0
    for entry in doc.entries():
        for name in ("body", "title"):
            value = entry.get(name)
            escaped = html.escape(value, quote=False) if value else value
            if escaped != value:
                entry.set(name, escaped)
                changed += 1
    if not changed:
        raise NotApplicable("no body or title holds markup or '&'")
    doc.notes.append("bodies and titles escaped twice")


def _latin1_fallback(err: UnicodeError) -> tuple[str, int]:
    assert isinstance(err, UnicodeDecodeError)
    return err.object[err.start : err.end].decode("latin-1"), err.end


codecs.register_error("harness-latin1", _latin1_fallback)


def mojibake_text(text: str) -> str:
    """UTF-8 bytes read as Windows-1252 (Latin-1 for its holes): 'é' becomes 'Ã©'."""
    return text.encode("utf-8").decode("cp1252", "harness-latin1")


@operator("mojibake", kind=DRIFT)
def mojibake(doc: FeedDoc, choices: Choices) -> None:
    """Text is encoded twice (UTF-8 read as Windows-1252): 王毅 becomes çŽ‹æ¯…."""
    del choices
    changed = 0
    for entry in doc.entries():
        for name in ("title", "body", "author"):
            value = entry.get(name)
            if value and not value.isascii():
                entry.set(name, mojibake_text(value))
                changed += 1
    if not changed:
        raise NotApplicable("the feed's text is all ASCII")
    doc.notes.append("text double-encoded")


_WRONG_ENCODINGS = ("ISO-8859-1", "windows-1252", "GB2312", "US-ASCII")


@operator("encoding-declared-wrong", kind=DRIFT)
def encoding_declared_wrong(doc: FeedDoc, choices: Choices) -> bytes:
    """The XML declaration names an encoding the bytes are not in (UTF-8 declared Latin-1)."""
    if doc.kind != "xml" or doc.body.isascii():
        raise NotApplicable("not XML, or all ASCII (any ASCII-compatible label reads it)")
    label = choices.choice([e for e in _WRONG_ENCODINGS if e.lower() != doc.encoding.lower()])
    declaration = f'<?xml version="1.0" encoding="{label}"?>'.encode("ascii")
    body = doc.body.removeprefix(codecs.BOM_UTF8)
    match = _DECLARATION.match(body)
    new = declaration + (body[match.end() :] if match else b"\n" + body)
    doc.notes.append(f"declared {label}")
    return new


@operator("dialect-switch", kind=DRIFT)
def dialect_switch(doc: FeedDoc, choices: Choices) -> bytes:
    """The feed is served in another dialect (RSS 2.0 becomes Atom, JSON Feed or RSS 1.0)."""
    current = "jsonfeed1.1" if doc.kind == "json" else doc.dialect
    target = choices.choice(
        [d for d in ("rss2.0", "atom1.0", "jsonfeed1.1", "rss1.0") if d != current]
    )
    doc.notes.append(f"served as {target}")
    return render_feed(doc.spec(), target, cdata=doc.cdata)


@operator("guids-missing", kind=DRIFT)
def guids_missing(doc: FeedDoc, choices: Choices) -> None:
    """Items lose their guid / id."""
    del choices
    entries = [e for e in doc.entries() if e.get("id")]
    if not entries:
        raise NotApplicable("no item has a guid")
    for entry in entries:
        entry.set("id", None)
    doc.notes.append(f"{len(entries)} guids removed")


@operator("guids-duplicate", kind=DRIFT)
def guids_duplicate(doc: FeedDoc, choices: Choices) -> None:
    """Every item carries the same guid (the channel link, or the first item's)."""
    entries = doc.entries()
    if len(entries) < 2:
        raise NotApplicable("fewer than two items")
    first = entries[0].get("id") or entries[0].get("link") or "urn:x"
    value = choices.choice((first, doc.spec().link or first))
    for entry in entries:
        entry.set("id", value)
    doc.notes.append(f"every guid is {value[:60]!r}")


@operator("dates-removed", kind=DRIFT)
def dates_removed(doc: FeedDoc, choices: Choices) -> None:
    """Items lose their publication date (pubDate, dc:date, published)."""
    del choices
    changed = 0
    for entry in doc.entries():
        while entry.get("published") is not None:
            entry.set("published", None)
            changed += 1
    if not changed:
        raise NotApplicable("no item has a date")
    doc.notes.append("item dates removed")
