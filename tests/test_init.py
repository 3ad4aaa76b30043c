"""`harness init`: a configuration inferred from the recordings, and a green first check."""

from __future__ import annotations

import io
import json
import tomllib
from pathlib import Path

import pytest
from helpers import write_cassette

from harness.cli import run
from harness.config import load_config

CHINESE = "中国外交部长王毅周三通过电话与美国国务卿讨论了以色列与哈马斯之间的冲突和台湾问题"


def rss_feed(items: list[tuple[str, str, str]], *, language: str | None = "zh-cn") -> str:
    """RSS 2.0 with items (guid/link, pubDate, description); no title when the spec allows."""
    lang = f"<language>{language}</language>" if language else ""
    rendered = "".join(
        f"<item><title>T{i}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>{date}</pubDate><description>{text}</description></item>"
        for i, (link, date, text) in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>N</title>'
        f"<link>https://news.test/</link>{lang}{rendered}</channel></rss>"
    )


BEIJING = [
    (f"https://news.test/a/{n}", f"Wed, 0{n} Dec 2023 10:00:00 +0800", CHINESE) for n in range(1, 4)
]
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><title>Blog</title><id>urn:b</id>
<updated>2024-01-02T00:00:00Z</updated>
<entry><title>One</title><id>urn:b:1</id><link href="https://blog.test/1"/>
<updated>2024-03-01T09:00:00+01:00</updated><summary>Winter post</summary></entry>
<entry><title>Two</title><id>urn:b:2</id><link href="https://blog.test/2"/>
<updated>2024-04-01T09:00:00+02:00</updated><summary>Summer post</summary></entry>
</feed>"""
JSONFEED = json.dumps(
    {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Micro",
        "items": [
            {"id": "1", "url": "https://micro.test/1", "content_text": "A post with no title."}
        ],
    }
)


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with pytest-recording's layout: tests/cassettes/<module>/<test>.yaml."""
    folder = tmp_path / "tests" / "cassettes"
    write_cassette(
        folder / "test_news", "test_today.yaml", "https://news.test/rss.xml", rss_feed(BEIJING)
    )
    write_cassette(
        folder / "test_blog",
        "test_posts.yaml",
        "https://blog.test/atom.xml",
        ATOM,
        content_type="application/atom+xml",
    )
    write_cassette(
        folder,
        "micro.yml",
        "https://micro.test/feed.json",
        JSONFEED,
        content_type="application/feed+json",
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def written(project: Path) -> dict[str, dict[str, object]]:
    data = tomllib.loads((project / "harness.toml").read_text(encoding="utf-8"))
    return {feed["name"]: feed for feed in data["feeds"]}


def test_init_then_check_is_green(project: Path) -> None:
    code, out, err = cli("init", "tests/cassettes", "https://later.test/feed.xml")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == 5  # one per feed, then what was written
    assert lines[-1] == "wrote harness.toml; next: harness check"
    feeds = written(project)
    assert sorted(feeds) == ["blog", "later", "micro", "news"]
    assert load_config(project / "harness.toml").cassettes == project / "tests" / "cassettes"
    code, out, _ = cli("check")
    assert code == 0, out
    assert "3 cassettes: 3 passed" in out


def test_what_is_inferred_per_dialect(project: Path) -> None:
    cli("init", "tests/cassettes")
    feeds = written(project)
    news, blog, micro = feeds["news"], feeds["blog"], feeds["micro"]
    assert (news["parser"], news["language"], news["allowed-hosts"]) == (
        "rss",
        "zh-cn",
        ["news.test"],
    )
    assert news["invariants"]["timezone-matches"] == {"zone": "+08:00"}  # type: ignore[index]
    assert news["invariants"]["script-matches-language"] is True  # type: ignore[index]
    # Atom: xml:lang gives the language; +01:00 and +02:00 name no fixed offset
    assert blog["language"] == "en"
    assert blog["invariants"]["timezone-matches"] is False  # type: ignore[index]
    # JSON Feed: no title is fine (title-nonempty follows the dialect)
    assert micro["invariants"]["title-nonempty"] is True  # type: ignore[index]


def test_every_line_says_why(project: Path) -> None:
    _, out, _ = cli("init", "tests/cassettes")
    by_name = {line.split(":")[0]: line for line in out.splitlines()}
    assert "timezone +08:00 (all 3 item dates carry it)" in by_name["news"]
    assert "language zh-cn (declared by the feed)" in by_name["news"]
    assert "item dates carry +01:00, +02:00 (daylight saving or several zones)" in by_name["blog"]
    assert "Atom 1.0" in by_name["blog"]
    assert "JSON Feed 1.1" in by_name["micro"]


def test_failing_invariants_are_left_out_with_the_reason(project: Path) -> None:
    dupes = [BEIJING[0], BEIJING[0]]
    write_cassette(
        project / "tests" / "cassettes",
        "test_news" + "/test_today.yaml",
        "https://news.test/rss.xml",
        rss_feed(dupes),
    )
    cli("init", "tests/cassettes")
    assert written(project)["news"]["invariants"]["unique-ids"] is False  # type: ignore[index]
    text = (project / "harness.toml").read_text(encoding="utf-8")
    assert "unique-ids = false   # left out: 1 violation(s), e.g. item 1: same id as item 0" in text
    assert cli("check")[0] == 0


def test_language_from_the_items_script_when_not_declared(project: Path) -> None:
    write_cassette(
        project / "tests" / "cassettes" / "test_news",
        "test_today.yaml",
        "https://news.test/rss.xml",
        rss_feed(BEIJING, language=None),
    )
    _, out, _ = cli("init", "tests/cassettes")
    assert written(project)["news"]["language"] == "zh"
    assert "language zh (not declared; 98% Han letters in the items)" in out


def test_a_cassette_that_is_no_feed_is_skipped_and_named(project: Path) -> None:
    write_cassette(
        project / "tests" / "cassettes",
        "api.yaml",
        "https://api.test/v1/users",
        "<html><body>hello</body></html>",
        content_type="text/html",
    )
    code, out, _ = cli("init", "tests/cassettes")
    assert code == 0
    assert "skipped tests/cassettes/api.yaml: HTML page, not a feed" in out
    assert "api" not in written(project)


def test_never_overwrites_without_force(project: Path) -> None:
    (project / "harness.toml").write_text("# mine\n", encoding="utf-8")
    code, _, err = cli("init", "tests/cassettes")
    assert code == 2
    assert err == "harness: error: harness.toml exists; --force replaces it\n"
    assert (project / "harness.toml").read_text(encoding="utf-8") == "# mine\n"
    assert cli("init", "--force", "tests/cassettes")[0] == 0
    assert "news" in written(project)


def test_pyproject_gets_a_tool_harness_table(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text('[project]\nname = "mine"\n', encoding="utf-8")
    assert cli("init", "--pyproject", "tests/cassettes")[0] == 0
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    assert data["project"] == {"name": "mine"}
    assert {f["name"] for f in data["tool"]["harness"]["feeds"]} == {"news", "blog", "micro"}
    code, _, err = cli("init", "--pyproject", "tests/cassettes")
    assert (code, err) == (
        2,
        "harness: error: pyproject.toml already has [tool.harness]; --force replaces it\n",
    )
    assert cli("init", "--pyproject", "--force", "tests/cassettes")[0] == 0
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    assert len(data["tool"]["harness"]["feeds"]) == 3
    assert cli("check")[0] == 0


@pytest.mark.parametrize(
    ("urls", "names"),
    [
        (["https://www.bbc.co.uk/news/rss.xml"], ["bbc-news"]),
        (["https://orx365.github.io/rss-arch/output/ft-home.xml"], ["orx365-ft-home"]),
        (["https://a.test/feed", "https://a.test/rss"], ["a", "a-2"]),
    ],
)
def test_names_come_from_host_and_path_and_are_unique(urls: list[str], names: list[str]) -> None:
    from harness.onboard import infer

    assert [f.name for f in infer(urls).feeds] == names


def test_a_test_servers_address_names_no_site() -> None:
    from harness.onboard import derive_name

    assert derive_name("http://127.0.0.1:8080/py2/feed.xml") == "py2"
    assert derive_name("http://[::1]:9000/news/rss") == "news"
    assert derive_name("http://localhost/news/atom.xml") == "news"
