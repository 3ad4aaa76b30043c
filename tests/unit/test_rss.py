"""harness.parsers.rss: every dialect on real fixtures, transport damage, hostile XML, fuzzing."""

from __future__ import annotations

import contextlib
import json
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from harness.errors import HarnessError, ParseError, TransportError
from harness.model import FeedOutput, Response, Severity, Violation
from harness.parsers import Parser, get_parser
from harness.parsers.rss import RssParser

DATA = Path(__file__).parents[1] / "data" / "rss"
SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "feed-item.schema.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA)
URL = "https://example.org/feeds/feed.xml"
RFC822 = "an RFC 822 date such as 'Wed, 06 Dec 2023 15:45:03 GMT'"
RFC3339 = "an RFC 3339 date such as '2023-12-06T15:45:03Z'"
FUZZ = settings(max_examples=200, deadline=None, derandomize=True)

FIXTURES = sorted(p.name for p in DATA.iterdir() if p.suffix in (".xml", ".json"))
READABLE = [name for name in FIXTURES if "splice" not in name]


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


def no_fetch(url: str) -> Response:
    raise AssertionError(f"the rss parser must not fetch {url}")


def response(
    body: bytes, *, status: int = 200, url: str = URL, content_type: str | None = None
) -> Response:
    headers = {} if content_type is None else {"content-type": content_type}
    return Response(url=url, status=status, headers=headers, body=body)


def parse(body: bytes, parser: RssParser | None = None, **kwargs: Any) -> FeedOutput:
    return (parser or RssParser()).parse(response(body, **kwargs), fetch=no_fetch)


def rss(items: str, *, channel: str = "", attrs: str = "") -> bytes:
    """A small RSS 2.0 document around ``items``."""
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" {attrs}><channel>'
        f"<title>t</title>{channel}{items}</channel></rss>"
    ).encode()


# --- the contract -----------------------------------------------------------------------------


def test_rss_parser_is_a_registered_parser() -> None:
    assert get_parser("rss") is RssParser
    parser = RssParser()
    assert isinstance(parser, Parser)
    assert (parser.name, parser.schema) == ("rss", "feed-item")
    assert parser.default_invariants == (
        "items-present",
        "unique-ids",
        "title-nonempty",
        "links-absolute",
        "no-markup-in-text",
    )


@pytest.mark.parametrize("name", READABLE)
def test_every_item_of_every_fixture_validates(name: str) -> None:
    out = parse(fixture(name))
    assert out.items
    for item in out.items:
        assert list(VALIDATOR.iter_errors(item)) == []
    assert set(out.feed) == {"title", "link", "language", "dialect", "encoding"}
    assert out.feed["dialect"] == out.dialect


# --- dialects on real fixtures ----------------------------------------------------------------


def test_rss20_dapenti_chinese_cdata() -> None:
    out = parse(fixture("dapenti-2015-05-29-first2.xml"))
    assert out.dialect == "rss2.0"
    assert out.feed == {
        "title": "【喷嚏图卦】喷嚏网(www.dapenti.com)-阅读、发现和分享：8小时外的健康生活！",
        "link": "http://www.dapenti.com/blog/blog.asp?subjectid=70&name=xilei",
        "language": "zh-cn",
        "dialect": "rss2.0",
        "encoding": "utf-8",
    }
    assert len(out.items) == 2
    first = out.items[0]
    summary = first.pop("summary")
    assert first == {
        "id": None,
        "url": "http://www.dapenti.com/blog/more.asp?name=xilei&id=100319",
        "title": "【喷嚏图卦20150528】复印大学",
        "published": "2015-05-28T05:58:00Z",
        "published_raw": "Thu, 28 May 2015 13:58:00 +0800",
        "updated": None,
        "author": "xilei",
        "content": None,
        "categories": [],
        "enclosures": [],
    }
    assert summary.startswith("<p>\n\t<strong>免责申明：</strong> \n</p>")  # HTML stays HTML
    assert "<![CDATA[" not in summary
    assert "\r" not in summary  # XML normalises CRLF


def test_rss20_dapenti_misspelt_weekday_is_a_warning() -> None:
    out = parse(fixture("dapenti-2015-05-29-first2.xml"))
    assert out.items[1]["published"] == "2015-05-27T05:48:00Z"
    assert out.problems == (
        Violation(
            check="date-format",
            message="published date: weekday 'Wes' is not a weekday name",
            field="published",
            observed="Wes, 27 May 2015 13:48:00 +0800",
            expected=RFC822,
            item_index=1,
            item_id=None,
            item_url="http://www.dapenti.com/blog/more.asp?name=xilei&id=100288",
            severity=Severity.WARNING,
        ),
    )


def test_rss10_dw() -> None:
    out = parse(fixture("dw-2015-rss10.xml"))
    assert out.dialect == "rss1.0"
    assert out.feed == {
        "title": "Deutsche Welle",
        "link": "http://www.dw.de/english/?maca=en-rss-en-all-1573-rdf",
        "language": None,
        "dialect": "rss1.0",
        "encoding": "utf-8",
    }
    assert len(out.items) == 61
    link = "http://www.dw.de/ukrainian-army-refuses-to-start-withdrawing-heavy-weapons/a-18274346?maca=en-rss-en-all-1573-rdf"
    assert out.items[0] == {
        "id": link,  # rdf:about
        "url": link,
        "title": "Ukrainian army refuses to start withdrawing heavy weapons",
        "published": "2015-02-23T10:22:00Z",
        "published_raw": "2015-02-23T10:22:00Z",
        "updated": None,
        "author": None,
        "summary": "Attacks by pro-Russian rebels have delayed withdrawal of heavy weapons from "
        "the front line, Ukrainian army sources say. Both sides in the conflict had previously "
        "agreed to pull back the weapons within two weeks.",
        "content": None,
        "categories": ["News"],  # dc:subject
        "enclosures": [],
    }
    assert out.problems == ()


def test_rss091_external_dtd_is_not_loaded() -> None:
    out = parse(fixture("w3c-rss091-rab.xml"))
    assert out.dialect == "rss0.9x"
    assert out.feed["title"] == "Sockenbärs Logbuch"
    assert out.items[0]["title"] == "Und tsch&uuml;ss."  # defined only in the unloaded DTD
    assert out.items[0]["summary"] == 'Apple verkauft keine 17" G5 iMacs mehr im Online-Laden.'
    assert [p.check for p in out.problems] == ["xml-entities"]
    assert out.problems[0].severity is Severity.WARNING


def test_atom10_touchnokia() -> None:
    out = parse(fixture("touchnokia-atom-first2.xml"))
    assert out.dialect == "atom1.0"
    assert out.feed == {
        "title": "Все для Nokia 5800 XM Nokia N97 Samsung i8910 Omnia HD : Программы, игры, темы, "
        "свежие новости и советы",
        "link": "http://touchnokia.ru/",
        "language": None,
        "dialect": "atom1.0",
        "encoding": "utf-8",
    }
    first = out.items[0]
    content = first.pop("content")
    assert first == {
        "id": "tag:touchnokia.ru,2009://1.666",
        "url": "http://touchnokia.ru/2009/09/nevidimaja-bronja-dlja-vashego-nokia-5800.html",
        "title": "Невидимая броня для Вашего Nokia 5800",
        "published": "2009-09-09T14:19:45Z",
        "published_raw": "2009-09-09T14:19:45Z",
        "updated": "2009-04-08T14:25:12Z",
        "author": "iPod",
        "summary": "",
        "categories": ["Новости", "5800", "nokia", "броня", "Вашего", "для", "Невидимая"],
        "enclosures": [],
    }
    assert content.startswith('<div style="text-align: center;"><a href="http://savecase.ru/TN"')
    assert "<h2>Невидимая броня для Вашего девайса.</h2>" in content


def test_atom10_w3c_iri_xhtml_enclosure_and_inherited_author() -> None:
    out = parse(fixture("w3c-atom-iri.xml"))
    assert out.feed["link"] == "http://www.詹姆斯.com/atomtests/iri/"
    first, _, _, fourth = out.items
    assert first["url"] == "http://www.詹姆斯.com/atomtests/iri/詹.html"  # rel=alternate only
    assert first["author"] == "James Holderness"  # from the feed's <author>
    assert first["content"].startswith("<p>This entry contains an alternate, a related and a via")
    assert "xmlns" not in first["content"]
    assert first["published"] == first["updated"] == "2006-02-24T10:34:01Z"  # updated only
    assert fourth["enclosures"] == [
        {"url": "http://www.詹姆斯.com/atomtests/iri/詹.mp3", "type": "audio/mpeg", "length": 49703}
    ]


def test_atom03() -> None:
    body = b"""<?xml version="1.0" encoding="utf-8"?>
<feed version="0.3" xmlns="http://purl.org/atom/ns#" xml:lang="en">
  <title>Atom 0.3</title>
  <link rel="alternate" type="text/html" href="http://example.com/"/>
  <entry>
    <title mode="escaped" type="text/html">A &lt;b&gt;bold&lt;/b&gt; move</title>
    <link rel="alternate" type="text/html" href="/2004/01/entry"/>
    <id>tag:example.com,2004:1</id>
    <issued>2004-01-02T10:00:00+01:00</issued>
    <modified>2004-01-03T10:00:00Z</modified>
    <author><name>Mark</name></author>
    <content mode="base64">RXhhbXBsZSA8Yj5BdG9tPC9iPg==</content>
  </entry>
</feed>"""
    out = parse(body)
    assert out.dialect == "atom0.3"
    assert out.feed["language"] == "en"
    assert out.items == [
        {
            "id": "tag:example.com,2004:1",
            "url": "https://example.org/2004/01/entry",  # against the response URL
            "title": "A bold move",
            "published": "2004-01-02T09:00:00Z",
            "published_raw": "2004-01-02T10:00:00+01:00",
            "updated": "2004-01-03T10:00:00Z",
            "author": "Mark",
            "summary": None,
            "content": "Example <b>Atom</b>",
            "categories": [],
            "enclosures": [],
        }
    ]


def test_jsonfeed11() -> None:
    out = parse(fixture("jsonfeed-1.1-handwritten.json"), url="https://example.org/feeds/rfi.json")
    assert out.dialect == "jsonfeed1.1"
    assert out.feed == {
        "title": "RFI 中文 (JSON Feed)",
        "link": "https://www.rfi.fr/cn/",
        "language": "zh-CN",
        "dialect": "jsonfeed1.1",
        "encoding": "utf-8",
    }
    assert out.items[0] == {
        "id": "https://www.rfi.fr/cn/20231206",
        "url": "https://www.rfi.fr/cn/%E4%B8%93%E6%A0%8F%E6%A3%80%E7%B4%A2/20231206",
        "title": "王毅与布林肯通电话 聚焦加沙战事和台湾问题",
        "published": "2023-12-06T15:45:03Z",
        "published_raw": "2023-12-06T16:45:03+01:00",
        "updated": "2023-12-06T15:50:00Z",
        "author": "夏榕",
        "summary": "据法新社援引中国外交部称……",
        "content": "<p><strong>据法新社援引中国外交部称</strong></p>",
        "categories": ["中国", "美国"],
        "enclosures": [
            {
                "url": "https://www.rfi.fr/media/AP23299790617867.jpg",
                "type": "image/jpeg",
                "length": 48213,
            }
        ],
    }
    second = out.items[1]
    assert (second["id"], second["url"]) == ("1042083", "https://www.rfi.fr/cn/cn/20231207")
    assert (second["author"], second["content"]) == ("RFI", "plain text body")


def test_jsonfeed10_author_object() -> None:
    doc = {
        "version": "https://jsonfeed.org/version/1",
        "title": "t",
        "items": [{"id": "1", "title": "x", "author": {"name": "Ann"}, "content_text": "c"}],
    }
    out = parse(json.dumps(doc).encode())
    assert out.dialect == "jsonfeed1.0"
    assert out.feed["link"] is None
    assert out.items[0]["author"] == "Ann"


def test_feedx_style_item_with_html_in_cdata() -> None:
    out = parse(
        fixture("feedx-rfi-2023-12-06-reconstructed.xml"), url="https://feedx.net/rss/rfi.xml"
    )
    item = out.items[0]
    summary = item.pop("summary")
    assert item == {
        "id": None,
        "url": "https://www.rfi.fr/cn/%E4%B8%93%E6%A0%8F%E6%A3%80%E7%B4%A2/%E8%A6%81%E9%97%BB"
        "%E8%A7%A3%E8%AF%B4/20231206-%E7%8E%8B%E6%AF%85%E4%B8%8E%E5%B8%83%E6%9E%97%E8%82%AF"
        "%E9%80%9A%E7%94%B5%E8%AF%9D-%E8%81%9A%E7%84%A6%E5%8A%A0%E6%B2%99%E6%88%98%E4%BA%8B"
        "%E5%92%8C%E5%8F%B0%E6%B9%BE%E9%97%AE%E9%A2%98",
        "title": "王毅与布林肯通电话 聚焦加沙战事和台湾问题 - 要闻解说",
        "published": "2023-12-06T15:45:03Z",
        "published_raw": "Wed, 06 Dec 2023 15:45:03 GMT",
        "updated": None,
        "author": None,
        "content": None,
        "categories": [],
        "enclosures": [],
    }
    assert summary.startswith('<div>06/12/2023 - 16:42</div><img src="https://s.rfi.fr/media/')
    # relative links inside the HTML are the HTML's business: left exactly as given
    assert '<a href="/cn/%E4%BD%9C%E8%80%85/%E5%A4%8F%E6%A6%95/" title="夏榕">夏榕</a>' in summary
    assert summary.endswith("https://feedx.run</a><br></div>")
    assert out.problems == ()


def test_rss20_extensions() -> None:
    body = rss(
        """<item><title> Spaced
          title </title><link>https://example.org/a</link><guid>urn:x:1</guid>
        <dc:creator>Jane Roe</dc:creator><category>World</category><category> </category>
        <content:encoded><![CDATA[<p>full</p>]]></content:encoded>
        <description>&lt;b&gt;escaped&lt;/b&gt; html</description>
        <media:content url="https://example.org/m.jpg"/>
        <enclosure url="https://example.org/a.mp3" type="audio/mpeg" length="not a number"/>
        <enclosure type="audio/mpeg"/></item>""",
        attrs='xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:media="http://search.yahoo.com/mrss/"',
    )
    item = parse(body).items[0]
    assert item == {
        "id": "urn:x:1",
        "url": "https://example.org/a",
        "title": "Spaced title",
        "published": None,
        "published_raw": None,
        "updated": None,
        "author": "Jane Roe",
        "summary": "<b>escaped</b> html",
        "content": "<p>full</p>",
        "categories": ["World"],
        "enclosures": [{"url": "https://example.org/a.mp3", "type": "audio/mpeg", "length": None}],
    }


# --- links ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "item", "url"),
    [
        (
            "<link>https://example.net/blog/</link>",
            "<link>posts/1</link>",
            "https://example.net/blog/posts/1",
        ),
        ("", "<link>/posts/1</link>", "https://example.org/posts/1"),  # response URL
        ("<link>/blog/</link>", "<link>posts/1</link>", "https://example.org/blog/posts/1"),
        ("", '<link xml:base="https://cdn.example.com/a/">b</link>', "https://cdn.example.com/a/b"),
        (
            "<link>https://example.net/</link>",
            "<link>HTTP://Example.COM/A?b=1#c</link>",
            "HTTP://Example.COM/A?b=1#c",
        ),
        ("", "<link>  https://example.com/x  </link>", "https://example.com/x"),
        ("", "<guid>https://example.com/g</guid>", "https://example.com/g"),  # permalink guid
        ("", '<guid isPermaLink="false">https://example.com/g</guid>', None),
        ("", "<link></link>", None),
        ("", "<link>http://[broken</link>", "http://[broken"),
    ],
)
def test_links_are_resolved_and_absolute_ones_untouched(
    channel: str, item: str, url: str | None
) -> None:
    out = parse(rss(f"<item><title>x</title>{item}</item>", channel=channel))
    assert out.items[0]["url"] == url


def test_xml_base_applies_to_enclosures_and_atom_links() -> None:
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://example.com/base/">
      <entry xml:base="sub/"><id>1</id><title>t</title><link href="page"/>
      <link rel="enclosure" href="a.mp3" length="12"/></entry></feed>"""
    item = parse(body).items[0]
    assert item["url"] == "https://example.com/base/sub/page"
    assert item["enclosures"] == [
        {"url": "https://example.com/base/sub/a.mp3", "type": None, "length": 12}
    ]


# --- dates ------------------------------------------------------------------------------------


def test_unparseable_date_is_a_problem_not_a_crash() -> None:
    garbage = "06/12/2023 - 16:42 " + "x" * 130
    body = rss(
        f"<item><title>x</title><link>https://e.com/1</link><guid>g1</guid><pubDate>{garbage}</pubDate></item>"
    )
    out = parse(body)
    assert (out.items[0]["published"], out.items[0]["published_raw"]) == (None, garbage)
    (problem,) = out.problems
    assert problem.check == "date-parseable"
    assert problem.severity is Severity.ERROR
    assert (problem.field, problem.expected) == ("published", RFC822)
    assert (problem.item_index, problem.item_id, problem.item_url) == (0, "g1", "https://e.com/1")
    assert problem.observed is not None
    assert len(problem.observed) == 120
    assert problem.message.startswith("published date cannot be parsed: not an RFC 822 or RFC 3339")


def test_jsonfeed_bad_date_is_a_problem() -> None:
    out = parse(fixture("jsonfeed-1.1-handwritten.json"), url="https://example.org/feeds/rfi.json")
    (problem,) = out.problems
    assert (problem.check, problem.item_index, problem.observed) == (
        "date-parseable",
        1,
        "07/12/2023 - 09:30",
    )
    assert problem.expected == RFC3339


def test_date_without_zone_is_a_warning() -> None:
    out = parse(rss("<item><title>x</title><pubDate>Wed, 06 Dec 2023 15:45:03</pubDate></item>"))
    assert out.items[0]["published"] == "2023-12-06T15:45:03Z"
    (problem,) = out.problems
    assert (problem.check, problem.severity) == ("date-format", Severity.WARNING)
    assert problem.message == "published date: no time zone; read as UTC"


# --- transport damage -------------------------------------------------------------------------

DAPENTI = fixture("dapenti-2015-05-29-first2.xml")


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        pytest.param(b"", 200, "empty body", id="empty (dapenti bfe4d3a)"),
        pytest.param(b" \r\n\t", 200, "body is only whitespace (4 bytes)", id="whitespace"),
        pytest.param(
            b"\0" * 30000 + DAPENTI[30000:],
            200,
            "run of 30000 NUL bytes at the start of the body",
            id="leading NULs (dapenti ea1c8a7)",
        ),
        pytest.param(
            DAPENTI[:20000] + b"\0" * 4096 + DAPENTI[20000:],
            200,
            "run of 4096 NUL bytes at byte 20000 of the body",
            id="NUL run (dapenti b2b4ef8)",
        ),
        pytest.param(
            fixture("dapenti-2015-05-29-403-splice.xml"),
            200,
            "HTTP status line 'HTTP/1.1 403 Forbidden' spliced into the body at byte 24477",
            id="403 spliced mid UTF-8 (dapenti bcf2819)",
        ),
        pytest.param(DAPENTI, 500, "HTTP 500 Internal Server Error", id="HTTP 500"),
        pytest.param(b"<html>Forbidden</html>", 403, "HTTP 403 Forbidden", id="HTTP 403"),
        pytest.param(b"", 599, "HTTP 599", id="unknown status"),
        pytest.param(
            fixture("html-antibot-page.html"),
            200,
            "HTML page, not a feed: title 'Just a moment...'",
            id="anti-bot page",
        ),
        pytest.param(
            b'<?xml version="1.0"?><!-- x --><html xmlns="http://www.w3.org/1999/xhtml">'
            b"<head><title>Error &amp; co</title></head><body/></html>",
            200,
            "HTML page, not a feed: title 'Error & co'",
            id="XHTML page",
        ),
        pytest.param(
            b"<?xml version='1.0'?><HTML><BODY>no title</BODY></HTML>",
            200,
            "HTML page, not a feed: title '(no <title>)'",
            id="XHTML page without title",
        ),
    ],
)
def test_transport_damage(body: bytes, status: int, message: str) -> None:
    with pytest.raises(TransportError) as info:
        parse(body, status=status)
    assert str(info.value) == message


def test_html_doctype_on_a_feed_is_not_an_html_page() -> None:
    body = (
        b'<?xml version="1.0" encoding="utf-8"?><!DOCTYPE html PUBLIC '
        b'"-//W3C//DTD XHTML 1.0 Transitional//EN" "http://site.invalid/">\n'
        b"<!-- feedparser-tests/illformed/always_strip_doctype.xml -->\n"
        b"<rss><channel><title>found</title></channel></rss>"
    )
    assert parse(body).feed["title"] == "found"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"<!---->" * 600 + b"<!--" * 400, id="comments then unclosed comments"),
        pytest.param(b"<html><title" * 9000, id="unclosed titles"),
        pytest.param(b"HTTP/1.1 200 " + b"x" * 10**6, id="status line without end"),
        pytest.param(
            b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title type="html">'
            + b"&lt;" * 200_000
            + b"</title></entry></feed>",
            id="unclosed tags in an html title",
        ),
        pytest.param(
            b"<rss><channel><item><pubDate>"
            + b"Wed, " * 200_000
            + b"</pubDate></item></channel></rss>",
            id="huge date",
        ),
    ],
)
def test_pathological_bodies_stay_fast(body: bytes) -> None:
    start = time.monotonic()
    with contextlib.suppress(ParseError):
        parse(body)
    assert time.monotonic() - start < 2


def test_splice_without_header_context_is_found_when_the_xml_breaks() -> None:
    body = rss("<item><title>x</title><description>ok</description></item>")
    spliced = (
        body[:60] + b"\nHTTP/1.1 502 Bad Gateway\r\nServer: nginx\r\n\r\n<h1>502</h1>" + body[60:]
    )
    with pytest.raises(
        TransportError, match=r"'HTTP/1\.1 502 Bad Gateway' spliced into the body at byte 61$"
    ):
        parse(spliced)


def test_quoted_status_line_in_a_valid_feed_is_content() -> None:
    sample = "<pre>HTTP/1.1 200 OK\r\nContent-Type: text/html</pre>"
    out = parse(
        rss(f"<item><title>x</title><description><![CDATA[{sample}]]></description></item>")
    )
    assert out.items[0]["summary"] == sample.replace("\r\n", "\n")


# --- not a readable feed ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "parser", "message"),
    [
        pytest.param(DAPENTI[:30000], None, "XML not well formed at line 417", id="truncated"),
        pytest.param(
            b"<kml xmlns='http://www.opengis.net/kml/2.2'/>",
            None,
            "unknown root element <kml>",
            id="kml",
        ),
        pytest.param(
            b'<rss version="2.0"></rss>', None, "<rss> has no <channel> element", id="no channel"
        ),
        pytest.param(
            b'{"version": "https://jsonfeed.org/version/1.1", "items": [',
            None,
            "invalid JSON",
            id="json",
        ),
        pytest.param(b'{"items": []}', None, "JSON but not a JSON Feed", id="not jsonfeed"),
        pytest.param(
            b'{"version": "https://jsonfeed.org/version/1", "items": [1]}',
            None,
            "not a list of objects",
            id="bad items",
        ),
        pytest.param(b"[" * 100_000, None, "invalid JSON", id="deep json"),
        pytest.param(b"<a>" * 10_000, None, "Excessive depth", id="deep xml"),
        pytest.param(
            DAPENTI,
            RssParser(max_bytes=1000),
            "body is 67039 bytes, over max_bytes=1000",
            id="max_bytes",
        ),
        pytest.param(
            DAPENTI, RssParser(max_items=1), "more than max_items=1 items", id="max_items"
        ),
        pytest.param(
            b"<?xml version='1.0'?>\n<rss>\xff\xfe</rss>",
            None,
            "cannot decode the body: utf-8 (default)",
            id="bad utf-8",
        ),
        pytest.param(
            b"<?xml version='1.0' encoding='x-klingon'?><rss>\xff</rss>",
            None,
            "x-klingon (XML declaration): unknown encoding: x-klingon",
            id="unknown encoding",
        ),
        pytest.param(
            b"<?xml version='1.0' encoding='unicode_escape'?><rss>\\x41\xff</rss>",
            None,
            "unicode_escape (XML declaration): not a character encoding",
            id="non-charset codec",
        ),
    ],
)
def test_parse_errors(body: bytes, parser: RssParser | None, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(body, parser)
    assert type(info.value) is ParseError  # not a TransportError
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_truncated_xml_message_names_line_and_column() -> None:
    with pytest.raises(ParseError, match=r"^XML not well formed at line \d+, column \d+: "):
        parse(DAPENTI[:30000])


# --- encodings --------------------------------------------------------------------------------

LATIN1_DOC = (
    '<rss version="2.0"><channel><title>Grüße</title>'
    "<item><title>Straße</title></item></channel></rss>"
)


GB2312_DOC = (
    '<?xml version="1.0" encoding="gb2312"?><rss><channel><title>喷嚏图卦</title></channel></rss>'
)


def test_xml_declaration_encoding() -> None:
    out = parse(f'<?xml version="1.0" encoding="ISO-8859-1"?>{LATIN1_DOC}'.encode("latin-1"))
    assert (out.feed["title"], out.feed["encoding"], out.problems) == ("Grüße", "iso-8859-1", ())


def test_http_charset_when_nothing_is_declared() -> None:
    out = parse(
        LATIN1_DOC.encode("latin-1"), content_type="application/rss+xml; charset=ISO-8859-1"
    )
    assert (out.items[0]["title"], out.feed["encoding"], out.problems) == (
        "Straße",
        "iso-8859-1",
        (),
    )


def test_declaration_that_lies_falls_back_to_http_charset_with_a_warning() -> None:
    body = f'<?xml version="1.0" encoding="utf-8"?>{LATIN1_DOC}'.encode("latin-1")
    out = parse(body, content_type='text/xml; charset="windows-1252"')
    assert (out.feed["title"], out.feed["encoding"]) == ("Grüße", "windows-1252")
    (problem,) = out.problems
    assert (problem.check, problem.severity) == ("encoding", Severity.WARNING)
    assert problem.message.startswith(
        "read as windows-1252 (HTTP charset) after: utf-8 (XML declaration)"
    )


def test_utf8_bytes_declared_latin1_are_flagged() -> None:
    out = parse(
        fixture("spiegel-2015-iso8859-1.xml")
    )  # the real file: UTF-8 bytes, ISO-8859-1 declared
    assert out.feed["encoding"] == "iso-8859-1"
    assert "GeschÃ¤ftsklima" in out.items[0]["summary"]  # honoured, and therefore mojibake
    (problem,) = out.problems
    assert problem.check == "encoding"
    assert "the bytes are UTF-8" in problem.message


@pytest.mark.parametrize(
    ("body", "encoding"),
    [
        (b"\xef\xbb\xbf" + LATIN1_DOC.encode(), "utf-8"),
        (LATIN1_DOC.encode("utf-16"), "utf-16"),  # with BOM
        (
            '<?xml version="1.0" encoding="UTF-16"?>'.encode("utf-16-le")
            + LATIN1_DOC.encode("utf-16-le"),
            "utf-16-le",
        ),
        (LATIN1_DOC.encode("utf-32"), "utf-32"),
        (GB2312_DOC.encode("gbk"), "gb2312"),
    ],
)
def test_boms_and_wide_encodings(body: bytes, encoding: str) -> None:
    out = parse(body)
    assert out.feed["encoding"] == encoding
    assert out.feed["title"] in ("Grüße", "喷嚏图卦")


def test_utf16_declared_on_ascii_bytes_is_read_as_utf8() -> None:
    out = parse(f'<?xml version="1.0" encoding="utf-16"?>{LATIN1_DOC}'.encode())
    assert (out.feed["title"], out.feed["encoding"]) == ("Grüße", "utf-8")
    assert [p.check for p in out.problems] == ["encoding"]


# --- hostile XML ------------------------------------------------------------------------------


def test_billion_laughs_does_not_expand() -> None:
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{entities}]>'
        '<rss version="2.0"><channel><title>&l9;</title>'
        "<item><title>&l9;</title></item></channel></rss>"
    ).encode()
    start = time.monotonic()
    try:
        out = parse(body)
    except ParseError:
        pass
    else:
        assert "lollol" not in repr(out)
    assert time.monotonic() - start < 2


def test_external_entities_and_dtds_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("<unclosed>TOP-SECRET")  # malformed: reading it would be an XML error
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY leak "DTD-MARKER"><!ELEMENT broken')  # same
    cases = [
        (f'<!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>', "&x;"),
        ('<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;"),
        (f'<!DOCTYPE rss SYSTEM "file://{dtd}">', "&leak;"),
        (f'<!DOCTYPE rss [<!ENTITY % p SYSTEM "file://{dtd}"> %p;]>', "&leak;"),
    ]
    for doctype, reference in cases:
        body = (
            f'<?xml version="1.0"?>{doctype}<rss version="2.0"><channel><title>t</title>'
            f"<item><title>a {reference}</title><description>{reference}</description></item>"
            "</channel></rss>"
        )
        out = parse(body.encode())  # reading either file would have made this a ParseError
        assert out.items[0]["title"] == f"a {reference}"  # kept as written, never expanded
        assert [p.check for p in out.problems] == ["xml-entities"]
        text = repr(out)
        assert "TOP-SECRET" not in text
        assert "DTD-MARKER" not in text
        assert "root:" not in text


def test_no_network_access_for_dtds_or_entities() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.settimeout(0.3)
        base = f"http://127.0.0.1:{server.getsockname()[1]}"
        body = (
            f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "{base}/rss.dtd" '
            f'[<!ENTITY x SYSTEM "{base}/x">]>'
            '<rss version="2.0"><channel><title>t &x;</title></channel></rss>'
        ).encode()
        with contextlib.suppress(ParseError):
            parse(body)
        with pytest.raises(TimeoutError):
            server.accept()


# --- fuzzing ----------------------------------------------------------------------------------

MUTATION_BASES = [fixture(name) for name in READABLE if name != "dapenti-2015-05-29-first2.xml"]
MUTATION_BASES.append(DAPENTI[:8000] + b"</description></item></channel></rss>")


def _parse_or_harness_error(body: bytes, **kwargs: Any) -> None:
    try:
        out = parse(body, **kwargs)
    except HarnessError as err:
        message = str(err)
    else:
        assert isinstance(out, FeedOutput)
        for item in out.items:
            assert list(VALIDATOR.iter_errors(item)) == []
        return
    assert "\n" not in message


@FUZZ
@given(st.binary())
def test_random_bytes_never_crash(body: bytes) -> None:
    _parse_or_harness_error(body)


@FUZZ
@given(
    st.sampled_from(
        [
            b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>',
            b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": ',
            b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><updated>",
        ]
    ),
    st.binary(max_size=200),
)
def test_random_tails_after_a_feed_start_never_crash(head: bytes, tail: bytes) -> None:
    _parse_or_harness_error(head + tail)


@st.composite
def mutated_feeds(draw: st.DrawFn) -> bytes:
    body = bytearray(draw(st.sampled_from(MUTATION_BASES)))
    for _ in range(draw(st.integers(0, 8))):
        position = draw(st.integers(0, len(body) - 1))
        body[position] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        del body[draw(st.integers(0, len(body))) :]
    return bytes(body)


@FUZZ
@given(mutated_feeds(), st.sampled_from([None, "text/xml; charset=gb2312", "application/json"]))
def test_mutated_real_feeds_never_crash(body: bytes, content_type: str | None) -> None:
    _parse_or_harness_error(body, content_type=content_type)
