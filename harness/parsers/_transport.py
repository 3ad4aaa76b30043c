"""Transport damage in a recorded response, told apart from drift: each raises TransportError.

HTTP errors, empty or whitespace-only bodies, runs of NUL bytes, an HTTP response spliced into
the body, and an HTML page served where the feed should be. Every scan here is linear and
bounded: these run on hostile bodies before anything parses them.
"""

from __future__ import annotations

import codecs
import re
from http import HTTPStatus

from harness.errors import TransportError
from harness.model import Response
from harness.parsers._encoding import WIDE_BOMS, http_charset, wide_encoding
from harness.parsers._text import plain_html, shorten

__all__ = ["check_body", "check_status", "find_splice", "first_nul_run"]

_NUL = b"\x00"
_NUL_RUN = re.compile(rb"\x00+")
_STATUS_LINE = re.compile(
    rb"HTTP/\d(?:\.\d)? [1-5]\d\d(?: [^\r\n]{0,60})?\r?\n[A-Za-z][\w-]{0,40}:"
)
# Prolog parts are skipped one at a time (a single regex with nested repeats backtracks badly).
_PROLOG_PART = re.compile(
    rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!doctype[^<>]*>)", re.IGNORECASE | re.DOTALL
)
_HTML_ROOT = re.compile(rb"\s*<(?:html|head|body)[\s>]", re.IGNORECASE)
_HTML_TITLE = re.compile(rb"<title[^<>]{0,200}>(.{0,300}?)</title", re.IGNORECASE | re.DOTALL)
_HEAD_BYTES = 4096
_TITLE_SCAN_BYTES = 65536


def check_status(status: int) -> None:
    """TransportError unless the status is 2xx."""
    if not 200 <= status < 300:
        phrase = _status_phrase(status)
        raise TransportError(f"HTTP {status} {phrase}".rstrip())


def check_body(response: Response) -> None:
    """TransportError for an empty, NUL-damaged, spliced or HTML body."""
    body = response.body
    if not body.strip():
        raise TransportError(
            "empty body" if not body else f"body is only whitespace ({len(body)} bytes)"
        )
    if wide_encoding(body) is not None or body.startswith(WIDE_BOMS):
        return  # UTF-16/32: NUL bytes are part of every character
    nul = first_nul_run(body)
    if nul is not None:
        start, length = nul
        where = "at the start" if start == 0 else f"at byte {start}"
        raise TransportError(f"run of {length} NUL bytes {where} of the body")
    splice = find_splice(body, certain_only=True)
    if splice is not None:
        raise TransportError(splice)
    if _looks_like_html(body):
        raise TransportError(f"HTML page, not a feed: title {_html_title(response)!r}")


def first_nul_run(body: bytes) -> tuple[int, int] | None:
    """(start, length) of the first run of NUL bytes, or None. ``find`` is a memchr; a regular
    expression searching for the run steps through the body ~500 times slower."""
    start = body.find(_NUL)
    if start < 0:
        return None
    run = _NUL_RUN.match(body, start)  # anchored: linear in the run's length
    assert run is not None  # body[start] is a NUL
    return start, run.end() - start


def find_splice(body: bytes, *, certain_only: bool) -> str | None:
    """Describe an HTTP response spliced into the body; 'certain' ones are not preceded by text."""
    for match in _STATUS_LINE.finditer(body):
        start = match.start()
        # A status line quoted in an article follows markup or a blank; a splice lands anywhere.
        if certain_only and start > 0 and body[start - 1 : start] in b" \t\r\n>;(\"'":
            continue
        line = match[0].splitlines()[0].decode("ascii", "replace")
        return f"HTTP status line {line!r} spliced into the body at byte {start}"
    return None


def _looks_like_html(body: bytes) -> bool:
    """Whether the body's first element, after the prolog, is <html>, <head> or <body>."""
    head, position = body.removeprefix(codecs.BOM_UTF8)[:_HEAD_BYTES], 0
    while part := _PROLOG_PART.match(head, position):
        position = part.end()
    return _HTML_ROOT.match(head, position) is not None


def _status_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:  # not a registered status code
        return ""


def _html_title(response: Response) -> str:
    match = _HTML_TITLE.search(response.body[:_TITLE_SCAN_BYTES])
    if match is None:
        return "(no <title>)"
    charset = http_charset(response.content_type) or "utf-8"
    try:
        title = match[1].decode(charset, "replace")
    except (LookupError, UnicodeError):  # not a charset, or the "undefined" codec
        title = match[1].decode("utf-8", "replace")
    return shorten(plain_html(title), 80)
