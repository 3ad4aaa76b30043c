"""Kinds of finding: what each means, its cause class and default severity, which signal stands
for which. Vocabulary: imports nothing of the package, so configuration can name kinds.

A kind's name is never a check id (``[feeds.severity]`` names either, in one table): the
parser problem ``date-format`` (one unreadable date) and the kind ``date-shape`` (every date
written another way) stay apart; ``tests/unit/test_verdict.py`` keeps it so.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["KINDS", "KindInfo", "kind_of", "priority"]


@dataclass(frozen=True, slots=True)
class KindInfo:
    """What a kind of finding means: a title, why it matters, the field it endangers."""

    title: str
    explanation: str
    field: str
    corrupts: bool = False  # always damages parsed data (error level)
    cause: str = "format-drift"  # a cause class (harness.verdict.Cause)
    level: str = "error"  # the default severity of a feed-scope finding of this kind


KINDS: dict[str, KindInfo] = {
    "transport": KindInfo(
        "transport failure (not drift)",
        "The recording is empty, NUL-padded, cut, spliced with another HTTP response, an HTTP "
        "error or an empty channel: a fetching problem. It is left out of every comparison.",
        "none: the recording has no items",
        cause="transport",
        level="warning",
    ),
    "unreadable": KindInfo(
        "unreadable recording",
        "The recording could not be parsed at all; it is left out of every comparison.",
        "every field",
        cause="not-a-feed",
        level="warning",
    ),
    "dialect-switch": KindInfo(
        "the feed switched dialect",
        "The envelope changed dialect (e.g. RSS to Atom): ids, dates and links now come from "
        "other elements, and fields may be filled differently.",
        "id, url, published, summary",
    ),
    "double-escaping": KindInfo(
        "markup is escaped twice",
        "Text now holds escaped tags or entities (markup escaped once more than before): they "
        "reach text fields literally.",
        "title, summary/paragraphs",
        corrupts=True,
    ),
    "mojibake": KindInfo(
        "text is mis-decoded (mojibake)",
        "UTF-8 text was decoded with another charset: every non-ASCII character is garbled.",
        "title, paragraphs, summary",
        corrupts=True,
    ),
    "description-markup": KindInfo(
        "descriptions changed how they carry markup",
        "Descriptions went from plain text to HTML (or back, or from CDATA to entity-escaped): "
        "code that treats the summary as text now gets tags, images and links.",
        "summary",
    ),
    "markup-style": KindInfo(
        "the body markup changed style",
        "Tags and attributes are written differently (tag case, attribute vocabulary): the same "
        "content in other markup, which breaks case- or attribute-sensitive extraction.",
        "summary/content",
        cause="serialization-only",
        level="warning",
    ),
    "charset": KindInfo(
        "the character encoding changed",
        "The document's encoding (or its replacement characters) changed.",
        "every text field",
    ),
    "timezone-shift": KindInfo(
        "timestamps shifted against the date line, or the zone form changed",
        "The time between the item's timestamp and the date line in its body moved far outside "
        "its usual spread, or dates switched zone form: a timezone is being applied twice or "
        "not at all.",
        "published, dateline/time",
    ),
    "dateline-position": KindInfo(
        "the date line moved",
        "The date line is no longer where it was (another block, another tag).",
        "dateline",
    ),
    "dateline-shape": KindInfo(
        "the date line changed format",
        "The date line's shape changed: a parser expecting the old shape misreads or drops it.",
        "dateline/time",
    ),
    "summary-only": KindInfo(
        "the feed switched to summaries",
        "Bodies became much shorter with far fewer paragraphs (or full content disappeared): "
        "the feed now carries summaries, not articles.",
        "content, paragraphs",
        corrupts=True,
    ),
    "lead-markup": KindInfo(
        "the lead changed markup",
        "The lead paragraph is written with other markup, so it is no longer found where the "
        "parser looks for it.",
        "lead",
    ),
    "author-markup": KindInfo(
        "the author changed markup",
        "The author line is written with other markup.",
        "author",
    ),
    "paragraphs-markup": KindInfo(
        "paragraphs moved to other tags",
        "The body text is held by other elements than before.",
        "paragraphs",
    ),
    "missing-guid": KindInfo(
        "items lost their guid/id",
        "Items no longer carry an id: deduplication falls back to links or titles.",
        "id",
        corrupts=True,
    ),
    "boilerplate-changed": KindInfo(
        "a boilerplate block changed",
        "A block repeated verbatim across items was replaced by a similar one (new wording, new "
        "domain): filters written for the old text miss the new one.",
        "paragraphs",
        level="warning",
    ),
    "boilerplate-new": KindInfo(
        "a new boilerplate block appeared",
        "A block now repeats verbatim across items (a promo, share widget, footer or "
        "related-articles list): unless the parser knows it, its text reaches the items.",
        "paragraphs",
        level="warning",
    ),
    "boilerplate-gone": KindInfo(
        "a boilerplate block disappeared",
        "A block that repeated across items is gone (or was renamed).",
        "none",
        cause="content-change",
        level="info",
    ),
    "links-relative": KindInfo(
        "links became relative",
        "Links or image sources are now relative or protocol-relative: they must be resolved "
        "against the right base or they break.",
        "url, images",
    ),
    "links-rehosted": KindInfo(
        "links moved to other hosts",
        "Links or images now point to other hosts (a mirror, proxy or new domain).",
        "url, images",
    ),
    "envelope-namespace": KindInfo(
        "the envelope gained or lost a namespace",
        "New (or removed) XML namespaces and the elements that use them.",
        "none: the parser ignores unknown elements",
        cause="content-change",
        level="info",
    ),
    "envelope-elements": KindInfo(
        "item elements changed",
        "Items carry other envelope elements or attributes than before.",
        "enclosures, categories, author",
        cause="content-change",
        level="warning",
    ),
    "new-block": KindInfo(
        "new markup appeared in the bodies",
        "New elements, classes or data attributes appear in most items.",
        "paragraphs",
        level="warning",
    ),
    "markup-removed": KindInfo(
        "markup disappeared from the bodies",
        "Elements, classes or data attributes that most items had are gone.",
        "paragraphs",
        level="warning",
    ),
    "dates-missing": KindInfo(
        "items lost their dates",
        "Items no longer carry a publication date that the parser can read: ordering, freshness "
        "and deduplication by date break.",
        "published",
        corrupts=True,
    ),
    "date-shape": KindInfo(
        "the timestamp format changed",
        "Published dates are written in another shape.",
        "published",
    ),
    "images": KindInfo(
        "images per item changed",
        "Far more or fewer images per item.",
        "images",
        cause="content-change",
        level="warning",
    ),
    "script-mix": KindInfo(
        "the script mix changed",
        "The share of CJK characters in the text moved far outside its usual range.",
        "title, paragraphs",
        cause="content-change",
        level="warning",
    ),
    "field-fill": KindInfo(
        "a field went empty",
        "A field that most items used to carry is now empty in most of them.",
        "the field named",
    ),
    "links": KindInfo(
        "link form changed", "Links changed scheme or form.", "url, images", level="warning"
    ),
    "body-length": KindInfo(
        "bodies got much longer",
        "Bodies are far longer than usual: new blocks may be reaching the text.",
        "paragraphs",
        cause="content-change",
        level="warning",
    ),
    "boilerplate-share": KindInfo(
        "the boilerplate share changed",
        "The share of body text in repeated blocks moved far outside its usual range.",
        "paragraphs",
        cause="content-change",
        level="warning",
    ),
    "body-layout": KindInfo(
        "the structure of the item bodies changed",
        "The HTML inside items is laid out differently at one position (which element opens or "
        "closes the body, what holds the paragraphs, a block repeated in every item): a scraper "
        "reading that position now gets another element, or none.",
        "summary/content, paragraphs",
    ),
    "serialization": KindInfo(
        "the document is written differently, with the same parsed values",
        "The bytes changed in a way every conforming XML/RSS/Atom reader undoes (CDATA or "
        "entity escaping, quoting, namespace prefixes, character references, date zone names): "
        "no parsed value changed. Only a scraper matching the raw text would notice.",
        "none: every parsed value is the same",
        cause="serialization-only",
        level="info",
    ),
    "new-violations": KindInfo(
        "new check violations",
        "The new recording fails checks the old one passed.",
        "the checks named",
        cause="item-problem",
    ),
}
_PRIORITY = {kind: n for n, kind in enumerate(KINDS)}


def priority(kind: str) -> int:
    """Lower is more specific: the kind a group of changes takes."""
    return _PRIORITY.get(kind, len(_PRIORITY))


_FILL_KINDS = {
    "id": "missing-guid",
    "content": "summary-only",
    "dateline": "dateline-position",
    "dateline/time": "dateline-shape",
    "lead": "lead-markup",
    "author": "author-markup",
    "paragraphs": "paragraphs-markup",
    "images": "images",
    "published": "dates-missing",
    "published_raw": "dates-missing",
}
_ROLE_KINDS = {
    "dateline": "dateline-position",
    "lead": "lead-markup",
    "author": "author-markup",
    "paragraphs": "paragraphs-markup",
}
_METRIC_KINDS = {
    "offset": "timezone-shift",
    "images": "images",
    "boilerplate": "boilerplate-share",
    "cjk": "script-mix",
}


def kind_of(signal: str, family: str, direction: str) -> str:
    """The kind of finding one changed signal stands for."""
    value = signal.split(":", 1)[1] if ":" in signal else ""
    up = direction in ("appeared", "rose")
    simple = {
        "dialect": "dialect-switch",
        "root": "dialect-switch",
        # XML 1.0 4.3.3: the encoding is how characters are written; text it misreads shows
        # as text:mojibake / text:replacement-char, which keep their own kinds
        "encoding": "serialization",
        "ns": "envelope-namespace",
        "chan": "envelope-elements",
        "dshape": "dateline-shape",
        "pshape": "date-shape",
        "zone": "timezone-shift",
        "case": "markup-style",
        "tb": "paragraphs-markup",
        "host": "links-rehosted",
        "urlhost": "links-rehosted",
        "imghost": "links-rehosted",
        "leak": "boilerplate-new",
        "ser": "serialization",
        "pos": "body-layout",
    }
    if family in simple:
        return simple[family]
    if family == "env":
        if value.startswith("guid") and not up:
            return "missing-guid"
        return (
            "summary-only"
            if value.startswith("content:encoded") and not up
            else "envelope-elements"
        )
    if family == "esc":
        return (
            "double-escaping" if up and value.endswith("double-escaped") else "description-markup"
        )
    if family == "fill":
        return _FILL_KINDS.get(value, "field-fill")
    if family == "role":
        return _ROLE_KINDS.get(value.split("=", 1)[0], "paragraphs-markup")
    if family == "metric":
        if value in ("text", "paragraphs"):
            return "body-length" if up else "summary-only"
        return _METRIC_KINDS.get(value, "images")
    if family == "text":
        if value == "mojibake":
            return "mojibake"
        return "charset" if value == "replacement-char" else "double-escaping"
    if family in ("href", "src", "url", "rawlink"):
        return "links-relative" if up and "relative" in value else "links"
    if family == "boiler":
        return "boilerplate-new" if up else "boilerplate-gone"
    if family in ("tag", "attr"):
        return "new-block" if up else "markup-removed"
    return "field-fill"
