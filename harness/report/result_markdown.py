"""A check's `Result` -> Markdown for a GitHub issue or pull request; feed text made inert.

Anything taken from the Result (paths, names, ids, URLs, values, messages, errors, notes) is
written only through `md_code` / `md_table_cell`: a code span no content can close, with
controls escaped. Outside code spans there is only our own fixed wording and numbers, so no
HTML, link, autolink, mention, comment or table break can come from a feed.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TextIO

from harness.model import CassetteResult, Outcome, Result, Severity, Violation
from harness.report.common import plural
from harness.report.finding import markdown_blocks
from harness.report.result_common import (
    EXAMPLES_PER_CHECK,
    ID_WIDTH,
    MESSAGE_WIDTH,
    URL_WIDTH,
    VALUE_WIDTH,
    Summary,
    Tally,
    cassette_counts,
    copy_spool,
    entry_label,
    error_advice,
    group_by_check,
    severity_counts,
    spool,
)
from harness.textsafe import md_code, md_table_cell, shorten

__all__ = ["render_markdown", "summary_title", "write_markdown"]

_OUTCOME_CELLS = {
    Outcome.PASS: "pass",
    Outcome.FAIL: "**fail**",
    Outcome.BROKEN: "**broken**",
    Outcome.SKIPPED: "skipped",
}
_TABLE_HEAD = (
    "| Cassette | Feed | Outcome | Items | Errors | Warnings |\n"
    "| --- | --- | --- | ---: | ---: | ---: |"
)


def render_markdown(result: Result) -> str:
    """Render result as GitHub-flavoured Markdown: title, summary table, failing cassettes."""
    out = io.StringIO()
    write_markdown(result.cassettes, out)
    return out.getvalue()


def write_markdown(results: Iterable[CassetteResult], out: TextIO) -> Tally:
    """`render_markdown` from a stream of results (the same text); returns the counts.

    The title (totals) comes first: the table rows, the sections of failing cassettes (and of
    passing ones with warnings) and the skipped interactions are rendered as results arrive,
    each to its own spool, and written out after the title.
    """
    tally = Tally()
    skipped = 0
    with spool() as rows, spool() as sections, spool() as skips:
        for c in results:
            tally.add(c)
            rows.write("\n" + _row(c))
            if c.outcome in (Outcome.FAIL, Outcome.BROKEN) or any(cassette_counts(c)):
                # a passing cassette's warnings are shown too
                sections.write("".join("\n\n" + block for block in _section(c)))
            for line in _skipped_lines(c):
                skips.write(("\n" if skipped else "") + line)
                skipped += 1
        out.write(f"# {summary_title(tally.summary())}")
        if tally.summary().cassettes:
            out.write("\n\n" + _TABLE_HEAD)
            copy_spool(rows, out)
        copy_spool(sections, out)
        if skipped:
            out.write(f"\n\n## Not feeds, skipped: {plural(skipped, 'interaction')}\n\n")
            copy_spool(skips, out)
        out.write("\n")
    return tally


def _skipped_lines(c: CassetteResult) -> list[str]:
    """The cassette's interactions not checked (not feeds), with why."""
    return [
        f"- {_code(c.path)} interaction {s.interaction} {_code(s.url, URL_WIDTH)}: "
        f"{_code(s.reason, MESSAGE_WIDTH)}"
        for s in c.skipped
    ]


def _code(s: str, width: int | None = None) -> str:
    return md_code(s if width is None else shorten(s, width))


def summary_title(s: Summary) -> str:
    """The report's title line (our own words and numbers: no feed text), e.g.
    ``feedharness: 1 of 12 cassettes failed (3 errors)``."""
    noun = "cassette" if s.cassettes == 1 else "cassettes"
    if s.cassettes == 0:
        return "feedharness: no cassettes checked"
    skipped = f"{s.skipped} skipped (no feed in it)" if s.skipped else ""
    if s.failed == s.broken == 0:
        head = "1 cassette passed" if s.cassettes == 1 else f"all {s.cassettes} {noun} passed"
        if s.skipped:
            head = f"{s.passed} of {s.cassettes} {noun} passed, {skipped}"
        tail = f" ({plural(s.warnings, 'warning')})" if s.warnings else ""
        return f"feedharness: {head}{tail}"
    parts = [f"{s.failed} of {s.cassettes} {noun} failed"] if s.failed else []
    if s.broken:
        of = "" if s.failed else f" of {s.cassettes} {noun}"
        parts.append(f"{s.broken}{of} broken")
    parts += [skipped] if skipped else []
    counts = [plural(n, w) for n, w in ((s.errors, "error"), (s.warnings, "warning")) if n]
    return f"feedharness: {', '.join(parts)}" + (f" ({', '.join(counts)})" if counts else "")


def _row(c: CassetteResult) -> str:
    feed = md_table_cell(c.feed) if c.feed is not None else "_unclaimed_"
    feed = "_no feed_" if c.outcome is Outcome.SKIPPED else feed
    errors, warnings = cassette_counts(c)
    cells = [md_table_cell(entry_label(c)), feed, _OUTCOME_CELLS[c.outcome], str(c.items)]
    return "| " + " | ".join([*cells, str(errors), str(warnings)]) + " |"


def _facts(c: CassetteResult) -> str:
    if c.feed is not None:
        parts = [f"Feed {_code(c.feed)}", f"parser {_code(c.parser or '-')}"]
    else:
        parts = [f"Unclaimed: checked with parser {_code(c.parser or '-')} + generic checks"]
    if c.url is not None:
        parts.append(f"URL {_code(c.url, URL_WIDTH)}")
    if c.outcome is not Outcome.BROKEN:
        errors, warnings = cassette_counts(c)
        parts += [plural(c.items, "item"), plural(errors, "error"), plural(warnings, "warning")]
    return " · ".join(parts)


def _section(c: CassetteResult) -> list[str]:
    verb = {Outcome.BROKEN: "Broken", Outcome.FAIL: "Failed"}.get(
        c.outcome, "Passed, with warnings"
    )
    blocks = [f"## {verb}: {_code(entry_label(c))}", _facts(c)]
    if c.error is not None:
        kind = f"{_code(c.error_kind)} error" if c.error_kind else "Error"
        blocks.append(f"**{kind}:** {_code(c.error)}")
        advice = error_advice(c.error_kind)
        if advice is not None:
            blocks.append(f"**Hint:** {advice}")
    blocks += [f"Note: {_code(note)}" for note in c.notes]
    for check, members in group_by_check(c.violations):
        blocks += _group(check, members)
    if c.findings:
        blocks.append(f"### Drift against the baseline: {plural(len(c.findings), 'finding')}")
        for n, f in enumerate(c.findings, 1):
            blocks += markdown_blocks(f, n, depth=4)
    return blocks


def _group(check: str, members: list[Violation]) -> list[str]:
    errors, warnings = severity_counts(members)
    counts = [plural(n, w) for n, w in ((errors, "error"), (warnings, "warning")) if n]
    lines = [f"- {_example(v)}" for v in members[:EXAMPLES_PER_CHECK]]
    if len(members) > EXAMPLES_PER_CHECK:
        lines.append(f"- … and {len(members) - EXAMPLES_PER_CHECK} more")
    return [f"### {_code(check)}: {', '.join(counts)}", "\n".join(lines)]


def _values(v: Violation) -> str:
    observed = None if v.observed is None else _code(v.observed, VALUE_WIDTH)
    expected = None if v.expected is None else _code(v.expected, VALUE_WIDTH)
    if observed and expected:
        return f"{observed} → {expected}"
    if observed:
        return f"observed {observed}"
    return f"expected {expected}" if expected else ""


def _example(v: Violation) -> str:
    item = [] if v.item_index is None else [f"item {v.item_index}"]
    if v.item_id is not None:
        item.append(f"id {_code(v.item_id, ID_WIDTH)}")
    if v.item_url is not None:
        item.append(f"url {_code(v.item_url, URL_WIDTH)}")
    values = _values(v)
    where = _code(v.field) if v.field else ""
    detail = f"{where}: {values}" if where and values else values or (where and f"field {where}")
    parts = [" ".join(item) or "feed", detail, _code(v.message, MESSAGE_WIDTH)]
    line = " · ".join(p for p in parts if p)
    return line if v.severity is Severity.ERROR else f"{line} _({v.severity.value})_"
