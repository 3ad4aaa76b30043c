"""Fast writing of a cassette's response body scalar, byte for byte as PyYAML writes it.

A cassette is a little YAML around one large scalar per interaction: the response body.
PyYAML's pure-Python emitter analyses and writes a scalar one character at a time (about 1 s
per MB); these functions compute the same analysis and the same text with C-level ``str``
operations (find, replace, a regular expression for rare characters). ``harness.cassettes.write``
wires them into its dumper, which falls back to PyYAML's own code for anything they do not
cover. This module does not import ``yaml``.

Reading is left to libyaml: a C-level decoder of the body (locate the scalar, validate it,
``codecs.escape_decode``) was measured at about 0.75x of libyaml's time at best, not enough
for the extra code that must refuse everything libyaml refuses.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["PRINTABLE", "block_allowed", "double_quoted", "has_line_break", "literal_lines"]

PRINTABLE = "\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff"
"""The characters a cassette writes raw in a double-quoted scalar (a regex class, no brackets):
printable, no NEL/LS/PS line break (YAML would fold it), no BOM."""
# What is escaped, less the quote and backslash (escaped separately), tab, CR and line feed
# (replaced separately).
_RARE_ESCAPE = re.compile(f"[^\t\n\r{PRINTABLE}]")
# Characters that analyze_scalar calls special (not printable, or the BOM): no block scalar then.
_SPECIAL = re.compile(
    "[^\n\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010fffe]"
)
_BREAKS = ("\n", "\x85", "\u2028", "\u2029")


def double_quoted(
    text: str, indent: int, split: bool, escape: Callable[[re.Match[str]], str]
) -> str:
    """What ``harness.cassettes.write.FastDumper`` writes between the quotes of a double-quoted
    scalar.

    Escapes ``"``, ``\\`` and every character outside :data:`PRINTABLE` (``escape`` is called
    for the rare ones only); with ``split``, each line feed but a final one is written ``\\n``,
    then an escaped line break and ``indent`` spaces, then ``\\`` if the next line starts with a
    space.
    """
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    if "\r" in out:
        out = out.replace("\r", "\\r")
    if "\t" in out:
        out = out.replace("\t", "\\t")
    if _RARE_ESCAPE.search(text):  # it matches no quote nor backslash: the escapes above stay
        out = _RARE_ESCAPE.sub(escape, out)
    if not split:
        return out.replace("\n", "\\n")
    tail = ""
    if out.endswith("\n"):  # no line follows the last line feed: no line break after it
        out, tail = out[:-1], "\\n"
    if "\n" in out:
        out = out.replace("\n ", "\n\\ ")  # "\ " keeps a leading space YAML would fold away
        out = out.replace("\n", "\\n\\\n" + " " * indent)
    return out + tail


def has_line_break(text: str) -> bool:
    """PyYAML's ``analyze_scalar(text).multiline``."""
    return any(line_break in text for line_break in _BREAKS)


def block_allowed(text: str) -> bool:
    """PyYAML's ``analyze_scalar(text).allow_block`` (with allow_unicode) for non-empty text: no
    trailing space, no space before a line break, no special character."""
    return not (
        text.endswith(" ")
        or any(" " + line_break in text for line_break in _BREAKS)
        or _SPECIAL.search(text)
    )


def literal_lines(text: str, indent: int) -> str | None:
    """What PyYAML's ``write_literal`` writes after the ``|`` indicator and its hints: a line
    break, then each line indented by ``indent`` spaces (an empty line as a bare line break).
    None for text it does not cover: empty, or with a NEL, LS or PS line break."""
    if not text or any(line_break in text for line_break in _BREAKS[1:]):
        return None
    spaces = " " * indent
    lines = ("\n" + text.removesuffix("\n")).replace("\n", "\n" + spaces) + "\n"
    if spaces:  # an empty line is not indented; twice, as neighbouring empty lines overlap
        empty = "\n" + spaces + "\n"
        lines = lines.replace(empty, "\n\n").replace(empty, "\n\n")
    return lines
