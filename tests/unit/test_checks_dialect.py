"""title-nonempty follows the dialect's specification: a valid feed nobody configured passes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from helpers import write_cassette

from harness.cli import run

RSS_DESCRIPTION_ONLY = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Notes</title><link>https://notes.test/</link>
<description>Short notes</description>
<item><description>A note with no title, as RSS 2.0 allows.</description>
<link>https://notes.test/1</link><guid>https://notes.test/1</guid></item>
<item><title>A titled note</title><link>https://notes.test/2</link>
<guid>https://notes.test/2</guid></item>
</channel></rss>
"""
RSS_NEITHER = RSS_DESCRIPTION_ONLY.replace(
    "<description>A note with no title, as RSS 2.0 allows.</description>", ""
)
ATOM_NO_TITLE = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Notes</title><id>urn:notes</id>
<updated>2024-01-01T00:00:00Z</updated>
<entry><id>urn:notes:1</id><updated>2024-01-01T00:00:00Z</updated>
<link href="https://notes.test/1"/><summary>A summary only</summary></entry>
</feed>
"""
JSONFEED_NO_TITLE = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "Notes",
    "items": [{"id": "1", "url": "https://notes.test/1", "content_text": "A microblog post."}],
}


def check(tmp_path: Path, body: str, content_type: str) -> tuple[int, dict[str, object]]:
    write_cassette(
        tmp_path, "feed.yaml", "https://notes.test/feed", body, content_type=content_type
    )
    out = io.StringIO()
    code = run(["check", str(tmp_path / "feed.yaml"), "--format", "json"], stdout=out)
    (cassette,) = json.loads(out.getvalue())["cassettes"]
    return code, cassette


@pytest.fixture(autouse=True)
def _no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def titles(cassette: dict[str, object]) -> list[object]:
    violations = cassette["violations"]
    assert isinstance(violations, list)
    return [v for v in violations if v["check"] == "title-nonempty"]


def test_rss_item_with_a_description_and_no_title_passes(tmp_path: Path) -> None:
    code, cassette = check(tmp_path, RSS_DESCRIPTION_ONLY, "application/rss+xml")
    assert cassette["dialect"] == "rss2.0"
    assert (code, titles(cassette)) == (0, [])


def test_rss_item_with_neither_title_nor_description_fails(tmp_path: Path) -> None:
    code, cassette = check(tmp_path, RSS_NEITHER, "application/rss+xml")
    (found,) = titles(cassette)
    assert code == 1
    assert found["message"] == "empty title and description"  # type: ignore[index]


def test_atom_entry_without_a_title_fails(tmp_path: Path) -> None:
    code, cassette = check(tmp_path, ATOM_NO_TITLE, "application/atom+xml")
    assert cassette["dialect"] == "atom1.0"
    (found,) = titles(cassette)
    assert (code, found["field"]) == (1, "title")  # type: ignore[index]


def test_jsonfeed_item_without_a_title_passes(tmp_path: Path) -> None:
    code, cassette = check(tmp_path, json.dumps(JSONFEED_NO_TITLE), "application/feed+json")
    assert (code, titles(cassette)) == (0, [])


@pytest.mark.parametrize(
    ("drop", "field"), [("id", "id"), ("content_text", "content")], ids=["no-id", "no-content"]
)
def test_jsonfeed_item_needs_id_and_content(tmp_path: Path, drop: str, field: str) -> None:
    feed = json.loads(json.dumps(JSONFEED_NO_TITLE))
    del feed["items"][0][drop]
    code, cassette = check(tmp_path, json.dumps(feed), "application/feed+json")
    (found,) = titles(cassette)
    assert (code, found["field"]) == (1, field)  # type: ignore[index]


def test_per_dialect_false_asks_every_item_for_a_title() -> None:
    from harness.invariants import CheckContext, get_invariant

    item = {"id": "1", "title": None, "summary": "text"}
    spec = get_invariant("title-nonempty").bind({})
    strict = get_invariant("title-nonempty").bind({"per-dialect": False})
    assert list(spec.iter_violations([item], CheckContext(dialect="rss2.0"))) == []
    assert len(list(strict.iter_violations([item], CheckContext(dialect="rss2.0")))) == 1


def test_an_article_record_needs_its_title_in_any_dialect() -> None:
    from harness.invariants import CheckContext, get_invariant

    article = {"id": "1", "title": "", "summary": "text", "paragraphs": ["body"]}
    bound = get_invariant("title-nonempty").bind({})
    (found,) = bound.iter_violations([article], CheckContext(dialect="rss2.0"))
    assert found.message == "empty title"
