"""Rebuild the bundled cassettes and the test fixtures from the shared corpus.

    PYTHONPATH=. .venv/bin/python tools/build_cassettes.py [--corpus DIR] [--check]

Writes ``cassettes/`` (bundled recordings + SOURCES.md), ``tests/data/cassettes/`` (``real/``,
``broken/``, ``variants/`` + README.md) and ``tests/data/items/`` (unchanged copies of the stored
items + MANIFEST.json + SOURCES.md). Deterministic: no clock, no randomness without a fixed seed,
so a rerun changes nothing. ``--check`` writes nothing and exits 1 if any output differs.

Not part of the package: the product and its tests never read the corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from harness.cassettes import Interaction, dump_cassette, load_cassette, make_interaction
from harness.cassettes.paths import is_cassette_path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path("/work/shared/corpus")
MAX_BUNDLED_BYTES = 1_500_000

FEEDX_URL = "https://feedx.net/rss/rfi.xml"
FEEDX_HEADERS = {"Content-Type": "application/rss+xml; charset=utf-8"}
DAPENTI_URL = "http://www.dapenti.com/blog/rssfortugua.asp"
RSS_ARCH_URL = "https://orx365.github.io/rss-arch/output/{feed}.xml"  # the repo README's URLs
DW_URL = "http://partner.dw.de/syndication/feeds/rss-en-all.1573.rdf"  # the channel's rdf:about

RFI_LICENCE = "feed text © RFI (France Médias Monde); used as test data only"
DAPENTI_SOURCE = {
    "repo": "yaodong/pentitugua-rss",
    "path": "rss.xml",
    "licence": "no licence stated; feed text © dapenti.com; used as test data only",
}
RSS_ARCH_SOURCE = {"repo": "orx365/rss-arch"}
RSS_ARCH_LICENCE = (
    "repository MIT (its README says CC BY-NC 4.0); feed text © {owner}; used as test data only"
)
RSS_ARCH_OWNERS = {"ft-home": "The Financial Times", "nyt_econ": "The New York Times"}
DW_SOURCE = {
    "repo": "kieker-monitoring-docker/netflix-RSS-rss",
    "path": "rss/dw.xml",
    "commit": "36e56ac169ef49e9785fc9beb3246890617f3377",
    "licence": "no licence stated; feed text © Deutsche Welle; used as test data only",
}
RAW_NOTE = (
    "body bytes unchanged from the corpus file; the archive kept no status or headers, so "
    "status 200 and Content-Type are reconstructed"
)

# One bundled cassette per period of feedx's RFI markup (see cassettes/SOURCES.md). The
# 2021-11-12 item (literal "Array" for the image) is a fixture, not a bundled recording.
RFI_PERIODS: dict[str, tuple[str, ...]] = {
    "2020-10": (  # t-content__body wrapper, http://www.rfi.fr//cn/ links, w:310 images
        "feedx-items/rfi/2020-10-13_1042083.md",
        "feedx-items/rfi/2020-11-01_1041000.md",
        "feedx-items/rfi/2020-12-21_1038000.md",
        "feedx-items/rfi/2021-02-09_1035000.md",
    ),
    "2021-05": (  # same markup, timestamps on feedx's 15-minute polling grid, placeholder image
        "feedx-items/rfi/2021-05-13_1030000.md",
        "feedx-items/rfi/2021-07-19_1026000.md",
    ),
    "2022-03": (  # https links, bare <div >/<div> wrapper, w:1280 images
        "feedx-items/rfi/2022-03-14_1018000.md",
        "feedx-items/rfi/2022-09-16_1012000.md",
        "feedx-items/rfi/2023-01-28_1008000.md",
    ),
    "2023-05": ("feedx-items/rfi/2023-05-28_1004000.md",),  # author block, relative author link
    "2023-09": (  # share widget (<share-button>), feedx.best footer
        "feedx-items/rfi/2023-09-26_1000000.md",
        "feedx-items/rfi/2023-10-28_999999.md",
    ),
    "2023-11": (  # related-articles <aside> with mangled attributes, feedx.run footer; the seed
        "feedx-items/rfi/2023-11-25_999950.md",
        "seed/000_46e50146a1d95ecb.txt",
    ),
    "2024-02": ("feedx-items/rfi/2024-02-03_999990.md",),  # share widget, no footer
}
SEED = "seed/000_46e50146a1d95ecb.txt"
ARRAY_ITEM = "feedx-items/rfi/2021-11-12_1022000.md"

DAPENTI = "dapenti-history/rss_{}.xml"
BUNDLED_RAW: tuple[tuple[str, str], ...] = (
    ("dapenti_2015-01-05.yaml", DAPENTI.format("2015-01-05T103059+0800_4dc3dea")),
    ("dapenti_2015-06-14.yaml", DAPENTI.format("2015-06-14T183002+0800_224276f")),
    ("ft-home_2025-05-21.yaml", "rss-arch-history/ft-home_2025-05-21T081709+0000_8fe4af2.xml"),
    ("ft-home_2026-02-21.yaml", "rss-arch-history/ft-home_2026-02-21T161851+0000_8d4a05a.xml"),
    ("dw-en-all_2015-02-23.yaml", "news-2015/dw.xml"),
)
REAL_RAW: tuple[tuple[str, str], ...] = (
    ("dapenti-empty.yaml", DAPENTI.format("2015-05-22T124521+0800_bfe4d3a")),
    ("dapenti-nul-leading.yaml", DAPENTI.format("2015-05-11T111718+0800_ea1c8a7")),
    ("dapenti-nul-run.yaml", DAPENTI.format("2015-01-23T211210+0800_b2b4ef8")),
    ("dapenti-http403-spliced.yaml", DAPENTI.format("2015-04-22T100513+0800_4fbf5f5")),
    ("dapenti-wes-weekday.yaml", DAPENTI.format("2015-01-28T170605+0800_0b783b2")),
    (
        "rss-arch-nyt-econ-no-items.yaml",
        "rss-arch-history/nyt_econ_2026-01-13T162120+0000_4fb441e.xml",
    ),
)


# --- stored items and the rebuilt feedx RSS ---------------------------------------------------


@dataclass(frozen=True)
class StoredItem:
    """One archived feedx item: <!--epoch ms-->, [title](link), ------, blank, one line of HTML."""

    file: str  # corpus-relative
    epoch_ms: int
    title: str
    link: str
    html: str

    @property
    def published(self) -> datetime:
        """The item's pubDate as an aware UTC datetime."""
        return datetime.fromtimestamp(self.epoch_ms / 1000, UTC)


_HEAD = re.compile(r"<!--(\d+)-->\n\[(.*)\]\((\S*)\)\n------\n\n(.*)\n\Z", re.DOTALL)


def read_item(corpus: Path, file: str) -> StoredItem:
    """Parse one stored item file; fail loudly if the archive's layout ever differs."""
    text = (corpus / file).read_text(encoding="utf-8")
    match = _HEAD.match(text)
    if match is None or "\n" in match.group(4):
        raise SystemExit(f"{file}: not in the stored-item layout")
    epoch, title, link, html = match.groups()
    return StoredItem(file=file, epoch_ms=int(epoch), title=title, link=link, html=html)


def rfc822(moment: datetime) -> str:
    """'Wed, 06 Dec 2023 15:45:03 GMT', independent of the locale."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def rfc3339(moment: datetime) -> str:
    """'2023-12-06T15:45:03Z'."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cdata(text: str) -> str:
    """A CDATA section holding text exactly, even when text contains ']]>'."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def feedx_rss(items: Sequence[StoredItem]) -> bytes:
    """The RSS 2.0 document feedx.net served for these items, newest first."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0">',
        "<channel>",
        "  <title>法国国际广播电台</title>",
        "  <link>https://www.rfi.fr/cn/</link>",
        "  <description>法国国际广播电台</description>",
        "  <language>zh-cn</language>",
    ]
    for item in sorted(items, key=lambda i: i.epoch_ms, reverse=True):
        lines += [
            "  <item>",
            f"    <title>{escape(item.title)}</title>",
            f"    <link>{escape(item.link)}</link>",
            f'    <guid isPermaLink="true">{escape(item.link)}</guid>',
            f"    <description>{cdata(item.html)}</description>",
            f"    <pubDate>{rfc822(item.published)}</pubDate>",
            "  </item>",
        ]
    lines += ["</channel>", "</rss>", ""]
    return "\n".join(lines).encode("utf-8")


class Builder:
    """Reads the corpus and renders every output file into memory (path -> bytes)."""

    def __init__(self, corpus: Path) -> None:
        self.corpus = corpus
        manifest = json.loads((corpus / "feedx-items" / "MANIFEST.json").read_text("utf-8"))
        self.manifest: dict[str, dict[str, Any]] = {
            f"feedx-items/{entry['file']}": entry for entry in manifest
        }
        self.outputs: dict[Path, bytes] = {}

    def item(self, file: str) -> StoredItem:
        """A stored item from the corpus."""
        return read_item(self.corpus, file)

    def item_source(self, file: str) -> dict[str, str]:
        """The provenance of a stored item, from MANIFEST.json."""
        entry = self.manifest.get(file)
        if entry is None:  # the seed: the product's starting item, no upstream path recorded
            return {"file": file, "origin": "the product's seed item", "licence": RFI_LICENCE}
        return {
            "file": file,
            "repo": entry["source_repo"],
            "path": entry["source_path"],
            "commit": entry["source_commit"],
            "licence": RFI_LICENCE,
        }

    def add(self, relative: str, data: bytes) -> None:
        """Register one output file."""
        path = REPO / relative
        if path in self.outputs:
            raise SystemExit(f"{relative}: produced twice")
        self.outputs[path] = data

    def add_cassette(
        self, relative: str, interactions: Sequence[Interaction], meta: dict[str, Any]
    ) -> None:
        """Register one cassette file."""
        self.add(relative, dump_cassette(interactions, meta).encode("utf-8"))

    def add_feedx(self, relative: str, items: Sequence[StoredItem], note: str) -> None:
        """A rebuilt feedx response holding items."""
        newest = max(items, key=lambda i: i.epoch_ms)
        meta = {
            "recorded_at": rfc3339(newest.published),
            "rebuilt": True,
            "sources": [self.item_source(i.file) for i in items],
            "note": note,
        }
        interaction = make_interaction(FEEDX_URL, feedx_rss(items), headers=FEEDX_HEADERS)
        self.add_cassette(relative, [interaction], meta)

    def add_raw(self, relative: str, file: str, note: str = RAW_NOTE) -> None:
        """A raw recording: the corpus file's bytes as the body of one 200 response."""
        body = (self.corpus / file).read_bytes()
        url, content_type, source, recorded = raw_origin(file, body)
        meta = {"recorded_at": recorded, "rebuilt": False, "sources": [source], "note": note}
        interaction = make_interaction(url, body, headers={"Content-Type": content_type})
        self.add_cassette(relative, [interaction], meta)


_STAMP = re.compile(r"_(\d{4}-\d\d-\d\dT\d{6}[+-]\d{4})_([0-9a-f]{7})\.xml$")


def raw_origin(file: str, body: bytes) -> tuple[str, str, dict[str, str], str]:
    """URL, Content-Type, source entry and recorded_at of a raw corpus file."""
    if file.startswith("news-2015/dw"):
        date = re.search(rb"<dc:date>([^<]+)</dc:date>", body)
        assert date is not None
        source = {"file": file, **DW_SOURCE}
        return DW_URL, "application/rdf+xml; charset=UTF-8", source, date.group(1).decode()
    match = _STAMP.search(file)
    assert match is not None, file
    recorded = rfc3339(datetime.strptime(match.group(1), "%Y-%m-%dT%H%M%S%z"))
    if file.startswith("dapenti-history/"):
        source = {"file": file, **DAPENTI_SOURCE, "commit": match.group(2)}
        return DAPENTI_URL, "text/xml; charset=utf-8", source, recorded
    feed = Path(file).name.split("_20")[0]
    source = {
        "file": file,
        **RSS_ARCH_SOURCE,
        "path": f"output/{feed}.xml",
        "commit": match.group(2),
        "licence": RSS_ARCH_LICENCE.format(owner=RSS_ARCH_OWNERS[feed]),
    }
    return RSS_ARCH_URL.format(feed=feed), "application/xml", source, recorded


# --- bundled cassettes ------------------------------------------------------------------------


def build_bundled(b: Builder) -> None:
    """cassettes/: one rebuilt feedx cassette per markup period, plus raw recordings."""
    for period, files in RFI_PERIODS.items():
        note = (
            "rebuilt: the archive keeps items, not responses; this is the RSS 2.0 feedx.net "
            "served for them (item HTML, title and link exactly as stored; pubDate from the "
            "stored epoch ms). recorded_at is the newest item's timestamp."
        )
        b.add_feedx(f"cassettes/feedx-rfi_{period}.yaml", [b.item(f) for f in files], note)
    for name, file in BUNDLED_RAW:
        b.add_raw(f"cassettes/{name}", file)
    b.add("cassettes/SOURCES.md", bundled_sources_md(b).encode("utf-8"))


def bundled_sources_md(b: Builder) -> str:
    """The provenance table of cassettes/."""
    rows = []
    for period, files in RFI_PERIODS.items():
        cells = "<br>".join(f"`{f}` ({_upstream(b, f)})" for f in files)
        rows.append(
            f"| `feedx-rfi_{period}.yaml` | rebuilt | {cells} | {RFI_LICENCE}; archived by "
            "duty-machine/news |"
        )
    for name, file in BUNDLED_RAW:
        _, _, source, _ = raw_origin(file, (b.corpus / file).read_bytes())
        where = f"{source['repo']} `{source['path']}` @ {source['commit'][:7]}"
        rows.append(f"| `{name}` | raw | `{file}` ({where}) | {source['licence']} |")
    return SOURCES_MD.format(rows="\n".join(rows))


def _upstream(b: Builder, file: str) -> str:
    source = b.item_source(file)
    if "repo" not in source:
        return source["origin"]
    return f"{source['repo']} `{source['path']}` @ {source['commit'][:7]}"


SOURCES_MD = """\
# Where the bundled cassettes come from

Generated by `tools/build_cassettes.py` from the project's read-only corpus (paths below are
relative to it); rerun it instead of editing these files by hand. Each cassette's `harness:`
block repeats its sources, `recorded_at`, `rebuilt` and a note.

The feed texts belong to their publishers (RFI / France Médias Monde, dapenti.com, The Financial
Times, Deutsche Welle). They are kept here unchanged, as test data only, to check parsers against
what these feeds really served; they are not covered by this project's licence.

- **rebuilt**: the archive kept the feed's *items*, not its HTTP responses. The response feedx.net
  served is rebuilt around them: RSS 2.0, channel `法国国际广播电台`, each item's title, link
  (also the `guid`) and HTML body (in CDATA) exactly as stored, `pubDate` from the stored epoch
  milliseconds, newest first. `recorded_at` is the newest item's timestamp.
- **raw**: the body is the archived file, byte for byte. The archives kept no status line or
  headers: status 200 and `Content-Type` are reconstructed; `recorded_at` is the archive's commit
  date (for DW, the channel's `dc:date`).

The RFI items are grouped by the period of feedx's markup: `2020-10` `t-content__body` and
`http://www.rfi.fr//cn/` links; `2021-05` the same markup on feedx's 15-minute polling grid, with
a placeholder image; `2022-03` https links and a bare `<div>` wrapper; `2023-05` the author block;
`2023-09` the share widget and the feedx.best footer; `2023-11` the related-articles block, the
feedx.run footer and the seed item; `2024-02` the share widget without footer. The 2021-11-12 item
(literal `Array` instead of the image) is not bundled: it is the fixture
`tests/data/cassettes/real/feedx-rfi_array-2021-11-12.yaml`.

| cassette | kind | source files (upstream repository, path @ commit) | ownership / licence |
|---|---|---|---|
{rows}
"""


# --- fixtures: real problems ------------------------------------------------------------------


def build_real(b: Builder) -> None:
    """tests/data/cassettes/real/: real problems from the corpus, bytes unchanged."""
    note = "rebuilt like cassettes/feedx-rfi_*.yaml; feedx wrote the literal text Array for <img>"
    b.add_feedx(
        "tests/data/cassettes/real/feedx-rfi_array-2021-11-12.yaml", [b.item(ARRAY_ITEM)], note
    )
    for name, file in REAL_RAW:
        b.add_raw(
            f"tests/data/cassettes/real/{name}",
            file,
            RAW_NOTE + "; kept as a real problem (see the README)",
        )


# --- fixtures: hand-made broken cassette files ------------------------------------------------

_REQUEST = """\
- request:
    method: GET
    uri: https://feedx.net/rss/rfi.xml
    headers: {}
    body: null
"""
_RESPONSE_HEAD = """\
  response:
    status:
      code: 200
      message: OK
    headers:
      Content-Type:
      - application/rss+xml; charset=utf-8
"""
BROKEN_TEXT: dict[str, str] = {
    "empty.yaml": "",
    "invalid-yaml.yaml": (
        "interactions:\n- request:\n    method: GET\n     uri: https://feedx.net/rss/rfi.xml\n"
    ),
    "top-level-list.yaml": _REQUEST + _RESPONSE_HEAD + "    body:\n      string: ''\n",
    "missing-interactions.yaml": "version: 1\nrequests:\n- uri: https://feedx.net/rss/rfi.xml\n",
    "no-interactions.yaml": "interactions: []\nversion: 1\n",
    "no-response.yaml": "interactions:\n" + _REQUEST + "version: 1\n",
    "status-not-int.yaml": "interactions:\n"
    + _REQUEST
    + _RESPONSE_HEAD.replace("code: 200", "code: 200 OK")
    + "    body:\n      string: ''\nversion: 1\n",
    "duplicate-key.yaml": "interactions:\n"
    + _REQUEST
    + _RESPONSE_HEAD
    + "    body:\n      string: '<rss/>'\n    body:\n      string: ''\nversion: 1\n",
    "python-tag.yaml": "interactions:\n"
    + _REQUEST
    + _RESPONSE_HEAD
    + "    body:\n      string: !!python/object/apply:os.system ['echo unsafe']\nversion: 1\n",
    "bad-base64.yaml": "interactions:\n"
    + _REQUEST
    + _RESPONSE_HEAD
    + "    body:\n      string: !!binary |\n        this is not base64!\nversion: 1\n",
}
NOT_UTF8 = (
    "interactions:\n"
    + _REQUEST
    + _RESPONSE_HEAD
    + "    body:\n      string: 'Défense'\nversion: 1\n"
).encode("latin-1")

HTML_ERROR_PAGE = b"""\
<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
"""
SMALL_RSS = b"""\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
  <title>Example feed</title>
  <link>https://example.invalid/</link>
  <description>A small valid RSS 2.0 feed at a URL no configured feed claims</description>
  <language>en</language>
  <item>
    <title>Second item</title>
    <link>https://example.invalid/posts/2</link>
    <guid isPermaLink="true">https://example.invalid/posts/2</guid>
    <description>The second post.</description>
    <pubDate>Tue, 02 Jan 2024 09:30:00 GMT</pubDate>
  </item>
  <item>
    <title>First item</title>
    <link>https://example.invalid/posts/1</link>
    <guid isPermaLink="true">https://example.invalid/posts/1</guid>
    <description>The first post.</description>
    <pubDate>Mon, 01 Jan 2024 08:00:00 GMT</pubDate>
  </item>
</channel>
</rss>
"""


def build_broken(b: Builder) -> None:
    """tests/data/cassettes/broken/: hand-made broken files and unreadable bodies."""
    base = "tests/data/cassettes/broken/"
    for name, text in BROKEN_TEXT.items():
        b.add(base + name, text.encode("utf-8"))
    b.add(base + "not-utf8.yaml", NOT_UTF8)
    hand = {"recorded_at": "2024-01-02T10:00:00Z", "rebuilt": True, "note": "hand-made fixture"}
    rng = random.Random(20231206)  # noqa: S311 - a fixed seed: fixture data, not secrets
    noise = bytes(rng.randrange(1, 256) for _ in range(512))  # no NUL: reaches the parser
    b.add_cassette(
        base + "binary-random-body.yaml",
        [make_interaction(FEEDX_URL, noise, headers=FEEDX_HEADERS)],
        hand,
    )
    full = feedx_rss([b.item(f) for f in RFI_PERIODS["2023-11"]]).decode("utf-8")
    second = full.index("<item>", full.index("<item>") + 1)
    cut = full[: second + (len(full) - second) // 2].encode("utf-8")
    meta = {**hand, "note": "cassettes/feedx-rfi_2023-11.yaml cut in the middle of its 2nd item"}
    b.add_cassette(
        base + "truncated-xml.yaml", [make_interaction(FEEDX_URL, cut, headers=FEEDX_HEADERS)], meta
    )
    html = make_interaction(FEEDX_URL, HTML_ERROR_PAGE, headers={"Content-Type": "text/html"})
    b.add_cassette(
        base + "html-error-page.yaml",
        [html],
        {**hand, "note": "an error page served with status 200"},
    )
    unknown = make_interaction(
        "https://example.invalid/feed.xml",
        SMALL_RSS,
        headers={"Content-Type": "application/rss+xml; charset=utf-8"},
    )
    b.add_cassette(
        base + "unknown-url.yaml",
        [unknown],
        {**hand, "note": "a valid feed no configured feed claims"},
    )


# --- fixtures: variants of the seed item ------------------------------------------------------


def sub(text: str, old: str, new: str, count: int = 1) -> str:
    """Replace old by new exactly count times; fail if the seed no longer has old."""
    if text.count(old) != count:
        raise SystemExit(f"variant: expected {count} x {old!r}, found {text.count(old)}")
    return text.replace(old, new)


def _blank_paragraphs(html: str) -> str:
    return re.sub(r"<p>.*?</p>", "<p> </p>", html)


_URL_DAY = "/20231206-"
_PROMO = '<div class="promo">获取更多RSS：<a href="https://feedx.net">https://feedx.net</a></div>'
_PARAGRAPH = "上个月，中国国家主席习近平在金砖国家（Brics）虚拟特别峰会上亲自呼吁立即停止敌对行动。"
_SEED_IMAGE = "https://s.rfi.fr/media/display/e8ac8e10-744e-11ee-a457-005056bfb2b6/"

VariantFn = Callable[[StoredItem], list[StoredItem]]


def _at(item: StoredItem, moment: datetime) -> StoredItem:
    return replace(item, epoch_ms=int(moment.timestamp() * 1000))


def _dateline_utc() -> datetime:
    return datetime(2023, 12, 6, 15, 42, tzinfo=UTC)  # "06/12/2023 - 16:42" in Paris (CET)


def _html(fn: Callable[[str], str]) -> VariantFn:
    return lambda item: [replace(item, html=fn(item.html))]


VARIANTS: dict[str, tuple[VariantFn, str]] = {
    "seed.yaml": (lambda i: [i], "PASS: the unchanged seed item (control)"),
    "timestamp-before-dateline.yaml": (
        lambda i: [_at(i, _dateline_utc() - timedelta(minutes=10))],
        "FAIL timestamp-matches-dateline: pubDate 15:32:00 GMT is 10 min before the date line "
        "(16:42 Paris = 15:42Z; max-lead 5m)",
    ),
    "timestamp-shifted-8h.yaml": (
        lambda i: [_at(i, i.published + timedelta(hours=8))],
        "FAIL timestamp-matches-dateline: pubDate 23:45:03 GMT, 8 h after the real one "
        "(Beijing time written as GMT)",
    ),
    "dateline-day-month-swapped.yaml": (
        _html(lambda h: sub(h, "<div>06/12/2023 - 16:42</div>", "<div>12/06/2023 - 16:42</div>")),
        "FAIL timestamp-matches-dateline: date line 12/06/2023 reads as 12 June 2023, "
        "~177 days before the pubDate",
    ),
    "dateline-missing.yaml": (
        _html(lambda h: sub(h, "<div>06/12/2023 - 16:42</div>", "")),
        "FAIL timestamp-matches-dateline: body has no date line",
    ),
    "pubdate-2h-late.yaml": (
        lambda i: [_at(i, i.published + timedelta(hours=2))],
        "FAIL timestamp-matches-dateline: pubDate 17:45:03 GMT, 2 h 3 min after the date line "
        "(max-lag 90m)",
    ),
    "url-date-off-by-one.yaml": (
        lambda i: [replace(i, link=sub(i.link, _URL_DAY, "/20231207-"))],
        "url-date-matches-timestamp: URL says 20231207, the item is from 2023-12-06. PASSES with "
        "the default tolerance-days = 1 (needed for midnight.yaml in UTC); FAILS with "
        "tolerance-days = 0 when the URL date is compared in the feed's time zone",
    ),
    "url-date-mismatch.yaml": (
        lambda i: [replace(i, link=sub(i.link, _URL_DAY, "/20231216-"))],
        "FAIL url-date-matches-timestamp: URL date 20231216 is 10 days after the timestamp",
    ),
    "paragraphs-empty.yaml": (
        _html(_blank_paragraphs),
        "FAIL paragraphs-nonempty: every `<p>` (the lead too) is `<p> </p>`: no paragraph "
        "with text",
    ),
    "promo-leak.yaml": (
        _html(
            lambda h: sub(
                h, "<div data-selfpromo-newsletter>", _PROMO + "<div data-selfpromo-newsletter>"
            )
        ),
        'boilerplate-stripped FAILS when a new `<div class="promo">获取更多RSS：…` block inside '
        "the body reaches the item's text; feedx-rfi drops any block whose own text carries "
        "获取更多RSS, so with it the cassette PASSES (the fixture pins that)",
    ),
    "escaped-markup.yaml": (
        _html(lambda h: sub(h, f"<p>{_PARAGRAPH}</p>", f"<p>&lt;p&gt;{_PARAGRAPH}&lt;/p&gt;</p>")),
        "FAIL no-markup-in-text: a paragraph holds escaped markup `&lt;p&gt;…&lt;/p&gt;`",
    ),
    "image-relative.yaml": (
        _html(
            lambda h: sub(h, _SEED_IMAGE, "/media/display/e8ac8e10-744e-11ee-a457-005056bfb2b6/")
        ),
        "links-absolute FAILS for a parser that passes the relative src "
        "(`/media/display/…`) through; feedx-rfi resolves it against the item URL "
        "(`https://www.rfi.fr/…`), so with it the cassette PASSES",
    ),
    "link-other-host.yaml": (
        lambda i: [replace(i, link=sub(i.link, "https://www.rfi.fr/", "https://feedx.net/"))],
        "FAIL links-absolute: the item link (and guid) is on feedx.net, not an allowed host",
    ),
    "duplicate-guid.yaml": (
        lambda i: [i, i],
        "FAIL unique-ids: two items with the same guid (the seed twice)",
    ),
    "title-empty.yaml": (
        lambda i: [replace(i, title="")],
        "FAIL title-nonempty: `<title></title>`",
    ),
    "mojibake.yaml": (
        _html(lambda h: h.encode("utf-8").decode("latin-1")),
        "FAIL script-matches-language: the body was UTF-8 encoded then decoded as Latin-1 "
        "(法 becomes `æ³` and a C1 control character)",
    ),
}

MIDNIGHT_HTML = (
    "<div>01/01/2024 - 00:30</div>"
    f'<img src="{_SEED_IMAGE}w:1280/p:16x9/AP23299790617867.jpg">'
    "<p><strong>巴黎香榭丽舍大街的跨年夜活动在午夜结束，数十万人在凯旋门前迎来2024年。"
    "        </strong></p><div>"
    "<p>据巴黎警方介绍，今年的跨年活动动员了大批警力，活动总体秩序良好。</p>"
    "<p>午夜时分，凯旋门上演了灯光秀，随后燃放烟花。许多游客表示，这是他们第一次在巴黎跨年。</p>"
    "<p>这是一条用于测试的合成条目：日期行为巴黎时间2024年1月1日0点30分，即协调世界时2023年12月31日"
    "23点30分。</p>"
    "<div data-selfpromo-newsletter></div><div data-selfpromo-app></div></div>"
)
MIDNIGHT = StoredItem(
    file="(synthetic)",
    epoch_ms=int(datetime(2023, 12, 31, 23, 45, tzinfo=UTC).timestamp() * 1000),
    title="巴黎跨年夜 数十万人在香榭丽舍大街迎接2024年",
    link="https://www.rfi.fr/cn/%E6%B3%95%E5%9B%BD/20240101-%E5%B7%B4%E9%BB%8E%E8%B7%A8%E5%B9%B4%E5%A4%9C",
    html=MIDNIGHT_HTML,
)


def build_variants(b: Builder) -> None:
    """tests/data/cassettes/variants/: the seed item broken one way per cassette."""
    seed = b.item(SEED)
    for name, (variant, expected) in VARIANTS.items():
        items = variant(seed)
        meta = {
            "recorded_at": rfc3339(max(i.published for i in items)),
            "rebuilt": True,
            "sources": [b.item_source(SEED)],
            "note": f"variant of the seed item. Expected: {expected}",
        }
        interaction = make_interaction(FEEDX_URL, feedx_rss(items), headers=FEEDX_HEADERS)
        b.add_cassette(f"tests/data/cassettes/variants/{name}", [interaction], meta)
    meta = {
        "recorded_at": rfc3339(MIDNIGHT.published),
        "rebuilt": True,
        "note": "synthetic item in the seed's markup (not an RFI article). Expected: "
        + MIDNIGHT_EXPECTED,
    }
    interaction = make_interaction(FEEDX_URL, feedx_rss([MIDNIGHT]), headers=FEEDX_HEADERS)
    b.add_cassette("tests/data/cassettes/variants/midnight.yaml", [interaction], meta)


MIDNIGHT_EXPECTED = (
    "PASS: date line 01/01/2024 - 00:30 Paris = 2023-12-31T23:30Z, pubDate Sun, 31 Dec 2023 "
    "23:45:00 GMT (15 min later); URL date 20240101 is the Paris date"
)


# --- README of the fixtures, items --------------------------------------------------------------


def fixtures_readme(b: Builder) -> str:
    """tests/data/cassettes/README.md: every fixture and its expected outcome."""
    lines = [FIXTURES_README_HEAD]
    lines += [
        f"| `real/{name}` | `{file}` | {REAL_EXPECTED[name]} |"
        for name, file in (("feedx-rfi_array-2021-11-12.yaml", ARRAY_ITEM), *REAL_RAW)
    ]
    lines += [
        "",
        "## broken/: hand-made broken files",
        "",
        "| fixture | what | expected |",
        "|---|---|---|",
    ]
    lines += [
        f"| `broken/{name}` | {what} | {expected} |"
        for name, (what, expected) in BROKEN_EXPECTED.items()
    ]
    lines += ["", VARIANTS_README_HEAD, "", "| fixture | expected |", "|---|---|"]
    lines += [f"| `variants/{name}` | {expected} |" for name, (_, expected) in VARIANTS.items()]
    lines += [f"| `variants/midnight.yaml` | {MIDNIGHT_EXPECTED} (synthetic text) |", ""]
    return "\n".join(lines)


FIXTURES_README_HEAD = """\
# Fixture cassettes

Built by `tools/build_cassettes.py` (do not edit by hand; rerun it). Every fixture is a vcrpy
cassette (YAML, version 1) with a `harness:` block naming its source. Paths in the tables are
relative to the project's read-only corpus. "Expected" is what `harness check` reports with the
configuration in `harness.toml` (PASS, FAIL naming the check, or BROKEN naming the error kind);
`CassetteError` rows give the one-line message after `<path>: ` (`…` marks text that depends on
the YAML library), pinned by `tests/unit/test_cassettes.py`.

## real/: real problems from the corpus, bytes unchanged

| fixture | source | expected |
|---|---|---|"""

REAL_EXPECTED = {
    "feedx-rfi_array-2021-11-12.yaml": "loads (rebuilt, one item). FAIL `body-structure` "
    "(a parser problem): the literal text `Array` stands where the `<img>` should be",
    "dapenti-empty.yaml": "loads; body is 0 bytes. BROKEN (transport: `empty body`)",
    "dapenti-nul-leading.yaml": "loads; body starts with 144,800 NUL bytes (double-quoted "
    "`\\0` in YAML). BROKEN (transport: `run of 144800 NUL bytes at the start of the body`)",
    "dapenti-nul-run.yaml": "loads; a run of NULs mid-file, not UTF-8 (stored as `!!binary`), "
    "14 items. BROKEN (transport: `run of 522728 NUL bytes at byte 94120 of the body`)",
    "dapenti-http403-spliced.yaml": "loads; `HTTP/1.1 403 Forbidden` spliced into the body mid "
    "UTF-8 sequence (stored as `!!binary`). BROKEN (transport: `HTTP status line … spliced into "
    "the body at byte 259192`)",
    "dapenti-wes-weekday.yaml": "loads; a clean recording whose Wednesday pubDates say `Wes,` "
    "(every dapenti recording has them). Reported as `date-format` warnings (harness.toml), "
    "so PASS with warnings",
    "rss-arch-nyt-econ-no-items.yaml": "loads; a valid RSS 2.0 channel with 0 items "
    "(recovered the next day). Not claimed by a configured feed: checked with `rss`; 0 items",
}

BROKEN_EXPECTED: dict[str, tuple[str, str]] = {
    "empty.yaml": (
        "0 bytes",
        "CassetteError: `empty file (expected a vcrpy cassette: a mapping with 'interactions')`",
    ),
    "invalid-yaml.yaml": (
        "a mis-indented key",
        "CassetteError: `invalid YAML at line 4, "
        "column 9: mapping values are not allowed …` (libyaml ends 'in this "
        "context', PyYAML 'here')",
    ),
    "top-level-list.yaml": (
        "a bare list of interactions (vcrpy's pre-1.0 layout)",
        "CassetteError: `not a cassette (top level is a list, expected a "
        "mapping with 'interactions')`",
    ),
    "missing-interactions.yaml": (
        "no `interactions` key",
        "CassetteError: `not a cassette (no "
        "'interactions' key; keys found: 'version', 'requests')`",
    ),
    "no-interactions.yaml": ("`interactions: []`", "CassetteError: `no interactions`"),
    "no-response.yaml": (
        "an interaction without `response`",
        "CassetteError: `interactions[0] has no 'response'`",
    ),
    "status-not-int.yaml": (
        "`code: 200 OK`",
        "CassetteError: `interactions[0].response.status."
        "code is '200 OK' (a string), expected an integer such as 200`",
    ),
    "duplicate-key.yaml": (
        "two `body:` keys",
        "CassetteError: `invalid YAML at line 16, column "
        "5: found duplicate key 'body' (while constructing a mapping)`",
    ),
    "python-tag.yaml": (
        "`!!python/object/apply:os.system` (must never run)",
        "CassetteError: `unsupported YAML tag at line 15, column 15: could not "
        "determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system' …`",
    ),
    "bad-base64.yaml": (
        "`!!binary` that is not base64",
        "CassetteError: `invalid YAML at line 15, column 15: failed to decode base64 data: …`",
    ),
    "not-utf8.yaml": (
        "the file is Latin-1",
        "CassetteError: `not UTF-8 text (byte 0xe9 at offset 271); a cassette is YAML in UTF-8`",
    ),
    "binary-random-body.yaml": (
        "a valid cassette whose body is 512 random bytes, no NUL (`!!binary`)",
        "loads. BROKEN (parse: not a feed)",
    ),
    "truncated-xml.yaml": (
        "`cassettes/feedx-rfi_2023-11.yaml` cut in the middle of its 2nd item",
        "loads. BROKEN (parse: XML ends early)",
    ),
    "html-error-page.yaml": (
        "an nginx `502 Bad Gateway` HTML page served with status 200",
        "loads. BROKEN (parse/transport: HTML, not a feed)",
    ),
    "unknown-url.yaml": (
        "a small valid RSS 2.0 feed at `https://example.invalid/feed.xml`",
        "loads. No configured feed claims the URL: checked with the generic "
        "`rss` parser, note says so; PASS (2 items)",
    ),
}

VARIANTS_README_HEAD = """\
## variants/: the seed item broken one way per cassette

Each is the seed (`seed/000_46e50146a1d95ecb.txt`, RFI via feedx.net, 2023-12-06, date line
`06/12/2023 - 16:42` = 15:42Z, pubDate `Wed, 06 Dec 2023 15:45:03 GMT`) rebuilt as a feedx
cassette with a single item (two for `duplicate-guid`), changed in one way. Invariant ids are
those of `harness/checks/core.py` with the `rfi` feed settings in `harness.toml`."""


ITEMS_SOURCES_MD = """\
# Stored items (test data)

Unchanged copies of the project's corpus: `seed/` is corpus `seed/`, and `rfi/`, `dw/`, `nyt/`
and `MANIFEST.json` are corpus `feedx-items/`. `tools/build_cassettes.py` copies them (and checks
the copies stay byte-identical).

Each file is one item of a feedx.net mirror (`https://feedx.net/rss/{rfi,dw,nytimes}.xml`) as an
archiver stored it: `<!--<pubDate in epoch ms>-->`, `[title](link)`, `------`, a blank line, then
the item's HTML with each line trimmed and the lines joined into one. `MANIFEST.json` gives, per
file, the upstream repository (`duty-machine/news`), path and commit, the pubDate, the body's date
line and the markup features. The seed has no manifest entry: it is the item the product started
from (RFI, 2023-12-06).

The texts belong to their publishers (RFI / France Médias Monde, Deutsche Welle, The New York
Times) and are used as test data only.
"""


def build_items(b: Builder) -> None:
    """tests/data/items/: unchanged copies of seed/ and feedx-items/."""
    for folder, target in (("seed", "seed"), ("feedx-items", "")):
        root = b.corpus / folder
        for path in sorted(root.rglob("*")):
            if path.is_file():
                relative = Path("tests/data/items") / target / path.relative_to(root)
                b.add(str(relative), path.read_bytes())
    b.add("tests/data/items/SOURCES.md", ITEMS_SOURCES_MD.encode("utf-8"))


# --- writing ----------------------------------------------------------------------------------


def write_atomic(path: Path, data: bytes) -> None:
    """Replace path with data via a temp file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.build.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def stale_files(outputs: dict[Path, bytes]) -> Iterator[Path]:
    """Cassettes in the managed folders that this script no longer produces."""
    for folder in (REPO / "cassettes", REPO / "tests/data/cassettes"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and is_cassette_path(path) and path not in outputs:
                yield path


def verify(outputs: dict[Path, bytes]) -> None:
    """Every written cassette outside broken/ loads; bundled ones stay under the size cap."""
    for path, data in outputs.items():
        if not is_cassette_path(path) or "broken" in path.parts:
            continue
        load_cassette(path)
        if path.parent == REPO / "cassettes" and len(data) > MAX_BUNDLED_BYTES:
            raise SystemExit(f"{path}: {len(data):,} bytes, over {MAX_BUNDLED_BYTES:,}")


def main(argv: Sequence[str] | None = None) -> int:
    """Build everything; return 0, or 1 when --check finds a difference."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--check", action="store_true", help="compare only, write nothing")
    args = parser.parse_args(argv)
    b = Builder(args.corpus)
    for step in (build_bundled, build_real, build_broken, build_variants, build_items):
        step(b)
    b.add("tests/data/cassettes/README.md", fixtures_readme(b).encode("utf-8"))
    changed = [p for p, data in b.outputs.items() if not p.exists() or p.read_bytes() != data]
    for path in stale_files(b.outputs):
        print(f"stale (not produced, left alone): {path.relative_to(REPO)}")
    if args.check:
        for path in changed:
            print(f"differs: {path.relative_to(REPO)}")
        return 1 if changed else 0
    for path in changed:
        write_atomic(path, b.outputs[path])
        print(f"wrote {path.relative_to(REPO)} ({len(b.outputs[path]):,} bytes)")
    verify(b.outputs)
    print(f"{len(b.outputs)} files, {len(changed)} changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
