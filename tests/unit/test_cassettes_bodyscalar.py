"""harness.cassettes.bodyscalar: the fast body scalar writer gives byte-identical cassettes.

``FastDumper`` must write exactly what ``PlainDumper`` (PyYAML's emitter with the cassette's line
breaking, the reference) writes, for any body and around it; the functions match PyYAML itself.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from harness.cassettes import bodyscalar
from harness.cassettes.load import decode_cassette, load_cassette
from harness.cassettes.model import Interaction, make_interaction
from harness.cassettes.write import (
    DUMP_OPTIONS,
    FastDumper,
    LiteralText,
    PlainDumper,
    QuotedText,
    cassette_document,
    dump_cassette,
    write_cassette,
)
from harness.errors import CassetteError

ROOT = Path(__file__).resolve().parents[2]


CASSETTE_FILES = sorted((ROOT / "cassettes").glob("*.yaml")) + sorted(
    (ROOT / "tests" / "data" / "cassettes").rglob("*.yaml")
)


# Text with what matters to a YAML scalar: line breaks of every kind, spaces where they are
# folded or trimmed, quotes, backslashes, control characters, the BOM, non-BMP characters.
_SPECIAL_CHARS = " \t\r\n\"'\\\x00\x07\x1b\x7f\x85\x9f\xa0\u2028\u2029\ufeff\ufffe\uffff\U0010ffff"


texts = st.text(
    alphabet=st.one_of(
        st.sampled_from(_SPECIAL_CHARS), st.characters(codec=None), st.sampled_from("ab中")
    ),
    max_size=300,
) | st.lists(
    st.sampled_from(["", " ", "  x", "x ", "\r", "\n", "\r\n", "é", "\\", '"']), max_size=60
).map("".join)


bodies = st.one_of(
    texts.map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.binary(max_size=300),
    st.integers(1, 5000).map(lambda n: (" x\r\n" * n).encode()),  # long, many leading spaces
    st.integers(130, 9000).map(lambda n: b"<" + b"y" * n + b">\n"),  # one very long line
)


def _dump_plain(interactions: list[Interaction], meta: dict[str, Any] | None = None) -> str:
    """What dump_cassette writes, with the reference dumper."""
    return yaml.dump(cassette_document(interactions, meta), Dumper=PlainDumper, **DUMP_OPTIONS)


def _interactions(raw: list[bytes]) -> list[Interaction]:
    return [
        make_interaction(
            f"https://x.test/{n}",
            body,
            status=301 if n % 3 == 2 else 200,
            headers={"Content-Type": "text/xml", "X-Note": ["a b", "c"]},
        )
        for n, body in enumerate(raw)
    ]


@pytest.mark.slow
@settings(max_examples=300)
@given(raw=st.lists(bodies, min_size=1, max_size=4), meta=st.booleans())
@example(raw=[b""], meta=False)
@example(raw=[b"\n"], meta=False)
@example(raw=[b"\n\n", b" lead\r\n  two\r\n\r\n", b"trail \n"], meta=True)
@example(raw=[("x" * 200 + "\u2028" + " y\n" * 3).encode()], meta=False)
@example(raw=[("\ufeffbom" + "\x85" * 130).encode()], meta=True)
@example(raw=[("a\n" * 70 + "\n\n\n b\n\n").encode()], meta=False)
@example(raw=[("\n\n a" * 50).encode(), ("  " * 80 + "\n").encode()], meta=False)
def test_dump_is_byte_identical(raw: list[bytes], meta: bool) -> None:
    interactions = _interactions(raw)
    harness_meta = {"recorded_at": "2024-01-01T00:00:00Z", "note": "x" * 200} if meta else None
    fast = dump_cassette(interactions, harness_meta)
    assert fast == _dump_plain(interactions, harness_meta)
    assert load_cassette_text(fast) == interactions


def load_cassette_text(text: str) -> list[Interaction]:
    return list(decode_cassette(Path("c.yaml"), text.encode()).interactions)


def _trees() -> st.SearchStrategy[Any]:
    leaf = st.one_of(
        texts,
        texts.map(QuotedText),
        texts.map(LiteralText),
        st.integers(130, 400).map(lambda n: LiteralText("line\n" * n)),
        st.integers(130, 400).map(lambda n: QuotedText(' q"\\\r\n' * n)),
        st.binary(max_size=200),
        st.none(),
    )
    return st.recursive(
        leaf,
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(st.one_of(texts, texts.map(QuotedText)), children, max_size=3)
        ),
        max_leaves=8,
    )


@pytest.mark.slow
@settings(max_examples=300)
@given(
    tree=_trees(),
    flow=st.sampled_from([False, None, True]),
    width=st.sampled_from([80, 1 << 30]),
    indent=st.sampled_from([2, 4]),
    encoding=st.sampled_from([None, "utf-8"]),
)
@example(tree=LiteralText("a\n\n"), flow=False, width=80, indent=2, encoding=None)
@example(tree=[1, LiteralText("b\n" * 80 + "\n")], flow=False, width=80, indent=2, encoding=None)
def test_dump_anywhere_is_byte_identical(
    tree: Any, flow: bool | None, width: int, indent: int, encoding: str | None
) -> None:
    """The emitter's state after a fast scalar is right wherever the scalar stands: keys, lists,
    flow collections, the document root; other widths, indents, byte output."""

    def dump(dumper: type[yaml.SafeDumper]) -> Any:
        return yaml.dump(
            tree,
            Dumper=dumper,
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=flow,
            width=width,
            indent=indent,
            encoding=encoding,
        )

    assert dump(FastDumper) == dump(PlainDumper)


@given(text=texts, line_break=st.sampled_from(["\r\n", "\r"]))
def test_other_line_breaks_fall_back(text: str, line_break: str) -> None:
    def dump(dumper: type[yaml.SafeDumper]) -> Any:
        data = [QuotedText(text * 40), LiteralText("x\n" * 70 + text)]
        return yaml.dump(data, Dumper=dumper, allow_unicode=True, line_break=line_break)

    assert dump(FastDumper) == dump(PlainDumper)


def _cassettes() -> Iterator[Path]:
    for path in CASSETTE_FILES:
        try:
            load_cassette(path)
        except CassetteError:
            continue
        yield path


@pytest.mark.parametrize("path", list(_cassettes()), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_bundled_cassettes_dump_identically(path: Path) -> None:
    cassette = load_cassette(path)
    fast = dump_cassette(cassette.interactions, cassette.meta)
    assert fast == _dump_plain(list(cassette.interactions), dict(cassette.meta))
    assert fast.encode() == path.read_bytes()  # tools/build_cassettes.py wrote them with it


def test_write_cassette_writes_the_same_bytes(tmp_path: Path) -> None:
    interactions = _interactions([b' a\r\n\\b"\r\n' * 100, b"x\n" * 100, b"\xff" * 200])
    path = tmp_path / "c.yaml"
    write_cassette(path, interactions)
    assert path.read_bytes() == _dump_plain(interactions).encode()
    assert list(load_cassette(path).interactions) == interactions


def test_the_fast_path_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bodies (long double-quoted, literal and !!binary scalars) never reach PyYAML's loops."""
    real_analyze = yaml.emitter.Emitter.analyze_scalar

    def analyze(self: yaml.emitter.Emitter, scalar: str) -> Any:
        assert len(scalar) < 128, "PyYAML analysed a body"
        return real_analyze(self, scalar)

    def refuse(*args: object) -> None:
        raise AssertionError("PyYAML wrote a body")

    monkeypatch.setattr(yaml.emitter.Emitter, "analyze_scalar", analyze)
    monkeypatch.setattr(yaml.emitter.Emitter, "write_literal", refuse)
    monkeypatch.setattr(PlainDumper, "write_double_quoted", refuse)
    bodies = [b"a\r\n" * 100, b"b\n" * 100, b"\n\n c\n" * 50, b"\xff\x00" * 100]
    text = dump_cassette(_interactions(bodies))
    assert text.count("string: |") == 2
    assert text.count("string: !!binary |") == 1
    assert text.count('string: "a') == 1


_ALL_CHARS = "".join(map(chr, range(0x110000)))


def _escape(match: re.Match[str]) -> str:
    """PyYAML's escape of one character in a double-quoted scalar, transcribed."""
    char = match.group()
    code = yaml.emitter.Emitter.ESCAPE_REPLACEMENTS.get(char)
    if code is not None:
        return "\\" + code
    number = ord(char)
    if number <= 0xFF:
        return f"\\x{number:02X}"
    return f"\\u{number:04X}" if number <= 0xFFFF else f"\\U{number:08X}"


@pytest.mark.parametrize("split", [False, True])
def test_double_quoted_escapes_every_character_as_the_reference(split: bool) -> None:
    stream = io.StringIO()
    PlainDumper(stream, allow_unicode=True).write_double_quoted(_ALL_CHARS, split)
    fast = bodyscalar.double_quoted(_ALL_CHARS, 0, split, _escape)
    assert stream.getvalue() == f'"{fast}"'


def _refused(chars: str) -> set[str]:
    """The characters of chars that block_allowed refuses (found by halving)."""
    if bodyscalar.block_allowed("x" + chars + "x"):
        return set()
    if len(chars) == 1:
        return {chars}
    half = len(chars) // 2
    return _refused(chars[:half]) | _refused(chars[half:])


def _pyyaml_special(char: str) -> bool:
    """PyYAML's analyze_scalar, transcribed for one character (allow_unicode)."""
    if char == "\n" or "\x20" <= char <= "\x7e":
        return False
    unicode = (
        char == "\x85"
        or "\xa0" <= char <= "\ud7ff"
        or "\ue000" <= char <= "\ufffd"
        or "\U00010000" <= char < "\U0010ffff"
    )
    return not unicode or char == "\ufeff"


def test_special_characters_are_pyyamls() -> None:
    special = {char for char in _ALL_CHARS if _pyyaml_special(char)}
    assert _refused(_ALL_CHARS) == special


@given(char=st.characters(codec=None) | st.sampled_from(_SPECIAL_CHARS), before=texts)
@example(char="\U0010ffff", before="")
@example(char="\U0010fffe", before="")
@example(char="\ufeff", before="")
@example(char="\ufffd", before="")
def test_analysis_matches_pyyaml(char: str, before: str) -> None:
    text = "x" + before + char + "x"
    emitter = yaml.emitter.Emitter(io.StringIO(), allow_unicode=True)
    analysis = emitter.analyze_scalar(text)
    assert bodyscalar.block_allowed(text) == analysis.allow_block
    assert bodyscalar.has_line_break(text) == analysis.multiline
    assert bodyscalar.block_allowed(text + " ") is False


@given(text=texts.filter(bool), indent=st.integers(0, 12))
@example(text="\n", indent=8)
@example(text="\n\n\n", indent=8)
@example(text="a\n\n\nb", indent=8)
@example(text="a\n\n\n\nb\n\n", indent=0)
def test_literal_lines_match_write_literal(text: str, indent: int) -> None:
    lines = bodyscalar.literal_lines(text, indent)
    stream = io.StringIO()
    emitter = yaml.emitter.Emitter(stream, allow_unicode=True)
    emitter.indent, emitter.whitespace, emitter.indention = indent, True, True
    emitter.write_literal(text)
    written = stream.getvalue()
    if lines is None:
        assert any(char in text for char in "\x85\u2028\u2029")
    else:
        hints = emitter.determine_block_hints(text)
        assert "|" + hints + lines == written
