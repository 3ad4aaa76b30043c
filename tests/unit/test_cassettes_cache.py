"""The cache of decoded cassettes: same cassettes, same reports, never stale, never in the way."""

from __future__ import annotations

import io
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from helpers import write_cassette

from harness.cassettes import cache as cassette_cache
from harness.cassettes import load_cassette
from harness.cassettes.cache import CassetteCache
from harness.cli import run
from harness.config import default_cache_dir, load_config, parse_config
from harness.errors import CassetteError, ConfigError
from harness.report.result import Format, render
from harness.runner import Runner

ROOT = Path(__file__).resolve().parent.parent.parent
CONFIG = ROOT / "harness.toml"
DATA = ROOT / "tests" / "data" / "cassettes"
LOADABLE = sorted((ROOT / "cassettes").glob("*.yaml")) + sorted((DATA / "real").glob("*.yaml"))
BROKEN = sorted((DATA / "broken").glob("*.yaml"))
URL = "https://example.test/feed.xml"


def _entries(root: Path) -> list[Path]:
    return sorted(root.glob("cassettes-v*/*.fhc"))


@pytest.mark.parametrize("path", LOADABLE, ids=lambda p: p.name)
def test_cached_cassette_equals_the_decoded_one(tmp_path: Path, path: Path) -> None:
    cache = CassetteCache(tmp_path)
    decoded = load_cassette(path)
    assert cache.load(path) == decoded  # miss: decoded from YAML, entry written
    assert (cache.hits, cache.misses) == (0, 1)
    assert cache.load(path) == decoded  # hit: served from the entry
    assert (cache.hits, cache.misses) == (1, 1)


def test_bundled_report_is_identical_cold_warm_and_parallel(tmp_path: Path) -> None:
    config = load_config(CONFIG)
    cold = render(Runner(replace(config, cache_dir=None)).check_paths([]), Format.JSON)
    warm_config = replace(config, cache_dir=tmp_path)
    first = Runner(warm_config)
    assert render(first.check_paths([]), Format.JSON) == cold
    assert first.replayer.cache is not None
    assert first.replayer.cache.misses == len(_entries(tmp_path)) == 12
    second = Runner(warm_config)
    assert render(second.check_paths([]), Format.JSON) == cold
    assert second.replayer.cache is not None
    assert (second.replayer.cache.hits, second.replayer.cache.misses) == (12, 0)
    assert render(Runner(warm_config).check_paths([], jobs=2), Format.JSON) == cold


def test_an_edited_cassette_is_never_served_stale(tmp_path: Path) -> None:
    cache = CassetteCache(tmp_path / "cache")
    path = write_cassette(tmp_path, "feed.yaml", URL, "<rss>one</rss>")
    assert cache.load(path).interactions[0].response.body == b"<rss>one</rss>"
    stat = path.stat()
    path.write_text(path.read_text().replace("one", "two"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same time: new bytes
    assert cache.load(path).interactions[0].response.body == b"<rss>two</rss>"
    assert cache.hits == 0


def test_same_content_under_another_name_keeps_its_own_path(tmp_path: Path) -> None:
    cache = CassetteCache(tmp_path / "cache")
    first = write_cassette(tmp_path, "a.yaml", URL, "<rss/>")
    second = write_cassette(tmp_path, "b.yaml", URL, "<rss/>")
    cache.load(first)
    assert cache.load(second).path == second
    assert cache.hits == 1


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],  # truncated
        lambda raw: raw + b"trailing",
        lambda raw: b"garbage",
        lambda raw: b"",
        lambda raw: raw.replace(b'"key": "', b'"key": "0', 1),  # the entry of another content
        lambda raw: raw.replace(b'"status": 200', b'"status": "200"', 1),
        lambda raw: raw.replace(b'"body": ', b'"body": -', 1),
        lambda raw: raw.replace(b'"body": ', b'"body": 9999999999999', 1),
        lambda raw: raw[:27] + b"\xff" * 8 + raw[35:],  # header length 2**64 - 1
    ],
    ids=[
        "truncated",
        "trailing",
        "garbage",
        "empty",
        "other-key",
        "bad-status",
        "bad-length",
        "huge-length",
        "huge-header",
    ],
)
def test_a_damaged_entry_is_a_miss_and_is_rewritten(tmp_path: Path, damage: object) -> None:
    path = DATA / "real" / "dapenti-wes-weekday.yaml"
    CassetteCache(tmp_path).load(path)
    (entry,) = _entries(tmp_path)
    good = entry.read_bytes()
    entry.write_bytes(damage(good))  # type: ignore[operator]
    cache = CassetteCache(tmp_path)
    assert cache.load(path) == load_cassette(path)
    assert (cache.hits, cache.misses) == (0, 1)
    assert entry.read_bytes() == good


def test_an_unwritable_cache_folder_only_means_no_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    cache = CassetteCache(blocker)
    path = LOADABLE[0]
    assert cache.load(path) == load_cassette(path)
    assert cache.load(path) == load_cassette(path)
    assert (cache.hits, cache.misses) == (0, 2)
    config = replace(load_config(CONFIG), cache_dir=blocker)
    expected = render(Runner(replace(config, cache_dir=None)).check_paths([]), Format.JSON)
    assert render(Runner(config).check_paths([]), Format.JSON) == expected


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.name)
def test_broken_cassettes_fail_alike_and_are_not_cached(tmp_path: Path, path: Path) -> None:
    try:
        load_cassette(path)
    except CassetteError as err:
        expected = str(err)
    else:  # broken at the feed level (body, status), not as a cassette: cached like any other
        assert CassetteCache(tmp_path).load(path) == load_cassette(path)
        return
    with pytest.raises(CassetteError) as raised:
        CassetteCache(tmp_path).load(path)
    assert str(raised.value) == expected
    assert _entries(tmp_path) == []


def test_oldest_entries_are_pruned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cassette_cache, "MAX_ENTRIES", 10)
    cache = CassetteCache(tmp_path / "cache")
    paths = [write_cassette(tmp_path, f"{n}.yaml", URL, f"<rss>{n}</rss>") for n in range(12)]
    for n, path in enumerate(paths):
        cache.load(path)
        (entry,) = (e for e in _entries(tmp_path / "cache") if e.stat().st_size and _is(e, n))
        os.utime(entry, (n, n))  # entry n was last used at time n
    left = sorted(
        int(e.read_bytes().rsplit(b"<rss>", 1)[1][:-6]) for e in _entries(tmp_path / "cache")
    )
    assert left == list(range(12 - len(left), 12))
    assert len(left) <= 10


def test_folder_is_listed_once_per_process_not_once_per_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Listing the folder after every write made a first run over n new cassettes O(n^2)."""
    listed = []
    real_scandir = os.scandir

    def counting_scandir(path: Any) -> Any:
        listed.append(path)
        return real_scandir(path)

    monkeypatch.setattr(cassette_cache.os, "scandir", counting_scandir)
    monkeypatch.setattr(cassette_cache, "MAX_ENTRIES", 30)
    cache = CassetteCache(tmp_path / "cache")
    for n in range(25):
        cache.load(write_cassette(tmp_path, f"{n}.yaml", URL, f"<rss>{n}</rss>"))
    assert len(listed) == 1
    assert len(_entries(tmp_path / "cache")) == 25  # (glob lists the folder too)
    listed.clear()
    for n in range(25, 33):  # over the limit once: pruned (listed again), then counted again
        cache.load(write_cassette(tmp_path, f"{n}.yaml", URL, f"<rss>{n}</rss>"))
    assert len(listed) == 1
    assert len(_entries(tmp_path / "cache")) <= 30


def _is(entry: Path, n: int) -> bool:
    return entry.read_bytes().endswith(f"<rss>{n}</rss>".encode())


def test_cache_location_precedence(tmp_path: Path) -> None:
    home = {"HOME": "/home/me"}
    assert default_cache_dir(home) == Path("/home/me/.cache/feedharness")
    assert default_cache_dir({**home, "XDG_CACHE_HOME": "/x"}) == Path("/x/feedharness")
    assert default_cache_dir({**home, "FEEDHARNESS_CACHE": "/y"}) == Path("/y")
    assert default_cache_dir({**home, "FEEDHARNESS_CACHE": "off"}) is None
    assert default_cache_dir({**home, "FEEDHARNESS_CACHE": ""}) is None
    assert default_cache_dir({}) is None
    assert default_cache_dir(home, tmp_path) == tmp_path
    assert default_cache_dir(home, False) is None
    assert default_cache_dir({**home, "FEEDHARNESS_CACHE": "/y"}, False) == Path("/y")


def test_cache_dir_in_the_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FEEDHARNESS_CACHE")
    source = tmp_path / "harness.toml"
    assert parse_config({"cache-dir": ".cache"}, source=source).cache_dir == tmp_path / ".cache"
    assert parse_config({"cache-dir": False}, source=source).cache_dir is None
    with pytest.raises(ConfigError, match=r"harness.toml: cache-dir is 3, expected a folder"):
        parse_config({"cache-dir": 3}, source=source)


def test_no_cache_option_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEEDHARNESS_CACHE", str(tmp_path))
    out = io.StringIO()
    assert run(["--config", str(CONFIG), "check", "--no-cache"], stdout=out) == 0
    assert _entries(tmp_path) == []
    assert run(["--config", str(CONFIG), "check"], stdout=io.StringIO()) == 0
    assert len(_entries(tmp_path)) == 12
