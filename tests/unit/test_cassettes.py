"""harness.cassettes.store: safe loading, one-line errors, deterministic dumps, vcrpy compatibility.

Cassettes under cassettes/ and tests/data/cassettes/ are built by tools/build_cassettes.py from
the project's corpus; these tests read only the repository's copies. No test touches the network.
"""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import urllib.request
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import vcr
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st
from vcr.serialize import deserialize
from vcr.serializers import yamlserializer

from harness.cassettes import store as cassettes
from harness.cassettes.paths import is_cassette_path
from harness.cassettes.store import (
    Cassette,
    Interaction,
    dump_cassette,
    load_cassette,
    make_interaction,
    write_cassette,
)
from harness.errors import CassetteError, FetchError

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


# --- bundled cassettes -----------------------------------------------------------------------


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


# --- fixtures --------------------------------------------------------------------------------

LOADABLE = _files(FIXTURES / "real") + _files(FIXTURES / "variants")

BROKEN_MESSAGES = {
    "empty.yaml": "empty file (expected a vcrpy cassette: a mapping with 'interactions')",
    "invalid-yaml.yaml": "invalid YAML at line 4, column 9: mapping values are not allowed",
    "top-level-list.yaml": (
        "not a cassette (top level is a list, expected a mapping with 'interactions')"
    ),
    "missing-interactions.yaml": (
        "not a cassette (no 'interactions' key; keys found: 'version', 'requests')"
    ),
    "no-interactions.yaml": "no interactions",
    "no-response.yaml": "interactions[0] has no 'response'",
    "status-not-int.yaml": (
        "interactions[0].response.status.code is '200 OK' (a string), "
        "expected an integer such as 200"
    ),
    "duplicate-key.yaml": (
        "invalid YAML at line 16, column 5: found duplicate key 'body' "
        "(while constructing a mapping)"
    ),
    "python-tag.yaml": (
        "unsupported YAML tag at line 15, column 15: could not determine a constructor for the "
        "tag 'tag:yaml.org,2002:python/object/apply:os.system'"
    ),
    "bad-base64.yaml": "invalid YAML at line 15, column 15: failed to decode base64 data",
    "not-utf8.yaml": "not UTF-8 text (byte 0xe9 at offset 271); a cassette is YAML in UTF-8",
}
BROKEN_LOADABLE = {
    "binary-random-body.yaml",
    "truncated-xml.yaml",
    "html-error-page.yaml",
    "unknown-url.yaml",
}


def test_broken_fixture_set_is_complete() -> None:
    names = {p.name for p in _files(FIXTURES / "broken")}
    assert names == set(BROKEN_MESSAGES) | BROKEN_LOADABLE


@pytest.mark.parametrize(("name", "message"), sorted(BROKEN_MESSAGES.items()))
def test_broken_fixture_is_one_line_cassette_error(name: str, message: str) -> None:
    path = FIXTURES / "broken" / name
    with pytest.raises(CassetteError) as info:
        load_cassette(path)
    text = str(info.value)
    assert text.startswith(f"{path}: ")
    assert message in text
    assert "\n" not in text


def test_python_tag_never_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    monkeypatch.setattr(os, "system", calls.append)
    with pytest.raises(CassetteError, match="unsupported YAML tag"):
        load_cassette(FIXTURES / "broken" / "python-tag.yaml")
    assert calls == []


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


# --- determinism ------------------------------------------------------------------------------

GENERATED = [
    p
    for p in [*_files(BUNDLED), *LOADABLE, *_files(FIXTURES / "broken")]
    if p.name in BROKEN_LOADABLE or p.parent.name != "broken"
]


@pytest.mark.parametrize("path", GENERATED, ids=[f"{p.parent.name}/{p.name}" for p in GENERATED])
def test_dumping_a_loaded_cassette_reproduces_the_file(path: Path) -> None:
    cassette = load_cassette(path)
    assert dump_cassette(cassette.interactions, cassette.meta) == path.read_text("utf-8")


def test_dump_layout() -> None:
    interactions = [
        make_interaction(
            "https://x.test/a",
            "<p>中文</p>\n".encode(),
            headers={"X-b": "2", "content-type": "text/xml", "A-first": ["1", "one"]},
        ),
        make_interaction("https://x.test/b", b"line\r\n\tnext\r\n  indented\r\nlast"),
        make_interaction("https://x.test/c", b"\xff\xfe not UTF-8"),
    ]
    text = dump_cassette(interactions, {"recorded_at": "2024-01-01T00:00:00Z", "rebuilt": False})
    assert text.index("harness:") < text.index("interactions:") < text.index("version: 1")
    assert text.index("A-first:") < text.index("content-type:") < text.index("X-b:")
    assert "string: |\n        <p>中文</p>\n" in text  # literal block, UTF-8 unescaped
    assert (
        '      string: "line\\r\\n\\\n        \\tnext\\r\\n\\\n        \\  indented\\r\\n\\\n'
        '        last"\n'
    ) in text  # one source line per YAML line
    assert "string: !!binary |\n        //4gbm90IFVURi04\n" in text
    assert "&id" not in text
    assert dump_cassette(interactions) == dump_cassette(list(interactions))


def test_dump_needs_an_interaction() -> None:
    with pytest.raises(ValueError, match="at least one interaction"):
        dump_cassette([])


# --- round trip -------------------------------------------------------------------------------


def _round_trip(tmp_path: Path, interactions: list[Interaction], meta: dict[str, Any]) -> Cassette:
    path = tmp_path / "rt.yaml"
    write_cassette(path, interactions, meta)
    text = path.read_text("utf-8")
    assert yaml.load(text, Loader=yaml.SafeLoader) == yaml.load(text, Loader=yaml.CSafeLoader)
    return load_cassette(path)


BODIES = [
    b"",
    b"\n",
    b"\n\n",
    b" leading space\n",
    b"trailing space \n",
    b"a \nb",
    b"ends without newline",
    b"ends\n\n\n",
    b"crlf\r\nline\r\n",
    b"\r",
    b"tab\there",
    b"\0nul\x01\x1f\x7f",
    "NEL\x85 LS\u2028 PS\u2029 BOM\ufeff NBSP\xa0".encode(),
    "emoji 😀 and 中文 and 'quotes' \"double\" \\backslash".encode(),
    b"\xff\xfe\x00binary",
    b"- not a list\n# not a comment\n---\n...\n",
    b"  \n  indented blank\n",
]


@pytest.mark.parametrize("body", BODIES)
def test_round_trip_is_byte_exact(tmp_path: Path, body: bytes) -> None:
    meta = {"recorded_at": "2024-01-01T00:00:00Z", "rebuilt": True, "sources": [{"file": "x"}]}
    interactions = [
        make_interaction(
            "https://x.test/feed?a=1&b=2",
            body,
            status=404,
            reason="Not Found",
            headers={"Content-Type": "text/plain", "Set-Cookie": ["a=1", "b=2"]},
            request_headers={"User-Agent": "feedharness"},
        )
    ]
    loaded = _round_trip(tmp_path, interactions, meta)
    assert loaded.interactions == tuple(interactions)
    assert loaded.interactions[0].response.body == body
    assert loaded.meta == meta


@settings(derandomize=True, deadline=None, max_examples=150)
@given(body=st.binary(max_size=400))
@example(body=b"\r\n \r\n")
@example(body=b"x\n ")
def test_round_trip_binary_bodies(body: bytes) -> None:
    interaction = make_interaction("https://x.test/", body)
    text = dump_cassette([interaction])
    data = yaml.load(text, Loader=yaml.SafeLoader)
    assert data == yaml.load(text, Loader=yaml.CSafeLoader)
    string = data["interactions"][0]["response"]["body"]["string"]
    assert (string if isinstance(string, bytes) else string.encode("utf-8")) == body


@settings(derandomize=True, deadline=None, max_examples=150)
@given(text=st.text(max_size=300))
@example(text="\x85")
@example(text=" \n")
@example(text="\n ")
@example(text="a\u2028b")
def test_round_trip_text_bodies(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    body = text.encode("utf-8")
    interactions = [make_interaction("https://x.test/", body, headers={"H": text or "v"})]
    folder = tmp_path_factory.mktemp("rt")
    loaded = _round_trip(folder, interactions, {"note": text})
    assert loaded.interactions[0].response.body == body
    assert loaded.interactions == tuple(interactions)
    assert loaded.meta == {"note": text}


# --- vcrpy compatibility ------------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a socket fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access during replay")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


REPLAYED = [
    make_interaction(
        FEEDX_URL, "<rss>法国</rss>\n".encode(), headers={"Content-Type": "application/rss+xml"}
    ),
    make_interaction("http://crlf.test/feed", b"<rss>\r\n\t<channel/>\r\n</rss>\r\n"),
    make_interaction("https://bin.test/x", b"\x00\xff\xfe raw"),
]


def test_vcrpy_deserializes_a_written_cassette(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    write_cassette(path, REPLAYED, {"recorded_at": "2024-01-01T00:00:00Z", "rebuilt": True})
    requests, responses = deserialize(path.read_text("utf-8"), yamlserializer)
    assert [r.uri for r in requests] == [i.uri for i in REPLAYED]
    assert [r.method for r in requests] == ["GET"] * 3
    assert [r["body"]["string"] for r in responses] == [i.response.body for i in REPLAYED]
    assert [r["status"]["code"] for r in responses] == [200] * 3


@pytest.mark.parametrize(
    "path",
    [
        BUNDLED / "feedx-rfi_2023-11.yaml",
        BUNDLED / "dw-en-all_2015-02-23.yaml",
        FIXTURES / "real" / "dapenti-http403-spliced.yaml",
    ],
    ids=lambda p: p.name,
)
def test_vcrpy_reads_our_bodies_as_we_do(path: Path) -> None:
    _, responses = deserialize(path.read_text("utf-8"), yamlserializer)
    assert responses[0]["body"]["string"] == _body(path)


def test_vcrpy_replays_a_written_cassette(tmp_path: Path, no_network: None) -> None:
    path = tmp_path / "replay.yaml"
    write_cassette(path, REPLAYED, {"note": "vcrpy ignores this block"})
    with vcr.VCR().use_cassette(str(path), record_mode="none"):
        for interaction in REPLAYED:
            with urllib.request.urlopen(interaction.uri) as reply:
                assert reply.status == 200
                assert reply.read() == interaction.response.body


def test_vcrpy_replays_a_bundled_cassette(no_network: None) -> None:
    path = BUNDLED / "feedx-rfi_2023-11.yaml"
    with (
        vcr.VCR().use_cassette(str(path), record_mode="none"),
        urllib.request.urlopen(FEEDX_URL) as reply,
    ):
        assert reply.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
        assert reply.read() == _body(path)


# --- atomic write ------------------------------------------------------------------------------


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def existing(tmp_path: Path) -> Path:
    path = tmp_path / "c.yaml"
    write_cassette(path, [make_interaction("https://x.test/", b"old body\n")])
    return path


def test_write_creates_the_file_and_syncs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    path = tmp_path / "new.yaml"
    write_cassette(path, [make_interaction("https://x.test/", b"body\n")])
    assert synced
    assert _listing(tmp_path) == ["new.yaml"]
    assert load_cassette(path).interactions[0].response.body == b"body\n"


def test_write_keeps_the_target_when_the_dump_fails_midway(
    existing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = existing.read_bytes()

    def explode(self: yaml.SafeDumper, text: str) -> None:
        self.stream.write("partial output")
        raise RuntimeError("disk full")

    monkeypatch.setattr(cassettes._Dumper, "write_literal", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        write_cassette(existing, [make_interaction("https://x.test/", b"new body\n")])
    assert existing.read_bytes() == before
    assert _listing(existing.parent) == ["c.yaml"]


def test_write_keeps_the_target_when_the_rename_fails(
    existing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = existing.read_bytes()

    def refuse(src: object, dst: object) -> None:
        raise OSError("rename refused")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="rename refused"):
        write_cassette(existing, [make_interaction("https://x.test/", b"new body\n")])
    assert existing.read_bytes() == before
    assert _listing(existing.parent) == ["c.yaml"]


def test_write_replaces_and_keeps_the_mode(existing: Path) -> None:
    existing.chmod(0o600)
    write_cassette(existing, [make_interaction("https://x.test/", b"new body\n")])
    assert stat.S_IMODE(existing.stat().st_mode) == 0o600
    assert _body(existing) == b"new body\n"
    assert _listing(existing.parent) == ["c.yaml"]


# --- fetch -------------------------------------------------------------------------------------


def _cassette(*interactions: Interaction) -> Cassette:
    return Cassette(path=Path("cassettes/t.yaml"), interactions=interactions, meta={})


def test_fetch_follows_a_recorded_redirect_chain() -> None:
    final = make_interaction("https://other.test/c", b"<rss/>")
    cassette = _cassette(
        make_interaction("http://x.test/a", b"", status=301, headers={"Location": "/b"}),
        make_interaction("http://x.test/b", b"", status=302, headers={"location": "//y.test/d"}),
        make_interaction(
            "http://y.test/d", b"", status=308, headers={"LOCATION": "https://other.test/c"}
        ),
        final,
    )
    assert cassette.fetch("http://x.test/a") is final.response
    assert cassette.fetch("http://x.test/a").url == "https://other.test/c"
    assert cassette.url == "http://x.test/a"


def test_fetch_matches_equivalent_urls_and_only_gets() -> None:
    get = make_interaction("https://x.test/a?q=1", b"get")
    cassette = _cassette(make_interaction("https://x.test/a?q=1", b"post", method="POST"), get)
    assert cassette.fetch("HTTPS://X.test:443/a?q=1#top") is get.response


def test_fetch_returns_a_redirect_without_location() -> None:
    bare = make_interaction("https://x.test/a", b"moved", status=301)
    assert _cassette(bare).fetch("https://x.test/a") is bare.response


def test_fetch_of_an_unrecorded_url_is_an_error() -> None:
    cassette = _cassette(*(make_interaction(f"https://x.test/{n}", b"") for n in range(7)))
    with pytest.raises(FetchError) as info:
        cassette.fetch("https://x.test/nope")
    assert str(info.value) == (
        "cassettes/t.yaml: no recorded response for https://x.test/nope; recorded: "
        "https://x.test/0, https://x.test/1, https://x.test/2, https://x.test/3, "
        "https://x.test/4 (+2 more)"
    )


def test_fetch_names_the_redirect_to_an_unrecorded_url() -> None:
    cassette = _cassette(
        make_interaction("https://x.test/a", b"", status=307, headers={"Location": "gone"})
    )
    with pytest.raises(
        FetchError,
        match=re.escape(
            "no recorded response for https://x.test/gone (redirected from https://x.test/a); "
            "recorded: https://x.test/a"
        ),
    ):
        cassette.fetch("https://x.test/a")


def test_fetch_stops_a_redirect_loop() -> None:
    cassette = _cassette(
        make_interaction("https://x.test/a", b"", status=302, headers={"Location": "/b"}),
        make_interaction("https://x.test/b", b"", status=302, headers={"Location": "/a"}),
    )
    with pytest.raises(FetchError, match=r"more than 10 redirects from https://x\.test/a"):
        cassette.fetch("https://x.test/a")


# --- structure errors ---------------------------------------------------------------------------

REQUEST = "- request:\n    method: GET\n    uri: https://x.test/\n"
STATUS = "  response:\n    status: {code: 200, message: OK}\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("interactions: {}\n", "'interactions' is a mapping, expected a list"),
        (
            "interactions:\n" + REQUEST + STATUS + "version: 2\n",
            "unsupported cassette version 2 (expected 1)",
        ),
        (
            "harness: [1]\ninteractions:\n" + REQUEST + STATUS,
            "'harness' is a list, expected a mapping",
        ),
        (
            "interactions:\n- just text\n",
            "interactions[0] is a string, expected a mapping with 'request' and 'response'",
        ),
        (
            "interactions:\n- request: GET\n  response: {}\n",
            "interactions[0].request is a string, expected a mapping",
        ),
        (
            "interactions:\n- request:\n    uri: https://x.test/\n" + STATUS,
            "interactions[0].request has no 'method'",
        ),
        (
            "interactions:\n- request:\n    method: 1\n    uri: https://x.test/\n" + STATUS,
            "interactions[0].request.method is a number, expected a string such as 'GET'",
        ),
        (
            "interactions:\n- request:\n    method: GET\n    uri: /feed.xml\n" + STATUS,
            "interactions[0].request.uri is '/feed.xml', expected an absolute http(s) URL",
        ),
        (
            "interactions:\n" + REQUEST + "  response:\n    body: {string: ''}\n",
            "interactions[0].response has no 'status'",
        ),
        (
            "interactions:\n" + REQUEST + "  response:\n    status: 200\n",
            "interactions[0].response.status is a number, expected a mapping like "
            "{code: 200, message: OK}",
        ),
        (
            "interactions:\n" + REQUEST + "  response:\n    status: {code: 999}\n",
            "interactions[0].response.status.code is 999, expected an HTTP status from 100 to 599",
        ),
        (
            "interactions:\n" + REQUEST + "  response:\n    status: {code: true}\n",
            "interactions[0].response.status.code is True (a boolean)",
        ),
        (
            "interactions:\n" + REQUEST + "  response:\n    status: {code: 200, message: [x]}\n",
            "interactions[0].response.status.message is a list, expected a string",
        ),
        (
            "interactions:\n" + REQUEST + STATUS + "    headers: {X: [{a: 1}]}\n",
            "interactions[0].response.headers['X'] holds a mapping, expected strings",
        ),
        (
            "interactions:\n" + REQUEST + STATUS + "    headers: [X]\n",
            "interactions[0].response.headers is a list, expected a mapping of header names",
        ),
        (
            "interactions:\n" + REQUEST + STATUS + "    body: text\n",
            "interactions[0].response.body is a string, expected a mapping with 'string'",
        ),
        (
            "interactions:\n" + REQUEST + STATUS + "    body: {}\n",
            "interactions[0].response.body has no 'string'",
        ),
        (
            "interactions:\n" + REQUEST + STATUS + "    body: {string: 12}\n",
            "interactions[0].response.body.string is a number, expected text or !!binary",
        ),
        (
            "interactions:\n" + REQUEST + STATUS + "    body: {base64_string: '%%%'}\n",
            "interactions[0].response.body.base64_string is not valid base64",
        ),
        (
            "interactions:\n" + REQUEST + STATUS + "    body: {base64_string: 12}\n",
            "interactions[0].response.body.base64_string is a number, expected a string",
        ),
        ("interactions:\n" + REQUEST + STATUS + "  - nested: [\n", "invalid YAML at line"),
        (
            "a: 1\n---\nb: 2\n",
            "invalid YAML at line 2, column 1: expected a single document in "
            "the stream, but found another document",
        ),
        ("x: \x07\n", "invalid YAML"),
    ],
)
def test_structure_errors_are_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CassetteError) as info:
        load_cassette(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_lenient_where_harmless(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(
        "interactions:\n" + REQUEST + "  response:\n    status: {code: 200}\n"
        "    headers: {Content-Length: [12], X-One: single}\n"
        "    body: {base64_string: aGVsbG8=}\n"
        "harness: {recorded_at: 2024-01-02T03:04:05Z}\n",
        encoding="utf-8",
    )
    cassette = load_cassette(path)
    interaction = cassette.interactions[0]
    assert interaction.response.body == b"hello"
    assert interaction.response_headers == {"Content-Length": ("12",), "X-One": ("single",)}
    assert interaction.reason == ""
    assert cassette.meta == {"recorded_at": "2024-01-02T03:04:05Z"}  # not a datetime


def test_missing_body_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "nobody.yaml"
    path.write_text("interactions:\n" + REQUEST + STATUS, encoding="utf-8")
    assert load_cassette(path).interactions[0].response.body == b""


def test_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * 100)
    with pytest.raises(CassetteError, match=r"big.yaml: file is 100 bytes, over the 10-byte limit"):
        load_cassette(path, max_bytes=10)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(CassetteError, match=r"missing.yaml: cannot read file: No such file"):
        load_cassette(tmp_path / "missing.yaml")
    with pytest.raises(CassetteError, match="cannot read file"):
        load_cassette(tmp_path)


def test_pure_python_loader_reads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without libyaml the module falls back to yaml.SafeLoader: same cassettes, same errors."""
    small = [p for p in [*_files(BUNDLED), *LOADABLE] if p.stat().st_size < 100_000]
    fast = {p: load_cassette(p) for p in small}
    pure = type("PureLoader", (cassettes._NoDuplicateKeys, yaml.SafeLoader), {})
    monkeypatch.setattr(cassettes, "_Loader", pure)
    for path in small:
        assert load_cassette(path) == fast[path]
    for name in ("duplicate-key.yaml", "python-tag.yaml", "no-response.yaml"):
        with pytest.raises(CassetteError, match=re.escape(BROKEN_MESSAGES[name])):
            load_cassette(FIXTURES / "broken" / name)


def test_lone_surrogate_escape(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """libyaml refuses a "\\uD800" escape; PyYAML reads it, and the body cannot be UTF-8."""
    path = tmp_path / "surrogate.yaml"
    path.write_text("interactions:\n" + REQUEST + STATUS + '    body: {string: "\\uD800"}\n')
    with pytest.raises(CassetteError, match="invalid YAML at line 7"):
        load_cassette(path)
    pure = type("PureLoader", (cassettes._NoDuplicateKeys, yaml.SafeLoader), {})
    monkeypatch.setattr(cassettes, "_Loader", pure)
    with pytest.raises(
        CassetteError,
        match=re.escape("interactions[0].response.body.string has a lone surrogate at index 0"),
    ):
        load_cassette(path)


# --- small API ---------------------------------------------------------------------------------


def test_make_interaction_headers() -> None:
    interaction = make_interaction(
        "https://x.test/",
        b"",
        headers={"Content-Type": "text/xml", "Vary": ["Accept", "Cookie"], "vary": "Origin"},
    )
    assert interaction.response_headers == {
        "Content-Type": ("text/xml",),
        "Vary": ("Accept", "Cookie"),
        "vary": ("Origin",),
    }
    assert interaction.response.headers == {
        "content-type": "text/xml",
        "vary": "Accept, Cookie, Origin",
    }
    assert interaction.response.content_type == "text/xml"
    assert interaction.method == "GET"
    assert interaction.reason == "OK"
    assert interaction.request_headers == {}


def test_interaction_response_must_match_uri() -> None:
    response = make_interaction("https://x.test/a", b"").response
    with pytest.raises(ValueError, match="differs from uri"):
        Interaction("GET", "https://x.test/b", {}, response, {})


@pytest.mark.parametrize(
    ("name", "expected"),
    [("a.yaml", True), ("a.YML", True), ("a.yaml.bak", False), ("a.json", False), ("yaml", False)],
)
def test_is_cassette_path(name: str, expected: bool) -> None:
    assert is_cassette_path(Path(name)) is expected
