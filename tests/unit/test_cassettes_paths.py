"""Which files are cassettes, which are left for review, and what a folder scan yields."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.cassettes.paths import (
    PathList,
    discover,
    is_cassette_path,
    is_review_copy,
    is_scratch,
    scan,
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


_NAMES = st.sampled_from(["a", "a-b", "a.b", "a_b", "b", "B", ".h", "ä", "a b", "x.yaml", "y.yml"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(trees=st.lists(st.lists(_NAMES, min_size=1, max_size=4), min_size=1, max_size=25))
def test_a_folder_scan_keeps_the_order_of_sorted_paths(
    tmp_path_factory: pytest.TempPathFactory, trees: list[list[str]]
) -> None:
    """Names held as strings, walked folder by folder, in the order of sorting Path objects
    (by parts: 'a/b' before 'a-b/c', though '-' sorts before '/' in a string)."""
    root = tmp_path_factory.mktemp("scan")
    for parts in trees:
        target = root.joinpath(*parts)
        if any(p.exists() and not p.is_dir() for p in target.parents) or target.is_dir():
            continue  # a file where a folder is wanted, or the other way round
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("interactions: []\n", encoding="utf-8")
    found = scan([root])
    skipped = {s.path for s in found.skipped}
    expected = [p for p in sorted(p for p in root.rglob("*") if p.is_file()) if p not in skipped]
    assert list(found.files) == expected
    assert list(discover([root])) == expected
    assert found.files[1:] == PathList(expected[1:])
