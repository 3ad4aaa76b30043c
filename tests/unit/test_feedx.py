"""The feedx-rfi parser: feedx RSS built from real items, schema, itemdump parity, round trips.

Real items are copies of /work/shared/corpus/feedx-items/rfi/*.md and the seed
(source: duty-machine/news); the RSS around them is built here, as feedx.net serves it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from harness.dates import format_rfc822
from harness.errors import ConfigError, ParseError, TransportError
from harness.model import FeedOutput, Response, Severity, Violation
from harness.parsers import Parser, get_parser
from harness.parsers.feedx import ARTICLE_INVARIANTS, FeedxRfiParser
from harness.parsers.itemdump import ItemDumpParser

ROOT = Path(__file__).resolve().parent.parent.parent
ITEMS = ROOT / "tests" / "data" / "items"
SCHEMAS = ROOT / "schemas"
FEED_URL = "https://feedx.net/rss/rfi.xml"
ITEM_FILES = [
    *sorted(f"rfi/{p.name}" for p in (ITEMS / "rfi").glob("*.md")),
    "seed/000_46e50146a1d95ecb.txt",
]
BOILERPLATE = (
    "获取更多RSS",
    "feedx",
    "selfpromo",
    "Facebook",
    "WhatsApp",
    "同一主题",
    "分享",
    "<",
    "&lt;",
    "&nbsp;",
    "法国国际广播电台 - RFI",
)
BODY_FIELDS = ("dateline", "lead", "paragraphs", "images", "author", "title", "url", "published")


def _no_fetch(url: str) -> Response:
    raise AssertionError(f"unexpected fetch of {url}")


@dataclass(frozen=True)
class RssItem:
    """What goes into one ``<item>`` of the feedx RSS."""

    title: str
    link: str
    epoch_ms: int
    description: str
    content: str | None = None
    creator: str | None = None


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def render_rss(items: list[RssItem]) -> bytes:
    """A feedx.net-style RSS 2.0 document holding ``items``."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>',
        "<title>RFI - 法国国际广播电台</title><link>https://www.rfi.fr/cn/</link>",
    ]
    for item in items:
        published = datetime.fromtimestamp(item.epoch_ms // 1000, tz=UTC)
        parts.append(
            f"<item><title>{escape(item.title)}</title><link>{escape(item.link)}</link>"
            f"<guid>{escape(item.link)}</guid><pubDate>{format_rfc822(published)}</pubDate>"
            f"<description>{_cdata(item.description)}</description>"
        )
        if item.content is not None:
            parts.append(f"<content:encoded>{_cdata(item.content)}</content:encoded>")
        if item.creator is not None:
            parts.append(f"<dc:creator>{escape(item.creator)}</dc:creator>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")


def _response(body: bytes, status: int = 200) -> Response:
    return Response(FEED_URL, status, {"content-type": "application/rss+xml"}, body)


def read_stored(name: str) -> RssItem:
    """A stored item file as the RSS item it came from."""
    head, link_line, _, _, body = (ITEMS / name).read_text(encoding="utf-8").split("\n", 4)
    cut = link_line.rindex("](")
    return RssItem(
        title=link_line[1:cut],
        link=link_line[cut + 2 : -1],
        epoch_ms=int(head[4:-3]),
        description=body.strip(),
    )


def _article_validator() -> Draft202012Validator:
    resources = [
        (
            f"https://feedharness.invalid/schemas/{name}",
            Resource.from_contents(json.loads((SCHEMAS / name).read_text(encoding="utf-8"))),
        )
        for name in ("feed-item.schema.json", "article.schema.json")
    ]
    registry: Registry[Any] = Registry().with_resources(resources)
    schema = json.loads((SCHEMAS / "article.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, registry=registry)


VALIDATOR = _article_validator()


def _schema_errors(records: list[dict[str, Any]]) -> list[str]:
    return [
        f"{i}: {e.json_path}: {e.message}"
        for i, record in enumerate(records)
        for e in VALIDATOR.iter_errors(record)
    ]


def _text_fields(record: dict[str, Any]) -> Iterator[str]:
    for key in ("title", "lead", "author"):
        if record[key] is not None:
            yield record[key]
    yield from record["paragraphs"]


# --- real items --------------------------------------------------------------------------------

THREE = ["seed/000_46e50146a1d95ecb.txt", "rfi/2021-11-12_1022000.md", "rfi/2023-11-25_999950.md"]


@pytest.fixture(scope="module")
def three() -> FeedOutput:
    """The feedx RSS of three real items, parsed."""
    body = render_rss([read_stored(name) for name in THREE])
    return FeedxRfiParser().parse(_response(body), fetch=_no_fetch)


def test_records_validate_against_the_article_schema(three: FeedOutput) -> None:
    assert len(three.items) == 3
    assert _schema_errors(three.items) == []


def test_envelope_metadata_is_kept(three: FeedOutput) -> None:
    assert three.dialect == "rss2.0"
    assert three.feed["title"] == "RFI - 法国国际广播电台"
    assert [r["published"] for r in three.items] == [
        "2023-12-06T15:45:03Z",
        "2021-11-12T14:45:01Z",
        "2023-11-25T15:15:01Z",
    ]


def test_body_fields_of_the_seed(three: FeedOutput) -> None:
    seed = three.items[0]
    assert seed["dateline"] == {
        "text": "06/12/2023 - 16:42",
        "time": "2023-12-06T16:42:00+01:00",
        "timezone": "Europe/Paris",
    }
    assert seed["author"] == "夏榕"
    assert len(seed["paragraphs"]) == 18
    assert seed["lead"].startswith("据法新社援引中国外交部称")
    assert seed["title"] == "王毅与布林肯通电话 聚焦加沙战事和台湾问题 - 要闻解说"


def test_body_problems_become_violations(three: FeedOutput) -> None:
    array = read_stored("rfi/2021-11-12_1022000.md")
    assert list(three.problems) == [
        Violation(
            check="body-structure",
            message="text where the image belongs",
            field="images",
            observed="Array",
            expected="an <img> element",
            item_index=1,
            item_id=array.link,
            item_url=array.link,
            severity=Severity.ERROR,
        )
    ]


def test_summary_and_content_stay_raw_html(three: FeedOutput) -> None:
    seed = three.items[0]
    assert seed["summary"] == read_stored(THREE[0]).description
    assert "获取更多RSS" in seed["summary"]
    assert seed["content"] is None


def test_no_boilerplate_in_any_text_field(three: FeedOutput) -> None:
    for record in three.items:
        for text in _text_fields(record):
            assert text.strip()
            assert not [m for m in BOILERPLATE if m in text], text[:60]


@pytest.mark.parametrize("name", ITEM_FILES)
def test_itemdump_and_feedx_agree(name: str) -> None:
    stored = (ITEMS / name).read_bytes()
    via_file = ItemDumpParser().parse(Response(name, 200, {}, stored), fetch=_no_fetch)
    via_rss = FeedxRfiParser().parse(_response(render_rss([read_stored(name)])), fetch=_no_fetch)
    [a], [b] = via_file.items, via_rss.items
    assert {k: a[k] for k in BODY_FIELDS} == {k: b[k] for k in BODY_FIELDS}
    assert [(v.check, v.field, v.observed) for v in via_file.problems] == [
        (v.check, v.field, v.observed) for v in via_rss.problems
    ]
    assert _schema_errors([a, b]) == []


def test_afp_title_suffix_is_stripped() -> None:
    item = read_stored("rfi/2021-05-13_1030000.md")
    [record] = FeedxRfiParser().parse(_response(render_rss([item])), fetch=_no_fetch).items
    assert item.title.endswith(" – 法国国际广播电台 - RFI")
    assert record["title"] == "全球需求增 国际油价陡升"


# --- envelope details --------------------------------------------------------------------------


def _one(**kw: Any) -> dict[str, Any]:
    item = RssItem(
        title="标题",
        link="https://www.rfi.fr/cn/中国/20231206-x",
        epoch_ms=1701877503000,
        description="<div>06/12/2023 - 16:42</div><p>摘要。</p>",
    )
    fields = {**item.__dict__, **kw}
    [record] = (
        FeedxRfiParser().parse(_response(render_rss([RssItem(**fields)])), fetch=_no_fetch).items
    )
    return record


def test_content_encoded_is_preferred_over_description() -> None:
    record = _one(content="<div>06/12/2023 - 16:42</div><div><p>全文一。</p><p>全文二。</p></div>")
    assert record["paragraphs"] == ["全文一。", "全文二。"]
    assert record["summary"] == "<div>06/12/2023 - 16:42</div><p>摘要。</p>"
    assert record["content"].endswith("<p>全文二。</p></div>")


def test_feed_author_is_the_fallback() -> None:
    assert _one(creator="编辑部")["author"] == "编辑部"
    body = "<p>正文。</p><div><span>作者：</span><a href='/cn/作者/x/'>夏榕</a></div>"
    assert _one(creator="编辑部", description=body)["author"] == "夏榕"


def test_empty_description_gives_an_empty_article() -> None:
    record = _one(description="")
    assert (record["dateline"], record["lead"], record["paragraphs"]) == (None, None, [])
    assert _schema_errors([record]) == []


def test_relative_images_resolve_against_the_item_link() -> None:
    html = '<div>06/12/2023 - 16:42</div><img src="x.jpg"><img src="//s.rfi.fr/y.jpg">'
    record = _one(description=html)
    assert record["images"] == ["https://www.rfi.fr/cn/中国/x.jpg", "https://s.rfi.fr/y.jpg"]


@pytest.mark.parametrize(
    ("response", "error", "match"),
    [
        (_response(b"", 200), TransportError, "empty body"),
        (_response(b"<rss/>", 503), TransportError, "HTTP 503"),
        (_response(b"not a feed at all", 200), ParseError, "not well formed"),
    ],
)
def test_envelope_errors_propagate(response: Response, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        FeedxRfiParser().parse(response, fetch=_no_fetch)


def test_unknown_time_zone_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="'Europe/Pariss'"):
        FeedxRfiParser(timezone="Europe/Pariss")


def test_other_time_zone_is_used_for_date_lines() -> None:
    body = render_rss([read_stored("seed/000_46e50146a1d95ecb.txt")])
    [record] = FeedxRfiParser(timezone="UTC").parse(_response(body), fetch=_no_fetch).items
    assert record["dateline"]["time"] == "2023-12-06T16:42:00+00:00"
    assert record["dateline"]["timezone"] == "UTC"


def test_registry_and_protocol() -> None:
    assert get_parser("feedx-rfi") is FeedxRfiParser
    parser = FeedxRfiParser()
    assert isinstance(parser, Parser)
    assert (parser.name, parser.schema, parser.default_invariants) == (
        "feedx-rfi",
        "article",
        ARTICLE_INVARIANTS,
    )
    assert ItemDumpParser.default_invariants == FeedxRfiParser.default_invariants


# --- round trip --------------------------------------------------------------------------------

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
PUNCTUATION = st.sampled_from("，。、；：？！“”‘’（）《》…—·")
SPACE = st.sampled_from(" \u3000\xa0")
LABELS = ("作者", "分享", "同一主题", "获取更多")


def _no_label(text: str) -> bool:
    """True when ``text`` holds none of the body's label words (they mark boilerplate)."""
    return not any(label in text for label in LABELS)


NAMES = st.text(alphabet=CJK, min_size=1, max_size=4).filter(_no_label)


def cjk_text(min_size: int = 1, max_size: int = 40, spaces: bool = False) -> st.SearchStrategy[str]:
    """Chinese text: CJK ideographs and full-width punctuation (and, optionally, blanks)."""
    alphabet = st.one_of(CJK, PUNCTUATION, SPACE) if spaces else st.one_of(CJK, PUNCTUATION)
    return st.text(alphabet=alphabet, min_size=min_size, max_size=max_size).filter(_no_label)


def _normal(text: str) -> str:
    return " ".join(text.replace("\u3000", " ").replace("\xa0", " ").split())


def _summer(local: datetime) -> bool:
    """Paris summer time by the EU rule (independent of zoneinfo); gap and fold read as fold=0."""

    def last_sunday(month: int) -> datetime:
        day = datetime(local.year, month, 31)
        return day - timedelta(days=(day.weekday() + 1) % 7)

    start = last_sunday(3).replace(hour=3)  # 02:00-02:59 does not exist: fold=0 keeps +01:00
    end = last_sunday(10).replace(hour=3)  # 02:00-02:59 happens twice: fold=0 is the +02:00 one
    return start <= local < end


@dataclass(frozen=True)
class Article:
    """A generated RFI article and what parsing it must give back."""

    local: datetime
    title: str
    afp_suffix: bool
    lead: str | None
    paragraphs: list[str]
    image: str | None
    author: str | None
    wrapper: str = "<div>"
    indent: str = ""
    extras: frozenset[str] = field(default_factory=frozenset)
    in_content: bool = False

    @property
    def dateline(self) -> str:
        return self.local.strftime("%d/%m/%Y - %H:%M")

    def link(self, index: int) -> str:
        """The item's link: RFI's form, with the date and a unique number."""
        return f"https://www.rfi.fr/cn/中国/{self.local:%Y%m%d}-{index}"

    def expected(self) -> dict[str, Any]:
        offset = "+02:00" if _summer(self.local) else "+01:00"
        paragraphs = [p for p in (_normal(p) for p in self.paragraphs) if p]
        image = (
            None
            if self.image is None
            else ("https:" + self.image if self.image.startswith("//") else self.image)
        )
        return {
            "dateline": {
                "text": self.dateline,
                "time": f"{self.local:%Y-%m-%dT%H:%M}:00{offset}",
                "timezone": "Europe/Paris",
            },
            "title": _normal(self.title),
            "lead": None if self.lead is None else _normal(self.lead),
            "paragraphs": paragraphs,
            "images": [] if image is None else [image],
            "author": self.author,
        }


WRAPPERS = ('<div class="t-content__body u-clearfix">', "<div >", "<div>")
EXTRAS = (
    "selfpromo",
    "share",
    "related",
    "copyright",
    "nbsp",
    "footer-xyz",
    "footer-best",
    "footer-run",
)


def render_body(article: Article) -> str:
    """The body HTML as feedx.net served it in the period the generated options imitate."""
    x = article.extras
    parts = [f"<div>{article.dateline}</div>"]
    if article.image is not None:
        parts.append(f'<img src="{escape(article.image)}">')
    if article.lead is not None:
        parts.append(f"<p><strong>{escape(article.lead)}        </strong></p>")
    parts.append(article.wrapper)
    parts += [f"<p>{article.indent}{escape(p)}</p>" for p in article.paragraphs]
    if "nbsp" in x:
        parts.append("<p>&nbsp;</p>")
    if "copyright" in x:
        parts.append('<p class="t-copyright">© 2021 AFP</p>        ')
    if "selfpromo" in x:
        parts.append(
            '<div class="o-self-promo o-self-promo--nl o-self-promo--hidden" '
            "data-selfpromo-newsletter></div><div data-selfpromo-app></div>"
        )
    parts.append("</div>")
    if article.author is not None:
        name = article.author
        parts.append(
            f'<div><div><div><div><span>作者：</span><a href="/cn/作者/{name}/" '
            f'title="{name}">{name}</a></div></div></div></div>'
        )
    if "share" in x:
        parts.append(SHARE)
    if "related" in x:
        parts.append(RELATED)
    for domain in ("xyz", "best", "run"):
        if f"footer-{domain}" in x:
            parts.append(FOOTER.format(domain=domain))
    return "".join(parts)


SHARE = (
    '<div><div>分享 :</div><div><a href="https://www.facebook.com/dialog/share?app_id=1&amp;'
    'href=https%3A%2F%2Frfi.my%2Fx" target="_blank"><span></span></a><a href="whatsapp://send?'
    'text=x" target="_blank"><span></span></a><a href="https://web.whatsapp.com/send?text=x">'
    '<span></span></a><a href="https://x.com/intent/tweet?url=x&amp;via=RFI_Cn"><span></span></a>'
    '<span data-root-share><share-button v-on:open="openModal"></share-button><share-modal '
    'v-if="displayModal"></share-modal></span></div></div>'
)
RELATED = (
    '<div><asidedata-org-name=""data-org-type=""><div><div role="heading" aria-level="2"><span>'
    "同一主题</span></div></div><div><div><divdata-article-list><div><div><div><span>中缅边境军演"
    '</span></div><div><a href="/cn/x" data-article-item-link><h2>缅甸战事</h2></a></div></div>'
    "</div></div></div></div></aside></div>"
)
FOOTER = (
    '<br><hr><div>获取更多RSS：<br><a href="https://feedx.net" style="color:orange" '
    'target="_blank">https://feedx.net</a> <br><a href="https://feedx.{domain}" '
    'style="color:orange" target="_blank">https://feedx.{domain}</a><br></div>'
)


@st.composite
def articles(draw: st.DrawFn) -> Article:
    """Articles in the feedx/RFI form of any period 2020-2024, dated 2015-2030 (Paris time)."""
    local = draw(st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2030, 12, 31)))
    paragraphs = draw(st.lists(cjk_text(spaces=True), min_size=1, max_size=6))
    paragraphs.append(draw(cjk_text()))  # at least one paragraph with text
    image = draw(
        st.none()
        | st.sampled_from(
            [
                "https://s.rfi.fr/media/display/e8ac/w:1280/p:16x9/AP2329.jpg",
                "//s.rfi.fr/x/w:310/a.PNG",
                "https://static.rfi.fr/meta_og_twcards/RFI_FB.png",
            ]
        )
    )
    return Article(
        local=local.replace(second=0, microsecond=0),
        title=draw(cjk_text(max_size=30)),
        afp_suffix=draw(st.booleans()),
        lead=draw(st.none() | cjk_text(max_size=80)),
        paragraphs=paragraphs,
        image=image,
        author=draw(st.none() | NAMES),
        wrapper=draw(st.sampled_from(WRAPPERS)),
        indent=draw(st.sampled_from(["", "    ", "\u3000\u3000", "\xa0"])),
        extras=frozenset(draw(st.lists(st.sampled_from(EXTRAS), unique=True))),
        in_content=draw(st.booleans()),
    )


def _rss_item(article: Article, index: int) -> RssItem:
    title = article.title + (" – 法国国际广播电台 - RFI" if article.afp_suffix else "")
    published = article.local.replace(tzinfo=UTC) + timedelta(minutes=20)
    body = render_body(article)
    summary = f"<p>{escape(article.title)}</p>" if article.in_content else body
    return RssItem(
        title=title,
        link=article.link(index),
        epoch_ms=int(published.timestamp()) * 1000,
        description=summary,
        content=body if article.in_content else None,
    )


_EDGE = Article(
    local=datetime(2023, 10, 29, 2, 30),
    title="秋",
    afp_suffix=True,
    lead=None,
    paragraphs=["正文。"],
    image=None,
    author="艾娃",
    extras=frozenset(EXTRAS),
)
_GAP = Article(
    local=datetime(2024, 3, 31, 2, 15),
    title="春",
    afp_suffix=False,
    lead="导语",
    paragraphs=["\u3000一。", "二。"],
    image="//s.rfi.fr/a.jpg",
    author=None,
    wrapper='<div class="t-content__body u-clearfix">',
    in_content=True,
)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.lists(articles(), min_size=1, max_size=3))
@example([_EDGE, _GAP])
def test_round_trip_through_feedx_rss(generated: list[Article]) -> None:
    body = render_rss([_rss_item(a, i) for i, a in enumerate(generated)])
    output = FeedxRfiParser().parse(_response(body), fetch=_no_fetch)
    assert len(output.items) == len(generated)
    for article, record in zip(generated, output.items, strict=True):
        assert {k: record[k] for k in article.expected()} == article.expected()
        for text in _text_fields(record):
            assert not [m for m in BOILERPLATE if m in text], text[:60]
    assert [v for v in output.problems if v.severity is Severity.ERROR] == []
    assert _schema_errors(output.items) == []
