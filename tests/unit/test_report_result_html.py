"""The HTML check report: a page of our own structure, whatever the feed text says."""

from __future__ import annotations

import io

import lxml.html
from hypothesis import given
from report_samples import HOSTILE_RESULT, PROPERTY, RESULTS, SMALL

from harness.model import Result
from harness.report.result import Format, render, write
from harness.report.result_html import render_html
from harness.textsafe import terminal_safe

_OURS = {
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "table", "tr", "th",
    "td", "code", "pre", "p", "b", "i", "ul", "li", "span", "small",
}  # fmt: skip
_ATTRIBUTES = {"class", "lang", "charset", "http-equiv", "content"}


def _structure(page: str) -> lxml.html.HtmlElement:
    root = lxml.html.document_fromstring(page)
    for element in root.iter():
        assert element.tag in _OURS, element.tag
        assert set(element.attrib) <= _ATTRIBUTES, element.attrib
    assert root.find(".//meta[@http-equiv]").get("content").startswith("default-src 'none'")
    return root


def test_hostile_text_stays_text() -> None:
    page = render_html(HOSTILE_RESULT)
    root = _structure(page)
    text = root.text_content()
    assert "<script>alert(1)</script>" in text  # shown, as text
    assert "\\x1b[31mred" in text
    assert "\\u202eevil" in text
    assert "\x1b" not in page
    assert "\u202e" not in page


@given(RESULTS)
@PROPERTY
def test_any_result_gives_only_our_structure(result: Result) -> None:
    page = render_html(result)
    _structure(page)
    assert terminal_safe(page.replace("\n", "")) == page.replace("\n", "")  # no raw controls


def test_the_page_names_each_cassette_and_each_failing_check() -> None:
    root = _structure(render_html(SMALL))
    rows = root.findall(".//table//tr")[1:]
    assert [r.find("td/code").text_content() for r in rows] == [c.path for c in SMALL.cassettes]
    headings = [h.text_content() for h in root.iter("h2")]
    assert headings[0].startswith("Failed: cassettes/rfi-zh.yaml")
    assert any(h.startswith("Broken:") for h in headings)
    assert "timestamp-matches-dateline" in root.text_content()


def test_streamed_page_equals_the_whole_results() -> None:
    out = io.StringIO()
    tally = write(iter(SMALL.cassettes), Format.HTML, out)
    assert out.getvalue() == render(SMALL, Format.HTML)
    assert tally.exit_code == SMALL.exit_code
