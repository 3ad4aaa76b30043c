"""Fast paths of the parse path give the answers of the plain code they replaced.

Each test keeps the plain version as a reference (a copy of the code before the fast path) and
compares on generated input built from what matters: NUL runs, tag and attribute characters,
entity references, whitespace of every kind, leaf and nested elements, dates at the edges.
"""

from __future__ import annotations

import re
import sys
from datetime import UTC
from typing import Any
from unittest import mock

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from harness import dates
from harness.errors import ParseError, TransportError
from harness.model import Response
from harness.parsers import _encoding, _items, _xmlsafe, rfi, rfiblocks
from harness.parsers._transport import check_body, first_nul_run
from harness.parsers._xmlsafe import DEFAULT_MAX_NODES, parse_xml

# --- check_body: the first NUL run ---------------------------------------------------------

_NUL_RUN = re.compile(rb"\x00+")

_NUL_BODIES = st.lists(
    st.tuples(st.binary(max_size=20), st.integers(min_value=0, max_value=40)), max_size=6
).map(lambda parts: b"".join(chunk + b"\x00" * run for chunk, run in parts))


@given(_NUL_BODIES)
def test_first_nul_run_is_the_regex_search(body: bytes) -> None:
    match = _NUL_RUN.search(body)
    expected = None if match is None else (match.start(), len(match[0]))
    assert first_nul_run(body) == expected


# No "<" (UTF-16/32 pattern) and no byte order mark of those: their NUL bytes are characters.
_NO_LT = st.binary(max_size=30).map(lambda b: b.replace(b"<", b"").replace(b"\xfe", b""))


@given(_NO_LT, st.integers(min_value=1, max_value=70_000), _NO_LT)
def test_check_body_names_the_run_as_before(head: bytes, run: int, tail: bytes) -> None:
    body = head.replace(b"\x00", b"") + b"\x00" * run + tail
    match = _NUL_RUN.search(body)
    assert match is not None
    where = "at the start" if match.start() == 0 else f"at byte {match.start()}"
    with pytest.raises(TransportError) as raised:
        check_body(Response("https://example.com/feed", 200, {}, body))
    assert str(raised.value) == f"run of {len(match[0])} NUL bytes {where} of the body"


# --- parse_xml: the node bound decides the fast path as the exact bound did --------------------


def _reference_node_bound(data: bytes) -> int:
    tags = data.count(b"<") - data.count(b"</") - data.count(b"<!") - data.count(b"<?")
    return tags + data.count(b"=")


def _reference_parse_xml(data: bytes, max_nodes: int) -> Any:
    references = _xmlsafe._entity_references(data)
    _xmlsafe._check_budget(references, max_nodes, "entity references")
    try:
        if references + _reference_node_bound(data) <= max_nodes:
            return etree.fromstring(data, etree.XMLParser(**_xmlsafe._OPTIONS))
        return _xmlsafe._parse_counting(data, max_nodes, references)
    except (etree.LxmlError, ValueError) as err:
        raise ParseError(_xmlsafe.xml_error_message(err)) from None


_MARKUP = st.lists(
    st.sampled_from([b"<", b"</", b"<!", b"<?", b"=", b"&", b"a", b">", b"<a>", b"</a>"])
    | st.sampled_from([b'<b c="1"/>', b'<d xmlns:e="u" f="2">t</d>', b"&amp;", b"&#65;"]),
    max_size=40,
).map(b"".join)


@given(_MARKUP, st.integers(min_value=-5, max_value=200))
def test_node_bound_decides_like_the_exact_bound(data: bytes, budget: int) -> None:
    bound = _xmlsafe._node_bound(data, budget)
    exact = _reference_node_bound(data)
    assert bound >= exact
    assert (bound <= budget) == (exact <= budget)


def _outcome(parse: Any, data: bytes, max_nodes: int) -> tuple[str, str]:
    try:
        root = parse(data, max_nodes)
    except ParseError as err:
        return "error", str(err)
    return "tree", etree.tostring(root, encoding="unicode")


_DOCUMENTS = st.tuples(
    st.booleans(),
    st.lists(
        st.sampled_from(["<a/>", '<b c="1" d="2"/>', "<e>&x;</e>", "text", "&amp;", '<f g="h">'])
        | st.sampled_from(["</f>", "<!-- c -->", "<?pi x?>", "<![CDATA[<&>]]>", "&#65;", "="]),
        max_size=25,
    ),
).map(
    lambda parts: (
        ('<!DOCTYPE r [<!ENTITY x "y">]>' if parts[0] else "") + "<r>" + "".join(parts[1]) + "</r>"
    ).encode()
)


@settings(max_examples=300)
@given(_DOCUMENTS, st.integers(min_value=0, max_value=120))
def test_parse_xml_gives_the_tree_or_the_error_of_before(data: bytes, max_nodes: int) -> None:
    assert _outcome(lambda d, n: parse_xml(d, max_nodes=n), data, max_nodes) == _outcome(
        _reference_parse_xml, data, max_nodes
    )


def test_a_body_no_longer_than_the_budget_is_never_counted() -> None:
    data = b"<r>" + b"<a/>" * 100 + b"</r>"
    with mock.patch.object(_xmlsafe, "_entity_references", side_effect=AssertionError):
        assert len(parse_xml(data, max_nodes=len(data))) == 100
    message = _outcome(lambda d, n: parse_xml(d, max_nodes=n), data, 50)[1]
    assert message == _outcome(_reference_parse_xml, data, 50)[1]
    assert "max_nodes=50" in message
    assert len(data) <= DEFAULT_MAX_NODES


# --- decode_body: UTF-8 is not re-encoded ------------------------------------------------------


def _reference_decode_as(body: bytes, label: str) -> bytes:
    name = _encoding._codec(label).name
    try:
        text = body.decode(name)
    except UnicodeDecodeError as err:
        if err.end != len(body) or "unexpected end of data" not in err.reason:
            raise
        text = body[: err.start].decode(name)
    return text.encode("utf-8")


def _decoded(decode: Any, body: bytes, label: str) -> tuple[str, Any]:
    try:
        return "ok", decode(body, label)
    except (UnicodeError, LookupError) as err:
        return type(err).__name__, str(err)


def _cut(data: bytes, count: int) -> bytes:
    return data[: len(data) - count]


_BODIES = st.one_of(
    st.binary(max_size=40),
    st.tuples(st.text(max_size=20), st.integers(min_value=0, max_value=3)).map(
        lambda t: _cut(t[0].encode("utf-8", "surrogatepass"), t[1])  # cut mid-character
    ),
    st.text(max_size=20).map(lambda t: "\ufeff".join([t, t]).encode("utf-8")),
)


@given(_BODIES, st.sampled_from(["utf-8", "UTF8", "utf-8-sig", "latin-1", "gb2312", "utf-16"]))
def test_decode_as_gives_the_bytes_of_before(body: bytes, label: str) -> None:
    assert _decoded(_encoding._decode_as, body, label) == _decoded(
        _reference_decode_as, body, label
    )


# --- all the text of an element: leaves without the tree walker --------------------------------

_XML_PARTS = st.sampled_from(
    ["<a>", "</a>", "<b/>", "t", " ", "\n", "&amp;", "&x;", "<![CDATA[c]]>", "<!-- c -->", "<?p?>"]
)


@st.composite
def _xml_trees(draw: st.DrawFn) -> Any:
    depth, parts = 0, []
    for part in draw(st.lists(_XML_PARTS, max_size=30)):
        if part == "</a>":
            if depth == 0:
                continue
            depth -= 1
        depth += part == "<a>"
        parts.append(part)
    parts += ["</a>"] * depth
    doctype = '<!DOCTYPE r [<!ENTITY x "y">]>' if draw(st.booleans()) else ""
    body = (doctype + "<r>" + "".join(parts) + "</r>").replace("&x;", "&x;" if doctype else "")
    options = dict(_xmlsafe._OPTIONS)
    options.update(draw(st.sampled_from([{}, {"remove_comments": False, "remove_pis": False}])))
    return etree.fromstring(body.encode(), etree.XMLParser(**options))


@given(_xml_trees())
def test_all_text_is_itertext_joined(root: Any) -> None:
    for elem in root.iter():
        if isinstance(elem.tag, str):
            assert _items.all_text(elem) == "".join(elem.itertext())
            kids = {"k": [elem]}
            assert _items.raw_text(kids, "k") == "".join(elem.itertext())
            assert _items.all_plain(kids, "k") == [
                t for t in [" ".join("".join(elem.itertext()).split())] if t
            ]


_HTML_PARTS = st.sampled_from(
    [
        *("<p>", "</p>", "<b>", "</b>", "<span class='x'>", "</span>", "<br>", "<img src='i.png'>"),
        *(
            "t",
            " \u3000",
            "&amp;",
            "&nosuch;",
            "<!-- c -->",
            "获取更多RSS",
            "<a href='//t.me/share'>",
        ),
        *("</a>", "分享", "<div>", "</div>", "<script>s</script>", "<aside>x</aside>"),
    ]
)


def _reference_block_text(el: Any, images: list[Any] | None = None) -> str:
    parts = [el.text or ""]
    for child in el:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "br":
            parts.append(" ")
        elif tag == "img" and images is not None:
            images.append(child)
        elif tag and not rfiblocks.is_boilerplate(child, tag):
            parts.append(_reference_block_text(child, images))
        parts.append(child.tail or "")
    return "".join(parts).partition(rfiblocks.FEEDX_MARK)[0]


@given(st.lists(_HTML_PARTS, max_size=30).map("".join))
def test_rfi_text_helpers_match_the_plain_walk(html: str) -> None:
    body, _ = rfi.parse_fragment(html)
    if body is None:
        return
    for el in body.iter():
        assert rfiblocks.full_text(el) == "".join(el.itertext())
        if isinstance(el.tag, str):
            images: list[Any] = []
            reference_images: list[Any] = []
            assert rfiblocks.block_text(el, images) == _reference_block_text(el, reference_images)
            assert images == reference_images


# --- normalize_text: str.split instead of the regular expression -------------------------------

_WS = re.compile(r"[\s\u3000\xa0]+")


def test_split_separates_on_exactly_the_characters_of_the_pattern() -> None:
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert (_WS.fullmatch(char) is not None) == char.isspace(), hex(code)


@given(st.text(st.sampled_from(" \t\n\r\x0b\x0c\x1c\x85\xa0\u1680\u2003\u2028\u3000\u200bab中")))
def test_normalize_text_is_the_regex_substitution(text: str) -> None:
    assert rfi.normalize_text(text) == _WS.sub(" ", text).strip()


# --- dates: the range check only at the years where an offset can leave the range ---------------


def _reference_from_rfc3339(m: re.Match[str]) -> dates.ParsedDate:
    notes: list[str] = []
    if m["hour"] is None:
        notes.append("date only; read as midnight UTC")
        tz: Any = UTC
    else:
        tz = dates._zone(m["zone"], notes)
    fraction = (m["fraction"] or "")[:6].ljust(6, "0")
    fields = (m["year"], m["month"], m["day"], m["hour"], m["minute"], m["second"])
    year, month, day, hour, minute, second = (int(f or 0) for f in fields)
    return _reference_build((year, month, day, hour, minute, second, int(fraction)), tz, notes)


def _reference_build(parts: tuple[int, ...], tz: Any, notes: list[str]) -> dates.ParsedDate:
    year, month, day, hour, minute, second, micro = parts
    if second == 60:
        notes.append("leap second :60 read as :59")
        second = 59
    try:
        value = dates.datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)
    except ValueError as err:
        raise ValueError(f"impossible date: {err}") from None
    dates._as_utc(value)
    return dates.ParsedDate(value, tuple(notes))


def _parsed(text: str) -> tuple[str, Any]:
    try:
        parsed = dates.parse_feed_date(text)
    except ValueError as err:
        return "error", str(err)
    return "ok", (parsed.value, parsed.value.utcoffset(), parsed.notes)


_YEARS = st.sampled_from(["0000", "0001", "0002", "1999", "2024", "9998", "9999", "15", "99"])
_ZONES = st.sampled_from(
    ["", "Z", "+00:00", "+0100", "-01:00", "+23:59", "-2359", " GMT", " +24:00"]
)


@st.composite
def _date_texts(draw: st.DrawFn) -> str:
    year, zone = draw(_YEARS), draw(_ZONES)
    month, day = draw(st.integers(0, 13)), draw(st.integers(0, 32))
    hour, minute, second = (
        draw(st.integers(0, 24)),
        draw(st.integers(0, 60)),
        draw(st.integers(0, 61)),
    )
    clock = f"{hour:02d}:{minute:02d}:{second:02d}"
    if draw(st.booleans()):
        date = f"{year.zfill(4)}-{month:02d}-{day:02d}"
        fraction = draw(st.sampled_from(["", ".5", ",1234567"]))
        return date if draw(st.booleans()) else f"{date}T{clock}{fraction}{zone.strip()}"
    name = draw(st.sampled_from(["Jan", "Dec", "Sept", "Foo"]))
    weekday = draw(st.sampled_from(["", "Mon, ", "Wes, "]))
    return f"{weekday}{day:02d} {name} {year} {clock}{zone.replace('Z', ' Z')}"


@settings(max_examples=500)
@given(_date_texts())
@example("0001-01-01T00:30:00+01:00")  # out of range once moved to UTC
@example("9999-12-31T23:30:00-01:00")
@example("Mon, 01 Jan 0001 00:00:00 +0100")
@example("31 Dec 9999 23:59 EST")
@example("0002-01-01T00:30:00+23:59")
def test_parse_feed_date_is_as_before(text: str) -> None:
    fast = _parsed(text)
    with (
        mock.patch.object(dates, "_build", _reference_build),
        mock.patch.object(dates, "_from_rfc3339", _reference_from_rfc3339),
    ):
        assert fast == _parsed(text)


# --- ItemCollector.add: a problem's fields are only built for a problem -------------------------


def _reference_date(
    raw: str | None, field: str, expected: str, item: Any, index: int, problems: list[Any]
) -> str | None:
    if raw is None:
        return None
    where = {
        "field": field,
        "observed": _items.shorten(raw.strip(), 120),
        "expected": expected,
        "item_index": index,
        "item_id": item["id"],
        "item_url": item["url"],
    }
    try:
        parsed = dates.parse_feed_date(raw)
    except ValueError as err:
        problems.append(
            _items.Violation("date-parseable", f"{field} date cannot be parsed: {err}", **where)
        )
        return None
    for note in parsed.notes:
        problems.append(
            _items.Violation(
                "date-format", f"{field} date: {note}", **where, severity=_items.Severity.WARNING
            )
        )
    return dates.to_utc_rfc3339(parsed.value)


def _collected(raws: list[str | None]) -> tuple[list[Any], list[Any]]:
    ctx = _items.ItemCollector("rss2.0", "", "https://example.com/")
    for index, raw in enumerate(raws):
        item = {"id": f"i{index}", "url": f"https://example.com/{index}", "title": "t"}
        ctx.add(item, {"published": (raw, "RFC 822"), "updated": (raw and raw[::-1], "RFC 3339")})
    return ctx.items, ctx.problems


@given(st.lists(st.none() | _date_texts() | st.text(max_size=10), max_size=5))
def test_item_dates_and_problems_are_as_before(raws: list[str | None]) -> None:
    fast = _collected(raws)
    with mock.patch.object(_items, "_date", _reference_date):
        assert fast == _collected(raws)
