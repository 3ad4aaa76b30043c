"""A check's `Result` -> JUnit XML for CI: a testsuite per cassette, a testcase per check.

Built with ElementTree, which escapes attributes and text; `xml_safe` first turns the
characters XML 1.0 forbids (and terminal controls, bidi overrides) into visible escapes.
No timestamp, time or hostname attribute is written, so the output depends only on the Result.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import TextIO

from harness.findings import DRIFT_CHECK, Finding
from harness.model import CassetteResult, Outcome, Result, Severity, Violation
from harness.report.common import plural
from harness.report.finding import text_lines
from harness.report.result_common import (
    MESSAGE_WIDTH,
    Tally,
    copy_spool,
    entry_label,
    error_advice,
    skipped_line,
    spool,
    violation_line,
)
from harness.textsafe import shorten, xml_safe
from harness.verdict import fails

__all__ = ["render_junit", "write_junit"]

MAX_LINES = 100  # violation lines per <failure> / <system-out>; the rest are counted


def render_junit(result: Result) -> str:
    """Render result as JUnit XML (testsuites > testsuite per cassette > testcase per check)."""
    out = io.StringIO()
    write_junit(result.cassettes, out)
    return out.getvalue()


def write_junit(results: Iterable[CassetteResult], out: TextIO) -> Tally:
    """`render_junit` from a stream of results (the same text); returns the counts.

    The root element's counts are known last: each cassette's testsuite is serialized to a
    spool as it arrives (indented as `ET.indent` would in the whole tree), then the root's
    start tag with the totals, the spooled suites and the end tag are written.
    """
    tally = Tally()
    totals = [0, 0, 0, 0]  # tests, failures, errors, skipped
    with spool() as suites:
        for c in results:
            tally.add(c)
            suite = _suite(c)
            totals = [a + b for a, b in zip(totals, _counts(list(suite)), strict=True)]
            ET.indent(suite, level=1)
            suite.tail = None
            suites.write("  " + ET.tostring(suite, encoding="unicode") + "\n")
        root = ET.Element("testsuites", name="feedharness")
        _set_total(root, *totals)
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        if not tally.summary().cassettes:
            out.write(ET.tostring(root, encoding="unicode") + "\n")
            return tally
        root.text = "\n"
        start = ET.tostring(root, encoding="unicode").removesuffix("\n</testsuites>")
        out.write(start + "\n")
        copy_spool(suites, out)
        out.write("</testsuites>\n")
    return tally


def _counts(cases: list[ET.Element]) -> tuple[int, int, int, int]:
    """(tests, failures, errors, skipped) among testcases."""
    return (
        len(cases),
        sum(1 for case in cases if case.find("failure") is not None),
        sum(1 for case in cases if case.find("error") is not None),
        sum(1 for case in cases if case.find("skipped") is not None),
    )


def _set_counts(element: ET.Element, cases: list[ET.Element]) -> None:
    _set_total(element, *_counts(cases))


def _set_total(element: ET.Element, tests: int, failures: int, errors: int, skipped: int) -> None:
    element.set("tests", str(tests))
    element.set("failures", str(failures))
    element.set("errors", str(errors))
    if skipped:  # only then: reports with nothing skipped stay as they were
        element.set("skipped", str(skipped))


def _classname(c: CassetteResult) -> str:
    return "feedharness." + xml_safe(c.feed if c.feed is not None else "unclaimed")


def _suite(c: CassetteResult) -> ET.Element:
    suite = ET.Element("testsuite", name=xml_safe(entry_label(c)))
    if c.outcome is Outcome.BROKEN:
        cases = [_load_case(c)]
    elif c.outcome is Outcome.SKIPPED:
        cases = []
    else:
        cases = [_check_case(c, check) for check in _check_names(c)]
    cases += [_skipped_case(c, n) for n in range(len(c.skipped))]
    _set_counts(suite, cases)
    suite.extend(cases)
    return suite


def _check_names(c: CassetteResult) -> list[str]:
    """The configured checks in order, then checks that only appear in violations (by name)."""
    extra = sorted({v.check for v in c.violations} - set(c.checks))
    return list(dict.fromkeys(c.checks)) + extra


def _skipped_case(c: CassetteResult, n: int) -> ET.Element:
    """An interaction of the cassette that is not a feed: a skipped testcase saying why."""
    skipped = c.skipped[n]
    case = ET.Element("testcase", classname="feedharness.skipped", name=f"#{skipped.interaction}")
    message = xml_safe(skipped_line(skipped))
    if c.skip_reason is not None:
        message = f"{message} ({xml_safe(c.skip_reason)})"
    ET.SubElement(case, "skipped", message=message)
    return case


def _load_case(c: CassetteResult) -> ET.Element:
    case = ET.Element("testcase", classname=_classname(c), name="load")
    kind = xml_safe(c.error_kind or "error")
    message = xml_safe(c.error or "")
    advice = error_advice(c.error_kind)
    text = message if advice is None else f"{message}\n{advice}"
    ET.SubElement(case, "error", message=f"{kind}: {message}", type=kind).text = text
    return case


def _lines(violations: list[Violation]) -> str:
    lines = [violation_line(v) for v in violations[:MAX_LINES]]
    if len(violations) > MAX_LINES:
        lines.append(f"... and {len(violations) - MAX_LINES} more")
    return "\n".join(lines)


def _check_case(c: CassetteResult, check: str) -> ET.Element:
    """A check's testcase: what fails the run (at or above fail-on) a failure, the rest output."""
    case = ET.Element("testcase", classname=_classname(c), name=xml_safe(check))
    mine = [v for v in c.violations if v.check == check]
    failing = [v for v in mine if fails(v.severity, c.fail_on)]
    others = [v for v in mine if not fails(v.severity, c.fail_on)]
    drift = list(c.findings) if check == DRIFT_CHECK else []
    failing_drift = [f for f in drift if fails(f.level, c.fail_on)]
    text = "\n".join([_lines(failing), *_finding_lines(failing_drift)])
    if failing or failing_drift:
        first = failing[0].message if failing else failing_drift[0].title
        count = len(failing) + len(failing_drift)
        noun = "error" if c.fail_on is Severity.ERROR else "failing finding"
        message = f"{plural(count, noun)}: {xml_safe(shorten(first, MESSAGE_WIDTH))}"
        ET.SubElement(case, "failure", message=message, type="error").text = text.strip()
    rest = [f for f in drift if not fails(f.level, c.fail_on)]
    out = "\n".join([_lines(others), *_finding_lines(rest)]).strip()
    if out:
        ET.SubElement(case, "system-out").text = out
    return case


def _finding_lines(findings: list[Finding]) -> list[str]:
    return [xml_safe(line) for f in findings for line in text_lines(f, "")]
