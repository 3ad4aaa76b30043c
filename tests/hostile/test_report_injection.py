"""Report injection, end to end: hostile feed text -> cassette -> ``harness check --format X``.

The text tries HTML, script, Markdown links and images, @mentions, ANSI/OSC/C1 escape sequences,
bidi overrides, control characters and forged report lines. It reaches the reports through item
titles, ids, links and dates (violations), an HTML error page's title (an error message), the
cassette's URL and its file name. In every format it must stay inert: no control character or
escape sequence reaches the output, Markdown renders it only inside code, JUnit stays valid XML.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hostile_inputs import FEED_URL, INJECTION, cassette, item, rss
from hostile_support import cli

# Characters no report may carry raw: C0 (but \n), DEL, C1, bidi controls, line separators,
# invisible format characters.
RAW_CONTROL = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
    "\u200b\ufeff\U000e0000-\U000e007f]"
)
OUR_COLOURS = re.compile(r"\x1b\[(?:0|3[1-5])m")  # the only escapes --color always may write
FORGED = "\nPASS   forged.yaml · 0 errors"
XML_SAFE = INJECTION.replace("\x1b", "").replace("\x07", "").replace("\x08", "")
XML_SAFE = re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", XML_SAFE).replace("]]>", "]]&gt;")

# A configured feed's URL: its HTML error page is a broken feed (an unclaimed page is skipped).
CLAIMED_URL = "https://hostile.example/limited-items.xml"


def json_feed() -> str:
    entry = {
        "id": INJECTION,
        "url": "javascript:alert(1)//" + INJECTION,
        "title": INJECTION + FORGED,
        "date_published": INJECTION,
        "content_html": INJECTION,
    }
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": INJECTION, "items": [entry] * 2}
    return json.dumps(doc)


def xml_feed() -> str:
    text = XML_SAFE.replace("&", "&amp;").replace("<", "&lt;")
    return rss(
        item(title=f"&lt;b&gt;{text}", link="javascript:alert(4)", guid="same", date=text)
        + item(1, title=text, guid="same", date="Wes, 06 Dec 2023 15:45:03 GMT")
    )


def error_page() -> str:
    return f"<html><head><title>{INJECTION}{FORGED}</title></head><body>502</body></html>"


@pytest.fixture
def hostile_project(project: Path) -> Path:
    folder = project / "cassettes"
    (folder / "json-feed.yaml").write_text(
        cassette(FEED_URL, json_feed(), content_type="application/feed+json"), encoding="utf-8"
    )
    (folder / "xml-feed.yaml").write_text(cassette(FEED_URL, xml_feed()), encoding="utf-8")
    (folder / "error-page.yaml").write_text(
        cassette(CLAIMED_URL, error_page(), content_type="text/html"), encoding="utf-8"
    )
    weird_url = "https://hostile.example/[x](javascript:alert(5))/@octocat/<script>/\x1b[2J"
    (folder / "weird-url.yaml").write_text(
        cassette(weird_url, rss(item(title="fine"))), encoding="utf-8"
    )
    name = "evil\x1b[31m`@octocat`[a](javascript:x)|<b>\u202e" + FORGED.replace("\n", "\n ")
    (folder / f"{name}.yaml").write_text(cassette(FEED_URL, rss(item())), encoding="utf-8")
    return project


def report(project: Path, fmt: str, *extra: str) -> str:
    code, out, err = cli(project, "check", "--format", fmt, *extra)
    assert (code, err) == (2, "")  # the error page is broken: exit 2, the rest still checked
    return out


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "junit"])
def test_no_raw_control_character_reaches_any_format(hostile_project: Path, fmt: str) -> None:
    out = report(hostile_project, fmt)
    found = RAW_CONTROL.findall(out)
    assert found == [], f"{fmt}: raw {sorted(set(found))!r}"
    assert "forged.yaml" not in "\n".join(line[:12] for line in out.splitlines())


def test_the_hostile_text_did_reach_the_reports(hostile_project: Path) -> None:
    data = json.loads(report(hostile_project, "json"))
    text = json.dumps(data, ensure_ascii=False)
    assert "<script>alert(1)</script>" in text  # so the other tests test something
    errors = [c["error"]["message"] for c in data["cassettes"] if c["error"]]
    assert any("\\x1b[31mRED" in e for e in errors)  # the message quotes the title with repr()
    observed = [str(v["observed"]) for c in data["cassettes"] for v in c["violations"]]
    assert any("\x1b[31mRED" in o for o in observed)  # raw in the data, escaped in every format
    checks = {v["check"] for c in data["cassettes"] for v in c["violations"]}
    assert {"unique-ids", "links-absolute", "date-parseable", "no-markup-in-text"} <= checks
    assert any(
        "HTML page, not a feed: title 'alert(1) [click](javascript:alert(3)) @" in e for e in errors
    )


def test_terminal_colours_are_ours_only(hostile_project: Path) -> None:
    out = report(hostile_project, "text", "--color", "always")
    assert OUR_COLOURS.search(out)
    assert RAW_CONTROL.findall(OUR_COLOURS.sub("", out)) == []
    assert "\\x1b[31mRED" in out  # feed escapes show as text


def test_text_report_lines_cannot_be_forged(hostile_project: Path) -> None:
    out = report(hostile_project, "text")
    starts = {line.split(" ")[0] for line in out.splitlines() if line and not line[0].isspace()}
    assert starts <= {"PASS", "FAIL", "BROKEN", "5"}, starts
    assert sum(line.startswith(("PASS", "FAIL", "BROKEN")) for line in out.splitlines()) == 5


def _outside_code(html: str) -> str:
    return re.sub(r"<code>.*?</code>", "", html, flags=re.DOTALL)


@pytest.mark.parametrize("renderer", ["markdown_it", "cmarkgfm"])
def test_markdown_renders_feed_text_only_inside_code(hostile_project: Path, renderer: str) -> None:
    markdown = report(hostile_project, "markdown")
    if renderer == "cmarkgfm":
        import cmarkgfm

        unsafe = cmarkgfm.cmark.Options.CMARK_OPT_UNSAFE  # keep raw HTML, to see if any got out
        html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=unsafe)
    else:
        import markdown_it

        html = markdown_it.MarkdownIt("commonmark").enable("table").render(markdown)
    outside = _outside_code(html)
    for tag in ("<script", "<img", "<a ", "<b>", "<iframe"):
        assert tag not in outside, tag
    for word in ("alert", "octocat", "javascript", "evil", "RED", "forged"):
        assert word not in outside, word
    assert "alert(1)" in html  # it is there, inside code


def test_junit_is_valid_xml_with_inert_text(hostile_project: Path) -> None:
    root = ET.fromstring(report(hostile_project, "junit"))
    values = [root.text or ""]
    for element in root.iter():
        values += [element.text or "", element.tail or "", *element.attrib.values()]
    joined = "".join(values)
    assert RAW_CONTROL.findall(joined.replace("\n", " ")) == []
    assert "<script>alert(1)</script>" in joined  # as text, escaped in the file
    assert root.find(".//script") is None
