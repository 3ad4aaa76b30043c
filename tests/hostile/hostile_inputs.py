"""Hostile inputs, generated: shared by tests/hostile/ and tools/hostile_census.py.

Every builder returns bytes (a feed body) or text (a cassette); nothing large is stored on disk.
XML attacks point at a *marker file* (a file holding a unique string that must never show up in
any output) and at a *trap URL* (a 127.0.0.1 socket that must never see a connection).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FEED_URL = "https://hostile.example/feed.xml"  # claimed by no configured feed: the rss parser
RFI_URL = "https://feedx.net/rss/rfi.xml"  # the feedx-rfi parser, in the configs the tests write
RFC822 = "Wed, 06 Dec 2023 15:45:03 GMT"
DATELINE = "<div>06/12/2023 - 16:42</div>"


# --- documents ----------------------------------------------------------------------------------


def rss(items: str, *, prolog: str = "", channel: str = "", encoding: str = "utf-8") -> str:
    """An RSS 2.0 document around ``items`` (XML text, not encoded)."""
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>{prolog}\n<rss version="2.0"><channel>'
        f"<title>hostile</title><link>https://www.rfi.fr/cn/</link>{channel}\n{items}\n"
        "</channel></rss>\n"
    )


def item(
    n: int | str = 0,
    *,
    title: str = "t",
    body: str = "b",
    link: str | None = None,
    guid: str | None = None,
    date: str = RFC822,
) -> str:
    """One RSS item; ``body`` goes into a CDATA description."""
    link = link or f"https://www.rfi.fr/cn/20231206-item-{n}"
    return (
        f"<item><title>{title}</title><link>{link}</link><guid>{guid or link}</guid>"
        f"<pubDate>{date}</pubDate><description><![CDATA[{body}]]></description></item>"
    )


def rfi_body(paragraph: str = "中国政府周三宣布新的经济刺激计划。") -> str:
    """An RFI article body in the feedx form: date line, image, lead, wrapper with paragraphs."""
    return (
        f'{DATELINE}<img src="https://s.rfi.fr/a.jpg"><p><strong>导语。</strong></p>'
        f"<div><p>{paragraph}</p></div>"
    )


_SURROGATE_PAIR = re.compile(r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})")


def yaml_quoted(text: str) -> str:
    """``text`` as a double-quoted YAML scalar: JSON's escapes, but astral characters as \\U."""

    def astral(match: re.Match[str]) -> str:
        high, low = int(match[1], 16), int(match[2], 16)
        return f"\\U{0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00):08x}"

    return _SURROGATE_PAIR.sub(astral, json.dumps(text))


def cassette(url: str, body: str, *, content_type: str = "application/rss+xml") -> str:
    """A one-interaction vcrpy cassette; the body as a quoted YAML string (fast at 50 MB)."""
    return (
        "interactions:\n- request:\n    body: null\n    headers: {}\n    method: GET\n"
        f"    uri: {yaml_quoted(url)}\n  response:\n    body:\n"
        f"      string: {yaml_quoted(body)}\n"
        f"    headers:\n      Content-Type:\n      - {yaml_quoted(content_type)}\n"
        "    status:\n      code: 200\n      message: OK\nversion: 1\n"
    )


# --- XML attacks ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bait:
    """What an XML attack reaches for: a file with a marker, a DTD that defines it, a URL."""

    marker: str  # the unique text in ``secret``; must never appear in any output
    secret: Path  # a local file holding the marker
    dtd: Path  # a local DTD declaring an entity whose value is the marker
    trap: str  # "http://127.0.0.1:<port>": nothing may connect to it


def write_bait(folder: Path, trap: str, marker: str) -> Bait:
    """Create the marker file and the DTD under ``folder``."""
    secret = folder / "secret.txt"
    secret.write_text(f"{marker}\n", encoding="utf-8")
    dtd = folder / "evil.dtd"
    dtd.write_text(f'<!ENTITY leak "{marker}"><!ENTITY % inner "{marker}">\n', encoding="utf-8")
    return Bait(marker, secret, dtd, trap)


def _laughs(levels: int = 10) -> str:
    decl = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, levels)
    )
    return f"<!DOCTYPE rss [{decl}]>"


def xml_attacks(bait: Bait) -> dict[str, bytes]:
    """Entity expansion, external entities and DTDs, XInclude, stylesheets: name -> body."""
    s, d, t = bait.secret.as_uri(), bait.dtd.as_uri(), bait.trap
    big = "a" * 100_000
    docs = {
        "billion-laughs": rss(item(title="&l9;"), prolog=_laughs()),
        "quadratic-blowup": rss(
            item(title="&big;" * 50_000), prolog=f'<!DOCTYPE rss [<!ENTITY big "{big}">]>'
        ),
        "xxe-file": rss(item(title="a &x;"), prolog=f'<!DOCTYPE rss [<!ENTITY x SYSTEM "{s}">]>'),
        "xxe-etc-passwd": rss(
            item(title="a &x;"), prolog='<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        ),
        "xxe-url": rss(item(title="a &x;"), prolog=f'<!DOCTYPE rss [<!ENTITY x SYSTEM "{t}/x">]>'),
        "xxe-in-attribute": rss(
            '<item><title>t</title><enclosure url="&x;" type="audio/mpeg"/></item>',
            prolog=f'<!DOCTYPE rss [<!ENTITY x SYSTEM "{s}">]>',
        ),
        "external-dtd-file": rss(item(title="a &leak;"), prolog=f'<!DOCTYPE rss SYSTEM "{d}">'),
        "external-dtd-url": rss(
            item(title="a &leak;"), prolog=f'<!DOCTYPE rss SYSTEM "{t}/rss.dtd">'
        ),
        "public-dtd-url": rss(
            item(title="a &leak;"),
            prolog=f'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "{t}/p.dtd">',
        ),
        "parameter-entity-file": rss(
            item(title="a &leak;"), prolog=f'<!DOCTYPE rss [<!ENTITY % p SYSTEM "{d}"> %p;]>'
        ),
        "parameter-entity-url": rss(
            item(title="a &leak;"), prolog=f'<!DOCTYPE rss [<!ENTITY % p SYSTEM "{t}/p"> %p;]>'
        ),
        "xinclude-file": rss(
            '<item xmlns:xi="http://www.w3.org/2001/XInclude"><title>t</title><description>'
            f'<xi:include href="{s}" parse="text"/></description></item>'
        ),
        "xinclude-url": rss(
            '<item xmlns:xi="http://www.w3.org/2001/XInclude"><title>t</title><description>'
            f'<xi:include href="{t}/inc" parse="text"/></description></item>'
        ),
        "stylesheet-url": rss(
            item(), prolog=f'<?xml-stylesheet type="text/xsl" href="{t}/x.xsl"?>'
        ),
        "schema-location-url": rss(item()).replace(
            '<rss version="2.0">',
            '<rss version="2.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'xsi:schemaLocation="urn:x {t}/schema.xsd">',
        ),
        "atom-xxe-xhtml": (
            f'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM "{s}">]>'
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>urn:1</id>'
            '<title>t</title><updated>2023-12-06T15:45:03Z</updated><content type="xhtml">'
            '<div xmlns="http://www.w3.org/1999/xhtml">&x;</div></content></entry></feed>'
        ),
    }
    result = {name: doc.encode("utf-8") for name, doc in docs.items()}
    utf16 = docs["xxe-file"].replace('encoding="utf-8"', 'encoding="utf-16"')
    result["xxe-file-utf16"] = utf16.encode("utf-16")
    return result


def html_body_attacks(bait: Bait) -> dict[str, str]:
    """Item bodies (HTML in CDATA) for the feedx-rfi body parser: name -> body HTML."""
    s, t = bait.secret.as_uri(), bait.trap
    return {
        "html-doctype-file": f'<!DOCTYPE html SYSTEM "{s}">{rfi_body()}',
        "html-entity-file": f'<!DOCTYPE html [<!ENTITY x SYSTEM "{s}">]>{rfi_body("&x;")}',
        "html-fetching-tags": rfi_body(
            f'<img src="{s}"><iframe src="{t}/f"></iframe><link rel="stylesheet" href="{t}/c">'
            f'<script src="{t}/s"></script>x'
        ),
    }


# --- sizes ------------------------------------------------------------------------------------


def big_feed(count: int) -> str:
    """A valid RSS feed of ``count`` items of ~2.6 KB article HTML (19,000: about 50 MB)."""
    paragraph = "<p>" + "word " * 480 + "</p>"
    return rss("".join(item(n, body=DATELINE + paragraph) for n in range(count)))


def many_items(count: int) -> str:
    """A feed of ``count`` small items (title, link, guid, date)."""
    return rss(
        "".join(
            f"<item><title>t{n}</title><link>https://www.rfi.fr/cn/{n}</link><guid>g{n}</guid>"
            f"<pubDate>{RFC822}</pubDate></item>"
            for n in range(count)
        )
    )


def deep_html(depth: int) -> str:
    """A feed whose one item body is HTML nested ``depth`` levels deep."""
    body = rfi_body("<div>" * depth + "deep" + "</div>" * depth)
    return rss(item(title="deep", body=body))


def deep_xml(depth: int) -> str:
    """A feed whose item description holds unescaped elements nested ``depth`` deep."""
    return rss(
        f"<item><title>t</title><description>{'<b>' * depth}x{'</b>' * depth}</description></item>"
    )


def long_line(size: int) -> str:
    """A one-line feed whose title and body are one ~``size``-character line of text."""
    text = "长" * (size // 6) + " " * (size // 6)
    doc = rss(item(title=text, body=rfi_body(text)))
    return doc.replace("\n", "")


def element_bomb(count: int) -> str:
    """``<a/>`` repeated: small on disk, ~180 bytes of tree each."""
    return rss(f"<item><title>t</title><description>{'<a/>' * count}</description></item>")


def attribute_bomb(per_element: int, elements: int) -> str:
    """Elements carrying ``per_element`` attributes each (each under libxml2's 10 MB tag limit)."""
    attrs = " ".join(f'a{n}=""' for n in range(per_element))
    return rss(f"<item><title>t</title>{f'<x {attrs}/>' * elements}</item>")


def namespace_bomb(count: int) -> str:
    """``count`` namespace declarations (each a libxml2 structure)."""
    decls = "".join(f'<x xmlns="urn:{n}"/>' for n in range(count))
    return rss(f"<item><title>t</title><description>{decls}</description></item>")


def entity_reference_bomb(count: int) -> str:
    """Undeclared entity references under an external DTD: each becomes a node if unchecked."""
    return rss(item(title="&nbsp;" * count), prolog='<!DOCTYPE rss SYSTEM "rss-0.91.dtd">')


def json_bomb(count: int) -> str:
    """A JSON Feed whose items list holds ``count`` empty objects."""
    items = ",".join(["{}"] * count)
    return f'{{"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [{items}]}}'


def json_deep(depth: int) -> str:
    """A JSON Feed nested ``depth`` levels deep."""
    return (
        '{"version": "https://jsonfeed.org/version/1.1", "items": [], "x": '
        + "[" * depth
        + "]" * depth
        + "}"
    )


SIZE_BUILDERS: dict[str, Callable[[int], str]] = {
    "big-feed": big_feed,
    "many-items": many_items,
    "deep-html": deep_html,
    "deep-xml": deep_xml,
    "long-line": long_line,
    "element-bomb": element_bomb,
    "namespace-bomb": namespace_bomb,
    "entity-reference-bomb": entity_reference_bomb,
    "json-bomb": json_bomb,
    "json-deep": json_deep,
}


# --- encodings --------------------------------------------------------------------------------

ZH = "喷嚏图卦：中国政府周三宣布新的经济刺激计划，法国国际广播电台报道。"
ZH_TRADITIONAL = "法國國際廣播電台報道：中國政府週三宣布新的經濟刺激計劃。"


def encoded_feed(text: str, encoding: str, *, declared: str | None = None) -> bytes:
    """An RSS feed whose title and item hold ``text``, encoded with ``encoding``.

    ``declared`` is the ``encoding=`` of the XML declaration ("" for a declaration without one).
    """
    label = encoding if declared is None else declared
    doc = rss(item(title=text, body=f"<p>{text}</p>"), encoding=label)
    if declared == "":
        doc = doc.replace(' encoding=""', "")
    return doc.encode(encoding)


# --- report injection -------------------------------------------------------------------------

INJECTION = (
    "<script>alert(1)</script><img src=x onerror=alert(2)> [click](javascript:alert(3)) "
    "@octocat #1 \x1b[31mRED\x1b[0m \x1b]8;;https://evil.example\x07link\x1b]8;;\x07 "
    "\x9b2J \u202eevil\u202c \x07\x08\x0b\x0c\x7f ]]> --> <!-- `code` | pipe | "
    "hid\u200bden\ufeff\U000e0069\U000e0067\U000e006e"
)
"""Feed text that tries HTML, script, Markdown links, mentions, ANSI/OSC/C1, bidi, controls and
invisible characters (zero-width space, BOM, Unicode tag characters that smuggle ASCII)."""


def encoding_cases() -> dict[str, tuple[bytes, str]]:
    """Encoding traps for the census: name -> (body, Content-Type)."""
    feed = "application/rss+xml"
    corrupted = encoded_feed(ZH * 3, "utf-8").replace("周".encode(), b"\xff", 1)
    return {
        "gb2312": (encoded_feed(ZH, "gb2312"), feed),
        "gbk": (encoded_feed(ZH + "镕", "gbk"), feed),
        "gb18030": (encoded_feed(ZH + "𠀀€", "gb18030"), feed),
        "big5": (encoded_feed(ZH_TRADITIONAL, "big5"), feed),
        "big5-hkscs": (encoded_feed(ZH_TRADITIONAL + "嗰", "big5hkscs", declared="big5"), feed),
        "utf-16-bom": (encoded_feed(ZH, "utf-16"), feed),
        "utf-16le-no-bom": (encoded_feed(ZH, "utf-16-le", declared="utf-16"), feed),
        "utf-16be-undeclared": (encoded_feed(ZH, "utf-16-be", declared=""), feed),
        "utf-32-bom": (encoded_feed(ZH, "utf-32"), feed),
        "declared-utf8-bytes-gbk": (encoded_feed(ZH, "gbk", declared="utf-8"), feed),
        "declared-gb2312-bytes-utf8": (encoded_feed(ZH, "utf-8", declared="gb2312"), feed),
        "declared-big5-bytes-gbk": (encoded_feed(ZH, "gbk", declared="big5"), feed),
        "undeclared-gbk": (encoded_feed(ZH, "gbk", declared=""), feed),
        "undeclared-big5": (encoded_feed(ZH_TRADITIONAL, "big5", declared=""), feed),
        "http-gbk-declared-utf8": (encoded_feed(ZH, "utf-8"), "text/xml; charset=gbk"),
        "http-utf8-declared-latin1": (
            encoded_feed("Grüße " + ZH, "utf-8", declared="iso-8859-1"),
            "text/xml; charset=utf-8",
        ),
        "http-big5-declared-gb2312": (
            encoded_feed(ZH, "gbk", declared="gb2312"),
            "text/xml; charset=big5",
        ),
        "http-unknown-charset": (encoded_feed(ZH, "utf-8"), "text/xml; charset=x-klingon"),
        "bom-beats-declaration": (
            b"\xef\xbb\xbf" + encoded_feed(ZH, "utf-8", declared="gbk"),
            feed,
        ),
        "invalid-utf8-bytes": (corrupted, feed),
        "invalid-bytes-everywhere": (bytes(range(128, 256)) * 64, feed),
        "truncated-mid-character": (encoded_feed(ZH, "utf-8")[:-40] + "周".encode()[:2], feed),
        "json-feed-utf16": (
            '{"version": "https://jsonfeed.org/version/1.1", "items": []}'.encode("utf-16"),
            "application/feed+json",
        ),
    }
