"""Cassettes recorded by real clients under vcrpy (tests/data/vcrpy/, see its README): each one is
read and checked by `harness check FILE` with the items feedparser finds in the same body."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from harness.cassettes import load_cassette
from harness.cli import run
from harness.config import load_config
from harness.replay import Replayer

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "vcrpy"
FILES = sorted(p for p in FIXTURES.iterdir() if p.name != "README.md")
TITLES = [
    "Party time 🎉 for the recorder",
    "Café crème and naïve façades",
    "Third item: 中文标题",
]
LATIN1_TITLES = ["Party time for the recorder", "Café crème and naïve façades", "Third item"]
# What the real clients left in the files (the matrix of the README): bodies stored compressed,
# and bodies stored decoded under the Content-Encoding header the server sent.
COMPRESSED = {
    "test_feeds.TestFeeds.test_feedparser_deflate",
    "test_feeds.TestFeeds.test_feedparser_gzip",
    "test_feeds.TestFeeds.test_httpx_br",
    "test_feeds.TestFeeds.test_httpx_deflate",
    "test_feeds.TestFeeds.test_httpx_gzip",
    "test_feeds.TestFeeds.test_httpx_zstd",
    "test_feeds.TestFeeds.test_urllib3_zstd",
    "test_py2.TestFeeds.test_gzip",
    "betamax-gzip.json",
}
STALE_HEADER = {
    "test_feeds.TestFeeds.test_requests_br",
    "test_feeds.TestFeeds.test_requests_deflate",
    "test_feeds.TestFeeds.test_requests_gzip",
    "test_feeds.TestFeeds.test_urllib3_br",
    "test_feeds.TestFeeds.test_urllib3_deflate",
    "test_feeds.TestFeeds.test_urllib3_gzip",
}


@pytest.fixture(scope="module")
def config_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("project")
    (folder / "harness.toml").write_text('cassettes = "."\n', encoding="utf-8")
    return folder / "harness.toml"


def test_the_matrix_is_all_there() -> None:
    names = {p.name for p in FILES}
    assert len(FILES) == 36
    assert names >= COMPRESSED | STALE_HEADER
    for client in ("feedparser", "requests", "httpx", "urllib3"):
        assert f"test_feeds.TestFeeds.test_{client}_identity" in names
        assert f"{client}-identity.json" in names
        assert f"{client}-gzip.json" in names


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_harness_check_reads_every_recording(path: Path, config_path: Path) -> None:
    out = io.StringIO()
    code = run(["--config", str(config_path), "check", "--format", "json", str(path)], stdout=out)
    report = json.loads(out.getvalue())
    (cassette,) = report["cassettes"]
    assert cassette["error"] is None
    assert (code, cassette["outcome"], cassette["items"]) == (0, "pass", 3)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_the_items_are_the_feeds_items(path: Path, config_path: Path) -> None:
    replay = Replayer(load_config(config_path)).replay(path)
    assert replay.output is not None, replay.failure
    titles = [item["title"] for item in replay.output.items]
    assert titles == (LATIN1_TITLES if "latin1" in path.name else TITLES)
    import feedparser  # the test extra installs it: the peer every fixture is held to

    assert replay.response is not None
    parsed = feedparser.parse(replay.response.body)
    assert [entry.title for entry in parsed.entries] == titles


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_a_decoded_body_loses_its_content_encoding(path: Path) -> None:
    raw = path.read_bytes()
    interaction = load_cassette(path).interactions[0]
    assert interaction.response.body.startswith(b"<?xml")
    names = {name.lower() for name in interaction.response_headers}
    assert "content-encoding" not in names
    assert "content-encoding" not in interaction.response.headers
    recorded = b"content-encoding" in raw.lower()
    assert recorded == (path.name in COMPRESSED | STALE_HEADER) or path.suffix == ".json"
    length = interaction.response.headers.get("content-length")
    if path.name in COMPRESSED and length is not None:
        assert int(length) == len(interaction.response.body)
