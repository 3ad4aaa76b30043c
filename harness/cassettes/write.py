"""Writing cassettes deterministically: fixed key order, sorted headers, readable bodies.

One dumper everywhere (PyYAML's pure-Python safe dumper, so the output never depends on
libyaml), with two changes: no anchors or aliases, and a multi-line double-quoted body broken
after each escaped line break, so a CRLF body diffs line by line. Bodies are written by
:mod:`harness.cassettes.bodyscalar` (the same bytes, fast). Files are replaced atomically.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import yaml

from harness.cassettes import bodyscalar
from harness.cassettes.model import CASSETTE_VERSION, Interaction, header_order
from harness.fileio import write_atomic

__all__ = [
    "DUMP_OPTIONS",
    "FastDumper",
    "LiteralText",
    "PlainDumper",
    "QuotedText",
    "cassette_document",
    "dump_cassette",
    "write_cassette",
]

DUMP_OPTIONS: Mapping[str, Any] = {
    "allow_unicode": True,
    "sort_keys": False,
    "default_flow_style": False,
    "width": 1 << 30,
    "indent": 2,
}
"""How ``yaml.dump`` is called for a cassette (with ``Dumper=FastDumper``)."""


class LiteralText(str):
    """A body written as a literal block (``|``, ``|-`` or ``|+``)."""

    __slots__ = ()


class QuotedText(str):
    """A body written double-quoted, one source line per YAML line."""

    __slots__ = ()


# Text a literal block round-trips exactly: printable, no tab, no \r, no NEL/LS/PS line breaks
# (YAML would turn them into \n), no BOM. PyYAML itself still falls back to double quotes for
# trailing spaces; FastDumper.write_double_quoted keeps that case readable too.
_LITERAL_TEXT = re.compile(f"[\n{bodyscalar.PRINTABLE}]*")
_NEEDS_ESCAPE = re.compile(f'["\\\\]|[^{bodyscalar.PRINTABLE}]')


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    code = yaml.emitter.Emitter.ESCAPE_REPLACEMENTS.get(char)
    if code is not None:
        return "\\" + code
    number = ord(char)
    if number <= 0xFF:
        return f"\\x{number:02X}"
    return f"\\u{number:04X}" if number <= 0xFFFF else f"\\U{number:08X}"


class PlainDumper(yaml.SafeDumper):
    """The pure-Python safe dumper (one dumper everywhere, so output never depends on libyaml).

    Two changes: no anchors/aliases, and a multi-line double-quoted string is broken after each
    escaped ``\\n`` (an escaped line break), so a CRLF body diffs line by line. The reference
    for :class:`FastDumper`, which writes the same bytes faster.
    """

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def write_double_quoted(self, text: str, split: bool = True) -> None:
        self.write_indicator('"', True)
        lines = text.split("\n")
        last = len(lines) - 1
        for n, line in enumerate(lines):
            self._put(_NEEDS_ESCAPE.sub(_escape_char, line + ("\n" if n < last else "")))
            if split and (n < last - 1 or (n == last - 1 and lines[last])):
                self._put("\\")
                self.write_indent()
                self.whitespace = self.indention = False
                if lines[n + 1].startswith(" "):
                    self._put("\\")  # "\ " keeps a leading space YAML would fold away
        self.write_indicator('"', False)

    def _put(self, data: str) -> None:
        self.column += len(data)
        self.stream.write(data.encode(self.encoding) if self.encoding else data)


class FastDumper(PlainDumper):
    """:class:`PlainDumper` writing long double-quoted and literal scalars (the bodies) with
    harness.cassettes.bodyscalar: the same bytes, without PyYAML's character-by-character loops."""

    def analyze_scalar(self, scalar: str) -> yaml.emitter.ScalarAnalysis:
        event = self.event
        # For these two styles the emitter reads only allow_block (for "|") of the analysis; a
        # scalar of 128 characters or more is never a simple key, whatever the analysis says.
        if (
            len(scalar) >= 128
            and isinstance(event, yaml.ScalarEvent)
            and event.value is scalar
            and event.style in ('"', "|")
            and self.allow_unicode
            and not self.canonical
        ):
            return yaml.emitter.ScalarAnalysis(
                scalar=scalar,
                empty=False,
                multiline=bodyscalar.has_line_break(scalar),
                allow_flow_plain=False,
                allow_block_plain=False,
                allow_single_quoted=False,
                allow_double_quoted=True,
                allow_block=event.style == "|" and bodyscalar.block_allowed(scalar),
            )
        return super().analyze_scalar(scalar)

    def write_double_quoted(self, text: str, split: bool = True) -> None:
        if self.best_line_break != "\n":
            return super().write_double_quoted(text, split)
        self.write_indicator('"', True)
        data = bodyscalar.double_quoted(text, self.indent or 0, split, _escape_char)
        breaks = data.count("\n")  # the escaped line breaks: a line feed in text is "\\n"
        if breaks:
            self.line += breaks
            self.column = len(data) - data.rfind("\n") - 1
            self.whitespace = self.indention = False
        else:
            self.column += len(data)
        self.stream.write(data.encode(self.encoding) if self.encoding else data)
        self.write_indicator('"', False)
        return None

    def write_literal(self, text: str) -> None:
        indent = self.indent or 0
        lines = bodyscalar.literal_lines(text, indent) if self.best_line_break == "\n" else None
        if lines is None:
            return super().write_literal(text)
        hints = self.determine_block_hints(text)
        self.write_indicator("|" + hints, True)
        if hints[-1:] == "+":
            self.open_ended = True
        self.stream.write(lines.encode(self.encoding) if self.encoding else lines)
        self.line += lines.count("\n")
        self.column = 0
        self.whitespace = self.indention = True
        return None


# PyYAML writes NEL/LS/PS raw in plain and single-quoted scalars, where reading folds them.
_FOLDED_BREAKS = re.compile("[\x85\u2028\u2029]")


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = '"' if _FOLDED_BREAKS.search(data) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _represent_literal(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style="|")


def _represent_quoted(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style='"')


PlainDumper.add_representer(str, _represent_str)
PlainDumper.add_representer(LiteralText, _represent_literal)
PlainDumper.add_representer(QuotedText, _represent_quoted)
PlainDumper.add_representer(tuple, yaml.representer.SafeRepresenter.represent_list)


def _body_node(body: bytes) -> str | bytes:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return body  # !!binary
    literal = text and _LITERAL_TEXT.fullmatch(text) and " \n" not in text
    return LiteralText(text) if literal and not text.endswith(" ") else QuotedText(text)


def _headers_node(headers: Mapping[str, tuple[str, ...]]) -> dict[str, list[str]]:
    return {name: list(headers[name]) for name in sorted(headers, key=header_order)}


def _interaction_node(interaction: Interaction) -> dict[str, Any]:
    response = interaction.response
    return {
        "request": {
            "method": interaction.method,
            "uri": interaction.uri,
            "headers": _headers_node(interaction.request_headers),
            "body": None,
        },
        "response": {
            "status": {"code": response.status, "message": interaction.reason},
            "headers": _headers_node(interaction.response_headers),
            "body": {"string": _body_node(response.body)},
        },
    }


def cassette_document(
    interactions: Sequence[Interaction], meta: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """What a cassette file holds, as the data ``yaml.dump`` writes (bodies styled)."""
    if not interactions:
        raise ValueError("a cassette needs at least one interaction")
    data: dict[str, Any] = {"harness": dict(meta)} if meta else {}
    data["interactions"] = [_interaction_node(i) for i in interactions]
    data["version"] = CASSETTE_VERSION
    return data


def dump_cassette(
    interactions: Sequence[Interaction], meta: Mapping[str, Any] | None = None
) -> str:
    """The cassette as YAML text: fixed key order, sorted headers, readable bodies."""
    stream = io.StringIO()
    _dump_to(stream, cassette_document(interactions, meta))
    return stream.getvalue()


def write_cassette(
    path: Path, interactions: Sequence[Interaction], meta: Mapping[str, Any] | None = None
) -> None:
    """Write a cassette atomically (:func:`harness.fileio.write_atomic`)."""
    document = cassette_document(interactions, meta)

    def write(stream: BinaryIO) -> None:
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
        _dump_to(text, document)
        text.flush()
        text.detach()

    write_atomic(Path(path), write)


def _dump_to(stream: TextIO, document: dict[str, Any]) -> None:
    yaml.dump(document, stream, Dumper=FastDumper, **DUMP_OPTIONS)
