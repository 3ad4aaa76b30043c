"""Which files are cassettes, which are left for review, and what a folder scan yields."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness.cassettes.paths import (
    discover,
    is_cassette_path,
    is_review_copy,
    is_scratch,
    scratch_path,
)

ROOT = Path(__file__).resolve().parents[2]
SEED = next((ROOT / "tests" / "data" / "items" / "seed").iterdir())


@pytest.mark.parametrize(
    ("name", "scratch", "review"),
    [
        ("rfi.yaml", False, False),
        ("rfi.new.yaml", True, True),
        ("rfi.new.yml", True, True),
        (".rfi.yaml.1a2b.tmp", False, True),
        ("rfi.new.json", False, False),
        ("news.yaml", False, False),
    ],
)
def test_scratch_and_review_copies(name: str, scratch: bool, review: bool) -> None:
    assert is_scratch(Path(name)) is scratch
    assert is_review_copy(Path(name)) is review


def test_scratch_path_round_trip() -> None:
    assert scratch_path(Path("c/rfi.yaml")) == Path("c/rfi.new.yaml")
    assert is_scratch(scratch_path(Path("c/rfi.yml")))


def test_discover_skips_review_copies_and_keeps_items(tmp_path: Path) -> None:
    for name in ("b.yaml", "a.yml", "b.new.yaml", ".a.yaml.x.tmp", "notes.txt", "README.md"):
        (tmp_path / name).write_text("x: 1\n", encoding="utf-8")
    shutil.copy(SEED, tmp_path / "item.txt")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.yaml").write_text("x: 1\n", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in discover([tmp_path])]
    assert found == ["a.yml", "b.yaml", "item.txt", "sub/c.yaml"]


def test_a_named_file_is_always_yielded(tmp_path: Path) -> None:
    named = tmp_path / "b.new.yaml"
    assert list(discover([named])) == [named]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("a.yaml", True), ("a.YML", True), ("a.yaml.bak", False), ("a.json", False), ("yaml", False)],
)
def test_is_cassette_path(name: str, expected: bool) -> None:
    assert is_cassette_path(Path(name)) is expected
