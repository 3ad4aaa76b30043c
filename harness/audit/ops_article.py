"""Built-in drift operators on RFI-style article bodies: date line, lead, paragraphs, author."""

from __future__ import annotations

import html
import re
from typing import Any
from zoneinfo import ZoneInfo

from harness.audit.articleform import DATELINE_FORMAT, Article, articles, source_zone
from harness.audit.feeddoc import FeedDoc, NotApplicable, html_parts
from harness.audit.operators import Choices, Kind, operator

__all__ = ["detach", "edit_articles"]

DRIFT = Kind.DRIFT


_DATELINE_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%d.%m.%Y %H:%M",
    "%Y年%m月%d日 %H:%M",
    "%d/%m/%Y %Hh%M",
    "%d/%m/%Y",
    "%d/%m/%Y - %H:%M:%S",
    "%m/%d/%Y - %I:%M %p",
)
_OTHER_ZONES = ("UTC", "Asia/Shanghai", "America/New_York", "Europe/London", "Asia/Tokyo")


def edit_articles(doc: FeedDoc, edit: Any) -> int:
    """Apply ``edit(article) -> bool`` to every article; save the changed ones; count them."""
    changed = 0
    for article in articles(doc):
        if edit(article):
            article.save()
            changed += 1
    if not changed:
        raise NotApplicable("no item has the part this operator changes")
    return changed


def detach(elem: Any) -> None:
    """Remove ``elem`` from its parent, keeping its tail text in place."""
    parent, previous = elem.getparent(), elem.getprevious()
    if elem.tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + elem.tail
        else:
            parent.text = (parent.text or "") + elem.tail
    elem.tail = None
    parent.remove(elem)


@operator("dateline-reformat", kind=DRIFT)
def dateline_reformat(doc: FeedDoc, choices: Choices) -> None:
    """The date line is written in another format (ISO, dotted, 年月日, US, without the time)."""
    fmt = choices.choice(_DATELINE_FORMATS)

    def edit(article: Article) -> bool:
        local = article.local_time
        if local is None:
            return False
        article.dateline.text = local.strftime(fmt)
        return True

    edit_articles(doc, edit)
    doc.notes.append(f"date lines written as {fmt!r}")


@operator("dateline-moved", kind=DRIFT)
def dateline_moved(doc: FeedDoc, choices: Choices) -> None:
    """The date line leaves the top of the body: after the lead, into the text, or to the end."""
    where = choices.choice(("after-lead", "into-text", "end"))

    def edit(article: Article) -> bool:
        line, holder = article.dateline, article.holder
        detach(line)
        anchor = article.lead if article.lead is not None else article.image
        if where == "after-lead" and anchor is not None:
            anchor.addnext(line)
        elif where == "into-text" and article.paragraphs:
            article.paragraphs[0].addprevious(line)
        else:
            holder.append(line)
        return True

    edit_articles(doc, edit)
    doc.notes.append(f"date line moved: {where}")


@operator("dateline-removed", kind=DRIFT)
def dateline_removed(doc: FeedDoc, choices: Choices) -> None:
    """The body no longer carries a date line."""
    del choices

    def edit(article: Article) -> bool:
        detach(article.dateline)
        return True

    edit_articles(doc, edit)
    doc.notes.append("date lines removed")


@operator("dateline-timezone", kind=DRIFT)
def dateline_timezone(doc: FeedDoc, choices: Choices) -> None:
    """Date lines are written in another zone than the source's (UTC, Beijing, New York, ...)."""
    source = source_zone(doc)
    zone = ZoneInfo(choices.choice([z for z in _OTHER_ZONES if z != source.key]))

    def edit(article: Article) -> bool:
        local = article.local_time
        if local is None:
            return False
        moved = local.replace(tzinfo=source).astimezone(zone)
        if moved.utcoffset() == local.replace(tzinfo=source).utcoffset():
            return False
        article.dateline.text = moved.strftime(DATELINE_FORMAT)
        return True

    edit_articles(doc, edit)
    doc.notes.append(f"date lines written in {zone.key}")


_RENAMES = {
    "获取更多RSS": ("订阅更多RSS源", "更多订阅", "RSS订阅"),  # the feedx footer
    "分享 :": ("分享到：", "转发 :", "Partager :"),  # the share widget's label
    "同一主题": ("相关文章", "相关阅读", "延伸阅读"),  # the related-articles heading
}


@operator("boilerplate-renamed", kind=DRIFT)
def boilerplate_renamed(doc: FeedDoc, choices: Choices) -> None:
    """A known boilerplate block changes its label (footer, share widget, related articles)."""
    parts = articles(doc)
    present = [label for label in _RENAMES if any(_label_node(a.holder, label) for a in parts)]
    if not present:
        raise NotApplicable("no item carries a known boilerplate block")
    label = choices.choice(present)
    new = choices.choice(_RENAMES[label])
    for article in parts:
        found = _label_node(article.holder, label)
        if found is None:
            continue
        elem, attr = found
        setattr(elem, attr, getattr(elem, attr).replace(label, new))
        article.save()
    doc.notes.append(f"boilerplate label {label!r} renamed {new!r}")


def _label_node(holder: Any, label: str) -> tuple[Any, str] | None:
    for elem in holder.iter():
        for attr in ("text", "tail"):
            if label in (getattr(elem, attr) or ""):
                return elem, attr
    return None


@operator("paragraph-container", kind=DRIFT)
def paragraph_container(doc: FeedDoc, choices: Choices) -> None:
    """Paragraphs leave their <p> elements: <br>-separated text, <div>s or <span>s."""
    form = choices.choice(("br", "div", "span"))

    def edit(article: Article) -> bool:
        for p in article.paragraphs:
            if form == "br":
                text = "".join(p.itertext())
                for child in list(p):
                    p.remove(child)
                p.tag, p.text = "br", None
                p.tail = text + (p.tail or "")
            else:
                p.tag = form
        return bool(article.paragraphs)

    edit_articles(doc, edit)
    doc.notes.append(f"paragraphs as {form}")


@operator("lead-markup", kind=DRIFT)
def lead_markup(doc: FeedDoc, choices: Choices) -> None:
    """The bold lead paragraph changes markup: a classed <p>, an <h2>, a <div>."""
    form = choices.choice(("class", "h2", "div"))

    def edit(article: Article) -> bool:
        lead = article.lead
        if lead is None:
            return False
        if form == "class":
            text = "".join(lead.itertext())
            for child in list(lead):
                lead.remove(child)
            lead.text = text
            lead.set("class", "t-content__chapo")
        else:
            lead.tag = form
        return True

    edit_articles(doc, edit)
    doc.notes.append(f"lead markup: {form}")


_AUTHOR_FORMS = (
    "<p>文／{name}</p>",
    '<p class="author">记者：{name}</p>',
    '<div><span>撰稿：</span><a href="/cn/author/{name}/">{name}</a></div>',
)


@operator("author-markup", kind=DRIFT)
def author_markup(doc: FeedDoc, choices: Choices) -> None:
    """The author block changes markup and label (文／, 记者：, 撰稿：)."""
    form = choices.choice(_AUTHOR_FORMS)

    def edit(article: Article) -> bool:
        block = article.author
        if block is None:
            return False
        text = "".join(block.itertext())
        name = re.split(r"[：:]", text, maxsplit=1)[-1].strip()
        new = html_parts(form.format(name=html.escape(name)))[0]
        new.tail = block.tail
        block.getparent().replace(block, new)
        return True

    edit_articles(doc, edit)
    doc.notes.append(f"author block written as {form}")
