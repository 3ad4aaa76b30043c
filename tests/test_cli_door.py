"""The user's door: `harness check FEED`, and `harness check` with no configuration."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from helpers import rss, write_cassette

from harness.cli import run

CONFIG = """
[[feeds]]
name = "news"
url = "https://example.test/news.xml"
parser = "rss"

[[feeds]]
name = "blog"
url = "https://example.test/blog.xml"
parser = "rss"
"""
ITEM = [{"title": "One", "link": "https://example.test/1"}]


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "harness.toml").write_text(CONFIG, encoding="utf-8")
    folder = tmp_path / "cassettes"
    write_cassette(folder, "news_1.yaml", "https://example.test/news.xml", rss(ITEM))
    write_cassette(folder / "old", "news_0.yaml", "https://example.test/news.xml", rss(ITEM))
    write_cassette(folder, "blog.yaml", "https://example.test/blog.xml", rss(ITEM))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_check_a_feed_name_checks_the_cassettes_it_claims(project: Path) -> None:
    code, out, err = cli("check", "news")
    assert (code, err) == (0, "")
    assert "news_1.yaml" in out
    assert "old/news_0.yaml" in out
    assert "blog.yaml" not in out


def test_a_path_wins_over_a_feed_of_the_same_name(project: Path) -> None:
    write_cassette(project / "blog", "x.yaml", "https://example.test/news.xml", rss(ITEM))
    code, out, _ = cli("check", "blog")  # the folder ./blog, not the feed "blog"
    assert code == 0
    assert "blog/x.yaml" in out
    assert "cassettes/blog.yaml" not in out


def test_an_unknown_name_lists_the_feeds(project: Path) -> None:
    code, _, err = cli("check", "nwes")
    assert code == 2
    assert err == (
        "harness: error: no such file, folder or configured feed: nwes (feeds: news, blog)\n"
    )


def test_no_configuration_says_so_and_suggests_init(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("check")
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert "no harness.toml or [tool.harness] in pyproject.toml" in err
    assert "harness init" in err


def test_no_configuration_still_checks_named_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = write_cassette(tmp_path, "x.yaml", "https://example.test/x.xml", rss(ITEM))
    code, out, _ = cli("check", str(path))
    assert code == 0
    assert "x.yaml" in out


def test_audit_without_hypothesis_says_how_to_install_from_a_checkout(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "hypothesis" else real(name)
    )
    code, _, err = cli("audit")
    assert code == 2
    assert "pip install '/path/to/feedharness[audit]'" in err
    assert "pip install 'feedharness[audit]'" not in err
