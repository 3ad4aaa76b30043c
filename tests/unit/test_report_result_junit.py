"""The JUnit report of a check: structure, counts, no time or host, XML-forbidden text."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

from hypothesis import given
from report_samples import (
    BROKEN,
    FAILING,
    PROPERTY,
    RESULTS,
    SMALL,
    dateline,
)

from harness.model import Outcome, Result
from harness.report.result_junit import render_junit
from harness.textsafe import terminal_safe

# --- JUNIT ---------------------------------------------------------------------------------------


def parse_junit(result: Result) -> ET.Element:
    text = render_junit(result)
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


INTERNAL = replace(BROKEN, error_kind="internal", error="TypeError: boom")


def test_junit_internal_error_carries_what_to_do() -> None:
    error = parse_junit(Result(cassettes=(INTERNAL,))).find("testsuite/testcase/error")
    assert error is not None
    assert (error.get("type"), error.get("message")) == (
        "internal",
        "internal: TypeError: boom",
    )
    message, advice = (error.text or "").split("\n")
    assert message == "TypeError: boom"
    assert advice.startswith("This is a bug in feedharness")
