"""Baselines keep spreads (quantiles, rates, counts), not one value per item; checks against a
baseline hold new recordings to the learned spread, never beyond the configured window."""

from __future__ import annotations

import io
import json
import math
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.cli import run
from harness.config import load_config
from harness.drift import Fingerprinter
from harness.drift.baseline import (
    QUANTILES,
    Profile,
    Spread,
    bounded,
    dumps,
    from_data,
    load_baseline,
    profile,
    to_data,
    write_baseline,
)
from harness.drift.changes import metrics
from harness.drift.compare import compare
from harness.drift.fingerprint import Fingerprint, ItemPrint
from harness.drift.history import diff
from harness.drift.recordings import feed_recordings
from harness.errors import ConfigError
from harness.replay import Replayer

ROOT = Path(__file__).resolve().parents[2]
FEEDS = ("rfi", "dapenti", "ft-home", "dw-en")


@pytest.fixture(scope="module")
def prints() -> Fingerprinter:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FEEDHARNESS_CACHE", "off")
        return Fingerprinter(Replayer(load_config(ROOT / "harness.toml")))


def _fp(lags: list[float], name: str = "new.yaml") -> Fingerprint:
    items = tuple(
        ItemPrint(f"item-{n}", n, "t", frozenset({"fill:id"}), {"offset": lag})
        for n, lag in enumerate(lags)
    )
    return Fingerprint(name, "rfi", "https://feedx.net/rss/rfi.xml", None, items=items)


# --- the spread ---------------------------------------------------------------------------------

samples = st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=60)


@given(samples)
def test_a_spread_keeps_the_quantiles_of_its_samples(values: list[float]) -> None:
    spread = Spread.of(values)
    ordered = sorted(values)
    assert spread.n == len(values)
    assert spread.at(0) == round(ordered[0], 4)
    assert spread.at(1) == round(ordered[-1], 4)
    assert list(spread.quantiles) == sorted(spread.quantiles)
    for q in QUANTILES:
        position = (len(ordered) - 1) * q
        low, high = math.floor(position), math.ceil(position)
        assert ordered[low] - 1e-4 <= spread.at(q) <= ordered[high] + 1e-4


@pytest.mark.parametrize("feed", FEEDS)
def test_a_baseline_is_compact_and_round_trips(prints: Fingerprinter, feed: str) -> None:
    p = profile(feed_recordings(prints, feed))
    data = json.loads(dumps(p))
    assert data["format"] == 2
    for spread in data["metrics"].values():  # summary statistics, not one value per item
        assert set(spread) == {"n", "min", "p10", "p25", "median", "p75", "p90", "max"}
    assert data["item_counts"]["n"] == p.recordings
    assert from_data(data, "x") == p


def test_a_format_1_baseline_still_loads(prints: Fingerprinter, tmp_path: Path) -> None:
    recordings = feed_recordings(prints, "rfi")
    p = profile(recordings)
    old = to_data(p) | {"format": 1}
    old["metrics"] = {
        name: sorted(i.metrics[name] for fp in recordings for i in fp.items if name in i.metrics)
        for name in p.metrics
    }
    del old["item_counts"]
    path = tmp_path / "rfi.baseline.json"
    path.write_text(json.dumps(old), encoding="utf-8")
    assert load_baseline(path) == replace(p, counts=None)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"format": 3}, "format 3, expected one of 1, 2"),
        ({"format": 2, "items": 1, "metrics": {"offset": [1.0, 2.0]}}, "malformed baseline"),
        ({"format": 1, "items": 1, "metrics": {"offset": []}}, "malformed baseline"),
    ],
)
def test_a_bad_baseline_is_one_line_naming_the_file(
    tmp_path: Path, data: dict[str, object], fragment: str
) -> None:
    path = tmp_path / "rfi.baseline.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_baseline(path)
    assert str(err.value).startswith(f"{path}: ")
    assert fragment in str(err.value)
    assert "\n" not in str(err.value)


# --- the lag window with a baseline -------------------------------------------------------------


def _offset_changes(base: Profile, lags: list[float]) -> list[tuple[str, str]]:
    return [(c.direction, c.scope.value) for c in metrics(base, _fp(lags))]


def test_punctual_baseline_allows_one_polling_interval_more() -> None:
    base = profile([_fp([0.0, 1.0, 1.0, 2.0, 0.5], "base.yaml")])
    assert _offset_changes(base, [3.0, 9.0, 17.0, 25.0, 31.0]) == []
    assert _offset_changes(base, [40.0, 41.0, 45.0, 3.0, 2.0]) == [("rose", "feed")]


def test_the_configured_window_caps_a_wide_learned_spread() -> None:
    # a baseline that pooled late pickups learned a wide range; max-lag (60m) still holds
    base = profile([_fp([5.0, 20.0, 50.0, 140.0, 180.0, 200.0], "base.yaml")])
    lags = [70.0, 75.0, 80.0, 90.0, 10.0]
    assert _offset_changes(base, lags) == []
    capped = replace(base, bounds={"offset": (-5.0, 60.0)})
    assert _offset_changes(capped, lags) == [("rose", "feed")]


def test_bounds_come_from_the_feed_setup() -> None:
    replayer = Replayer(load_config(ROOT / "harness.toml"))
    base = profile([_fp([1.0, 2.0, 3.0], "base.yaml")])
    assert bounded(base, replayer.setups["rfi"]).bounds == {"offset": (-5.0, 60.0)}
    assert bounded(base, replayer.setups["dapenti"]).bounds == {}
    assert bounded(base, None).bounds == {}


# --- one code path: diff BASE NEW == check NEW against a baseline blessed from BASE ----------


def _pairs(prints: Fingerprinter) -> list[tuple[Fingerprint, Fingerprint]]:
    found = []
    for feed in FEEDS:
        fps = [fp for fp in feed_recordings(prints, feed) if fp.ok]
        found += [(a, b) for a in fps for b in fps if a is not b]
    return found


def test_diff_and_check_against_a_blessed_baseline_agree(
    prints: Fingerprinter, tmp_path: Path
) -> None:
    setups = prints.replayer.setups
    pairs = _pairs(prints)
    assert len(pairs) >= 40
    for old, new in pairs:
        path = tmp_path / f"{old.name}.baseline.json"
        write_baseline(path, profile([old]))
        blessed = bounded(load_baseline(path), setups[old.feed or ""])
        from_diff = diff(old, new, setup=setups[old.feed or ""]).findings
        assert compare(blessed, new, last_good=old.name, seen=_blocks(old)) == from_diff


def _blocks(fp: Fingerprint) -> frozenset[str]:
    return frozenset(d for item in fp.items for d in item.texts)


# --- bless prints what it learned -----------------------------------------------------------


def test_bless_prints_the_learned_spreads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = (ROOT / "harness.toml").read_text(encoding="utf-8")
    config = config.replace('schemas = "schemas"', f'schemas = "{ROOT / "schemas"}"')
    (tmp_path / "harness.toml").write_text(config, encoding="utf-8")
    shutil.copytree(ROOT / "cassettes", tmp_path / "cassettes")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FEEDHARNESS_CACHE", "off")
    out = io.StringIO()
    names = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.glob("cassettes/feedx-rfi_*"))
    assert run(["bless", "rfi", *names], stdout=out, stderr=io.StringIO()) == 0
    lines = out.getvalue().splitlines()[1:]
    assert lines[0] == (
        "learned spread of rfi: 7 recording(s), 15 items; items per recording 1 to 4 (median 2)"
    )
    assert lines[1] == (
        "  lag behind the date line: median 24 min (min 2, p10 4.20, p90 36, max 51; n=15); "
        "normal range -5 to 60 min (capped by the configured window)"
    )
    assert lines[-1] == "  fields filled in some: author 13%, lead 73%"
