"""`harness check --shard K/N` then `harness report merge`: the unsharded run's report, exactly.

On the bundled cassettes and on a generated corpus (the bundled recordings copied under several
feed names, with failing items, a broken file, an unclaimed URL, a cassette of two feeds, a
cassette with no feed, a file the scan passes over, drift against a blessed baseline), every
format of the merged report equals the unsharded run's, byte for byte, and so does the exit
code: for N = 1, 3 and more shards than units, with -j 1 and -j 2. The check reports hold no
timing (no clock, host or duration in any format), so nothing is normalised.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from helpers import cassette_yaml, rss, write_cassette

from harness.cli import run

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("text", "json", "markdown", "junit", "html")
COPIED = {"rfi": 3, "ft-home": 2, "dw-en": 2}  # bundled feed -> copies under other names


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def _feed_blocks(config_text: str) -> dict[str, str]:
    """harness.toml's [[feeds]] blocks by feed name (the text of each, without the header)."""
    blocks = config_text.split("[[feeds]]")[1:]
    named = {}
    for block in blocks:
        name = re.search(r'^name = "([^"]+)"', block, re.M)
        assert name is not None
        named[name[1]] = block
    return named


def _url(block: str) -> str:
    found = re.search(r'^url = "([^"]+)"', block, re.M)
    assert found is not None
    return found[1]


def build_corpus(root: Path, *, broken: bool) -> Path:
    """A project of many feeds made from the bundled recordings, plus the odd cases."""
    blocks = _feed_blocks((ROOT / "harness.toml").read_text(encoding="utf-8"))
    cassettes = root / "cassettes"
    cassettes.mkdir(parents=True)
    config = [f'cassettes = "cassettes"\nschemas = "{(ROOT / "schemas").as_posix()}"\n']
    for feed, copies in COPIED.items():
        url = _url(blocks[feed])
        for n in range(1, copies + 1):
            name, new_url = f"{feed}-{n}", f"{url}?copy={n}"
            block = blocks[feed].replace(f'name = "{feed}"', f'name = "{name}"')
            config.append("[[feeds]]" + block.replace(f'url = "{url}"', f'url = "{new_url}"'))
            for source in sorted((ROOT / "cassettes").glob("*.yaml")):
                text = source.read_text(encoding="utf-8")
                if f"uri: {url}\n" in text:  # this feed's recordings, under the copy's name
                    target = cassettes / f"{name}-{source.name}"
                    target.write_text(text.replace(url, new_url), encoding="utf-8")
    for name in ("bad", "pair-a", "pair-b"):
        config.append(
            f'[[feeds]]\nname = "{name}"\nurl = "https://{name}.test/feed.xml"\nparser = "rss"\n'
            f'allowed-hosts = ["{name}.test"]\n'
        )
    good = [{"title": "One", "link": "https://bad.test/1"}]
    wrong = [*good, {"title": "Two", "link": "https://elsewhere.test/2"}]  # a foreign host
    write_cassette(cassettes, "bad_1.yaml", "https://bad.test/feed.xml", rss(good))
    write_cassette(cassettes, "bad_2.yaml", "https://bad.test/feed.xml", rss(wrong))
    write_cassette(cassettes, "zz-unclaimed.yaml", "https://nobody.test/rss", rss(good))
    write_cassette(
        cassettes,
        "page.yaml",
        "https://pair-a.test/about",
        "<html></html>",
        content_type="text/html",
    )
    pair_a = cassette_yaml("https://pair-a.test/feed.xml", rss(good)).removesuffix("version: 1\n")
    pair_b = cassette_yaml("https://pair-b.test/feed.xml", rss(good)).removeprefix(
        "interactions:\n"
    )
    (cassettes / "pair.yaml").write_text(pair_a + pair_b, encoding="utf-8")
    (cassettes / "NOTES.txt").write_text("not a cassette\n", encoding="utf-8")
    if broken:
        (cassettes / "broken.yaml").write_text("interactions: [\n", encoding="utf-8")
    (root / "harness.toml").write_text("\n".join(config), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    made = {"bundled": ROOT}
    for broken in (False, True):
        root = build_corpus(tmp_path_factory.mktemp("corpus"), broken=broken)
        made["generated-broken" if broken else "generated"] = root
    # drift: rfi-1's oldest recording blessed as its baseline, so later ones differ from it
    root = made["generated"]
    oldest = root / "cassettes" / "rfi-1-feedx-rfi_2020-10.yaml"
    code, _, err = cli("--config", str(root / "harness.toml"), "bless", "rfi-1", str(oldest))
    assert code == 0, err
    return made


def _check(root: Path, *args: str) -> tuple[int, str]:
    code, out, err = cli("--config", str(root / "harness.toml"), "check", *args)
    # exit 2 here: broken cassettes, never an error of the command; an empty shard says so
    assert not err or "has no cassettes" in err, err
    return code, out


@pytest.mark.parametrize("corpus", ["bundled", "generated", "generated-broken"])
@pytest.mark.parametrize(("jobs", "counts"), [("1", (1, 3, 40)), ("2", (3,))])
def test_merged_shards_equal_the_unsharded_run(
    corpora: dict[str, Path],
    corpus: str,
    jobs: str,
    counts: tuple[int, ...],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = corpora[corpus]
    monkeypatch.chdir(root)  # report paths are relative to the project, as in CI
    whole = {fmt: _check(root, "-j", jobs, "--format", fmt) for fmt in FORMATS}
    (code,) = {c for c, _ in whole.values()}
    if corpus != "bundled":
        assert code == (2 if corpus == "generated-broken" else 1)
        assert "skipped cassettes/NOTES.txt" in whole["text"][1]
    if corpus == "generated":
        assert "drift against the baseline" in whole["text"][1]
    for count in counts:
        shards = []
        for k in range(1, count + 1):
            path = tmp_path / f"shard-{count}-{k}.json"
            _check(root, "-j", jobs, "--shard", f"{k}/{count}", "--format", "json", "-o", str(path))
            shards.append(str(path))
        for fmt in FORMATS:
            merged = cli("report", "merge", *reversed(shards), "--format", fmt)
            assert merged == (code, whole[fmt][1], ""), (count, fmt)


def test_every_shard_takes_whole_feeds_and_all_files_once(
    corpora: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = corpora["generated"]
    monkeypatch.chdir(root)
    _, whole = _check(root, "--format", "json")
    seen: dict[str, int] = {}
    feeds: dict[str, set[int]] = {}
    for k in range(1, 5):
        _, out = _check(root, "--shard", f"{k}/4", "--format", "json")
        for entry in json.loads(out)["cassettes"]:
            seen[entry["path"]] = seen.get(entry["path"], 0) + 1
            feeds.setdefault(entry["feed"] or entry["path"], set()).add(k)
    expected: dict[str, int] = {}
    for entry in json.loads(whole)["cassettes"]:
        expected[entry["path"]] = expected.get(entry["path"], 0) + 1
    assert seen == expected
    assert all(len(shards) == 1 for shards in feeds.values()), feeds
    pair = {k for f in ("pair-a", "pair-b") for k in feeds[f]}
    assert len(pair) == 1  # a cassette of two feeds keeps both in one shard


def _shards(root: Path, tmp_path: Path, count: int, *extra: str) -> list[Path]:
    paths = []
    for k in range(1, count + 1):
        path = tmp_path / f"s{k}{''.join(extra)}.json"
        _check(root, "--shard", f"{k}/{count}", "--format", "json", "-o", str(path), *extra)
        paths.append(path)
    return paths


def test_an_empty_shard_reports_nothing_and_passes(
    corpora: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = cli("check", "--shard", "40/40")
    assert code == 0
    assert out.startswith("0 cassettes: 0 passed, 0 failed, 0 broken")
    assert "shard 40/40 has no cassettes" in err
    assert err.count("\n") == 1
    code, out, _ = cli("check", "--shard", "40/40", "--format", "json")
    data = json.loads(out)
    assert (code, data["cassettes"], data["shard"]["index"]) == (0, [], 40)


def test_merge_refuses_missing_duplicate_and_foreign_shards(
    corpora: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    one, two, three = _shards(ROOT, tmp_path, 3)
    cases = {
        "missing": ((one, three), "shard 2/3 missing"),
        "twice": ((one, two, three, two), f"{two}: shard 2/3 given twice"),
    }
    other = tmp_path / "other"
    other.mkdir()
    (four,) = [p for p in _shards(ROOT, other, 4) if p.name == "s1.json"]
    cases["other split"] = ((one, two, three, four), f"{four}: a shard of another run")
    warned = _shards(ROOT, tmp_path, 3, "--fail-on", "warning")
    cases["fail-on"] = ((one, two, warned[2]), f"{warned[2]}: fail-on warning")
    plain = tmp_path / "plain.json"
    _check(ROOT, "--format", "json", "-o", str(plain))
    cases["unsharded"] = ((plain, one), f"{plain}: not a shard report")
    for name, (inputs, message) in cases.items():
        code, out, err = cli("report", "merge", *map(str, inputs))
        assert (code, out) == (2, ""), name
        assert err.startswith(f"harness: error: {message}"), (name, err)
        assert err.count("\n") == 1, err


def test_merge_names_a_bad_input(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    cli("--config", str(ROOT / "harness.toml"), "check", "--format", "json", "-o", str(good))
    data = json.loads(good.read_text(encoding="utf-8"))
    edited = json.loads(json.dumps(data))
    edited["summary"]["passed"] += 1  # a summary that does not add up
    odd_version = json.loads(json.dumps(data))
    odd_version["version"] = "0.0.0"
    extra = json.loads(json.dumps(data))
    extra["cassettes"][0]["comment"] = "x"
    bad = {
        "text.json": ("not json", "not a JSON report"),
        "empty.json": ("{}", "not a feedharness check report"),
        "extra.json": (json.dumps(extra), "not a feedharness check report"),
        "edited.json": (json.dumps(edited), "the report does not read back the same"),
        "version.json": (json.dumps(odd_version), "written by feedharness 0.0.0"),
    }
    for name, (text, message) in bad.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        code, out, err = cli("report", "merge", str(tmp_path / name))
        assert (code, out) == (2, ""), name
        assert err.startswith(f"harness: error: {tmp_path / name}: {message}"), err
        assert err.count("\n") == 1, err
    code, out, err = cli("report", "merge", str(tmp_path / "absent.json"))
    assert code == 2
    assert "absent.json: cannot read" in err


def test_one_unsharded_report_renders_in_every_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    report = tmp_path / "report.json"
    cli("check", "--format", "json", "-o", str(report))
    for fmt in FORMATS:
        code, expected, _ = cli("check", "--format", fmt)
        assert cli("report", "merge", str(report), "--format", fmt) == (code, expected, "")


def test_named_paths_and_feeds_merge_in_the_order_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    named = ["cassettes/ft-home_2026-02-21.yaml", "rfi", "cassettes/dapenti_2015-01-05.yaml"]
    named += ["cassettes/dw-en-all_2015-02-23.yaml", "cassettes/ft-home_2025-05-21.yaml"]
    for fmt in FORMATS:
        code, expected, _ = cli("check", *named, "--format", fmt)
        shards = []
        for k in (1, 2):
            path = tmp_path / f"{fmt}-{k}.json"
            cli("check", *named, "--shard", f"{k}/2", "--format", "json", "-o", str(path))
            shards.append(str(path))
        assert cli("report", "merge", *shards, "--format", fmt) == (code, expected, "")
    assert expected.index("ft-home_2026") < expected.index("feedx-rfi") < expected.index("dapenti")
