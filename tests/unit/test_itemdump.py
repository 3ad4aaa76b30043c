"""The stored-item form: recognition, reading, errors, the host registry and the parser.

Item files are copies of /work/shared/corpus/feedx-items/{rfi,dw,nyt}/ and the seed
(source: duty-machine/news); ``pubdate_utc`` values are those of the corpus MANIFEST.json.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.errors import ConfigError, ParseError
from harness.model import FeedOutput, Response
from harness.parsers import Parser, get_parser
from harness.parsers.feedx import ARTICLE_INVARIANTS
from harness.parsers.itemdump import (
    BODY_PARSERS,
    ItemDumpParser,
    body_parser_for,
    looks_like_itemdump,
    parse_itemdump,
)
from harness.parsers.rfi import parse_rfi_body

ITEMS = Path(__file__).resolve().parent.parent / "data" / "items"
SEED = "seed/000_46e50146a1d95ecb.txt"
PUBLISHED = {  # file -> (pubdate_ms, pubdate_utc) from MANIFEST.json
    "rfi/2020-10-13_1042083.md": ("1602564890000", "2020-10-13T04:54:50Z"),
    "rfi/2020-11-01_1041000.md": ("1604195768000", "2020-11-01T01:56:08Z"),
    "rfi/2020-12-21_1038000.md": ("1608544497000", "2020-12-21T09:54:57Z"),
    "rfi/2021-02-09_1035000.md": ("1612878897000", "2021-02-09T13:54:57Z"),
    "rfi/2021-05-13_1030000.md": ("1620857705000", "2021-05-12T22:15:05Z"),
    "rfi/2021-07-19_1026000.md": ("1626655503000", "2021-07-19T00:45:03Z"),
    "rfi/2021-11-12_1022000.md": ("1636728301000", "2021-11-12T14:45:01Z"),
    "rfi/2022-03-14_1018000.md": ("1647274501000", "2022-03-14T16:15:01Z"),
    "rfi/2022-09-16_1012000.md": ("1663339502000", "2022-09-16T14:45:02Z"),
    "rfi/2023-01-28_1008000.md": ("1674944102000", "2023-01-28T22:15:02Z"),
    "rfi/2023-05-28_1004000.md": ("1685276103000", "2023-05-28T12:15:03Z"),
    "rfi/2023-09-26_1000000.md": ("1695719701000", "2023-09-26T09:15:01Z"),
    "rfi/2023-10-28_999999.md": ("1698488101000", "2023-10-28T10:15:01Z"),
    "rfi/2023-11-25_999950.md": ("1700925301000", "2023-11-25T15:15:01Z"),
    "rfi/2024-02-03_999990.md": ("1706921101000", "2024-02-03T00:45:01Z"),
    "dw/2025-02-15_1022765.md": ("1739607424000", "2025-02-15T08:17:04Z"),
    "nyt/2025-02-14_1041947.md": ("1739525821000", "2025-02-14T09:37:01Z"),
    SEED: ("1701877503000", "2023-12-06T15:45:03Z"),
}
RFI = sorted(name for name in PUBLISHED if name.startswith(("rfi/", "seed/")))
OTHER_HOSTS = {
    "dw/2025-02-15_1022765.md": "www.dw.com",
    "nyt/2025-02-14_1041947.md": "cn.nytimes.com",
}
GOOD = b"<!--1701877503000-->\n[t](https://www.rfi.fr/cn/x)\n------\n\n<p>x</p>\n"


def _data(name: str) -> bytes:
    return (ITEMS / name).read_bytes()


def _no_fetch(url: str) -> Response:
    raise AssertionError(f"unexpected fetch of {url}")


def _parse(data: bytes, source: str = "item.md") -> FeedOutput:
    return ItemDumpParser().parse(Response(source, 200, {}, data), fetch=_no_fetch)


# --- recognition -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_every_item_file_is_recognised(name: str) -> None:
    assert looks_like_itemdump(_data(name)[:2048])


@pytest.mark.parametrize(
    "head",
    [
        GOOD,
        b"\xef\xbb\xbf" + GOOD,
        GOOD.replace(b"\n", b"\r\n"),
        b"<!--1234567890-->\n[[x] y](http://h/z)",  # 10 digits, cut after the link
        b"<!--1234567890123456-->\n[](https://h/)\n",  # 16 digits, empty title
    ],
)
def test_looks_like_itemdump_true(head: bytes) -> None:
    assert looks_like_itemdump(head)


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><item>',
        b"<rss><!--1701877503000-->\n[t](u)\n",
        b"interactions:\n- request:\n    body: null\n    method: GET\n    uri: https://feedx.net/",
        b"version: 1\ninteractions: []\n",
        b"<!DOCTYPE html>\n<html><head><title>x</title>",
        b"<!--123456789-->\n[t](https://h/x)\n",  # 9 digits
        b"<!--12345678901234567-->\n[t](https://h/x)\n",  # 17 digits
        b"<!-- 1701877503000 -->\n[t](https://h/x)\n",
        b"<!--1701877503000-->\n\n[t](https://h/x)\n",  # blank line before the link
        b"<!--1701877503000-->\nt(https://h/x)\n",
        b"<!--1701877503000-->",
        b"  " + GOOD,
    ],
)
def test_looks_like_itemdump_false(head: bytes) -> None:
    assert not looks_like_itemdump(head)


def test_looks_like_itemdump_reads_only_the_head() -> None:
    assert looks_like_itemdump(GOOD + b"\xff" * 10_000_000)
    assert not looks_like_itemdump(b" " * 2048 + GOOD)


# --- reading the form --------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_parse_itemdump_fields(name: str) -> None:
    data = _data(name)
    item = parse_itemdump(data, source=name)
    link_line = data.decode().split("\n")[1]
    url = link_line[link_line.rindex("](") + 2 : -1]
    epoch, utc = PUBLISHED[name]
    assert (item["id"], item["url"], item["published"], item["published_raw"]) == (
        url,
        url,
        utc,
        epoch,
    )
    assert item["title"] == link_line[1 : link_line.rindex("](")]
    assert item["summary"] == data.decode().split("\n", 4)[4].strip()
    assert (item["content"], item["updated"], item["author"]) == (None, None, None)
    assert (item["categories"], item["enclosures"]) == ([], [])


@pytest.mark.parametrize(
    ("line", "title", "url"),
    [
        (
            "[[视频] 标题 [1]](https://www.rfi.fr/cn/x)",
            "[视频] 标题 [1]",
            "https://www.rfi.fr/cn/x",
        ),
        ("[a](b) c](https://h/y)", "a](b) c", "https://h/y"),
        ("[t](https://h/p_(x))", "t", "https://h/p_(x)"),
        ("[  空格  ](https://h/ )", "空格", "https://h/"),
    ],
)
def test_title_and_url_from_the_link_line(line: str, title: str, url: str) -> None:
    data = f"<!--1701877503000-->\n{line}\n------\n\n<p>x</p>".encode()
    item = parse_itemdump(data, source="s")
    assert (item["title"], item["url"]) == (title, url)


def test_crlf_bom_and_several_body_lines() -> None:
    data = b"\xef\xbb\xbf" + GOOD.replace(b"\n", b"\r\n") + b"<p>y</p>\r\n"
    item = parse_itemdump(data, source="s")
    assert item["summary"] == "<p>x</p>\r\n<p>y</p>"
    assert item["published"] == "2023-12-06T15:45:03Z"


def test_milliseconds_are_dropped() -> None:
    item = parse_itemdump(GOOD.replace(b"1701877503000", b"1701877503999"), source="s")
    assert (item["published"], item["published_raw"]) == ("2023-12-06T15:45:03Z", "1701877503999")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "item.md: empty file; expected a stored item opening with '<!--<epoch ms>-->'"),
        (b" \n\n", "item.md: empty file"),
        (
            b"<!--1701877503000-->\n[t](https://h/\xff)\n",
            "item.md: not UTF-8 (byte 0xff at offset 35)",
        ),
        (
            b"hello\n[t](https://h/x)\n------\n\n<p>x</p>",
            "item.md: line 1 should be '<!--<epoch ms, 10-16 digits>-->', got 'hello'",
        ),
        (b"<!--170187750-->\n[t](https://h/x)\n------\n\n<p>x</p>", "item.md: line 1 should be"),
        (b"<!--1701877503000-->", "item.md: line 2 should be '[title](url)', got end of file"),
        (
            b"<!--1701877503000-->\ntitle only\n------\n\n<p>x</p>",
            "item.md: line 2 should be '[title](url)', got 'title only'",
        ),
        (
            b"<!--1701877503000-->\n[t](/cn/x)\n------\n\n<p>x</p>",
            "item.md: line 2: link '/cn/x' is not an absolute http(s) URL",
        ),
        (
            b"<!--1701877503000-->\n[t](mailto:a@b)\n------\n\n<p>x</p>",
            "is not an absolute http(s) URL",
        ),
        (
            b"<!--1701877503000-->\n[t](https://h/x)",
            "item.md: line 3 should be '------', got end of file",
        ),
        (
            b"<!--1701877503000-->\n[t](https://h/x)\n=====\n\n<p>x</p>",
            "item.md: line 3 should be '------', got '====='",
        ),
        (
            b"<!--1701877503000-->\n[t](https://h/x)\n------\n<p>x</p>",
            "item.md: line 4 should be blank, got '<p>x</p>'",
        ),
        (
            b"<!--1701877503000-->\n[t](https://h/x)\n------\n\n",
            "item.md: no HTML body after line 4 (the blank line after '------')",
        ),
        (b"<!--1701877503000-->\n[t](https://h/x)\n------", "item.md: no HTML body after line 4"),
        (
            b"<!--9999999999999999-->\n[t](https://h/x)\n------\n\n<p>x</p>",
            "item.md: line 1: epoch 9999999999999999 ms is out of the datetime range",
        ),
    ],
)
def test_malformed_forms_say_which_part_is_wrong(data: bytes, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_itemdump(data, source="item.md")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


# --- host registry and parser ------------------------------------------------------------------


@pytest.mark.parametrize(("name", "host"), sorted(OTHER_HOSTS.items()))
def test_other_hosts_have_no_body_parser(name: str, host: str) -> None:
    with pytest.raises(ParseError) as info:
        _parse(_data(name), source=f"file:///items/{name}")
    assert str(info.value) == (
        f"file:///items/{name}: no body parser for host '{host}' (known: rfi.fr)"
    )


@pytest.mark.parametrize(
    ("url", "known"),
    [
        ("https://www.rfi.fr/cn/x", True),
        ("http://rfi.fr//cn/x", True),
        ("https://RFI.FR/x", True),
        ("https://notrfi.fr/x", False),
        ("https://rfi.fr.example/x", False),
    ],
)
def test_host_suffix_matching(url: str, known: bool) -> None:
    if known:
        assert body_parser_for(url, source="s") is BODY_PARSERS["rfi.fr"]
    else:
        with pytest.raises(ParseError, match="no body parser for host"):
            body_parser_for(url, source="s")


@pytest.mark.parametrize("name", RFI)
def test_parser_gives_one_article_record(name: str) -> None:
    output = _parse(_data(name), source=name)
    item = parse_itemdump(_data(name), source=name)
    body = parse_rfi_body(item["summary"], base_url=item["url"])
    [record] = output.items
    assert output.dialect == "itemdump"
    assert output.feed["source"] == name
    assert (record["dateline"], record["lead"], record["paragraphs"], record["images"]) == (
        body.dateline,
        body.lead,
        body.paragraphs,
        body.images,
    )
    assert record["author"] == body.author
    assert record["title"] == " ".join(
        item["title"].removesuffix(" – 法国国际广播电台 - RFI").split()
    )
    assert [(v.check, v.item_index, v.item_url) for v in output.problems] == [
        (p.check, 0, item["url"]) for p in body.problems
    ]


def test_seed_record() -> None:
    [record] = _parse(_data(SEED)).items
    assert record["author"] == "夏榕"
    assert record["dateline"]["time"] == "2023-12-06T16:42:00+01:00"
    assert record["published"] == "2023-12-06T15:45:03Z"
    assert len(record["paragraphs"]) == 18


def test_parser_contract() -> None:
    assert get_parser("itemdump") is ItemDumpParser
    parser = ItemDumpParser(timezone="Europe/Paris")
    assert isinstance(parser, Parser)
    assert (parser.name, parser.schema, parser.default_invariants) == (
        "itemdump",
        "article",
        ARTICLE_INVARIANTS,
    )


def test_unknown_time_zone_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="'Paris'"):
        ItemDumpParser(timezone="Paris")


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.binary(max_size=400) | st.binary(max_size=200).map(lambda b: GOOD[:60] + b))
def test_any_bytes_give_an_output_or_a_parse_error(data: bytes) -> None:
    outcome: FeedOutput | ParseError
    try:
        outcome = _parse(data)
    except ParseError as err:
        outcome = err
    if isinstance(outcome, ParseError):
        assert str(outcome).startswith("item.md: ")
    else:
        assert len(outcome.items) == 1
