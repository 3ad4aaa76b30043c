"""Report formats: exact text, JSON against its schema, inert Markdown, well-formed JUnit."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from harness import __version__
from harness.errors import ConfigError
from harness.model import CassetteResult, Outcome, Result, Severity, Violation
from harness.report.result import ERROR_KINDS, Format, render, to_json_data
from harness.textsafe import terminal_safe

SCHEMA = json.loads(
    (Path(__file__).parents[2] / "schemas" / "report.schema.json").read_text(encoding="utf-8")
)
VALIDATOR = Draft202012Validator(SCHEMA)
PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def dateline(index: int, severity: Severity = Severity.ERROR) -> Violation:
    return Violation(
        "timestamp-matches-dateline",
        "timestamp is 1h off the date line",
        field="dateline/time",
        observed="10:00",
        expected="11:00",
        item_index=index,
        item_id=f"a{index}",
        item_url=f"https://www.rfi.fr/cn/a{index}",
        severity=severity,
    )


NO_LINK = Violation(
    "items-have-links", "item has no link", field="url", item_index=9, severity=Severity.WARNING
)
FAILING = CassetteResult(
    path="cassettes/rfi-zh.yaml",
    feed="rfi-zh",
    url="https://www.rfi.fr/cn/rss",
    parser="feedx-rfi",
    schema="article",
    dialect="rss2.0",
    items=12,
    checks=("schema", "timestamp-matches-dateline", "items-have-links"),
    violations=(dateline(4), dateline(7), NO_LINK),
)
UNCLAIMED = CassetteResult(
    path="cassettes/other.yaml",
    feed=None,
    url="https://example.org/feed",
    parser="rss",
    schema="feed-item",
    dialect="atom1.0",
    items=3,
    checks=("schema",),
    notes=("no configured feed claims this URL: checked with rss",),
)
BROKEN = CassetteResult(
    path="cassettes/down.yaml",
    feed="voa-zh",
    url="https://www.voachinese.com/rss",
    parser="rss",
    schema="feed-item",
    error_kind="transport",
    error="HTTP 503 Service Unavailable",
)
PASSING = replace(UNCLAIMED, path="cassettes/ok.yaml", feed="ok", notes=())
SMALL = Result(cassettes=(FAILING, UNCLAIMED, BROKEN))

HOSTILE = (
    "<script>alert(1)</script> @someone [click](javascript:alert(1)) ](javascript:"
    " ` `` ``` ```` ````` |pipe| \n# heading\r\n\x1b[31mred\x1b[0m \u202eevil\u202c"
    " <!-- hidden --> https://evil.example/x"
)
HOSTILE_VIOLATION = Violation(
    HOSTILE,
    HOSTILE,
    field=HOSTILE,
    observed=HOSTILE,
    expected=HOSTILE,
    item_index=0,
    item_id=HOSTILE,
    item_url=HOSTILE,
)
HOSTILE_RESULT = Result(
    cassettes=(
        CassetteResult(
            path=HOSTILE,
            feed=HOSTILE,
            url=HOSTILE,
            parser=HOSTILE,
            schema=HOSTILE,
            items=1,
            checks=(HOSTILE,),
            violations=(HOSTILE_VIOLATION,) * 5,
            notes=(HOSTILE,),
        ),
        replace(BROKEN, path=HOSTILE, feed=HOSTILE, error_kind=HOSTILE, error=HOSTILE),
        replace(UNCLAIMED, path=HOSTILE, parser=HOSTILE, violations=(HOSTILE_VIOLATION,)),
    )
)

# --- strategies over the model ---------------------------------------------------------------

_SPICE = st.sampled_from(["\x1b[31m", "\u202e", "\x00", "\n", "\r", "\x85", "`", "``", "|", "<"])
TEXT = st.lists(st.one_of(st.text(max_size=12), _SPICE), max_size=4).map("".join)
NAMES = st.sampled_from(["schema", "items-have-links", "date-parseable", "a|b", "x`y"])
VIOLATIONS = st.builds(
    Violation,
    check=NAMES | TEXT,
    message=TEXT,
    field=TEXT,
    observed=st.none() | TEXT,
    expected=st.none() | TEXT,
    item_index=st.none() | st.integers(0, 10**6),
    item_id=st.none() | TEXT,
    item_url=st.none() | TEXT,
    severity=st.sampled_from(Severity),
)
CASSETTES = st.builds(
    CassetteResult,
    path=TEXT,
    feed=st.none() | TEXT,
    url=st.none() | TEXT,
    parser=st.none() | TEXT,
    schema=st.none() | TEXT,
    dialect=st.none() | TEXT,
    items=st.integers(0, 10**6),
    checks=st.lists(NAMES | TEXT, max_size=4).map(tuple),
    violations=st.lists(VIOLATIONS, max_size=6).map(tuple),
    error_kind=st.none() | st.sampled_from(ERROR_KINDS) | TEXT,
    error=st.none() | TEXT,
    notes=st.lists(TEXT, max_size=2).map(tuple),
)
RESULTS = st.builds(Result, cassettes=st.lists(CASSETTES, max_size=4).map(tuple))


# --- render() ------------------------------------------------------------------------------------


def test_render_takes_format_names() -> None:
    assert render(SMALL, "json") == render(SMALL, Format.JSON)


def test_render_refuses_an_unknown_format_and_lists_the_valid_ones() -> None:
    with pytest.raises(
        ConfigError, match=r"'html'; valid formats are: text, json, markdown, junit"
    ):
        render(SMALL, "html")


@pytest.mark.parametrize("fmt", list(Format))
def test_output_depends_only_on_the_result(fmt: Format) -> None:
    copy = Result(cassettes=tuple(replace(c) for c in SMALL.cassettes))
    assert render(SMALL, fmt) == render(copy, fmt)
    assert render(SMALL, fmt).endswith("\n")


# --- TEXT ----------------------------------------------------------------------------------------

SMALL_TEXT = """\
FAIL   cassettes/rfi-zh.yaml · rfi-zh · parser feedx-rfi · 12 items · 3 checks · 2 errors, 1 warning
  timestamp-matches-dateline: 2 errors
    item 4 id=a4 url=https://www.rfi.fr/cn/a4 · dateline/time: "10:00" → "11:00" · timestamp is 1h off the date line
    item 7 id=a7 url=https://www.rfi.fr/cn/a7 · dateline/time: "10:00" → "11:00" · timestamp is 1h off the date line
  items-have-links: 1 warning
    item 9 · field url · item has no link (warning)
PASS   cassettes/other.yaml · (unclaimed: checked with rss + generic checks) · parser rss · 3 items · 1 check · 0 errors, 0 warnings
  note: no configured feed claims this URL: checked with rss
BROKEN cassettes/down.yaml · voa-zh · parser rss
  transport error: HTTP 503 Service Unavailable

3 cassettes: 1 passed, 1 failed, 1 broken · 15 items · 2 errors, 1 warning
"""


def test_text_exact() -> None:
    assert render(SMALL, Format.TEXT) == SMALL_TEXT


def test_text_of_an_empty_run() -> None:
    assert render(Result(), Format.TEXT) == (
        "0 cassettes: 0 passed, 0 failed, 0 broken · 0 items · 0 errors, 0 warnings\n"
    )


def test_text_shows_three_examples_per_check_then_counts_the_rest() -> None:
    many = replace(FAILING, violations=tuple(dateline(i) for i in range(5)))
    lines = render(Result(cassettes=(many,)), Format.TEXT).splitlines()
    assert lines[1] == "  timestamp-matches-dateline: 5 errors"
    assert [line[:10] for line in lines[2:5]] == ["    item 0", "    item 1", "    item 2"]
    assert lines[5] == "    ... and 2 more"


def test_text_puts_error_checks_first_and_errors_first_within_a_check() -> None:
    mixed = replace(FAILING, violations=(NO_LINK, dateline(1, Severity.WARNING), dateline(2)))
    lines = render(Result(cassettes=(mixed,)), Format.TEXT).splitlines()
    assert lines[1] == "  timestamp-matches-dateline: 1 error, 1 warning"
    assert lines[2].startswith("    item 2 ")
    assert lines[3].startswith("    item 1 ")
    assert lines[3].endswith(" (warning)")
    assert lines[4] == "  items-have-links: 1 warning"


def test_text_neutralises_hostile_feed_text() -> None:
    text = render(HOSTILE_RESULT, Format.TEXT)
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)
    assert "\\x1b[31mred" in text
    assert "\\u202eevil" in text
    # every line is one of ours: nothing the feed wrote started a line
    assert all(
        re.match(r"(PASS|FAIL|BROKEN|  \S|    \S|\d+ cassettes|$)", ln) for ln in text.split("\n")
    )


def test_text_shortens_long_values() -> None:
    long = replace(dateline(1), observed="x" * 5000, item_url="https://e.org/" + "p" * 5000)
    text = render(Result(cassettes=(replace(FAILING, violations=(long,)),)), Format.TEXT)
    assert max(len(line) for line in text.splitlines()) < 500
    assert "x…" in text


def test_text_colour_only_wraps_our_labels() -> None:
    coloured = render(HOSTILE_RESULT, Format.TEXT, color=True)
    sgr = re.compile(r"\x1b\[\d+m")
    assert sgr.search(coloured)
    assert sgr.sub("", coloured) == render(HOSTILE_RESULT, Format.TEXT)
    assert "\x1b[31mFAIL  \x1b[0m" in render(SMALL, Format.TEXT, color=True)


@given(RESULTS)
@PROPERTY
def test_text_never_carries_a_control_character(result: Result) -> None:
    text = render(result, Format.TEXT)
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028]", text)
    assert text.splitlines()[-1].startswith(f"{len(result.cassettes)} cassette")


# --- JSON ----------------------------------------------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize(
    "result",
    [
        Result(),
        Result(cassettes=(PASSING,)),
        Result(cassettes=(FAILING,)),
        Result(cassettes=(BROKEN,)),
        Result(cassettes=(UNCLAIMED,)),
        SMALL,
        HOSTILE_RESULT,
    ],
    ids=["empty", "pass", "fail", "broken", "unclaimed", "mixed", "hostile"],
)
def test_json_validates_against_the_schema(result: Result) -> None:
    data = json.loads(render(result, Format.JSON))
    VALIDATOR.validate(data)
    assert data == to_json_data(result)


def test_json_fields() -> None:
    data = to_json_data(SMALL)
    assert (data["tool"], data["version"]) == ("feedharness", __version__)
    assert data["summary"] == {
        "cassettes": 3,
        "passed": 1,
        "failed": 1,
        "broken": 1,
        "items": 15,
        "errors": 2,
        "warnings": 1,
        "exit_code": 2,
    }
    failing, unclaimed, broken = data["cassettes"]
    assert failing["violations"][2] == {
        "check": "items-have-links",
        "severity": "warning",
        "message": "item has no link",
        "field": "url",
        "observed": None,
        "expected": None,
        "item": {"index": 9, "id": None, "url": None},
    }
    assert (unclaimed["feed"], unclaimed["outcome"], unclaimed["error"]) == (None, "pass", None)
    assert broken["error"] == {"kind": "transport", "message": "HTTP 503 Service Unavailable"}


@pytest.mark.parametrize("kind", [None, "internal"])
def test_json_writes_a_missing_or_unlisted_error_kind_as_unknown(kind: str | None) -> None:
    data = to_json_data(Result(cassettes=(replace(BROKEN, error_kind=kind),)))
    assert data["cassettes"][0]["error"]["kind"] == "unknown"
    VALIDATOR.validate(data)


def test_json_escapes_what_a_terminal_would_act_on_but_keeps_the_text() -> None:
    text = render(HOSTILE_RESULT, Format.JSON)
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)
    assert json.loads(text)["cassettes"][0]["feed"] == HOSTILE


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("extra",), 1),
        (("summary", "exit_code"), 3),
        (("cassettes", 0, "outcome"), "ok"),
        (("cassettes", 0, "violations", 0, "severity"), "info"),
        (("cassettes", 0, "violations", 0, "item", "index"), -1),
        (("cassettes", 0, "outcome"), "pass"),  # a pass cannot carry error-level violations
        (("cassettes", 2, "error"), None),  # a broken cassette must say why
    ],
)
def test_schema_rejects_malformed_reports(path: tuple[Any, ...], value: Any) -> None:
    data = to_json_data(SMALL)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert not VALIDATOR.is_valid(data)


@given(RESULTS)
@PROPERTY
def test_json_of_any_result_validates_and_round_trips_the_counts(result: Result) -> None:
    data = json.loads(render(result, Format.JSON))
    VALIDATOR.validate(data)
    assert data == to_json_data(result)
    outcomes = [c.outcome for c in result.cassettes]
    severities = [v.severity for c in result.cassettes for v in c.violations]
    summary = data["summary"]
    assert summary["cassettes"] == len(result.cassettes)
    assert summary["passed"] == outcomes.count(Outcome.PASS)
    assert summary["failed"] == outcomes.count(Outcome.FAIL)
    assert summary["broken"] == outcomes.count(Outcome.BROKEN)
    assert summary["items"] == sum(c.items for c in result.cassettes)
    assert summary["errors"] == severities.count(Severity.ERROR)
    assert summary["warnings"] == severities.count(Severity.WARNING)
    assert summary["exit_code"] == result.exit_code
    assert [len(c["violations"]) for c in data["cassettes"]] == [
        len(c.violations) for c in result.cassettes
    ]


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
    assert render(SMALL, Format.MARKDOWN) == SMALL_MARKDOWN


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
    assert render(Result(cassettes=cassettes), Format.MARKDOWN).splitlines()[0] == title


def test_markdown_has_sections_only_for_failing_cassettes_and_three_examples() -> None:
    many = replace(FAILING, violations=tuple(dateline(i) for i in range(5)))
    text = render(Result(cassettes=(many, PASSING)), Format.MARKDOWN)
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
    markdown = render(HOSTILE_RESULT, Format.MARKDOWN)
    assert_inert(markdown)
    spans = [s for line in markdown.split("\n") for s in split_code_spans(line)[1]]
    for needle in ("<script>alert(1)</script>", "@someone", "](javascript:", "<!-- hidden -->"):
        assert any(needle in span for span in spans), needle
    assert any("\\x1b[31mred" in span and "\\u202eevil" in span for span in spans)


@given(RESULTS)
@PROPERTY
def test_markdown_of_any_result_is_inert(result: Result) -> None:
    assert_inert(render(result, Format.MARKDOWN))


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
    html = _html(renderer, render(HOSTILE_RESULT, Format.MARKDOWN))
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
    html = _html(renderer, render(result, Format.MARKDOWN))
    assert set(re.findall(r"</?([a-z0-9]+)", html)) <= OUR_TAGS
    outside = re.sub(r"<code>.*?</code>", "", html, flags=re.DOTALL)
    assert "&lt;" not in outside
    assert "&amp;" not in outside
    if result.cassettes:
        assert html.count("<tr>") == len(result.cassettes) + 1
        assert html.count("<td") == 6 * len(result.cassettes)


# --- JUNIT ---------------------------------------------------------------------------------------


def parse_junit(result: Result) -> ET.Element:
    text = render(result, Format.JUNIT)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.encode("utf-8"))


def test_junit_counts_and_structure() -> None:
    root = parse_junit(SMALL)
    assert root.tag == "testsuites"
    assert dict(root.attrib) == {
        "name": "feedharness",
        "tests": "5",
        "failures": "1",
        "errors": "1",
    }
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [c.path for c in SMALL.cassettes]
    assert [(s.get("tests"), s.get("failures"), s.get("errors")) for s in suites] == [
        ("3", "1", "0"),
        ("1", "0", "0"),
        ("1", "0", "1"),
    ]
    cases = suites[0].findall("testcase")
    assert [c.get("name") for c in cases] == list(FAILING.checks)
    assert {c.get("classname") for c in cases} == {"feedharness.rfi-zh"}
    failure = cases[1].find("failure")
    assert failure is not None
    assert failure.get("message") == "2 errors: timestamp is 1h off the date line"
    assert failure.text is not None
    assert len(failure.text.splitlines()) == 2
    assert cases[2].find("failure") is None
    assert cases[2].findtext("system-out") == "item 9 · field url · item has no link (warning)"
    assert suites[1].find("testcase").get("classname") == "feedharness.unclaimed"  # type: ignore[union-attr]


def test_junit_broken_cassette_is_one_load_error() -> None:
    (case,) = parse_junit(Result(cassettes=(BROKEN,))).iter("testcase")
    assert (case.get("name"), case.get("classname")) == ("load", "feedharness.voa-zh")
    error = case.find("error")
    assert error is not None
    assert error.get("message") == "transport: HTTP 503 Service Unavailable"
    assert error.get("type") == "transport"


def test_junit_adds_checks_that_only_appear_in_violations() -> None:
    extra = replace(FAILING, checks=("schema",))
    names = [c.get("name") for c in parse_junit(Result(cassettes=(extra,))).iter("testcase")]
    assert names == ["schema", "items-have-links", "timestamp-matches-dateline"]


def test_junit_has_no_time_or_host_attributes() -> None:
    root = parse_junit(SMALL)
    attributes = {name for element in root.iter() for name in element.attrib}
    assert not attributes & {"timestamp", "time", "hostname"}


def test_junit_survives_characters_xml_forbids() -> None:
    nasty = "\x00\x01\x1b[31m\x0b\x0c\ufffe\uffff\ud800\u202e"
    bad = replace(dateline(1), message=nasty, observed=nasty, item_id=nasty)
    result = Result(cassettes=(replace(FAILING, path=nasty, feed=nasty, violations=(bad,)),))
    root = parse_junit(result)
    suite = root.find("testsuite")
    assert suite is not None
    assert suite.get("name") == terminal_safe(nasty)
    assert "\\x00\\x01\\x1b[31m" in ET.tostring(root, encoding="unicode")


@given(RESULTS)
@PROPERTY
def test_junit_of_any_result_parses_with_consistent_counts(result: Result) -> None:
    root = parse_junit(result)
    cases = list(root.iter("testcase"))
    assert root.get("tests") == str(len(cases))
    assert root.get("failures") == str(sum(c.find("failure") is not None for c in cases))
    assert root.get("errors") == str(sum(c.outcome is Outcome.BROKEN for c in result.cassettes))
    assert len(root.findall("testsuite")) == len(result.cassettes)
