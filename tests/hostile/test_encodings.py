"""Encodings: decoded right when possible, a named ``encoding`` violation otherwise.

Order of evidence: a byte order mark or the UTF-16/32 pattern of "<" alone; then the XML
declaration, the HTTP charset and UTF-8, strictly; a few invalid sequences among valid text are
replaced (error); a body no label reads is guessed with charset-normalizer (warning); else a
ParseError that names every label tried. Guessing needs charset-normalizer: those cases skip
without it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_inputs import FEED_URL, ZH, ZH_TRADITIONAL, encoded_feed, item, rss
from hostile_support import check_json

from harness.cassettes import make_interaction, write_cassette
from harness.errors import ParseError
from harness.model import FeedOutput, Response, Severity
from harness.parsers.rss import RssParser


def parse(body: bytes, content_type: str | None = None) -> FeedOutput:
    headers = {} if content_type is None else {"content-type": content_type}
    response = Response(url=FEED_URL, status=200, headers=headers, body=body)
    return RssParser().parse(response, fetch=lambda url: pytest.fail(f"fetched {url}"))


def problems(out: FeedOutput) -> list[tuple[str, Severity, str]]:
    return [(p.check, p.severity, p.message) for p in out.problems]


@pytest.mark.parametrize(
    ("text", "encoding", "declared", "reported"),
    [
        pytest.param(ZH, "gb2312", None, "gb2312", id="gb2312"),
        pytest.param(ZH + "镕", "gbk", None, "gbk", id="gbk-char-outside-gb2312"),
        pytest.param(ZH + "𠀀€", "gb18030", None, "gb18030", id="gb18030-four-byte"),
        pytest.param(ZH + "镕", "gbk", "gb2312", "gb2312", id="gbk-bytes-labelled-gb2312"),
        pytest.param(ZH_TRADITIONAL, "big5", None, "big5", id="big5"),
        pytest.param(ZH_TRADITIONAL + "嗰", "big5hkscs", "big5", "big5", id="big5-hkscs-char"),
        pytest.param(ZH, "utf-16", None, "utf-16", id="utf16-bom"),
        pytest.param(ZH, "utf-32", None, "utf-32", id="utf32-bom"),
        pytest.param(ZH, "utf-16-le", "utf-16", "utf-16-le", id="utf16le-no-bom-declared"),
        pytest.param(ZH, "utf-16-be", "", "utf-16-be", id="utf16be-no-bom-undeclared"),
    ],
)
def test_declared_and_wide_encodings_are_read_right(
    text: str, encoding: str, declared: str | None, reported: str
) -> None:
    out = parse(encoded_feed(text, encoding, declared=declared))
    assert (out.feed["encoding"], out.items[0]["title"], problems(out)) == (reported, text, [])
    assert out.items[0]["summary"] == f"<p>{text}</p>"


def test_a_bom_beats_a_wrong_declaration() -> None:
    out = parse(b"\xef\xbb\xbf" + encoded_feed(ZH, "utf-8", declared="gbk"))
    assert (out.feed["encoding"], out.items[0]["title"], problems(out)) == ("utf-8", ZH, [])


def test_wrong_declaration_that_fails_falls_back_to_utf8_with_a_warning() -> None:
    out = parse(encoded_feed(ZH, "utf-8", declared="gb2312"))
    assert (out.feed["encoding"], out.items[0]["title"]) == ("utf-8", ZH)
    ((check, severity, message),) = problems(out)
    assert (check, severity) == ("encoding", Severity.WARNING)
    assert message.startswith(
        "read as utf-8 (default) after: gb2312 (XML declaration): "
        "'gb18030' codec can't decode byte 0x80 in position 195"
    )


def test_wrong_declaration_that_decodes_into_mojibake_is_flagged() -> None:
    out = parse(encoded_feed(ZH, "gbk", declared="big5"))  # big5 reads GBK bytes without error
    assert out.feed["encoding"] == "big5"
    assert problems(out) == [
        (
            "encoding",
            Severity.WARNING,
            "read as big5 (XML declaration), but the bytes look like gb18030: text may be mojibake",
        )
    ]


@pytest.mark.parametrize(
    ("text", "encoding", "declared", "guess", "after"),
    [
        pytest.param(ZH, "gbk", "utf-8", "gb18030", "utf-8 (XML declaration)", id="gbk-says-utf8"),
        pytest.param(ZH, "gbk", "", "gb18030", "utf-8 (default)", id="gbk-undeclared"),
        pytest.param(
            ZH_TRADITIONAL, "big5", "", "big5hkscs", "utf-8 (default)", id="big5-undeclared"
        ),
    ],
)
def test_undeclared_or_mislabelled_non_utf8_is_guessed_with_a_warning(
    text: str, encoding: str, declared: str, guess: str, after: str
) -> None:
    out = parse(encoded_feed(text, encoding, declared=declared))
    assert (out.feed["encoding"], out.items[0]["title"]) == (guess, text)
    ((check, severity, message),) = problems(out)
    assert (check, severity) == ("encoding", Severity.WARNING)
    assert message.startswith(f"read as {guess} (guessed from the bytes) after: {after}: ")


def test_without_a_guess_an_undecodable_body_is_a_named_parse_error() -> None:
    body = rss(item(title="t")).encode().replace(b"<title>t</title>", b"<title>t\xff\xfe</title>")
    with pytest.raises(ParseError) as info:
        parse(body)
    assert str(info.value).startswith(
        "cannot decode the body: utf-8 (XML declaration): 'utf-8' codec can't decode byte 0xff"
    )


@pytest.mark.parametrize(
    ("declared", "http", "text", "bytes_in", "read_as", "message"),
    [
        pytest.param(
            "utf-8",
            "gbk",
            ZH,
            "utf-8",
            "utf-8",
            "the HTTP charset gbk disagrees with the XML declaration utf-8: "
            "read as utf-8 (XML declaration)",
            id="declaration-right",
        ),
        pytest.param(
            "iso-8859-1",
            "utf-8",
            "Grüße aus München " + ZH,
            "utf-8",
            "utf-8",
            "the XML declaration says iso-8859-1 and the HTTP charset utf-8; "
            "the bytes are UTF-8: read as utf-8 (HTTP charset)",
            id="http-right-bytes-utf8",
        ),
        pytest.param(
            "utf-8",
            "gbk",
            ZH,
            "gbk",
            "gbk",
            "read as gbk (HTTP charset) after: utf-8 (XML declaration): "
            "'utf-8' codec can't decode byte 0xc5 in position 138: invalid continuation byte",
            id="http-right-declaration-fails",
        ),
        pytest.param(
            "gb2312",
            "big5",
            ZH,
            "gbk",
            "gb2312",
            "the HTTP charset big5 disagrees with the XML declaration gb2312: "
            "read as gb2312 (XML declaration)",
            id="both-decode",
        ),
        pytest.param(
            "utf-8",
            "x-klingon",
            ZH,
            "utf-8",
            "utf-8",
            "the HTTP charset x-klingon is unknown: read as utf-8 (XML declaration)",
            id="http-unknown",
        ),
    ],
)
def test_http_charset_disagreeing_with_the_declaration(
    declared: str, http: str, text: str, bytes_in: str, read_as: str, message: str
) -> None:
    out = parse(encoded_feed(text, bytes_in, declared=declared), f"text/xml; charset={http}")
    assert (out.feed["encoding"], out.items[0]["title"]) == (read_as, text)
    assert problems(out) == [("encoding", Severity.WARNING, message)]


def _corrupted() -> bytes:
    body = encoded_feed(ZH * 3, "utf-8")
    return body.replace("周".encode(), b"\xff", 1)  # one invalid byte for one character


def test_a_few_invalid_bytes_are_replaced_and_reported_as_an_error() -> None:
    out = parse(_corrupted())
    assert out.feed["encoding"] == "utf-8"
    assert out.items[0]["title"] == (ZH * 3).replace("周", "\ufffd", 1)
    ((check, severity, message),) = problems(out)
    assert (check, severity) == ("encoding", Severity.ERROR)
    assert message == (
        "1 invalid utf-8 byte sequence replaced with U+FFFD (the first at byte 165: "
        "invalid start byte)"
    )


def test_invalid_bytes_end_to_end_fail_the_cassette_naming_the_check(project: Path) -> None:
    path = project / "cassettes" / "corrupted.yaml"
    write_cassette(path, [make_interaction(FEED_URL, _corrupted())])  # !!binary: not UTF-8
    code, results = check_json(project, path)
    assert code == 1
    result = results["corrupted"]
    assert result["outcome"] == "fail"
    violations = result["violations"]
    assert isinstance(violations, list)
    assert [(v["check"], v["severity"]) for v in violations] == [("encoding", "error")]
