"""Make hostile feed text inert in a terminal, in Markdown, JSON and XML: shared by every format.

Feed text may carry ANSI escape sequences, C0/C1 control characters, bidi overrides (the
"Trojan Source" trick), line separators, lone surrogates and XML-forbidden code points.
`terminal_safe` turns each of them into a visible escape (``\\x1b``, ``\\u202e``, ``\\n``), which
also makes the text legal XML 1.0 character data; `md_code` puts text into a CommonMark code
span that nothing inside it can close, so no Markdown, HTML, link or mention can come alive.
"""

from __future__ import annotations

import html
import re

__all__ = [
    "html_text",
    "json_safe",
    "md_code",
    "md_table_cell",
    "shorten",
    "terminal_safe",
    "xml_safe",
]

# Zero-width space, word joiner and invisible operators, BOM, interlinear annotations, Mongolian
# vowel separator, and the tag characters (U+E0000-E007F) that smuggle invisible ASCII. Not ZWJ
# or ZWNJ: scripts and emoji need them, and they hide nothing.
_INVISIBLE = "\u180e\u200b\u2060-\u2064\ufeff\ufff9-\ufffb\U000e0000-\U000e007f"
_UNSAFE = re.compile(
    "["
    "\x00-\x1f\x7f-\x9f"  # C0 controls (ESC starts ANSI sequences, newlines break lines), DEL, C1
    "\u061c\u200e\u200f"  # bidi marks: ALM, LRM, RLM
    "\u202a-\u202e\u2066-\u2069"  # bidi embeddings, overrides and isolates
    "\u2028\u2029"  # line and paragraph separators
    "\ud800-\udfff"  # lone surrogates (from surrogateescape decoding): unencodable as UTF-8
    "\ufffe\uffff"  # non-characters that XML 1.0 forbids
    f"{_INVISIBLE}"  # invisible format characters that hide text from the reader
    "]"
)
# json.dumps escapes C0 itself; with ensure_ascii=False these would reach a terminal raw.
_JSON_UNSAFE = re.compile(
    f"[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff{_INVISIBLE}]"
)
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_BACKTICK_RUN = re.compile("`+")
ELLIPSIS = "…"


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def terminal_safe(s: str) -> str:
    """Return s with controls, bidi overrides, separators and surrogates as visible escapes."""
    if s.isascii() and s.isprintable():  # ASCII holds no unsafe character but C0 and DEL
        return s
    return _UNSAFE.sub(_escape, s)


def xml_safe(s: str) -> str:
    """Return s as legal XML 1.0 character data (the same visible escapes as `terminal_safe`)."""
    return terminal_safe(s)


def json_safe(text: str) -> str:
    """Return JSON text with DEL, C1, bidi controls and surrogates as \\uXXXX escapes."""
    # Outside strings json.dumps writes ASCII only, so every match lies inside a string.
    if text.isascii() and "\x7f" not in text:  # DEL is the one ASCII character escaped here
        return text
    return _JSON_UNSAFE.sub(_json_escape, text)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    high, low = divmod(code - 0x10000, 0x400)  # JSON spells astral characters as a pair
    return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"


def shorten(s: str, width: int) -> str:
    """Return s cut to at most width characters, ending with an ellipsis when cut.

    The cut falls between words: at the last space of the second half of the room, else at the
    last place where a word ends (punctuation, a URL's ``/``, or between two CJK characters,
    which a line may break between: UAX #14 class ID). Only a single word longer than half the
    room is cut inside, as there is no better place.
    """
    if width < 1:
        raise ValueError(f"shorten() needs a width of at least 1; got {width}")
    if len(s) <= width:
        return s
    room = width - 1
    floor = room // 2
    space = max(s.rfind(" ", floor, room + 1), s.rfind("\n", floor, room + 1))
    if space > floor:
        return s[:space].rstrip() + ELLIPSIS
    for end in range(room, floor, -1):
        if _word_break(s[end - 1], s[end]):
            return s[:end].rstrip() + ELLIPSIS
    return s[:room] + ELLIPSIS


def _word_break(before: str, after: str) -> bool:
    """Whether a word may end between two characters (not inside a run of letters/digits)."""
    if not (before.isalnum() and after.isalnum()):
        return True
    return _is_ideograph(before) or _is_ideograph(after)


def _is_ideograph(ch: str) -> bool:
    return "\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\uf900" <= ch <= "\ufaff"


def md_code(s: str) -> str:
    """Return s as one inert CommonMark code span: fence longer than any backtick run inside."""
    body = terminal_safe(s)  # no line ending may end the paragraph and free the rest of the text
    if not body:
        return "` `"  # "``" would be a bare backtick run that a later one could pair with
    longest = max((len(run) for run in _BACKTICK_RUN.findall(body)), default=0)
    fence = "`" * (longest + 1)
    # CommonMark strips one space from each side when both are present (and the span is not
    # all spaces): pad whenever the body touches a backtick or a space, so exactly our pad goes.
    if body.strip(" ") and (body[0] in "` " or body[-1] in "` "):
        body = f" {body} "
    return f"{fence}{body}{fence}"


def md_table_cell(s: str) -> str:
    """Return s as a code span safe inside a GFM table cell (every ``|`` escaped)."""
    # GFM splits rows on unescaped pipes before inline parsing, code spans included, and
    # removes the backslash of each \| afterwards, so the span shows the original text.
    return md_code(s).replace("|", "\\|")


def html_text(value: object, width: int = 200) -> str:
    """Any value as HTML text or attribute content: shortened to ``width``, controls and
    bidi overrides made visible (:func:`terminal_safe`), then ``& < > " '`` escaped."""
    return html.escape(terminal_safe(shorten(str(value), width)), quote=True)
