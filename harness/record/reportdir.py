"""``harness record --report-dir DIR``: what a CI job needs to open, update and close issues.

Writes ``DIR/summary.json`` (schema ``schemas/record-summary.schema.json``): every feed with its
**state** and the **issue action** a nightly job takes for it, and one Markdown body per feed that
needs attention, ``DIR/<feed>.md``. Also ``DIR/actions.tsv``: the same decisions as one
tab-separated line per feed, for POSIX shells (``docs/nightly.sh``), which cannot read JSON, and
``DIR/pull-request.md`` when the run replaced cassettes (the pull request's body).

States (one per feed, the first that applies):

=============  ======================================================  ==============
state          meaning                                                 issue action
=============  ======================================================  ==============
``failing``    not recorded: a transport failure at --fail-after or    open (or update)
               over, or a local failure (disk, unreadable cassette)
``drift``      recorded, but the verdict fails (drift, error-level     open (or update)
               violations): the cassette is kept, ``.new.yaml`` left
``flaky``      a transport failure still below --fail-after            none
``recovered``  recorded after failed runs (reported once)              close
``replaced``   a new recording is the cassette now (created,           close
               replaced or accepted): commit it
``unchanged``  the same responses: the cassette is byte-identical      close
``ok``         nothing recorded and nothing wrong (skipped, checked)   close
=============  ======================================================  ==============

"open" means: open the feed's issue, or update it when one is open; "close": comment and close
the feed's issue when one is open (nothing otherwise). One issue per feed: its title starts
with the feed's **issue key**, ``feedharness: "FEED"`` (the name JSON-quoted, so no feed's key
is the beginning of another's). All files are written atomically; feed names are made safe for
file names; feed text reaches the Markdown only inside code spans.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.fileio import write_atomic
from harness.record.outcome import SWAPPED, FeedRecord, Verdict
from harness.record.report import RecordReport, next_steps
from harness.report.common import json_document
from harness.report.finding import markdown_blocks
from harness.textsafe import md_code

__all__ = ["STATES", "FeedSummary", "summarize", "write_report_dir"]

STATES = ("failing", "drift", "flaky", "recovered", "replaced", "unchanged", "ok")
_OPEN = frozenset({"failing", "drift"})
_WITH_BODY = frozenset({"failing", "drift", "recovered"})
PULL_REQUEST = "pull-request.md"
"""The pull request's body, written when the run replaced a cassette."""
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class FeedSummary:
    """One feed's line of ``summary.json``."""

    feed: str
    state: str
    action: str  # "open", "close" or "none"
    key: str  # the start of the issue's title, the same every night
    title: str
    markdown: str | None  # file name in the report folder
    cassette: str
    verdict: str

    def data(self) -> dict[str, Any]:
        """As JSON-ready data."""
        return {
            "feed": self.feed,
            "state": self.state,
            "issue": {"action": self.action, "key": self.key, "title": self.title},
            "markdown": self.markdown,
            "cassette": self.cassette,
            "verdict": self.verdict,
        }


def state_of(r: FeedRecord) -> str:
    """The feed's state (see the module's table)."""
    if r.flaky:
        return "flaky"
    if r.verdict in (Verdict.FAILED, Verdict.MISSING):
        return "failing"
    if r.verdict is Verdict.KEPT or (r.verdict is Verdict.CHECKED and r.reasons):
        return "drift"
    if r.streak is not None and r.streak.recovered:
        return "recovered"
    if r.verdict in SWAPPED:
        return "replaced"
    return "unchanged" if r.verdict is Verdict.UNCHANGED else "ok"


def summarize(report: RecordReport) -> list[FeedSummary]:
    """Every feed's state, issue action and title, in the report's order."""
    names = _file_names([r.feed for r in report.feeds])
    out = []
    for r in report.feeds:
        state = state_of(r)
        key = issue_key(r.feed)
        action = "open" if state in _OPEN else "none" if state == "flaky" else "close"
        out.append(
            FeedSummary(
                feed=r.feed,
                state=state,
                action=action,
                key=key,
                title=f"{key} {_title_words(r, state)}",
                markdown=names[r.feed] if state in _WITH_BODY else None,
                cassette=r.cassette,
                verdict=r.verdict.value,
            )
        )
    return out


def issue_key(feed: str) -> str:
    """``feedharness: "rfi"``: JSON quoting ends the name at an unescaped quote."""
    return "feedharness: " + json.dumps(feed, ensure_ascii=False)


def _title_words(r: FeedRecord, state: str) -> str:
    if state == "failing":
        if r.verdict is Verdict.MISSING:
            return "has no cassette"
        streak = r.streak
        return f"failing since {streak.since}" if streak is not None else "failed to record"
    words = {
        "drift": "drifted",
        "replaced": "recorded cleanly: cassette replaced",
        "unchanged": "recorded cleanly: unchanged",
        "ok": "ok",
    }
    return words.get(state, state)


def write_report_dir(report: RecordReport, folder: Path, *, recorded_at: str) -> None:
    """Write summary.json, actions.tsv and one Markdown body per feed that needs attention."""
    folder.mkdir(parents=True, exist_ok=True)
    summaries = summarize(report)
    records = {r.feed: r for r in report.feeds}
    for s in summaries:
        if s.markdown is not None:
            body = "\n\n".join(feed_markdown(records[s.feed], s, recorded_at)) + "\n"
            write_atomic(folder / s.markdown, body)
    data = {
        "tool": "feedharness",
        "format": "record-summary",
        "version": 1,
        "recorded_at": recorded_at,
        "mode": report.mode.value,
        "exit_code": report.exit_code,
        "feeds": [s.data() for s in summaries],
    }
    swapped = [r for r in report.feeds if r.verdict in SWAPPED]
    if swapped:
        write_atomic(folder / PULL_REQUEST, pull_request_markdown(swapped, recorded_at))
    write_atomic(folder / "summary.json", json_document(data))
    write_atomic(folder / "actions.tsv", "".join(_tsv_line(s) for s in summaries))


def pull_request_markdown(swapped: list[FeedRecord], recorded_at: str) -> str:
    """The pull request's body: each feed whose cassette this run replaced, and how."""
    lines = [
        f"`harness record` of {md_code(recorded_at)} replaced these cassettes (complete "
        "recordings that pass the checks and show no drift):",
        "",
    ]
    for r in swapped:
        items = f", {r.items} items" if r.items is not None else ""
        lines.append(f"- {md_code(r.feed)}: {md_code(r.cassette)} ({r.verdict.value}{items})")
    return "\n".join(lines) + "\n"


def _tsv_line(s: FeedSummary) -> str:
    """action, state, key, title, Markdown file, cassette, replaced (yes/no): tab-separated,
    "-" for none (shells collapse empty fields). Keys and titles hold JSON-quoted names: no tab
    or newline in them."""
    swapped = "yes" if s.verdict in {v.value for v in SWAPPED} else "no"
    fields = (s.action, s.state, s.key, s.title, s.markdown or "-", s.cassette, swapped)
    return "\t".join(f.replace("\t", " ").replace("\n", " ") for f in fields) + "\n"


def feed_markdown(r: FeedRecord, s: FeedSummary, recorded_at: str) -> Iterator[str]:
    """The issue body for one feed: state, why, findings, comparison, what to run next."""
    yield f"## {s.title.replace(s.key, 'feedharness: ' + md_code(r.feed), 1)}"
    yield from _facts(r, recorded_at)
    if r.reasons:
        yield "### Why\n\n" + "\n".join(f"- {md_code(reason)}" for reason in r.reasons)
    if r.findings:
        yield "### Findings"
        for number, finding in enumerate(r.findings, 1):
            yield from markdown_blocks(finding, number, depth=4)
    if r.comparison is not None:
        lines = [f"- {md_code(line.strip())}" for line in r.comparison.lines]
        yield "### Compared with the committed recording\n\n" + "\n".join(lines)
    steps = next_steps(r)
    if steps:
        shown = [f"- {why}: " + ", then ".join(md_code(c) for c in cmds) for why, cmds in steps]
        yield "### Next\n\n" + "\n".join(shown)


def _facts(r: FeedRecord, recorded_at: str) -> Iterator[str]:
    facts = [
        f"- Run: {md_code(recorded_at)}, verdict **{r.verdict.value}**",
        f"- Cassette: {md_code(r.cassette)}"
        + (" (none committed yet)" if r.new_feed else " (committed, unchanged by this run)"),
    ]
    if r.verdict in SWAPPED:
        facts[1] = f"- Cassette: {md_code(r.cassette)} (replaced by this run's recording)"
    if r.scratch:
        left = "What was received" if r.verdict is Verdict.FAILED else "New recording for review"
        facts.append(f"- {left}: {md_code(r.scratch)}")
    if r.status:
        facts.append(f"- Status: {md_code(r.status)}")
    if r.streak is not None:
        facts.append(f"- {r.streak.line[0].upper()}{r.streak.line[1:]}")
    yield "\n".join(facts)


def _file_names(feeds: list[str]) -> dict[str, str]:
    """``<feed>.md`` made safe (letters, digits, ``._-``), unique, never hidden."""
    names: dict[str, str] = {}
    taken = {"summary.json", "actions.tsv", PULL_REQUEST}
    for feed in feeds:
        stem = _UNSAFE_NAME.sub("_", feed).strip("._") or "feed"
        name, n = f"{stem}.md", 1
        while name.lower() in taken:  # case-insensitive file systems (macOS, Windows)
            n += 1
            name = f"{stem}-{n}.md"
        taken.add(name.lower())
        names[feed] = name
    return names
