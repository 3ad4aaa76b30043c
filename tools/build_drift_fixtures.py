"""Build the drift-detection fixtures in tests/data/drift/ from the shared corpus.

    PYTHONPATH=. .venv/bin/python tools/build_drift_fixtures.py [--corpus DIR] [--check]

Writes ``tests/data/drift/``:

* ``dapenti/``: every dapenti.com recording (2015-01 … 2015-08), bodies cut after their first
  ``KEEP_ITEMS`` items (byte for byte up to there, then the document's own closing tags); a
  transport failure is cut after the item holding the damage, so the damage is kept;
* ``rss-arch/``: every ft-home recording of orx365/rss-arch, unchanged;
* ``rss-arch-feeds/``: every recording of the other orx365/rss-arch feeds (economist, nyt_econ,
  wsj_econ, wsj_world), unchanged (a folder of its own: ``rss-arch/`` is walked as one feed);
* ``feedx-items/``: each archived feedx RFI item (and the seed) alone, in the feedx response
  ``tools/build_cassettes.py`` rebuilds around stored items: one recording per point in time;
* ``variants/``: synthetic variants built from real RFI items (all 15 archived feedx items and
  the seed, re-rendered in one markup period: the 2024-02 form) and from a real ft-home
  recording, one drift kind (or one benign change) each;
* ``SOURCES.md``: where each file comes from.

Deterministic: no clock, no randomness; ``--check`` writes nothing and exits 1 when an output
would change. Not part of the package: the product and its tests never read the corpus.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from build_cassettes import RFI_LICENCE, feedx_rss, read_item  # tools/, next to this file

from harness.cassettes import dump_cassette, load_cassette, make_interaction
from harness.parsers.rfi import parse_rfi_body

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "tests" / "data" / "drift"
DEFAULT_CORPUS = Path("/work/shared/corpus")
KEEP_ITEMS = 8
FEEDX_URL = "https://feedx.net/rss/rfi.xml"
DAPENTI_URL = "http://www.dapenti.com/blog/rssfortugua.asp"
RSS_ARCH_URL = "https://orx365.github.io/rss-arch/output/{feed}.xml"
FT_URL = RSS_ARCH_URL.format(feed="ft-home")
RSS_ARCH_OWNERS = {
    "economist": "The Economist",
    "ft-home": "The Financial Times",
    "nyt_econ": "The New York Times",
    "wsj_econ": "The Wall Street Journal",
    "wsj_world": "The Wall Street Journal",
}
OWNED = ("dapenti", "feedx-items", "rss-arch", "rss-arch-feeds", "variants")
"""The folders this tool writes (and prunes); other files in ``OUT`` belong to the tests."""
RSS_TYPE = {"Content-Type": "application/rss+xml; charset=utf-8"}
XML_TYPE = {"Content-Type": "text/xml; charset=utf-8"}
ATOM_TYPE = {"Content-Type": "application/atom+xml; charset=utf-8"}
NAME = re.compile(r"_(\d{4}-\d\d-\d\dT\d{6}[+-]\d{4})_([0-9a-f]+)\.xml$")
_SPLICE = re.compile(rb"HTTP/1\.[01] \d{3}")


def recorded_at(file_name: str) -> str:
    """``…_2015-01-05T103059+0800_sha.xml`` -> ``2015-01-05T02:30:59Z``."""
    match = NAME.search(file_name)
    if match is None:
        raise ValueError(f"no date in {file_name}")
    moment = datetime.strptime(match.group(1), "%Y-%m-%dT%H%M%S%z")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cassette(url: str, body: bytes, headers: dict[str, str], meta: dict[str, Any]) -> bytes:
    """One-interaction cassette text."""
    return dump_cassette([make_interaction(url, body, headers=headers)], meta).encode("utf-8")


# --- real histories ----------------------------------------------------------------------------


def trim(body: bytes, keep: int) -> tuple[bytes, int]:
    """Cut after the ``keep``-th ``</item>`` (or after the damage), keep the closing tags."""
    ends = [m.end() for m in re.finditer(rb"</item>", body)]
    if len(ends) <= keep:
        return body, len(ends)
    damage = 0
    nul = body.find(b"\x00\x00\x00\x00")
    if nul >= 0:
        damage = len(body) - len(body[nul:].lstrip(b"\x00"))
    splice = _SPLICE.search(body)
    if splice is not None:
        damage = max(damage, splice.end())
    cut = next((e for e in ends[keep - 1 :] if e >= damage), ends[-1])
    return body[:cut] + body[ends[-1] :], sum(e <= cut for e in ends)


def build_dapenti(corpus: Path, out: dict[Path, bytes]) -> list[str]:
    rows = []
    for path in sorted((corpus / "dapenti-history").glob("rss_*.xml")):
        raw = path.read_bytes()
        body, items = trim(raw, KEEP_ITEMS)
        sha = NAME.search(path.name).group(2)  # type: ignore[union-attr]
        name = f"dapenti_{recorded_at(path.name)[:10]}_{sha}.yaml"
        meta = {
            "recorded_at": recorded_at(path.name),
            "rebuilt": False,
            "trimmed": f"first {items} items kept (of the recording's own); bytes unchanged up "
            "to there, then the document's closing tags",
            "sources": [
                {
                    "file": f"dapenti-history/{path.name}",
                    "repo": "yaodong/pentitugua-rss",
                    "path": "rss.xml",
                    "commit": sha,
                    "licence": "no licence stated; feed text © dapenti.com; used as test data only",
                }
            ],
        }
        out[OUT / "dapenti" / name] = cassette(DAPENTI_URL, body, XML_TYPE, meta)
        rows.append(f"| `dapenti/{name}` | `dapenti-history/{path.name}` | {items} items kept |")
    return rows


def build_rss_arch(corpus: Path, out: dict[Path, bytes], *, ft: bool = True) -> list[str]:
    """ft-home into ``rss-arch/`` (``ft=True``), or every other feed into ``rss-arch-feeds/``."""
    rows = []
    for path in sorted((corpus / "rss-arch-history").glob("*.xml")):
        feed, sha = path.name.split("_20", 1)[0], NAME.search(path.name).group(2)  # type: ignore[union-attr]
        if (feed == "ft-home") != ft:
            continue
        folder = "rss-arch" if ft else "rss-arch-feeds"
        name = f"{feed}_{recorded_at(path.name)[:16].replace(':', '')}_{sha}.yaml"
        meta = {
            "recorded_at": recorded_at(path.name),
            "rebuilt": False,
            "sources": [
                {
                    "file": f"rss-arch-history/{path.name}",
                    "repo": "orx365/rss-arch",
                    "path": f"output/{feed}.xml",
                    "commit": sha,
                    "licence": f"repository MIT; feed text © {RSS_ARCH_OWNERS[feed]}; "
                    "test data only",
                }
            ],
        }
        url = RSS_ARCH_URL.format(feed=feed)
        out[OUT / folder / name] = cassette(url, path.read_bytes(), XML_TYPE, meta)
        rows.append(f"| `{folder}/{name}` | `rss-arch-history/{path.name}` | unchanged |")
    return rows


def build_feedx_items(corpus: Path, out: dict[Path, bytes]) -> list[str]:
    """One rebuilt feedx response per stored RFI item (and the seed), oldest first."""
    manifest = json.loads((corpus / "feedx-items" / "MANIFEST.json").read_text("utf-8"))
    upstream = {f"feedx-items/{e['file']}": e for e in manifest}
    files = [f"feedx-items/rfi/{p.name}" for p in (corpus / "feedx-items" / "rfi").glob("*.md")]
    files += [f"seed/{p.name}" for p in (corpus / "seed").glob("*.txt")]
    rows = []
    for item in sorted((read_item(corpus, f) for f in files), key=lambda i: i.epoch_ms):
        when = item.published.strftime("%Y-%m-%dT%H:%M:%SZ")
        stem = Path(item.file).stem.split("_")[-1]
        name = f"feedx-rfi_{when[:10]}_{stem}.yaml"
        entry = upstream.get(item.file)
        source: dict[str, str] = {"file": item.file, "licence": RFI_LICENCE}
        if entry is None:
            source["origin"] = "the product's seed item"
        else:
            source |= {
                "repo": entry["source_repo"],
                "path": entry["source_path"],
                "commit": entry["source_commit"],
            }
        meta = {
            "recorded_at": when,
            "rebuilt": True,
            "note": "one stored item in the feedx response tools/build_cassettes.py rebuilds "
            "(RSS 2.0, title, link = guid, HTML body in CDATA as stored, pubDate from the epoch)",
            "sources": [source],
        }
        out[OUT / "feedx-items" / name] = cassette(FEEDX_URL, feedx_rss([item]), RSS_TYPE, meta)
        rows.append(f"| `feedx-items/{name}` | `{item.file}` | rebuilt, 1 item |")
    return rows


# --- RFI items in one markup period ------------------------------------------------------------


@dataclass(frozen=True)
class Article:
    """One real RFI item, parsed into parts that can be rendered in any markup."""

    source: str
    title: str
    url: str
    published: datetime
    dateline: str
    image: str
    lead: str
    paragraphs: tuple[str, ...]


def read_articles(corpus: Path) -> list[Article]:
    files = sorted((corpus / "feedx-items" / "rfi").glob("*.md"))
    files += sorted((corpus / "seed").glob("*.txt"))
    articles = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        ms = int(re.match(r"<!--(\d+)-->", text).group(1))  # type: ignore[union-attr]
        title, url = re.search(r"^\[(.*)\]\((\S+)\)$", text, re.M).groups()  # type: ignore[union-attr]
        body = text.split("------", 1)[1].strip()
        parsed = parse_rfi_body(body, base_url=url)
        if parsed.dateline is None or not parsed.paragraphs or not parsed.images:
            continue  # the 2021-11-12 item has no image (literal "Array")
        url = url.replace("http://www.rfi.fr//cn/", "https://www.rfi.fr/cn/")
        title = re.sub(r"\s*–\s*法国国际广播电台\s*-\s*RFI$", "", title)
        articles.append(
            Article(
                source=str(path.relative_to(corpus)),
                title=title,
                url=url,
                published=datetime.fromtimestamp(ms / 1000, UTC),
                dateline=str(parsed.dateline["text"]),
                image=parsed.images[0],
                lead=parsed.lead or parsed.paragraphs[0],
                paragraphs=tuple(parsed.paragraphs if parsed.lead else parsed.paragraphs[1:]),
            )
        )
    return sorted(articles, key=lambda a: a.published, reverse=True)


Render = Callable[[Article, int], str]


def body_2024(a: Article, n: int) -> str:
    """The feedx/RFI markup of 2024-02: date line, image, bold lead, wrapper with paragraphs."""
    paragraphs = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in a.paragraphs)
    return (
        f'<div>{a.dateline}</div><img src="{html.escape(a.image)}">'
        f"<p><strong>{html.escape(a.lead, quote=False)}</strong></p>"
        f"<div>{paragraphs}<div data-selfpromo-newsletter></div>"
        "<div data-selfpromo-app></div></div>"
    )


def feed(
    articles: Sequence[Article],
    render: Render = body_2024,
    *,
    pub: Callable[[Article], datetime] = lambda a: a.published,
    link: Callable[[Article], str] = lambda a: a.url,
    wrap: Callable[[str], str] = lambda body: f"<![CDATA[{body}]]>",
) -> bytes:
    """An RSS 2.0 document as feedx.net serves it, for these articles."""
    items = []
    for n, a in enumerate(articles):
        items.append(
            "  <item>\n"
            f"    <title>{html.escape(a.title, quote=False)}</title>\n"
            f"    <link>{html.escape(link(a), quote=False)}</link>\n"
            f'    <guid isPermaLink="true">{html.escape(a.url, quote=False)}</guid>\n'
            f"    <description>{wrap(render(a, n))}</description>\n"
            f"    <pubDate>{format_datetime(pub(a), usegmt=True)}</pubDate>\n"
            "  </item>\n"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n'
        "  <title>法国国际广播电台</title>\n  <link>https://www.rfi.fr/cn/</link>\n"
        "  <description>法国国际广播电台</description>\n  <language>zh-cn</language>\n"
        + "".join(items)
        + "</channel>\n</rss>\n"
    ).encode("utf-8")


def with_block(block: str, *, inside: bool = False) -> Render:
    def render(a: Article, n: int) -> str:
        body = body_2024(a, n)
        if inside:  # inside the paragraph wrapper: a parser without a rule for it keeps the text
            return body.replace(
                "<div data-selfpromo-newsletter>", block + "<div data-selfpromo-newsletter>"
            )
        return body + block

    return render


FOOTER = (
    '<br><hr><div>获取更多RSS：<br><a href="https://feedx.net" style="color:orange" '
    'target="_blank">https://feedx.net</a> <br><a href="https://{host}" style="color:orange" '
    'target="_blank">https://{host}</a><br></div>'
)
AUTHOR = (
    '<div><div><div><div><span>作者：</span><a href="https://www.rfi.fr/cn/%E4%BD%9C%E8%80%85/'
    '%E6%B3%95%E5%B9%BF/" title="法广">法广</a></div></div></div></div>'
)
NEWSLETTER = (
    '<div class="o-newsletter-promo">订阅法广中文每日新闻简报，每天早上发送到您的邮箱。</div>'
)


def _swap_dateline(fn: Callable[[str], str]) -> Render:
    def render(a: Article, n: int) -> str:
        return body_2024(replace(a, dateline=fn(a.dateline)), n)

    return render


def _iso_dateline(text: str) -> str:
    day, month, year, hour, minute = re.match(
        r"(\d\d)/(\d\d)/(\d{4}) - (\d\d):(\d\d)", text
    ).groups()  # type: ignore[union-attr]
    return f"{year}年{month}月{day}日 {hour}:{minute}"


def _moved_dateline(a: Article, n: int) -> str:
    body = body_2024(a, n)
    head = f"<div>{a.dateline}</div>"
    lead_end = body.index("</strong></p>") + len("</strong></p>")
    return body[len(head) : lead_end] + head + body[lead_end:]


def _sections(a: Article, n: int) -> str:
    body = body_2024(a, n)
    cut = body.index("</strong></p>") + len("</strong></p>")
    rest = body[cut:].replace("<p>", '<section class="paragraph">').replace("</p>", "</section>")
    return body[:cut] + rest


def _lead_h2(a: Article, n: int) -> str:
    body = body_2024(a, n)
    return body.replace("<p><strong>", '<h2 class="lead">', 1).replace("</strong></p>", "</h2>", 1)


def _summary_only(a: Article, n: int) -> str:
    return (
        f'<div>{a.dateline}</div><img src="{html.escape(a.image)}">'
        f"<p><strong>{html.escape(a.lead, quote=False)}</strong></p>"
    )


def _relative_images(a: Article, n: int) -> str:
    return body_2024(a, n).replace('src="https://s.rfi.fr/', 'src="/')


def _rehosted_images(a: Article, n: int) -> str:
    return body_2024(a, n).replace('src="https://s.rfi.fr/', 'src="https://img.feedx-cdn.site/rfi/')


def _mojibake(a: Article, n: int) -> str:
    return body_2024(a, n).encode("utf-8").decode("latin-1")


def _cut_paragraphs(a: Article, n: int) -> str:
    keep = max(2, len(a.paragraphs) * (6 + n % 5) // 10)  # 60 … 100% of the paragraphs
    return body_2024(replace(a, paragraphs=a.paragraphs[:keep]), n)


def _optional(a: Article, n: int) -> str:
    body = body_2024(a, n)
    if n in (1, 5):  # two items without image
        body = re.sub(r"<img [^>]*>", "", body)
    if n == 3:  # one item with an author line
        body += AUTHOR
    return body


def _whitespace(a: Article, n: int) -> str:
    body = body_2024(a, n)
    body = re.sub(r"<img src=\"([^\"]+)\">", r'<img alt="" src="\1" >', body)
    return body.replace("><", ">\n  <").replace("<p>", "<p>  ")


def build_variants(corpus: Path, out: dict[Path, bytes]) -> list[str]:
    articles = read_articles(corpus)
    base, other = articles[0::2][:8], articles[1::2][:8]
    sources = [
        {"file": a.source, "licence": "feed text © RFI; used as test data only"} for a in articles
    ]
    rows: list[str] = []

    def put(
        name: str,
        body: bytes,
        what: str,
        expected: str,
        url: str = FEEDX_URL,
        headers: dict[str, str] = RSS_TYPE,
        group: Sequence[Article] = base,
    ) -> None:
        newest = max(a.published for a in group) if group else datetime(2024, 1, 1, tzinfo=UTC)
        meta = {
            "recorded_at": newest.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "rebuilt": True,
            "synthetic": what,
            "sources": sources if url == FEEDX_URL else [{"file": "rss-arch-history/" + FT_SOURCE}],
        }
        out[OUT / "variants" / f"{name}.yaml"] = cassette(url, body, headers, meta)
        rows.append(f"| `variants/{name}.yaml` | {what} | {expected} |")

    put(
        "rfi-base",
        feed(base),
        "8 real RFI items (every other one, newest first) in the 2024-02 markup",
        "the baseline of every RFI variant",
    )
    put(
        "benign-other-articles",
        feed(other),
        "8 other real items, same markup",
        "no drift",
        group=other,
    )
    put(
        "benign-reordered",
        feed(list(reversed(base))),
        "the base items in reverse order",
        "no drift",
    )
    put(
        "benign-lengths",
        feed(base, _cut_paragraphs),
        "each item keeps 60-100% of its paragraphs",
        "no drift",
    )
    put(
        "benign-optional",
        feed(base, _optional),
        "2 items lose their image, 1 item gains an author line",
        "no drift (the author line is one odd item: an item finding)",
    )
    put(
        "benign-whitespace",
        feed(base, _whitespace),
        "newlines and indentation between tags, attributes reordered/added",
        "no drift",
    )
    put(
        "dateline-format",
        feed(base, _swap_dateline(_iso_dateline)),
        "date line `YYYY年MM月DD日 HH:MM` instead of `DD/MM/YYYY - HH:MM`",
        "dateline-format (error: dateline/time lost)",
    )
    put(
        "dateline-position",
        feed(base, _moved_dateline),
        "date line after the lead instead of first",
        "dateline-position (error: the parser no longer finds it)",
    )
    put(
        "timezone-shift",
        feed(base, pub=lambda a: a.published + timedelta(hours=8)),
        "pubDate 8 hours late (Beijing time written as GMT)",
        "timezone-shift (error)",
    )
    put(
        "boilerplate-new",
        feed(base, with_block(NEWSLETTER, inside=True)),
        "a newsletter promo block inside every body",
        "boilerplate-new (error: its text reaches paragraphs)",
    )
    put(
        "rfi-base-footer",
        feed(base, with_block(FOOTER.format(host="feedx.best"))),
        "the base with the feedx footer under feedx.best",
        "baseline of boilerplate-renamed",
    )
    put(
        "boilerplate-renamed",
        feed(base, with_block(FOOTER.format(host="feedx.top"))),
        "the feedx footer under feedx.top instead of feedx.best",
        "boilerplate-changed (against rfi-base-footer)",
    )
    put(
        "paragraphs-tags",
        feed(base, _sections),
        'paragraphs in `<section class="paragraph">` instead of `<p>`',
        "paragraphs-markup",
    )
    put(
        "lead-markup",
        feed(base, _lead_h2),
        'lead in `<h2 class="lead">` instead of `<p><strong>`',
        "lead-markup (error: lead lost)",
    )
    put(
        "rfi-base-authors",
        feed(base, with_block(AUTHOR)),
        "the base with the 2023 author block in every item",
        "baseline of author-markup",
    )
    put(
        "author-markup",
        feed(base, with_block('<p class="byline">文/法广</p>')),
        'author as `<p class="byline">文/…</p>`',
        "author-markup (error: author lost, against rfi-base-authors)",
    )
    put(
        "summary-only",
        feed(base, _summary_only),
        "only date line, image and lead: no paragraphs",
        "summary-only (error)",
    )
    put(
        "links-relative",
        feed(base, _relative_images, link=lambda a: a.url.replace("https://www.rfi.fr", "")),
        "image sources and item links root-relative",
        "links-relative",
    )
    put(
        "links-rehosted",
        feed(base, _rehosted_images),
        "images served by another host",
        "links-rehosted",
    )
    put(
        "double-escaping",
        feed(base, wrap=lambda body: html.escape(html.escape(body, quote=False), quote=False)),
        "descriptions escaped twice (`&amp;lt;div&amp;gt;…`)",
        "double-escaping (error)",
    )
    put("mojibake", feed(base, _mojibake), "bodies UTF-8 read as Latin-1", "mojibake (error)")
    ft = load_cassette(REPO / "cassettes" / "ft-home_2025-05-21.yaml").interactions[0].response.body
    put(
        "ft-base",
        ft,
        "real ft-home recording of 2025-05-21 (unchanged)",
        "the baseline of the ft variants",
        url=FT_URL,
        headers=XML_TYPE,
        group=(),
    )
    put(
        "ft-atom",
        atom(ft),
        "the same items as Atom 1.0",
        "dialect-switch",
        url=FT_URL,
        headers=ATOM_TYPE,
        group=(),
    )
    no_guid = re.sub(rb"<guid[^>]*>[^<]*</guid>", b"", ft)
    put(
        "ft-missing-guid",
        no_guid,
        "the same recording without `<guid>`",
        "missing-guid (error)",
        url=FT_URL,
        headers=XML_TYPE,
        group=(),
    )
    return rows


FT_SOURCE = "ft-home_2025-05-21T081709+0000_8fe4af2.xml"


def atom(rss: bytes) -> bytes:
    """An RSS 2.0 document's items re-written as an Atom 1.0 feed (ids from guids)."""
    from lxml import etree

    root = etree.fromstring(rss, etree.XMLParser(resolve_entities=False, no_network=True))
    entries = []
    for item in root.iter("item"):

        def text(tag: str, item: Any = item) -> str:
            el = item.find(tag)
            return "" if el is None or el.text is None else el.text

        from email.utils import parsedate_to_datetime

        when = parsedate_to_datetime(text("pubDate")).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        entries.append(
            "<entry>"
            f"<id>urn:uuid:{html.escape(text('guid'))}</id>"
            f"<title>{html.escape(text('title'))}</title>"
            f'<link rel="alternate" href="{html.escape(text("link"))}"/>'
            f"<published>{when}</published><updated>{when}</updated>"
            f'<summary type="html">{html.escape(text("description"))}</summary>'
            "</entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>myFT following</title><id>https://ft.com/</id>"
        '<link rel="alternate" href="https://ft.com"/><updated>2025-05-21T08:17:09Z</updated>'
        + "".join(entries)
        + "</feed>\n"
    ).encode("utf-8")


def sources_md(
    dapenti: list[str], arch: list[str], others: list[str], items: list[str], variants: list[str]
) -> bytes:
    text = f"""# Drift fixtures: where they come from

Built by `tools/build_drift_fixtures.py` from the project's read-only corpus (paths relative to
it); rerun it instead of editing these files. Each cassette's `harness:` block names its sources
and `recorded_at` (the history order). Feed texts belong to their publishers (dapenti.com, The
Financial Times, RFI / France Médias Monde) and are kept as test data only.

## dapenti/: the dapenti.com history, trimmed

Every recording of `dapenti-history/`, bytes unchanged up to the end of its first {KEEP_ITEMS}
items, then the document's own closing tags (`</channel></rss>`); each recording keeps the same
newest-first items the feed served. A transport failure is cut after the item holding its damage
(the NUL run, the spliced `HTTP/1.1 403` line), so the damage is kept; the empty one stays
empty. Real drift: upper-case IE markup (`<P><STRONG>`) until 2015-05, lower-case from the
2015-05-17 recording's newest items on; the footer blocks changed in 2015-01/02.

| fixture | source | note |
|---|---|---|
{chr(10).join(dapenti)}

## rss-arch/: ft-home via orx365/rss-arch, unchanged

Real drift on 2025-04-18/19: descriptions from plain text to entity-escaped HTML, then
`xmlns:media` (with `media:content`) and `xmlns:dc`. Stable from 2025-04-19 12:51 on.

| fixture | source | note |
|---|---|---|
{chr(10).join(arch)}

## rss-arch-feeds/: the other orx365/rss-arch feeds, unchanged

Every recording of The Economist, NYT economy, WSJ economy and WSJ world as orx365/rss-arch
re-published them (links rewritten to `archive.is/newest/…`), bytes unchanged; each cassette's
URL is `https://orx365.github.io/rss-arch/output/<feed>.xml`, so one folder holds the four feeds
(kept apart from `rss-arch/`, which tests walk as ft-home's history). Repository MIT; the feed
texts belong to The Economist, The New York Times and The Wall Street Journal (test data only).
Real changes of form: the same 2025-04-18/19 switch as ft-home (entity-escaped HTML
descriptions, then `xmlns:media`/`xmlns:dc`); empty responses kept as served (the first
economist version, `nyt_econ` 2026-01-13). `docs/verdicts.md` judges every consecutive pair.

| fixture | source | note |
|---|---|---|
{chr(10).join(others)}

## feedx-items/: each archived feedx RFI item, alone

Each stored item of `feedx-items/rfi/` and the seed (2020-10 … 2024-02, 16 points in time), in
the response feedx.net served as `tools/build_cassettes.py` rebuilds it for the bundled
`cassettes/feedx-rfi_<period>.yaml` (RSS 2.0, channel `法国国际广播电台`, title, link = guid,
the HTML body in CDATA exactly as stored, `pubDate` from the stored epoch milliseconds). The
archive kept items, not responses: the envelope is the same in every file, so what differs
between two files is the item's own markup (see `../shared/corpus/SOURCES.md`: links, body
wrapper, images, author, share widget, related articles, feedx footer). Feed text © RFI
(France Médias Monde), archived by duty-machine/news; test data only.

| fixture | source | note |
|---|---|---|
{chr(10).join(items)}

## variants/: one change each

The RFI variants re-render real archived items (`feedx-items/rfi/*.md` and the seed: title,
link, stored timestamp, date line, image, lead and paragraphs as the `feedx-rfi` parser reads
them) in the markup feedx served in 2024-02 (`rfi-base`), then change one thing. The author name
in `rfi-base-authors` is the generic 法广 (RFI), not the articles' real authors. The ft variants
start from the real ft-home recording of 2025-05-21.

| fixture | what changed | expected against `rfi-base` (or the named base) |
|---|---|---|
{chr(10).join(variants)}
"""
    return text.encode("utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args.add_argument("--check", action="store_true")
    opts = args.parse_args(argv)
    out: dict[Path, bytes] = {}
    dapenti = build_dapenti(opts.corpus, out)
    arch = build_rss_arch(opts.corpus, out)
    others = build_rss_arch(opts.corpus, out, ft=False)
    items = build_feedx_items(opts.corpus, out)
    variants = build_variants(opts.corpus, out)
    out[OUT / "SOURCES.md"] = sources_md(dapenti, arch, others, items, variants)
    owned = [OUT / folder for folder in OWNED if (OUT / folder).is_dir()]
    stale = [p for d in owned for p in d.rglob("*") if p.is_file() and p not in out]
    changed = [p for p, data in out.items() if not p.exists() or p.read_bytes() != data]
    if opts.check:
        for path in [*changed, *stale]:
            print(f"would change: {path.relative_to(REPO)}")
        return 1 if changed or stale else 0
    for path in stale:
        path.unlink()
    for path, data in out.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    total = sum(len(d) for d in out.values())
    print(f"wrote {len(out)} files, {total / 1e6:.1f} MB, {len(changed)} changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
