"""The Markdown report of a check: exact text, titles, inert against hostile feed text."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import given
from report_samples import (
    BROKEN,
    FAILING,
    HOSTILE_RESULT,
    NO_LINK,
    PASSING,
    PROPERTY,
    RESULTS,
    SMALL,
    UNCLAIMED,
    dateline,
)

from harness.model import CassetteResult, Result
from harness.report.result_markdown import render_markdown
from harness.textsafe import terminal_safe

# --- MARKDOWN ------------------------------------------------------------------------------------

SMALL_MARKDOWN = """\
# feedharness: 1 of 3 cassettes failed, 1 broken (2 errors, 1 warning)

| Cassette | Feed | Outcome | Items | Errors | Warnings |
| --- | --- | --- | ---: | ---: | ---: |
| `cassettes/rfi-zh.yaml` | `rfi-zh` | **fail** | 12 | 2 | 1 |
| `cassettes/other.yaml` | _unclaimed_ | pass | 3 | 0 | 0 |
| `cassettes/down.yaml` | `voa-zh` | **broken** | 0 | 0 | 0 |

## Failed: `cassettes/rfi-zh.yaml`

Feed `rfi-zh` · parser `feedx-rfi` · URL `https://www.rfi.fr/cn/rss` · 12 items · 2 errors · 1 warning

### `timestamp-matches-dateline`: 2 errors

- item 4 id `a4` url `https://www.rfi.fr/cn/a4` · `dateline/time`: `10:00` → `11:00` · `timestamp is 1h off the date line`
- item 7 id `a7` url `https://www.rfi.fr/cn/a7` · `dateline/time`: `10:00` → `11:00` · `timestamp is 1h off the date line`

### `items-have-links`: 1 warning

- item 9 · field `url` · `item has no link` _(warning)_

## Broken: `cassettes/down.yaml`

Feed `voa-zh` · parser `rss` · URL `https://www.voachinese.com/rss`

**`transport` error:** `HTTP 503 Service Unavailable`
"""


def test_markdown_exact() -> None:
    assert render_markdown(SMALL) == SMALL_MARKDOWN


@pytest.mark.parametrize(
    ("cassettes", "title"),
    [
        ((), "# feedharness: no cassettes checked"),
        ((PASSING,), "# feedharness: 1 cassette passed"),
        ((PASSING,) * 7, "# feedharness: all 7 cassettes passed"),
        (
            (UNCLAIMED, replace(PASSING, violations=(NO_LINK,))),
            "# feedharness: all 2 cassettes passed (1 warning)",
        ),
        (
            (FAILING,) + (PASSING,) * 6,
            "# feedharness: 1 of 7 cassettes failed (2 errors, 1 warning)",
        ),
        ((BROKEN, PASSING), "# feedharness: 1 of 2 cassettes broken"),
        (
            (BROKEN, FAILING, FAILING),
            "# feedharness: 2 of 3 cassettes failed, 1 broken (4 errors, 2 warnings)",
        ),
    ],
)
def test_markdown_title(cassettes: tuple[CassetteResult, ...], title: str) -> None:
    assert render_markdown(Result(cassettes=cassettes)).splitlines()[0] == title


def test_markdown_has_sections_only_for_failing_cassettes_and_three_examples() -> None:
    many = replace(FAILING, violations=tuple(dateline(i) for i in range(5)))
    text = render_markdown(Result(cassettes=(many, PASSING)))
    assert text.count("\n## ") == 1
    assert "ok.yaml" not in text.split("\n## ")[1]
    assert text.count("\n- item ") == 3
    assert "\n- … and 2 more\n" in text


def split_code_spans(line: str) -> tuple[str, list[str]]:
    """Split one line as CommonMark does (spec 6.1): text outside code spans, span contents."""
    outside, spans, pos = [], [], 0
    runs = list(re.finditer("`+", line))
    for i, run in enumerate(runs):
        if run.start() < pos:
            continue
        closer = next((r for r in runs[i + 1 :] if len(r.group()) == len(run.group())), None)
        if closer is None:
            continue  # an unmatched run is literal text
        outside.append(line[pos : run.start()])
        spans.append(line[run.end() : closer.start()])
        pos = closer.end()
    outside.append(line[pos:])
    return "\N{WHITE SQUARE}".join(outside), spans


OUR_CHARS = re.compile(r"[A-Za-z0-9 #|\-:*_(),+·→…\N{WHITE SQUARE}]*")


def assert_inert(markdown: str) -> None:
    """Outside code spans only our wording; inside them no control, newline or unescaped pipe."""
    for line in markdown.split("\n"):
        outside, spans = split_code_spans(line)
        assert OUR_CHARS.fullmatch(outside), f"foreign text outside code spans: {outside!r}"
        for word in ("script", "someone", "javascript", "click", "heading", "hidden", "evil"):
            assert word not in outside
        if line.startswith("|"):
            assert outside.count("|") == 7, f"table row split: {line!r}"
            assert all(not re.search(r"(?<!\\)\|", span) for span in spans)
        assert all(terminal_safe(span) == span for span in spans)


def test_markdown_keeps_hostile_text_inside_code_spans() -> None:
    markdown = render_markdown(HOSTILE_RESULT)
    assert_inert(markdown)
    spans = [s for line in markdown.split("\n") for s in split_code_spans(line)[1]]
    for needle in ("<script>alert(1)</script>", "@someone", "](javascript:", "<!-- hidden -->"):
        assert any(needle in span for span in spans), needle
    assert any("\\x1b[31mred" in span and "\\u202eevil" in span for span in spans)


@given(RESULTS)
@PROPERTY
def test_markdown_of_any_result_is_inert(result: Result) -> None:
    assert_inert(render_markdown(result))


def _html(renderer: str, markdown: str) -> str:
    if renderer == "cmarkgfm":  # GitHub's own parser, with its autolink and table extensions
        import cmarkgfm

        unsafe = cmarkgfm.cmark.Options.CMARK_OPT_UNSAFE  # keep raw HTML, to see if any got through
        html: str = cmarkgfm.github_flavored_markdown_to_html(markdown, options=unsafe)
        return html
    import markdown_it

    return str(markdown_it.MarkdownIt("commonmark").enable("table").render(markdown))


@pytest.mark.parametrize("renderer", ["markdown_it", "cmarkgfm"])
def test_markdown_rendered_by_a_real_parser_has_nothing_active(renderer: str) -> None:
    html = _html(renderer, render_markdown(HOSTILE_RESULT))
    outside = re.sub(r"<code>.*?</code>", "", html, flags=re.DOTALL)
    for needle in ("<script", "<a ", "href", "@someone", "javascript", "<!--", "&lt;", "heading"):
        assert needle not in outside, needle
    assert "<code>&lt;script&gt;alert(1)&lt;/script&gt; @someone" in html
    assert "<td><code>" in html
    assert html.count("<tr>") == 4  # header + 3 rows, none split


OUR_TAGS = {"h1", "h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "ul", "li"}
OUR_TAGS |= {"strong", "em", "code"}


@pytest.mark.parametrize("renderer", ["markdown_it", "cmarkgfm"])
@given(result=RESULTS)
@PROPERTY
def test_markdown_of_any_result_renders_only_our_structure(renderer: str, result: Result) -> None:
    html = _html(renderer, render_markdown(result))
    assert set(re.findall(r"</?([a-z0-9]+)", html)) <= OUR_TAGS
    outside = re.sub(r"<code>.*?</code>", "", html, flags=re.DOTALL)
    assert "&lt;" not in outside
    assert "&amp;" not in outside
    if result.cassettes:
        assert html.count("<tr>") == len(result.cassettes) + 1
        assert html.count("<td") == 6 * len(result.cassettes)


INTERNAL = replace(BROKEN, error_kind="internal", error="TypeError: boom")


def test_markdown_says_what_an_internal_error_is_and_what_to_do() -> None:
    blocks = render_markdown(Result(cassettes=(INTERNAL,))).split("\n\n")
    at = blocks.index("**`internal` error:** `TypeError: boom`")
    assert blocks[at + 1].startswith("**Hint:** This is a bug in feedharness")
    assert "Hint" not in render_markdown(SMALL)
