"""The bundled cassettes and the fixture cassettes and items are what their documentation says.

Cassettes under cassettes/ and tests/data/cassettes/ are built by tools/build_cassettes.py from
the project's corpus; these tests read only the repository's copies. No test touches the network.
"""

from __future__ import annotations

import json
import re
from email.utils import parsedate_to_datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest

from harness.cassettes import load_cassette

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "cassettes"
FIXTURES = ROOT / "tests" / "data" / "cassettes"
ITEMS = ROOT / "tests" / "data" / "items"
FEEDX_URL = "https://feedx.net/rss/rfi.xml"


BUNDLED_NAMES = {
    "feedx-rfi_2020-10.yaml",
    "feedx-rfi_2021-05.yaml",
    "feedx-rfi_2022-03.yaml",
    "feedx-rfi_2023-05.yaml",
    "feedx-rfi_2023-09.yaml",
    "feedx-rfi_2023-11.yaml",
    "feedx-rfi_2024-02.yaml",
    "dapenti_2015-01-05.yaml",
    "dapenti_2015-06-14.yaml",
    "ft-home_2025-05-21.yaml",
    "ft-home_2026-02-21.yaml",
    "dw-en-all_2015-02-23.yaml",
}


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml"))


def _ids(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


def _body(path: Path) -> bytes:
    return load_cassette(path).interactions[0].response.body


def test_bundled_set_is_complete() -> None:
    assert {p.name for p in _files(BUNDLED)} == BUNDLED_NAMES
    sources = (BUNDLED / "SOURCES.md").read_text("utf-8")
    for name in BUNDLED_NAMES:
        assert f"`{name}`" in sources


@pytest.mark.parametrize("path", _files(BUNDLED), ids=_ids(_files(BUNDLED)))
def test_bundled_cassette_loads(path: Path) -> None:
    cassette = load_cassette(path)
    assert path.stat().st_size < 1_500_000
    assert len(cassette.interactions) == 1
    response = cassette.fetch(cassette.url)
    assert response is cassette.interactions[0].response
    assert response.status == 200
    assert response.body
    assert response.content_type
    meta = cassette.meta
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", meta["recorded_at"])
    assert isinstance(meta["rebuilt"], bool)
    assert meta["note"]
    assert meta["sources"]
    for source in meta["sources"]:
        assert source["file"]
        assert source["licence"]


FEEDX_PATHS = sorted(BUNDLED.glob("feedx-rfi_*.yaml"))


@pytest.mark.parametrize("path", FEEDX_PATHS, ids=_ids(FEEDX_PATHS))
def test_rebuilt_feedx_cassette_is_the_rss_feedx_served(path: Path) -> None:
    cassette = load_cassette(path)
    response = cassette.interactions[0].response
    assert cassette.url == FEEDX_URL
    assert cassette.meta["rebuilt"] is True
    assert response.headers == {"content-type": "application/rss+xml; charset=utf-8"}
    channel = ElementTree.fromstring(response.body).find("channel")
    assert channel is not None
    assert channel.findtext("title") == "法国国际广播电台"
    assert channel.findtext("link") == "https://www.rfi.fr/cn/"
    assert channel.findtext("language") == "zh-cn"
    items = channel.findall("item")
    assert len(items) == len(cassette.meta["sources"])
    dates = [parsedate_to_datetime(item.findtext("pubDate", "")) for item in items]
    assert dates == sorted(dates, reverse=True)  # newest first
    for item in items:
        guid = item.find("guid")
        assert guid is not None
        assert guid.get("isPermaLink") == "true"
        assert guid.text == item.findtext("link")
        assert re.fullmatch(
            r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT",
            item.findtext("pubDate", ""),
        )
        assert "Array<p>" not in item.findtext("description", "")  # 2021-11-12 is a fixture


def test_rebuilt_item_matches_the_stored_item() -> None:
    """The seed inside feedx-rfi_2023-11.yaml: title, link, HTML and pubDate as stored."""
    stored = (ITEMS / "seed" / "000_46e50146a1d95ecb.txt").read_text("utf-8").split("\n")
    channel = ElementTree.fromstring(_body(BUNDLED / "feedx-rfi_2023-11.yaml")).find("channel")
    assert channel is not None
    seed = channel.findall("item")[0]
    title, link = re.fullmatch(r"\[(.*)\]\((\S*)\)", stored[1]).groups()  # type: ignore[union-attr]
    assert seed.findtext("title") == title
    assert seed.findtext("link") == link
    assert seed.findtext("description") == stored[4]
    assert seed.findtext("pubDate") == "Wed, 06 Dec 2023 15:45:03 GMT"
    assert stored[0] == "<!--1701877503000-->"


@pytest.mark.parametrize(
    ("name", "first_bytes"),
    [
        ("dapenti_2015-01-05.yaml", b'<?xml version="1.0" encoding="utf-8"?>\r\n'),
        ("dapenti_2015-06-14.yaml", b'<?xml version="1.0" encoding="utf-8"?>\r\n'),
        ("ft-home_2025-05-21.yaml", b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"'),
        ("dw-en-all_2015-02-23.yaml", b'<?xml version="1.0" encoding="UTF-8"?>\n<rdf:RDF'),
    ],
)
def test_raw_cassettes_keep_the_bytes(name: str, first_bytes: bytes) -> None:
    cassette = load_cassette(BUNDLED / name)
    assert cassette.meta["rebuilt"] is False
    assert cassette.interactions[0].response.body.startswith(first_bytes)


def test_dapenti_cassettes_are_one_per_markup_period() -> None:
    early, late = (
        _body(BUNDLED / "dapenti_2015-01-05.yaml"),
        _body(BUNDLED / "dapenti_2015-06-14.yaml"),
    )
    assert b"<P>" in early
    assert b"<p>" not in early
    assert b"<p>" in late
    assert b"<P>" not in late
    assert early.count(b"<item>") == late.count(b"<item>") == 30


LOADABLE = _files(FIXTURES / "real") + _files(FIXTURES / "variants")


def test_broken_bodies_load() -> None:
    broken = FIXTURES / "broken"
    noise = _body(broken / "binary-random-body.yaml")
    assert len(noise) == 512
    assert b"\0" not in noise
    with pytest.raises(UnicodeDecodeError):
        noise.decode("utf-8")
    cut = _body(broken / "truncated-xml.yaml")
    assert cut.count(b"<item>") == 2
    assert not cut.rstrip().endswith(b"</rss>")
    assert cut in _body(BUNDLED / "feedx-rfi_2023-11.yaml")
    page = load_cassette(broken / "html-error-page.yaml").interactions[0].response
    assert (page.status, page.content_type) == (200, "text/html")
    assert b"502 Bad Gateway" in page.body
    unknown = load_cassette(broken / "unknown-url.yaml")
    assert unknown.url == "https://example.invalid/feed.xml"
    assert unknown.interactions[0].response.body.count(b"<item>") == 2


@pytest.mark.parametrize("path", LOADABLE, ids=[f"{p.parent.name}/{p.name}" for p in LOADABLE])
def test_fixture_loads(path: Path) -> None:
    cassette = load_cassette(path)
    assert cassette.interactions[0].response.status == 200
    assert cassette.meta["note"]


def test_real_fixtures_keep_their_problems() -> None:
    real = FIXTURES / "real"
    assert _body(real / "dapenti-empty.yaml") == b""
    leading = _body(real / "dapenti-nul-leading.yaml")
    assert leading.startswith(b"\0" * 144_800)
    assert leading[144_800] != 0  # the NULs overwrote the start: the text resumes mid-item
    nul_run = _body(real / "dapenti-nul-run.yaml")
    assert b"\0" * 1000 in nul_run
    assert nul_run.count(b"<item>") == 14
    spliced = _body(real / "dapenti-http403-spliced.yaml")
    assert b"HTTP/1.1 403 Forbidden" in spliced
    for body in (nul_run, spliced):
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
    assert b"<pubDate>Wes, 28 Jan 2015" in _body(real / "dapenti-wes-weekday.yaml")
    assert b"<item>" not in _body(real / "rss-arch-nyt-econ-no-items.yaml")
    assert b"</div>Array<p>" in _body(real / "feedx-rfi_array-2021-11-12.yaml")


VARIANT_MARKS = {
    "seed.yaml": "<div>06/12/2023 - 16:42</div>",
    "timestamp-before-dateline.yaml": "<pubDate>Wed, 06 Dec 2023 15:32:00 GMT</pubDate>",
    "timestamp-shifted-8h.yaml": "<pubDate>Wed, 06 Dec 2023 23:45:03 GMT</pubDate>",
    "dateline-day-month-swapped.yaml": "<div>12/06/2023 - 16:42</div>",
    "pubdate-2h-late.yaml": "<pubDate>Wed, 06 Dec 2023 17:45:03 GMT</pubDate>",
    "url-date-off-by-one.yaml": "/20231207-",
    "url-date-mismatch.yaml": "/20231216-",
    "promo-leak.yaml": '<div class="promo">获取更多RSS：',
    "escaped-markup.yaml": "<p>&lt;p&gt;上个月",
    "image-relative.yaml": '<img src="/media/display/',
    "link-other-host.yaml": "<link>https://feedx.net/cn/",
    "title-empty.yaml": "<title></title>",
    "mojibake.yaml": "<div>06/12/2023 - 16:42</div><img",
    "midnight.yaml": "<div>01/01/2024 - 00:30</div>",
}


def test_variants_change_one_thing() -> None:
    variants = FIXTURES / "variants"
    for name, mark in VARIANT_MARKS.items():
        assert mark in _body(variants / name).decode("utf-8"), name
    assert "06/12/2023" not in _body(variants / "dateline-missing.yaml").decode("utf-8")
    assert b"<p> </p>" in _body(variants / "paragraphs-empty.yaml")
    assert b"<strong>" not in _body(variants / "paragraphs-empty.yaml")
    assert "法新社" not in _body(variants / "mojibake.yaml").decode("utf-8")
    duplicate = _body(variants / "duplicate-guid.yaml")
    assert duplicate.count(b"<item>") == 2
    midnight = _body(variants / "midnight.yaml").decode("utf-8")
    assert "<pubDate>Sun, 31 Dec 2023 23:45:00 GMT</pubDate>" in midnight
    assert "/20240101-" in midnight


def test_readme_lists_every_fixture() -> None:
    readme = (FIXTURES / "README.md").read_text("utf-8")
    listed = set(re.findall(r"^\| `((?:real|broken|variants)/[^`]+\.yaml)` \|", readme, re.M))
    on_disk = {f"{p.parent.name}/{p.name}" for p in FIXTURES.glob("*/*.yaml")}
    assert listed == on_disk


def test_items_are_listed_in_their_manifest() -> None:
    manifest = json.loads((ITEMS / "MANIFEST.json").read_text("utf-8"))
    assert {entry["file"] for entry in manifest} == {
        str(p.relative_to(ITEMS)) for p in ITEMS.glob("*/*.md")
    }
    assert (ITEMS / "seed" / "000_46e50146a1d95ecb.txt").is_file()
    assert "duty-machine/news" in (ITEMS / "SOURCES.md").read_text("utf-8")
