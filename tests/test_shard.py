"""--shard K/N: whole feeds per shard, every unit once, deterministic, balanced within the greedy
bound; the same split in check, record, audit and the pytest plugin."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pytest
from helpers import rss, write_cassette
from hypothesis import given
from hypothesis import strategies as st

from harness.cli import run
from harness.shard import Shard, ShardError, Unit, assign, group, parse_shard

ROOT = Path(__file__).resolve().parent.parent

names = st.text(alphabet="abcdefgh-_./é", min_size=1, max_size=6)
files = st.lists(
    st.tuples(names, st.integers(0, 10**7), st.lists(names, max_size=3)),
    max_size=25,
    unique_by=lambda f: f[0],
)


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@given(files, st.lists(names, max_size=5), st.integers(1, 12), st.randoms())
def test_units_cover_every_file_and_feed_once_and_keep_feeds_whole(
    triples: list[tuple[str, int, list[str]]],
    extra: list[str],
    count: int,
    rnd: random.Random,
) -> None:
    units = group(triples, extra)
    unit_of_file = {f: u for u in units for f in u.files}
    unit_of_feed = {f: u for u in units for f in u.feeds}
    assert sorted(unit_of_file) == sorted(name for name, _, _ in triples)
    assert sum(len(u.files) for u in units) == len(triples)  # no file in two units
    every_feed = {f for _, _, feeds in triples for f in feeds} | set(extra)
    assert sorted(unit_of_feed) == sorted(every_feed)
    assert sum(len(u.feeds) for u in units) == len(every_feed)
    sizes = {name: size for name, size, _ in triples}
    for name, _, feeds in triples:  # a file and its feeds are one unit
        assert all(unit_of_feed[f] is unit_of_file[name] for f in feeds)
    assert all(u.size == sum(sizes[f] for f in u.files) for u in units)
    assert all(u.files or u.feeds for u in units)
    # the same units whatever order the files come in (the filesystem's, say)
    shuffled = list(triples)
    rnd.shuffle(shuffled)
    assert group(shuffled, list(reversed(extra))) == units


@given(
    st.lists(
        st.builds(Unit, names, st.integers(0, 10**9)), max_size=40, unique_by=lambda u: u.name
    ),
    st.integers(1, 15),
    st.randoms(),
)
def test_shards_cover_every_unit_once_deterministically_within_the_greedy_bound(
    units: list[Unit], count: int, rnd: random.Random
) -> None:
    shards = assign(units, count)
    assert sorted(shards) == sorted(u.name for u in units)  # every unit, each in one shard
    assert all(1 <= k <= count for k in shards.values())
    shuffled = list(units)
    rnd.shuffle(shuffled)
    assert assign(shuffled, count) == shards  # independent of the input order
    loads = [0] * count
    for unit in units:
        loads[shards[unit.name] - 1] += unit.size
    largest = max((u.size for u in units), default=0)
    assert max(loads) <= min(loads) + largest
    # the greedy rule itself, shard by shard: each unit went where the load was least
    replay = [0] * count
    for unit in sorted(units, key=lambda u: (-u.size, u.name)):
        assert shards[unit.name] - 1 == min(range(count), key=lambda i: (replay[i], i))
        replay[shards[unit.name] - 1] += unit.size


def test_ties_go_to_the_lowest_shard_and_names_break_size_ties() -> None:
    units = [Unit("feed:b", 5), Unit("feed:a", 5), Unit("feed:c", 0), Unit("feed:d", 0)]
    expected = {"feed:a": 1, "feed:b": 2, "feed:c": 3, "feed:d": 3}
    assert assign(units, 4) == expected
    assert assign(units, 10**12) == expected  # shards left empty cost nothing


@pytest.mark.parametrize(("text", "shard"), [("1/1", Shard(1, 1)), (" 2/4 ", Shard(2, 4))])
def test_parse_shard(text: str, shard: Shard) -> None:
    assert parse_shard(text) == shard
    assert str(parse_shard(text)) == text.strip()


@pytest.mark.parametrize(
    "text", ["0/3", "4/3", "3", "a/b", "1/0", "", "-1/3", "1/3/4", "1.0/2", "\u00b2/3", "1/\u0663"]
)
def test_a_bad_shard_is_a_one_line_usage_error(text: str) -> None:
    with pytest.raises(ShardError, match=r"expected K/N with 1 <= K <= N"):
        parse_shard(text)
    for command in ("check", "record", "audit"):
        code, out, err = cli(command, f"--shard={text}")
        assert (code, out) == (2, "")
        assert "argument --shard: expected K/N with 1 <= K <= N" in err
        assert err.count("\n") == 1


CONFIG = """
cassettes = "cassettes"
{feeds}
"""
FEED = """
[[feeds]]
name = "{name}"
url = "https://{name}.test/feed.xml"
parser = "rss"
allowed-hosts = ["{name}.test"]
"""
FEEDS = ("alpha", "beta", "gamma", "delta", "epsilon")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Five feeds of different sizes, two recordings each but epsilon, which has none."""
    feeds = "".join(FEED.format(name=n) for n in FEEDS)
    (tmp_path / "harness.toml").write_text(CONFIG.format(feeds=feeds), encoding="utf-8")
    for size, name in enumerate(FEEDS[:-1], 1):
        items = [{"title": f"Item {i}", "link": f"https://{name}.test/{i}"} for i in range(size)]
        for day in (1, 2):
            url = f"https://{name}.test/feed.xml"
            write_cassette(tmp_path / "cassettes", f"{name}_{day}.yaml", url, rss(items))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _record_feeds(*args: str) -> list[str]:
    code, out, _ = cli("record", "--record-mode", "none", "--format", "json", *args)
    assert code in (0, 1)  # none: epsilon has no cassette (missing), the others are checked
    return [f["feed"] for f in json.loads(out)["feeds"]]


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_check_record_and_audit_split_the_same_whole_feeds(project: Path, count: int) -> None:
    checked, recorded = [], []
    for k in range(1, count + 1):
        code, out, err = cli("check", "--shard", f"{k}/{count}", "--format", "json")
        assert code == 0, err
        feeds = sorted({c["feed"] for c in json.loads(out)["cassettes"]})
        assert all(
            sum(1 for c in json.loads(out)["cassettes"] if c["feed"] == f) == 2 for f in feeds
        )  # both recordings of a feed in its shard
        mine = _record_feeds("--shard", f"{k}/{count}")
        assert set(feeds) <= set(mine)
        assert set(mine) - set(feeds) <= {"epsilon"}  # no recordings: a unit of 0 bytes
        checked += feeds
        recorded += mine
    assert sorted(checked) == sorted(FEEDS[:-1])
    assert sorted(recorded) == sorted(FEEDS)
    assert sorted(_record_feeds()) == sorted(FEEDS)


def test_record_and_audit_shards_filter_the_named_feeds(project: Path) -> None:
    both = [_record_feeds("--shard", f"{k}/2", "alpha", "delta") for k in (1, 2)]
    assert sorted(both[0] + both[1]) == ["alpha", "delta"]
    code, out, err = cli("audit", "--shard", "9/9", "--examples", "1")
    assert (code, err.count("\n")) == (0, 1)
    assert "takes none of the feeds" in err
    assert "0 feed(s)" in out


def test_an_unknown_feed_is_an_error_in_every_shard(project: Path) -> None:
    for k in (1, 2):
        code, _, err = cli("record", "--shard", f"{k}/2", "--record-mode", "none", "nosuch")
        assert code == 2
        assert "no feed named 'nosuch'" in err


def test_the_split_does_not_depend_on_the_working_folder(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, here, _ = cli("check", "--shard", "2/3", "--format", "json")
    monkeypatch.chdir(project / "cassettes")
    _, there, _ = cli(
        "--config", str(project / "harness.toml"), "check", "--shard", "2/3", "--format", "json"
    )
    assert json.loads(here)["shard"] == json.loads(there)["shard"]
    assert [c["path"] for c in json.loads(here)["cassettes"]] == [
        c["path"] for c in json.loads(there)["cassettes"]
    ]


def test_the_plugin_collects_the_same_shards(pytester: pytest.Pytester) -> None:
    feeds = "".join(FEED.format(name=n) for n in FEEDS[:3])
    pytester.makefile(".toml", harness=CONFIG.format(feeds=feeds))
    for size, name in enumerate(FEEDS[:3], 1):
        items = [{"title": f"Item {i}", "link": f"https://{name}.test/{i}"} for i in range(size)]
        url = f"https://{name}.test/feed.xml"
        for day in (1, 2):
            write_cassette(pytester.path / "cassettes", f"{name}_{day}.yaml", url, rss(items))
    collected: list[str] = []
    for k in (1, 2):
        result = pytester.runpytest(
            "--harness-shard", f"{k}/2", "--collect-only", "-q", "cassettes"
        )
        files = {line.split("::")[0] for line in result.outlines if "::" in line}
        _, out, _ = cli(
            "--config",
            str(pytester.path / "harness.toml"),
            "check",
            "--shard",
            f"{k}/2",
            "--format",
            "json",
        )
        assert files == {c["path"] for c in json.loads(out)["cassettes"]}
        collected += files
    assert len(collected) == len(set(collected)) == 6
    empty = pytester.runpytest("--harness-shard", "5/5", "cassettes")
    assert empty.ret == 0  # more shards than feeds: nothing collected, not a failure
    spread = pytester.runpytest_subprocess("-n", "2", "--harness-shard", "5/5", "cassettes")
    assert spread.ret == 0  # under xdist too (its controller collects nothing itself)
    bad = pytester.runpytest("--harness-shard", "0/5", "cassettes")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR
