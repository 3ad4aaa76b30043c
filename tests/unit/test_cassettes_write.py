"""harness.cassettes.write: deterministic dumps, byte-exact round trips, atomic writes."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from harness.cassettes.load import load_cassette
from harness.cassettes.model import Cassette, Interaction, make_interaction
from harness.cassettes.write import FastDumper, dump_cassette, write_cassette

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "cassettes"
FIXTURES = ROOT / "tests" / "data" / "cassettes"


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml"))


def _body(path: Path) -> bytes:
    return load_cassette(path).interactions[0].response.body


BROKEN_LOADABLE = {
    "binary-random-body.yaml",
    "truncated-xml.yaml",
    "html-error-page.yaml",
    "unknown-url.yaml",
}
GENERATED = [
    *_files(BUNDLED),
    *_files(FIXTURES / "real"),
    *_files(FIXTURES / "variants"),
    *(p for p in _files(FIXTURES / "broken") if p.name in BROKEN_LOADABLE),
]


@pytest.mark.parametrize("path", GENERATED, ids=[f"{p.parent.name}/{p.name}" for p in GENERATED])
def test_dumping_a_loaded_cassette_reproduces_the_file(path: Path) -> None:
    cassette = load_cassette(path)
    assert dump_cassette(cassette.interactions, cassette.meta) == path.read_text("utf-8")


def test_dump_layout() -> None:
    interactions = [
        make_interaction(
            "https://x.test/a",
            "<p>中文</p>\n".encode(),
            headers={"X-b": "2", "content-type": "text/xml", "A-first": ["1", "one"]},
        ),
        make_interaction("https://x.test/b", b"line\r\n\tnext\r\n  indented\r\nlast"),
        make_interaction("https://x.test/c", b"\xff\xfe not UTF-8"),
    ]
    text = dump_cassette(interactions, {"recorded_at": "2024-01-01T00:00:00Z", "rebuilt": False})
    assert text.index("harness:") < text.index("interactions:") < text.index("version: 1")
    assert text.index("A-first:") < text.index("content-type:") < text.index("X-b:")
    assert "string: |\n        <p>中文</p>\n" in text  # literal block, UTF-8 unescaped
    assert (
        '      string: "line\\r\\n\\\n        \\tnext\\r\\n\\\n        \\  indented\\r\\n\\\n'
        '        last"\n'
    ) in text  # one source line per YAML line
    assert "string: !!binary |\n        //4gbm90IFVURi04\n" in text
    assert "&id" not in text
    assert dump_cassette(interactions) == dump_cassette(list(interactions))


def test_dump_needs_an_interaction() -> None:
    with pytest.raises(ValueError, match="at least one interaction"):
        dump_cassette([])


def _round_trip(tmp_path: Path, interactions: list[Interaction], meta: dict[str, Any]) -> Cassette:
    path = tmp_path / "rt.yaml"
    write_cassette(path, interactions, meta)
    text = path.read_text("utf-8")
    assert yaml.load(text, Loader=yaml.SafeLoader) == yaml.load(text, Loader=yaml.CSafeLoader)
    return load_cassette(path)


BODIES = [
    b"",
    b"\n",
    b"\n\n",
    b" leading space\n",
    b"trailing space \n",
    b"a \nb",
    b"ends without newline",
    b"ends\n\n\n",
    b"crlf\r\nline\r\n",
    b"\r",
    b"tab\there",
    b"\0nul\x01\x1f\x7f",
    "NEL\x85 LS\u2028 PS\u2029 BOM\ufeff NBSP\xa0".encode(),
    "emoji 😀 and 中文 and 'quotes' \"double\" \\backslash".encode(),
    b"\xff\xfe\x00binary",
    b"- not a list\n# not a comment\n---\n...\n",
    b"  \n  indented blank\n",
]


@pytest.mark.parametrize("body", BODIES)
def test_round_trip_is_byte_exact(tmp_path: Path, body: bytes) -> None:
    meta = {"recorded_at": "2024-01-01T00:00:00Z", "rebuilt": True, "sources": [{"file": "x"}]}
    interactions = [
        make_interaction(
            "https://x.test/feed?a=1&b=2",
            body,
            status=404,
            reason="Not Found",
            headers={"Content-Type": "text/plain", "Set-Cookie": ["a=1", "b=2"]},
            request_headers={"User-Agent": "feedharness"},
        )
    ]
    loaded = _round_trip(tmp_path, interactions, meta)
    assert loaded.interactions == tuple(interactions)
    assert loaded.interactions[0].response.body == body
    assert loaded.meta == meta


@settings(derandomize=True, deadline=None, max_examples=150)
@given(body=st.binary(max_size=400))
@example(body=b"\r\n \r\n")
@example(body=b"x\n ")
def test_round_trip_binary_bodies(body: bytes) -> None:
    interaction = make_interaction("https://x.test/", body)
    text = dump_cassette([interaction])
    data = yaml.load(text, Loader=yaml.SafeLoader)
    assert data == yaml.load(text, Loader=yaml.CSafeLoader)
    string = data["interactions"][0]["response"]["body"]["string"]
    assert (string if isinstance(string, bytes) else string.encode("utf-8")) == body


@pytest.mark.slow
@settings(derandomize=True, deadline=None, max_examples=150)
@given(text=st.text(max_size=300))
@example(text="\x85")
@example(text=" \n")
@example(text="\n ")
@example(text="a\u2028b")
def test_round_trip_text_bodies(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    body = text.encode("utf-8")
    interactions = [make_interaction("https://x.test/", body, headers={"H": text or "v"})]
    folder = tmp_path_factory.mktemp("rt")
    loaded = _round_trip(folder, interactions, {"note": text})
    assert loaded.interactions[0].response.body == body
    assert loaded.interactions == tuple(interactions)
    assert loaded.meta == {"note": text}


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def existing(tmp_path: Path) -> Path:
    path = tmp_path / "c.yaml"
    write_cassette(path, [make_interaction("https://x.test/", b"old body\n")])
    return path


def test_write_creates_the_file_and_syncs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    path = tmp_path / "new.yaml"
    write_cassette(path, [make_interaction("https://x.test/", b"body\n")])
    assert synced
    assert _listing(tmp_path) == ["new.yaml"]
    assert load_cassette(path).interactions[0].response.body == b"body\n"


def test_write_keeps_the_target_when_the_dump_fails_midway(
    existing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = existing.read_bytes()

    def explode(self: yaml.SafeDumper, text: str) -> None:
        self.stream.write("partial output")
        raise RuntimeError("disk full")

    monkeypatch.setattr(FastDumper, "write_literal", explode)
    with pytest.raises(RuntimeError, match="disk full"):
        write_cassette(existing, [make_interaction("https://x.test/", b"new body\n")])
    assert existing.read_bytes() == before
    assert _listing(existing.parent) == ["c.yaml"]


def test_write_keeps_the_target_when_the_rename_fails(
    existing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = existing.read_bytes()

    def refuse(src: object, dst: object) -> None:
        raise OSError("rename refused")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="rename refused"):
        write_cassette(existing, [make_interaction("https://x.test/", b"new body\n")])
    assert existing.read_bytes() == before
    assert _listing(existing.parent) == ["c.yaml"]


def test_write_replaces_and_keeps_the_mode(existing: Path) -> None:
    existing.chmod(0o600)
    write_cassette(existing, [make_interaction("https://x.test/", b"new body\n")])
    assert stat.S_IMODE(existing.stat().st_mode) == 0o600
    assert _body(existing) == b"new body\n"
    assert _listing(existing.parent) == ["c.yaml"]
