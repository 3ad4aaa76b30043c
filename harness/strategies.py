"""Public Hypothesis strategies: feeds in every dialect, RFI article bodies, real-seeded variants,
schema-valid records and run results.

* :func:`feed_documents` -- RSS 0.90/0.91/0.92/1.0/2.0, Atom 1.0 and JSON Feed documents built
  from realistic parts (Chinese or English text, links, dates, authors, categories, enclosures),
  with the items the ``rss`` parser must read back.
* :func:`articles`, :func:`render_body`, :func:`feedx_feeds` -- feedx/RFI article bodies: a date
  line in the source's zone, image, bold lead, paragraphs, author block and the boilerplate
  blocks of each period (self-promo, share widget, related articles, feedx footer).
* :func:`variants_of`, :func:`recorded_variants` -- a real recording with its content varied by
  the benign operators (text, counts, order, dates, optional parts, whitespace), form kept.
* :func:`records` (:func:`feed_items`, :func:`article_records`), :func:`results` -- records
  valid against ``schemas/*.schema.json`` and whole :class:`~harness.model.Result` objects.
* :class:`DataChoices` -- operators' :class:`~harness.audit.operators.Choices` from ``st.data()``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from harness.audit.articleform import DATELINE_FORMAT, is_ambiguous
from harness.audit.feedwriter import DIALECTS, EntrySpec, FeedSpec, expected_item, render_feed
from harness.audit.operators import Kind, Operator, operators
from harness.audit.ops_benign import HANZI, WORDS
from harness.dates import to_utc_rfc3339
from harness.model import CassetteResult, Response, Result, Severity, Violation
from harness.replay import FAILURE_KINDS

__all__ = [
    "BOILERPLATE_BLOCKS",
    "Article",
    "DataChoices",
    "GeneratedFeed",
    "article_records",
    "articles",
    "cassette_results",
    "chinese_text",
    "datelines",
    "english_text",
    "feed_documents",
    "feed_items",
    "feedx_feeds",
    "recorded_variants",
    "records",
    "render_body",
    "results",
    "variants_of",
    "violations",
]

T = TypeVar("T")


class DataChoices:
    """:class:`harness.audit.operators.Choices` drawn from Hypothesis (``st.data()``)."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data

    def integer(self, low: int, high: int) -> int:
        """An integer in [low, high]."""
        return self.data.draw(st.integers(low, high))

    def choice(self, options: Sequence[T]) -> T:
        """One of ``options``."""
        return self.data.draw(st.sampled_from(options))

    def boolean(self) -> bool:
        """True or False."""
        return self.data.draw(st.booleans())

    def rng(self) -> random.Random:
        """A Random seeded from one draw (for bulk choices such as generated text)."""
        seed = self.data.draw(st.integers(0, 2**32 - 1))
        return random.Random(seed)  # noqa: S311  (test data, not secrets)


# --- text -----------------------------------------------------------------------------------------

_PUNCTUATION = "，。、；：？！“”（）《》"
_LABELS = ("作者", "分享", "同一主题", "获取更多")


def chinese_text(min_size: int = 1, max_size: int = 40) -> st.SearchStrategy[str]:
    """News-like Chinese: common characters and full-width punctuation (no RFI form labels)."""
    alphabet = st.sampled_from(HANZI) | st.sampled_from(_PUNCTUATION)
    text = st.text(alphabet=alphabet, min_size=min_size, max_size=max_size)
    return text.filter(lambda t: not any(label in t for label in _LABELS))


def english_text(min_words: int = 1, max_words: int = 12) -> st.SearchStrategy[str]:
    """English words from news vocabulary, capitalised."""
    words = st.lists(st.sampled_from(WORDS), min_size=min_words, max_size=max_words)
    return words.map(lambda w: " ".join(w).capitalize())


def _text(language: str, short: bool = False) -> st.SearchStrategy[str]:
    if language == "zh":
        return chinese_text(1, 20 if short else 60)
    return english_text(1, 8 if short else 25)


def datelines(
    timezone: str = "Europe/Paris",
    min_value: datetime = datetime(2015, 1, 1),
    max_value: datetime = datetime(2030, 12, 31),
) -> st.SearchStrategy[datetime]:
    """Aware instants whose local time in ``timezone`` is unambiguous, to the minute."""
    zone = ZoneInfo(timezone)
    local = st.datetimes(min_value=min_value, max_value=max_value).map(
        lambda d: d.replace(second=0, microsecond=0)
    )
    return local.filter(lambda d: not is_ambiguous(d, zone)).map(lambda d: d.replace(tzinfo=zone))


# --- feed documents -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GeneratedFeed:
    """A generated feed document and what the ``rss`` parser must read from it."""

    dialect: str
    body: bytes
    spec: FeedSpec
    articles: tuple[Article, ...] = ()

    def expected(self) -> list[dict[str, Any]]:
        """Per item, the fields the ``rss`` parser must return."""
        return [expected_item(e, self.dialect) for e in self.spec.entries]


@st.composite
def _entries(draw: st.DrawFn, language: str, host: str, index: int) -> EntrySpec:
    when = draw(st.datetimes(datetime(2000, 1, 1), datetime(2035, 1, 1), timezones=st.just(UTC)))
    link = f"https://{host}/news/{when:%Y%m%d}-{index}"
    paragraphs = draw(st.lists(_text(language), min_size=1, max_size=4))
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    enclosures = draw(
        st.lists(
            st.tuples(
                st.just(f"https://{host}/media/{index}.jpg"),
                st.sampled_from(["image/jpeg", "audio/mpeg"]),
                st.integers(0, 10**7),
            ),
            max_size=1,
        )
    )
    return EntrySpec(
        title=draw(_text(language, short=True)),
        link=link,
        id=draw(st.sampled_from([link, f"urn:uuid:{index:08d}-feed"])),
        published=when.replace(microsecond=0),
        body=body,
        author=draw(st.none() | _text(language, short=True)),
        categories=tuple(draw(st.lists(_text(language, short=True), max_size=2))),
        enclosures=tuple(enclosures),
    )


@st.composite
def feed_documents(
    draw: st.DrawFn, dialect: str | None = None, *, max_items: int = 5
) -> GeneratedFeed:
    """A feed in ``dialect`` (default: any of :data:`~harness.audit.feedwriter.DIALECTS`)."""
    chosen = dialect or draw(st.sampled_from(DIALECTS))
    language = draw(st.sampled_from(["zh", "en"]))
    host = draw(st.sampled_from(["www.rfi.fr", "www.dapenti.com", "www.dw.com", "example.org"]))
    count = draw(st.integers(1, max_items))
    entries = tuple(draw(_entries(language, host, i)) for i in range(count))
    spec = FeedSpec(
        title=draw(_text(language, short=True)),
        link=f"https://{host}/",
        entries=entries,
        language="zh-cn" if language == "zh" else "en",
    )
    cdata = draw(st.booleans())
    return GeneratedFeed(chosen, render_feed(spec, chosen, cdata=cdata), spec)


# --- feedx / RFI article bodies -------------------------------------------------------------------

BOILERPLATE_BLOCKS: dict[str, str] = {
    "selfpromo": (
        '<div class="o-self-promo o-self-promo--nl o-self-promo--hidden" '
        "data-selfpromo-newsletter></div><div data-selfpromo-app></div>"
    ),
    "copyright": '<p class="t-copyright">© 2021 AFP</p>',
    "share": (
        '<div><div>分享 :</div><div><a href="https://www.facebook.com/dialog/share?app_id=1&amp;'
        'href=https%3A%2F%2Frfi.my%2Fx" target="_blank"><span></span></a><a href="whatsapp://'
        'send?text=x" target="_blank"><span></span></a><a href="https://x.com/intent/tweet?url=x'
        '&amp;via=RFI_Cn"><span></span></a><span data-root-share><share-button '
        'v-on:open="openModal"></share-button><share-modal v-if="displayModal"></share-modal>'
        "</span></div></div>"
    ),
    "related": (
        '<div><aside data-org-name="" data-org-type=""><div><div role="heading" '
        'aria-level="2"><span>同一主题</span></div></div><div><div><div data-article-list><div>'
        '<div><span>中缅边境军演</span></div><div><a href="/cn/x" data-article-item-link><h2>'
        "缅甸战事</h2></a></div></div></div></div></div></aside></div>"
    ),
    "footer": (
        '<br><hr><div>获取更多RSS：<br><a href="https://feedx.net" style="color:orange" '
        'target="_blank">https://feedx.net</a> <br><a href="https://feedx.{domain}" '
        'style="color:orange" target="_blank">https://feedx.{domain}</a><br></div>'
    ),
}
"""The boilerplate blocks feedx/RFI bodies carried, by period (2020-2024)."""

_IMAGES = (
    "https://s.rfi.fr/media/display/e8ac8e10-744e-11ee-a457-005056bfb2b6/w:1280/p:16x9/AP2329.jpg",
    "//s.rfi.fr/media/display/f9f17f96-6ad8-11eb-be82-005056a964fe/w:310/p:16x9/Capture.PNG",
)
_WRAPPERS = ('<div class="t-content__body u-clearfix">', "<div>", "<div >")


@dataclass(frozen=True, slots=True)
class Article:
    """A generated RFI article (Paris date line) and what parsing it must give back."""

    moment: datetime  # aware, in the source zone
    title: str
    lead: str | None
    paragraphs: tuple[str, ...]
    image: str | None
    author: str | None
    wrapper: str = "<div>"
    extras: frozenset[str] = field(default_factory=frozenset)
    lag: timedelta = timedelta(minutes=20)

    @property
    def dateline(self) -> str:
        """The date line text, local time of the source."""
        return self.moment.strftime(DATELINE_FORMAT)

    def link(self, index: int) -> str:
        """RFI's link form: the local date and a unique slug."""
        return f"https://www.rfi.fr/cn/中国/{self.moment:%Y%m%d}-{index}"

    def expected(self) -> dict[str, Any]:
        """The article fields ``feedx-rfi`` must read from :func:`render_body`."""
        image = self.image
        if image is not None and image.startswith("//"):
            image = "https:" + image
        return {
            "dateline": {
                "text": self.dateline,
                "time": self.moment.isoformat(),
                "timezone": getattr(self.moment.tzinfo, "key", "Europe/Paris"),
            },
            "lead": None if self.lead is None else " ".join(self.lead.split()),
            "paragraphs": [" ".join(p.split()) for p in self.paragraphs if p.strip()],
            "images": [] if image is None else [image],
            "author": self.author,
        }


@st.composite
def articles(draw: st.DrawFn, timezone: str = "Europe/Paris") -> Article:
    """RFI articles in the feedx form of any period 2020-2024, dated 2015-2030."""
    extras = draw(st.lists(st.sampled_from(["selfpromo", "copyright", "share", "related"])))
    footer = draw(st.sampled_from(["", "footer-xyz", "footer-best", "footer-run"]))
    names = chinese_text(1, 4).filter(lambda n: "：" not in n and ":" not in n)
    return Article(
        moment=draw(datelines(timezone)),
        title=draw(chinese_text(1, 30)),
        lead=draw(st.none() | chinese_text(1, 80)),
        paragraphs=tuple(draw(st.lists(chinese_text(1, 80), min_size=1, max_size=6))),
        image=draw(st.none() | st.sampled_from(_IMAGES)),
        author=draw(st.none() | names),
        wrapper=draw(st.sampled_from(_WRAPPERS)),
        extras=frozenset([*extras, footer] if footer else extras),
        lag=timedelta(minutes=draw(st.integers(2, 51)), seconds=draw(st.integers(0, 59))),
    )


def render_body(article: Article) -> str:
    """The body HTML feedx.net served for ``article``, in the period its extras imitate."""
    x = article.extras
    parts = [f"<div>{article.dateline}</div>"]
    if article.image is not None:
        parts.append(f'<img src="{escape(article.image)}">')
    if article.lead is not None:
        parts.append(f"<p><strong>{escape(article.lead)}        </strong></p>")
    parts.append(article.wrapper)
    parts += [f"<p>{escape(p)}</p>" for p in article.paragraphs]
    parts += [BOILERPLATE_BLOCKS[k] for k in ("copyright", "selfpromo") if k in x]
    parts.append("</div>")
    if article.author is not None:
        name = escape(article.author)
        parts.append(
            f'<div><div><div><div><span>作者：</span><a href="/cn/作者/{name}/" '
            f'title="{name}">{name}</a></div></div></div></div>'
        )
    parts += [BOILERPLATE_BLOCKS[k] for k in ("share", "related") if k in x]
    for domain in ("xyz", "best", "run"):
        if f"footer-{domain}" in x:
            parts.append(BOILERPLATE_BLOCKS["footer"].format(domain=domain))
    return "".join(parts)


@st.composite
def feedx_feeds(draw: st.DrawFn, *, max_items: int = 4) -> GeneratedFeed:
    """feedx.net RSS 2.0 of generated RFI articles (pubDate = date line + the mirror's lag)."""
    generated = draw(st.lists(articles(), min_size=1, max_size=max_items))
    entries = tuple(
        EntrySpec(
            title=a.title,
            link=a.link(i),
            id=a.link(i),
            published=(a.moment + a.lag).astimezone(UTC),
            body=render_body(a),
        )
        for i, a in enumerate(generated)
    )
    spec = FeedSpec("法国国际广播电台", "https://www.rfi.fr/cn/", entries, language="zh-cn")
    return GeneratedFeed("rss2.0", render_feed(spec, "rss2.0"), spec, tuple(generated))


# --- real recordings, content varied --------------------------------------------------------------


@st.composite
def variants_of(
    draw: st.DrawFn,
    body: bytes,
    *,
    timezone: str | None = None,
    using: Sequence[Operator] | None = None,
) -> bytes:
    """``body`` (a real feed) with its content varied by a few benign operators, form kept."""
    pool = list(using) if using is not None else operators(Kind.BENIGN)
    chosen = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique_by=lambda o: o.id))
    choices = DataChoices(draw(st.data()))
    from harness.audit.feeddoc import NotApplicable

    for op in chosen:
        try:
            body = op.apply(body, choices, timezone=timezone)
        except NotApplicable:
            continue
    return body


def recorded_variants(
    path: str | Path, *, timezone: str | None = None
) -> st.SearchStrategy[Response]:
    """The feed response recorded in a cassette, its content varied (see :func:`variants_of`)."""
    from harness.cassettes import load_cassette

    cassette = load_cassette(Path(path))
    response = cassette.fetch(cassette.url)
    return variants_of(response.body, timezone=timezone).map(
        lambda body: Response(response.url, response.status, response.headers, body)
    )


# --- records valid against the schemas ------------------------------------------------------------

_STAMPS = st.datetimes(datetime(1990, 1, 1), datetime(2040, 1, 1), timezones=st.just(UTC)).map(
    to_utc_rfc3339
)
_URLS = st.builds(
    "https://{}/{}".format,
    st.sampled_from(["www.rfi.fr", "example.org", "www.dw.com"]),
    st.text("abcdefgh0123456789-/", min_size=1, max_size=20),
)
_ANY_TEXT = st.text(max_size=40)


@st.composite
def feed_items(draw: st.DrawFn) -> dict[str, Any]:
    """Records valid against ``schemas/feed-item.schema.json`` (any text, even hostile)."""
    url = draw(st.none() | _URLS)
    return {
        "id": draw(st.none() | st.text(min_size=1, max_size=40)),
        "url": url,
        "title": draw(st.none() | _ANY_TEXT),
        "published": draw(st.none() | _STAMPS),
        "published_raw": draw(st.none() | _ANY_TEXT),
        "updated": draw(st.none() | _STAMPS),
        "author": draw(st.none() | _ANY_TEXT),
        "summary": draw(st.none() | _ANY_TEXT),
        "content": draw(st.none() | _ANY_TEXT),
        "categories": draw(st.lists(_ANY_TEXT, max_size=3)),
        "enclosures": draw(
            st.lists(
                st.fixed_dictionaries(
                    {"url": _URLS},
                    optional={
                        "type": st.none() | _ANY_TEXT,
                        "length": st.none() | st.integers(0, 2**40),
                    },
                ),
                max_size=2,
            )
        ),
    }


@st.composite
def article_records(draw: st.DrawFn) -> dict[str, Any]:
    """Records valid against ``schemas/article.schema.json``."""
    record = draw(feed_items())
    moment = draw(st.none() | datelines())
    text = (
        draw(st.text(min_size=1, max_size=30))
        if moment is None
        else moment.strftime(DATELINE_FORMAT)
    )
    dateline = draw(
        st.none()
        | st.just(
            {
                "text": text,
                "time": None if moment is None else moment.isoformat(),
                "timezone": "Europe/Paris",
            }
        )
    )
    record.update(
        dateline=dateline,
        lead=draw(st.none() | _ANY_TEXT),
        paragraphs=draw(st.lists(_ANY_TEXT, max_size=4)),
        images=draw(st.lists(_URLS, max_size=2)),
        author=draw(st.none() | _ANY_TEXT),
    )
    return record


def records(schema: str) -> st.SearchStrategy[dict[str, Any]]:
    """Records valid against the shipped schema named ``schema`` ("feed-item" or "article")."""
    builders = {"feed-item": feed_items, "article": article_records}
    try:
        return builders[schema]()
    except KeyError:
        known = ", ".join(sorted(builders))
        raise ValueError(f"no record strategy for schema {schema!r}; known: {known}") from None


# --- run results (for reports) --------------------------------------------------------------------

_CHECKS = st.sampled_from(
    ["schema", "timestamp-matches-dateline", "links-absolute", "date-format", "body-structure"]
)


@st.composite
def violations(draw: st.DrawFn) -> Violation:
    """Violations with hostile text in every free field."""
    on_item = draw(st.booleans())
    return Violation(
        check=draw(_CHECKS),
        message=draw(st.text(max_size=60)),
        field=draw(st.text(max_size=20)),
        observed=draw(st.none() | st.text(max_size=60)),
        expected=draw(st.none() | st.text(max_size=30)),
        item_index=draw(st.integers(0, 500)) if on_item else None,
        item_id=draw(st.none() | st.text(max_size=30)) if on_item else None,
        item_url=draw(st.none() | _URLS) if on_item else None,
        severity=draw(st.sampled_from(Severity)),
    )


@st.composite
def cassette_results(draw: st.DrawFn) -> CassetteResult:
    """Results of one cassette: passed, failed or broken, with hostile feed text."""
    broken = draw(st.booleans())
    return CassetteResult(
        path=draw(st.text(min_size=1, max_size=40)),
        feed=draw(st.none() | st.text(min_size=1, max_size=12)),
        url=draw(st.none() | _URLS),
        parser=draw(st.none() | st.sampled_from(["rss", "feedx-rfi", "itemdump"])),
        schema=draw(st.none() | st.sampled_from(["feed-item", "article"])),
        dialect=draw(st.none() | st.sampled_from(["rss2.0", "atom1.0", "jsonfeed1.1"])),
        items=draw(st.integers(0, 1000)),
        checks=tuple(draw(st.lists(_CHECKS, max_size=4, unique=True))),
        violations=() if broken else tuple(draw(st.lists(violations(), max_size=5))),
        error_kind=draw(st.sampled_from(FAILURE_KINDS)) if broken else None,
        error=draw(st.text(max_size=80)) if broken else None,
        notes=tuple(draw(st.lists(st.text(max_size=40), max_size=2))),
    )


def results(max_cassettes: int = 5) -> st.SearchStrategy[Result]:
    """Whole runs of up to ``max_cassettes`` cassettes."""
    return st.lists(cassette_results(), max_size=max_cassettes).map(lambda cs: Result(tuple(cs)))
