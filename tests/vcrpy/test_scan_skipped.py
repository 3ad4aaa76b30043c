"""Folder scans consider every file, by its content, and say what they skipped and why."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from harness.cassettes.paths import SNIFF_BYTES, Skipped, discover, scan
from harness.cli import run

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "vcrpy"


def folder(tmp_path: Path) -> Path:
    cassettes = tmp_path / "cassettes"
    (cassettes / "sub").mkdir(parents=True)
    shutil.copy(FIXTURES / "test_feeds.TestFeeds.test_httpx_gzip", cassettes / "sub")
    shutil.copy(FIXTURES / "requests-identity.json", cassettes)
    (cassettes / "blob.bin").write_bytes(b"\x00\x01" * 10)
    (cassettes / "notes.txt").write_text("Some notes\n", encoding="utf-8")
    (cassettes / ".hidden").write_text("x", encoding="utf-8")
    (cassettes / "feed.new.yaml").write_text("interactions: []\n", encoding="utf-8")
    # Large, not a cassette: its first bytes tell (only SNIFF_BYTES of it are read).
    (cassettes / "big.log").write_bytes(b"log line\n" * (4 * SNIFF_BYTES))
    (tmp_path / "harness.toml").write_text('cassettes = "cassettes"\n', encoding="utf-8")
    return cassettes


def test_scan_finds_cassettes_by_content_and_names_what_it_skipped(tmp_path: Path) -> None:
    cassettes = folder(tmp_path)
    found = scan([cassettes])
    assert [p.relative_to(cassettes).as_posix() for p in found.files] == [
        "requests-identity.json",
        "sub/test_feeds.TestFeeds.test_httpx_gzip",
    ]
    assert list(discover([cassettes])) == list(found.files)
    reasons = {s.path.name: s.reason for s in found.skipped}
    assert reasons == {
        ".hidden": "hidden file",
        "big.log": "not a cassette (no top-level 'interactions' at its start) nor a stored item",
        "blob.bin": "binary data, not a cassette",
        "feed.new.yaml": "recording left for review by harness record",
        "notes.txt": "not a cassette (no top-level 'interactions' at its start) nor a stored item",
    }
    assert all(isinstance(s, Skipped) for s in found.skipped)


def test_harness_check_shows_what_it_skipped(tmp_path: Path) -> None:
    folder(tmp_path)
    out = io.StringIO()
    code = run(["--config", str(tmp_path / "harness.toml"), "check", "--no-cache"], stdout=out)
    text = out.getvalue()
    assert code == 0, text
    assert "2 cassettes: 2 passed" in text
    assert "skipped cassettes/blob.bin: binary data, not a cassette" in text.splitlines()
    assert "skipped cassettes/.hidden: hidden file" in text


def test_no_cassette_found_says_what_was_skipped(tmp_path: Path) -> None:
    (tmp_path / "cassettes").mkdir()
    (tmp_path / "cassettes" / "blob.bin").write_bytes(b"\x00")
    (tmp_path / "harness.toml").write_text('cassettes = "cassettes"\n', encoding="utf-8")
    err = io.StringIO()
    code = run(
        ["--config", str(tmp_path / "harness.toml"), "check"], stdout=io.StringIO(), stderr=err
    )
    assert code != 0
    assert "skipped cassettes/blob.bin: binary data, not a cassette" in err.getvalue()
