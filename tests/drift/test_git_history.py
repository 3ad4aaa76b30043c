"""``harness history`` and ``harness bless`` over a feed's cassette kept in git: each commit that
rewrote the file is a recording, and the report names the commit where drift first showed.

The repositories are built here from the dapenti 2015 recordings (tests/data/drift/dapenti,
described in tests/data/drift/verdicts.toml): committed one by one into the same path, with
the author and committer dates set to each recording's ``harness: recorded_at``. The truth for
the walk is test_real_drift's: the upper-case IE markup gives way in the 2015-05-16 recording,
and the last good one before it is 2015-04-24 (2015-05-11 is a transport failure).
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import jsonschema
import pytest
from drift_paths import DRIFT

from harness.cli import run
from harness.config import load_config
from harness.drift.baseline import baseline_path
from harness.drift.feedversions import GitOptions, feed_versions
from harness.drift.gitversions import NoGitHistory, file_history
from harness.drift.recordings import Fingerprinter
from harness.replay import Replayer
from harness.report.drift_json import DRIFT_REPORT_SCHEMA

RECORDINGS = sorted((DRIFT / "dapenti").glob("dapenti_*.yaml"))
FIRST_DRIFTED = "dapenti_2015-05-16_e87c13c"
LAST_GOOD = "dapenti_2015-04-24_55d6135"
CONFIG = """cassettes = "cassettes"
cache-dir = false

[[feeds]]
name = "dapenti"
url = "http://www.dapenti.com/blog/rssfortugua.asp"
parser = "rss"
language = "zh"
timezone = "Asia/Shanghai"
"""
_STAMP = re.compile(rb"recorded_at: '([^']+)'")
GIT = shutil.which("git") or "git"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command")


def git(where: Path, *args: str, date: str = "2016-07-04T00:00:00Z") -> str:
    """git with a fixed identity and dates, no user or system configuration."""
    empty = where / ".." / f"{where.name}.gitconfig"  # no user configuration
    if not empty.exists():
        empty.write_bytes(b"")
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": str(empty),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "recorder",
        "GIT_AUTHOR_EMAIL": "recorder@example.invalid",
        "GIT_COMMITTER_NAME": "recorder",
        "GIT_COMMITTER_EMAIL": "recorder@example.invalid",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
    }
    done = subprocess.run(
        [GIT, "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=where,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def stamp(path: Path) -> str:
    found = _STAMP.search(path.read_bytes()[:400])
    assert found is not None, path
    return found.group(1).decode("ascii")


def commit_file(repo: Path, source: Path | bytes | None, message: str, date: str) -> str:
    """Put ``source`` (a file, bytes, or None: delete) at cassettes/dapenti.yaml and commit."""
    target = repo / "cassettes" / "dapenti.yaml"
    if source is None:
        git(repo, "rm", "-q", "cassettes/dapenti.yaml")
    else:
        target.parent.mkdir(exist_ok=True)  # git rm took the empty folder away
        target.write_bytes(source if isinstance(source, bytes) else source.read_bytes())
        git(repo, "add", "cassettes/dapenti.yaml")
    git(repo, "commit", "-q", "-m", message, date=date)
    return git(repo, "rev-parse", "--short", "HEAD").strip()


def make_project(where: Path) -> Path:
    (where / "cassettes").mkdir(parents=True)
    (where / "harness.toml").write_text(CONFIG, encoding="utf-8")
    return where


def make_repo(where: Path, recordings: list[Path] = RECORDINGS) -> dict[str, str]:
    """A project whose feed cassette is rewritten once per recording; recording -> short hash."""
    make_project(where)
    git(where, "init", "-q")
    git(where, "add", "harness.toml")
    git(where, "commit", "-q", "-m", "project", date="2015-01-01T00:00:00Z")
    return {
        p.stem: commit_file(where, p, f"record: nightly {p.stem[8:18]}", stamp(p))
        for p in recordings
    }


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    where = tmp_path_factory.mktemp("dapenti-git")
    return where, make_repo(where)


def harness(project: Path, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["--config", str(project / "harness.toml"), *argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def history_json(project: Path, *argv: str) -> dict[str, object]:
    code, out, err = harness(project, "history", "dapenti", "--format", "json", *argv)
    assert code == 0, err
    data = json.loads(out)
    jsonschema.validate(data, DRIFT_REPORT_SCHEMA)
    feed: dict[str, object] = data["feeds"][0]
    return feed


def markup_style(feed: dict[str, object]) -> dict[str, object]:
    traced = [t for t in feed["traced"] if t["kind"] == "markup-style"]  # type: ignore[attr-defined]
    assert len(traced) == 1, feed["traced"]
    found: dict[str, object] = traced[0]
    return found


def test_the_first_drifted_commit_is_named(repo: tuple[Path, dict[str, str]]) -> None:
    project, hashes = repo
    feed = history_json(project)
    assert len(feed["recordings"]) == len(RECORDINGS)  # type: ignore[arg-type]
    assert feed["notes"] == [f"history from git: {len(RECORDINGS)} commit(s)"]
    traced = markup_style(feed)
    assert traced["first_seen"] == f"dapenti.yaml@{hashes[FIRST_DRIFTED]}"
    first, good = traced["first_drifted"], traced["last_good"]
    assert first["short"] == hashes[FIRST_DRIFTED]  # type: ignore[index]
    assert first["subject"] == "record: nightly 2015-05-16"  # type: ignore[index]
    assert good["short"] == hashes[LAST_GOOD]  # type: ignore[index]
    # the transport failures are still named by their commits, and are not drift
    transport = [f["first_seen"] for f in feed["findings"] if f["kind"] == "transport"]  # type: ignore[attr-defined]
    assert sorted(transport) == sorted(
        f"dapenti.yaml@{hashes[n]}"
        for n in (
            "dapenti_2015-01-23_b2b4ef8",
            "dapenti_2015-04-22_4fbf5f5",
            "dapenti_2015-05-11_ea1c8a7",
            "dapenti_2015-05-22_bfe4d3a",
            "dapenti_2015-05-28_bcf2819",
        )
    )


def test_text_and_markdown_name_the_commits(repo: tuple[Path, dict[str, str]]) -> None:
    project, hashes = repo
    code, out, _ = harness(project, "history", "dapenti")
    assert code == 0
    assert (
        f"first drifted in {hashes[FIRST_DRIFTED]} (2015-05-16, 'record: nightly 2015-05-16')"
        f" — last good {hashes[LAST_GOOD]} (2015-04-24, 'record: nightly 2015-04-24')"
    ) in out
    assert "note: history from git: 20 commit(s)" in out
    _, md, _ = harness(project, "history", "dapenti", "--format", "markdown")
    assert (
        f"First drifted in {hashes[FIRST_DRIFTED]} (2015-05-16, `record: nightly 2015-05-16`)"
    ) in md


def test_results_do_not_depend_on_the_time_zone(
    repo: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    project, _ = repo
    here = history_json(project)
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        there = history_json(project)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert there == here


def test_files_only_when_asked_or_without_git(
    repo: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    project, _ = repo
    feed = history_json(project, "--no-git")
    assert feed["recordings"] == ["dapenti.yaml"]
    assert feed["notes"] == []
    monkeypatch.setenv("PATH", str(tmp_path))  # a folder with no git in it
    feed = history_json(project)
    assert feed["recordings"] == ["dapenti.yaml"]
    assert feed["notes"] == ["no git command on PATH: reading the file on disk"]


def test_a_folder_outside_any_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path / "plain")
    shutil.copy(RECORDINGS[0], project / "cassettes" / "dapenti.yaml")
    # git looks no higher than tmp_path, wherever the temporary folder is (even in a checkout)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert subprocess.run([GIT, "rev-parse"], cwd=project, capture_output=True).returncode != 0
    feed = history_json(project)
    assert feed["recordings"] == ["dapenti.yaml"]
    [note] = feed["notes"]  # type: ignore[misc]
    assert "is not in a git repository: reading the file on disk" in note


@pytest.mark.parametrize("commits", [0, 1], ids=["no-commit-yet", "other-files-committed"])
def test_an_untracked_cassette(tmp_path: Path, commits: int) -> None:
    project = make_project(tmp_path)
    git(project, "init", "-q")
    if commits:
        git(project, "add", "harness.toml")
        git(project, "commit", "-q", "-m", "project")
    shutil.copy(RECORDINGS[0], project / "cassettes" / "dapenti.yaml")
    feed = history_json(project)
    assert feed["recordings"] == ["dapenti.yaml"]
    assert feed["notes"] == [
        "cassettes/dapenti.yaml is not tracked by git (no commit has it): reading the file on disk"
    ]


def test_since_and_max_count(repo: tuple[Path, dict[str, str]]) -> None:
    project, hashes = repo
    feed = history_json(project, "--max-count", "4")
    newest = [p.stem for p in RECORDINGS[-4:]]
    assert feed["recordings"] == [f"dapenti.yaml@{hashes[n]}" for n in newest]
    feed = history_json(project, "--since", "2015-06-01")
    assert feed["recordings"] == [
        f"dapenti.yaml@{hashes[p.stem]}" for p in RECORDINGS if p.stem[8:18] >= "2015-06-01"
    ]
    code, _, err = harness(project, "history", "dapenti", "--max-count", "0")
    assert code == 2
    assert "expected 1 or more" in err


def test_a_shallow_clone_says_where_its_history_starts(
    repo: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    project, hashes = repo
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "6", f"file://{project}", str(clone))
    feed = history_json(clone)
    newest = [p.stem for p in RECORDINGS[-6:]]
    assert feed["recordings"] == [f"dapenti.yaml@{hashes[n]}" for n in newest]
    start = hashes[newest[0]]
    assert (
        f"shallow clone: history starts at {start} ({newest[0][8:18]}); "
        "run `git fetch --unshallow` for all of it"
    ) in feed["notes"]  # type: ignore[operator]


def test_deleted_and_foreign_versions_are_skipped_with_a_note(tmp_path: Path) -> None:
    hashes = make_repo(tmp_path, RECORDINGS[12:15])
    gone = commit_file(tmp_path, None, "drop the cassette", "2015-07-01T00:00:00Z")
    junk = commit_file(tmp_path, b"not: [a cassette\n", "oops", "2015-07-02T00:00:00Z")
    last = commit_file(tmp_path, RECORDINGS[15], "record again", stamp(RECORDINGS[15]))
    feed = history_json(tmp_path)
    kept = [*(hashes[p.stem] for p in RECORDINGS[12:15]), last]
    assert feed["recordings"] == [f"dapenti.yaml@{h}" for h in kept]
    [skipped] = [n for n in feed["notes"] if n.startswith("skipped: ")]  # type: ignore[attr-defined]
    assert f"dapenti.yaml@{gone}: the file is not in this commit (deleted)" in skipped
    assert f"dapenti.yaml@{junk}: " in skipped


def test_oversized_versions_are_not_read(tmp_path: Path) -> None:
    make_repo(tmp_path, RECORDINGS[:3])
    sizes = [p.stat().st_size for p in RECORDINGS[:3]]
    limit = sorted(sizes)[1]  # one version over it, two within
    found = file_history(tmp_path / "cassettes" / "dapenti.yaml", max_bytes=limit)
    for version, size, path in zip(found.versions, sizes, RECORDINGS[:3], strict=True):
        assert version.size == size
        if size > limit:
            assert version.blob is None
            assert version.note == f"{size} bytes, over the cassette limit of {limit}: not read"
        else:
            assert version.blob is not None
            assert found.read([version.blob]) == {version.blob: path.read_bytes()}
    assert found.on_disk() == found.versions[-1].blob or found.versions[-1].blob is None
    with pytest.raises(NoGitHistory, match="not tracked"):
        file_history(tmp_path / "harness.toml.missing")


def test_uncommitted_changes_are_the_newest_recording(tmp_path: Path) -> None:
    hashes = make_repo(tmp_path, RECORDINGS[14:16])
    shutil.copy(RECORDINGS[16], tmp_path / "cassettes" / "dapenti.yaml")
    feed = history_json(tmp_path)
    assert feed["recordings"] == [
        *(f"dapenti.yaml@{hashes[p.stem]}" for p in RECORDINGS[14:16]),
        "dapenti.yaml",
    ]


def test_a_cached_fingerprint_skips_the_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FEEDHARNESS_CACHE", raising=False)  # this project's own, empty cache
    make_repo(tmp_path, RECORDINGS[14:18])
    text = CONFIG.replace("cache-dir = false", 'cache-dir = ".cache"')
    (tmp_path / "harness.toml").write_text(text, encoding="utf-8")
    config = load_config(tmp_path / "harness.toml")

    def walk() -> tuple[list[str], int, int]:
        prints = Fingerprinter(Replayer(config))
        found = feed_versions(prints, "dapenti", GitOptions())
        assert prints.cache is not None
        return [fp.name for fp in found.fingerprints], prints.cache.hits, prints.cache.misses

    names, hits, misses = walk()
    # four versions fingerprinted; the file on disk is the newest one's content: a hit
    assert (hits, misses) == (1, 4)
    again, hits, misses = walk()
    assert again == names
    assert (hits, misses) == (5, 0)


@pytest.fixture
def blessing(tmp_path: Path) -> Path:
    make_repo(tmp_path, RECORDINGS[14:18])
    return tmp_path


def test_bless_names_the_next_step(blessing: Path) -> None:
    path = baseline_path(blessing / "cassettes", "dapenti")
    code, out, _ = harness(blessing, "bless", "dapenti")
    assert code == 0
    assert f"review it, then `git add {path}` (git does not track it yet)" in out
    pooled = re.search(r"^pooled (\d+) recording\(s\) from (\d+) commit\(s\): ", out, re.M)
    assert pooled is not None
    assert pooled[1] == pooled[2]
    assert f"learned spread of dapenti: {pooled[1]} recording(s)" in out
    git(blessing, "add", str(path))
    git(blessing, "commit", "-q", "-m", "bless")
    code, out, _ = harness(blessing, "bless", "dapenti")
    assert "unchanged: the same as the baseline committed" in out
    code, out, _ = harness(blessing, "bless", "dapenti", "--max-count", "2")
    assert f"review it with `git diff {path}`" in out
    assert re.search(r"^pooled [12] recording\(s\) from [12] commit\(s\): ", out, re.M)
    code, out, _ = harness(blessing, "bless", "dapenti", "--no-git", "--dry-run")
    assert "would write" in out


def test_bless_outside_git_gives_no_git_advice(
    blessing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(blessing / "cassettes"))
    code, out, _ = harness(blessing, "bless", "dapenti")
    assert code == 0
    assert "`git" not in out
    assert "review it: it is the feed's baseline from now on" in out


def test_the_baseline_keeps_no_value_of_any_item(blessing: Path) -> None:
    assert harness(blessing, "bless", "dapenti")[0] == 0
    data = json.loads(baseline_path(blessing / "cassettes", "dapenti").read_text("utf-8"))
    assert isinstance(data["items"], int)
    for name, spread in data["metrics"].items():  # quantiles, never the items' values
        assert set(spread) == {"n", "min", "p10", "p25", "median", "p75", "p90", "max"}, name
    text = json.dumps(data, ensure_ascii=False)
    assert "more.asp?name=xilei&id=" not in text  # no item's link, id or title
    assert "喷嚏图卦2015" not in text


def test_a_hostile_commit_subject_stays_inert() -> None:
    import cmarkgfm
    from hostile_drift import outside_code

    from harness.drift import DriftReport, FeedHistory, Finding, Level, Scope, SignalChange
    from harness.drift.gitversions import Commit
    from harness.report.drift_html import render_html
    from harness.report.drift_markdown import render_markdown
    from harness.report.drift_text import render_text

    subject = "<img src=x onerror=alert(1)> `x` @someone [a](javascript:b)\x1b[31m\u202e"
    commits = {
        "f.yaml@1111111": Commit("1" * 40, "1111111", "2016-03-02T01:00:00+08:00", subject),
        "f.yaml@2222222": Commit("2" * 40, "2222222", "2016-03-01T01:00:00+08:00", "ok"),
    }
    finding = Finding(
        kind="markup-style",
        feed="f",
        scope=Scope.FEED,
        level=Level.WARNING,
        title="t",
        explanation="x",
        field="summary",
        signals=(SignalChange("case:lower", "0", "8", "appeared"),),
        first_seen="f.yaml@1111111",
        last_good="f.yaml@2222222",
    )
    feed = FeedHistory("f", tuple(commits), (finding,), notes=(subject,), commits=commits)
    report = DriftReport("history", (feed,))
    md = cmarkgfm.github_flavored_markdown_to_html(render_markdown(report))
    assert outside_code(md, "@someone") == []
    assert "<img" not in md
    assert "First drifted in 1111111 (2016-03-02, " in render_markdown(report)
    page = render_html(report)
    assert "<img" not in page
    assert "First drifted in 1111111 (2016-03-02, <code>" in page
    text = render_text(report)
    assert "\x1b" not in text
    assert "\u202e" not in text
    assert "first drifted in 1111111 (2016-03-02, '<img" in text
    assert "— last good 2222222 (2016-03-01, 'ok')" in text
