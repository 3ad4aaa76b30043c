"""XML attacks: nothing is expanded, read or fetched, and each attack has one exact outcome.

Proof of "nothing read": the marker never appears in any output, and the marker file's access
time (set an hour in the past, so relatime would update it on any read) does not move. Proof of
"nothing fetched": the trap server on 127.0.0.1 sees no connection (the ``trap`` fixture).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile_inputs import RFI_URL, Bait, html_body_attacks, item, rss, xml_attacks
from hostile_support import add_cassette, check_json, cli

from harness.errors import ParseError
from harness.model import Response, Severity
from harness.parsers.feedx import FeedxRfiParser
from harness.parsers.rss import RssParser

LIMIT = "XML over a fixed limit of the safe parser"
AMPLIFICATION = "Maximum entity amplification factor exceeded (limits: 256 levels of nesting"

# name -> ("broken", message start) or (title as parsed, the item's summary start or None)
EXPECTED: dict[str, tuple[str, str | None]] = {
    "billion-laughs": ("broken", f"{LIMIT} at line 1, column 5: {AMPLIFICATION}"),
    "quadratic-blowup": ("broken", f"{LIMIT} at line 3, column 64: {AMPLIFICATION}"),
    "xxe-file": ("a &x;", "b"),
    "xxe-etc-passwd": ("a &x;", "b"),
    "xxe-url": ("a &x;", "b"),
    "xxe-in-attribute": (
        "broken",
        "XML not well formed at line 3, column 42: Attribute references external entity 'x'",
    ),
    "external-dtd-file": ("a &leak;", "b"),
    "external-dtd-url": ("a &leak;", "b"),
    "public-dtd-url": ("a &leak;", "b"),
    "parameter-entity-file": ("a &leak;", "b"),
    "parameter-entity-url": ("a &leak;", "b"),
    "xinclude-file": ("t", '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:'),
    "xinclude-url": ("t", '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="http:'),
    "stylesheet-url": ("t", "b"),
    "schema-location-url": ("t", "b"),
    "atom-xxe-xhtml": ("t", None),
    "xxe-file-utf16": ("a &x;", "b"),
}
UNEXPANDED = {"a &x;", "a &leak;"}


@pytest.fixture
def untouched(bait: Bait) -> list[Path]:
    """The bait files, with access times an hour old: any read would move them (relatime).

    On a file system that records no access times (noatime) this evidence is unavailable and
    the list is empty; the tests still prove no leak by the bait's marker and the trap server.
    """
    control = bait.secret.with_name("control.txt")
    control.write_text("control\n", encoding="utf-8")
    for path in (bait.secret, bait.dtd, control):
        _age(path)
    control.read_text(encoding="utf-8")
    if not _was_read(control):
        return []
    return [bait.secret, bait.dtd]


def _age(path: Path) -> None:
    stat = path.stat()
    os.utime(path, (stat.st_mtime - 3600, stat.st_mtime))


def _was_read(path: Path) -> bool:
    stat = path.stat()
    return stat.st_atime >= stat.st_mtime


def assert_not_read(files: list[Path]) -> None:
    for path in files:
        assert not _was_read(path), f"{path.name} was read"


def parse(body: bytes) -> object:
    response = Response(url="https://hostile.example/feed.xml", status=200, headers={}, body=body)
    try:
        return RssParser().parse(response, fetch=lambda url: pytest.fail(f"fetched {url}"))
    except ParseError as err:
        return err


def test_every_attack_is_pinned(bait: Bait) -> None:
    assert set(xml_attacks(bait)) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_attack_outcome_is_exact_and_nothing_is_read(
    name: str, bait: Bait, untouched: list[Path]
) -> None:
    outcome = parse(xml_attacks(bait)[name])
    kind, detail = EXPECTED[name]
    assert bait.marker not in repr(outcome)
    assert_not_read(untouched)
    if kind == "broken":
        assert isinstance(outcome, ParseError)
        assert str(outcome).startswith(str(detail)), str(outcome)
        assert "\n" not in str(outcome)
        return
    assert not isinstance(outcome, ParseError), outcome
    (parsed,) = outcome.items  # type: ignore[attr-defined]
    assert parsed["title"] == kind
    if detail is not None:
        assert (parsed["summary"] or "").startswith(detail)
    checks = {(p.check, p.severity) for p in outcome.problems}  # type: ignore[attr-defined]
    expanded_by_dtd = kind in UNEXPANDED or name == "atom-xxe-xhtml"
    assert checks == ({("xml-entities", Severity.WARNING)} if expanded_by_dtd else set())


def test_attacks_end_to_end_in_every_format(
    bait: Bait, untouched: list[Path], project: Path
) -> None:
    for name, body in xml_attacks(bait).items():
        add_cassette(project, name, body.decode("utf-8", "surrogateescape"))
    for fmt in ("text", "json", "markdown", "junit"):
        code, out, err = cli(project, "check", "--format", fmt)
        assert code == 2  # the broken ones make the run exit 2; the rest are still checked
        assert err == ""
        assert bait.marker not in out
        assert "root:x:0:0" not in out
    assert_not_read(untouched)
    _, results = check_json(project)
    for name, (kind, detail) in EXPECTED.items():
        if name == "xxe-file-utf16":
            continue  # a UTF-16 body is not valid text for a JSON-quoted YAML string
        result = results[name]
        if kind == "broken":
            assert result["outcome"] == "broken", name
            error = result["error"]
            assert isinstance(error, dict)
            assert str(error["message"]).startswith(f"cassettes/{name}.yaml: {detail}")
        else:
            assert result["outcome"] in ("pass", "fail"), name


def test_utf16_attack_through_a_binary_cassette(bait: Bait, project: Path) -> None:
    from harness.cassettes import make_interaction, write_cassette

    path = project / "cassettes" / "utf16.yaml"
    body = xml_attacks(bait)["xxe-file-utf16"]
    write_cassette(path, [make_interaction("https://hostile.example/feed.xml", body)])
    code, results = check_json(project, path)
    assert code == 0
    violations = results["utf16"]["violations"]
    assert isinstance(violations, list)
    assert [v["check"] for v in violations] == ["xml-entities"]
    assert bait.marker not in repr(results)


@pytest.mark.parametrize("name", ["html-doctype-file", "html-entity-file", "html-fetching-tags"])
def test_item_html_bodies_are_parsed_without_reading_or_fetching(
    name: str, bait: Bait, untouched: list[Path]
) -> None:
    body = html_body_attacks(bait)[name]
    response = Response(url=RFI_URL, status=200, headers={}, body=rss(item(body=body)).encode())
    out = FeedxRfiParser().parse(response, fetch=lambda url: pytest.fail(f"fetched {url}"))
    assert bait.marker not in repr(out)
    assert_not_read(untouched)
    (record,) = out.items
    expected = {
        "html-doctype-file": ["中国政府周三宣布新的经济刺激计划。"],
        "html-entity-file": ["&x;"],  # the HTML parser keeps an unknown entity as text
        "html-fetching-tags": ["x"],
    }
    assert record["paragraphs"] == expected[name]
