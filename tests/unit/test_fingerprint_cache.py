"""The fingerprint cache: identical fingerprints and drift reports, keys that cannot go stale."""

from __future__ import annotations

import io
import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import harness
from harness.cli import run
from harness.config import load_config
from harness.drift import BaselineStep, fingerprint_cache
from harness.drift import recordings as drift_recordings
from harness.drift.fingerprint import Fingerprint, fingerprint_output
from harness.drift.fingerprint_cache import FingerprintCache, from_json, to_json
from harness.report.result import Format, render
from harness.runner import Runner

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = sorted((ROOT / "cassettes").glob("*.yaml"))
SETTINGS = {"parser": "rss", "parser-options": {}, "limits": {}}


def _printed(path: Path) -> tuple[Fingerprint, Any]:
    runner = Runner(replace(load_config(ROOT / "harness.toml"), cache_dir=None))
    cassette = runner.load_cassette(path)
    setup = runner.setup_for_url(cassette.url)
    response = cassette.fetch(cassette.url)
    output = setup.parser.parse(response, fetch=cassette.fetch)
    base = Fingerprint(path.name, setup.name, cassette.url, None)
    return fingerprint_output(base, output, response.body), setup.parser


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_a_stored_fingerprint_reads_back_equal(path: Path, tmp_path: Path) -> None:
    fp, parser = _printed(path)
    cache = FingerprintCache(tmp_path)
    key = cache.key("0" * 64, parser, SETTINGS)
    assert key is not None
    cache.put(key, fp)
    other = Fingerprint("elsewhere.yaml", "feed", "http://example.com/", "2026-01-01T00:00:00Z")
    back = FingerprintCache(tmp_path).get(key, other)
    named = {"path": other.path, "feed": other.feed, "url": other.url}
    assert back == replace(fp, **named, recorded_at=other.recorded_at)
    assert from_json(json.loads(json.dumps(to_json(fp))), fp) == fp


def test_key_changes_with_content_settings_and_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, parser = _printed(BUNDLED[0])
    cache = FingerprintCache(tmp_path)
    key = cache.key("a" * 64, parser, SETTINGS)
    assert key == cache.key("a" * 64, parser, dict(SETTINGS))
    assert key != cache.key("b" * 64, parser, SETTINGS)
    assert key != cache.key("a" * 64, parser, {**SETTINGS, "limits": {"max_items": 5}})
    monkeypatch.setattr(fingerprint_cache, "code_identity", lambda: "edited harness code")
    assert key != cache.key("a" * 64, parser, SETTINGS)


def test_code_identity_covers_every_source_file() -> None:
    package = Path(harness.__file__).parent
    assert len(list(package.rglob("*.py"))) > 50
    assert fingerprint_cache.code_identity() == fingerprint_cache.code_identity()


def test_a_parser_from_outside_the_package_is_never_cached(tmp_path: Path) -> None:
    class Outside:
        pass

    assert FingerprintCache(tmp_path).key("a" * 64, Outside(), SETTINGS) is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda entry: b"",
        lambda entry: b"{",
        lambda entry: entry[: len(entry) // 2],  # cut
        lambda entry: entry.replace(b'"signals": [', b'"signals": [1, ', 1),  # changed
        lambda entry: entry.replace(b'"sha256"', b'"other"', 1),
        lambda entry: entry.partition(b"\n")[2],  # no header
        lambda entry: b"\xff\xfe" + entry,
    ],
)
def test_a_damaged_entry_is_a_miss(tmp_path: Path, damage: Any) -> None:
    fp, parser = _printed(BUNDLED[3])
    cache = FingerprintCache(tmp_path)
    key = cache.key("c" * 64, parser, SETTINGS)
    assert key is not None
    cache.put(key, fp)
    entry = cache.entries.entry(key)
    damaged = damage(entry.read_bytes())
    assert damaged != entry.read_bytes()
    entry.write_bytes(damaged)
    assert cache.get(key, fp) is None
    cache.put(key, fp)
    assert cache.get(key, fp) == fp


def test_another_keys_entry_is_a_miss(tmp_path: Path) -> None:
    fp, parser = _printed(BUNDLED[3])
    cache = FingerprintCache(tmp_path)
    mine, other = (cache.key(c * 64, parser, SETTINGS) for c in "de")
    assert mine is not None
    assert other is not None
    cache.put(other, fp)
    cache.entries.folder.joinpath(f"{mine}.json").write_bytes(
        cache.entries.entry(other).read_bytes()
    )
    assert cache.get(mine, fp) is None


def _project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: Path) -> Path:
    """The bundled feeds and cassettes in ``tmp_path``, with a cache folder of their own."""
    monkeypatch.setenv("FEEDHARNESS_CACHE", str(cache))
    config = (ROOT / "harness.toml").read_text(encoding="utf-8")
    config = config.replace('schemas = "schemas"', f'schemas = "{ROOT / "schemas"}"')
    (tmp_path / "harness.toml").write_text(config, encoding="utf-8")
    (tmp_path / "cassettes").mkdir(exist_ok=True)
    for path in BUNDLED:
        shutil.copy(path, tmp_path / "cassettes" / path.name)
    return tmp_path / "harness.toml"


def test_drift_report_is_the_same_served_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    toml = _project(tmp_path, monkeypatch, tmp_path / "cache")
    for feed in ("rfi", "dapenti", "ft-home", "dw-en"):
        out, err = io.StringIO(), io.StringIO()
        assert run(["--config", str(toml), "bless", feed], stdout=out, stderr=err) == 0, (
            err.getvalue()
        )
    # an older RFI form under the newest baseline: drift findings to compare
    old = (ROOT / "cassettes" / "feedx-rfi_2020-10.yaml").read_text(encoding="utf-8")
    (tmp_path / "cassettes" / "old.yaml").write_text(old + "# a copy\n", encoding="utf-8")
    config = load_config(toml)
    calls: list[str] = []

    def counted(base: Fingerprint, *args: Any) -> Fingerprint:
        calls.append(base.path)
        return fingerprint_output(base, *args)

    monkeypatch.setattr(drift_recordings, "fingerprint_output", counted)
    uncached = Runner(replace(config, cache_dir=None), steps=(BaselineStep,))
    plain = render(uncached.check_paths([config.cassettes]), Format.JSON)
    assert '"drift"' in plain
    assert len(calls) == len(BUNDLED) + 1
    first = Runner(config, steps=(BaselineStep,))
    assert render(first.check_paths([config.cassettes]), Format.JSON) == plain
    # `bless` fingerprinted (and cached) the 12 bundled recordings: only the copy is new
    assert len(calls) == len(BUNDLED) + 1 + 1
    assert (_prints(first).hits, _prints(first).misses) == (len(BUNDLED), 1)
    second = Runner(config, steps=(BaselineStep,))
    assert render(second.check_paths([config.cassettes]), Format.JSON) == plain
    assert len(calls) == len(BUNDLED) + 2  # every form served from the cache
    assert (_prints(second).hits, _prints(second).misses) == (len(BUNDLED) + 1, 0)


def test_an_edited_cassette_is_fingerprinted_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    toml = _project(tmp_path, monkeypatch, tmp_path / "cache")
    out, err = io.StringIO(), io.StringIO()
    assert run(["--config", str(toml), "bless", "rfi"], stdout=out, stderr=err) == 0, err.getvalue()
    config = load_config(toml)
    target = config.cassettes / "feedx-rfi_2023-09.yaml"
    Runner(config, steps=(BaselineStep,)).check_paths([target])
    target.write_text(target.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    runner = Runner(config, steps=(BaselineStep,))
    runner.check_paths([target])
    assert (_prints(runner).hits, _prints(runner).misses) == (0, 1)


def test_an_unwritable_cache_folder_still_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    toml = _project(tmp_path, monkeypatch, blocked)
    out, err = io.StringIO(), io.StringIO()
    assert run(["--config", str(toml), "bless", "rfi"], stdout=out, stderr=err) == 0, err.getvalue()
    config = load_config(toml)
    uncached = Runner(replace(config, cache_dir=None), steps=(BaselineStep,))
    plain = render(uncached.check_paths([config.cassettes]), Format.JSON)
    runner = Runner(config, steps=(BaselineStep,))
    assert render(runner.check_paths([config.cassettes]), Format.JSON) == plain
    assert _prints(runner).entries.writable is False, _prints(runner).entries.folder


def _prints(runner: Runner) -> FingerprintCache:
    """The fingerprint cache of the runner's drift step."""
    (step,) = runner.steps
    assert isinstance(step, BaselineStep)
    assert step.prints.cache is not None
    return step.prints.cache
