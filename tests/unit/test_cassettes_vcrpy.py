"""vcrpy reads the cassettes harness.cassettes.write writes, and their bodies as we read them."""

from __future__ import annotations

import socket
import urllib.request
from pathlib import Path

import pytest
import vcr
from vcr.serialize import deserialize
from vcr.serializers import yamlserializer

from harness.cassettes import load_cassette, make_interaction, write_cassette

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "cassettes"
FIXTURES = ROOT / "tests" / "data" / "cassettes"
FEEDX_URL = "https://feedx.net/rss/rfi.xml"


def _body(path: Path) -> bytes:
    return load_cassette(path).interactions[0].response.body


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a socket fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access during replay")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


REPLAYED = [
    make_interaction(
        FEEDX_URL, "<rss>法国</rss>\n".encode(), headers={"Content-Type": "application/rss+xml"}
    ),
    make_interaction("http://crlf.test/feed", b"<rss>\r\n\t<channel/>\r\n</rss>\r\n"),
    make_interaction("https://bin.test/x", b"\x00\xff\xfe raw"),
]


def test_vcrpy_deserializes_a_written_cassette(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    write_cassette(path, REPLAYED, {"recorded_at": "2024-01-01T00:00:00Z", "rebuilt": True})
    requests, responses = deserialize(path.read_text("utf-8"), yamlserializer)
    assert [r.uri for r in requests] == [i.uri for i in REPLAYED]
    assert [r.method for r in requests] == ["GET"] * 3
    assert [r["body"]["string"] for r in responses] == [i.response.body for i in REPLAYED]
    assert [r["status"]["code"] for r in responses] == [200] * 3


@pytest.mark.parametrize(
    "path",
    [
        BUNDLED / "feedx-rfi_2023-11.yaml",
        BUNDLED / "dw-en-all_2015-02-23.yaml",
        FIXTURES / "real" / "dapenti-http403-spliced.yaml",
    ],
    ids=lambda p: p.name,
)
def test_vcrpy_reads_our_bodies_as_we_do(path: Path) -> None:
    _, responses = deserialize(path.read_text("utf-8"), yamlserializer)
    assert responses[0]["body"]["string"] == _body(path)


def test_vcrpy_replays_a_written_cassette(tmp_path: Path, no_network: None) -> None:
    path = tmp_path / "replay.yaml"
    write_cassette(path, REPLAYED, {"note": "vcrpy ignores this block"})
    with vcr.VCR().use_cassette(str(path), record_mode="none"):
        for interaction in REPLAYED:
            with urllib.request.urlopen(interaction.uri) as reply:
                assert reply.status == 200
                assert reply.read() == interaction.response.body


def test_vcrpy_replays_a_bundled_cassette(no_network: None) -> None:
    path = BUNDLED / "feedx-rfi_2023-11.yaml"
    with (
        vcr.VCR().use_cassette(str(path), record_mode="none"),
        urllib.request.urlopen(FEEDX_URL) as reply,
    ):
        assert reply.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
        assert reply.read() == _body(path)
