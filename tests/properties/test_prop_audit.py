"""`harness audit` on the bundled feeds: every drift operator caught, no benign operator alarming.

Where the current checks genuinely miss an operator, the pair is pinned in KNOWN_GAPS with the
reason (strict xfail): fixing the gap makes the test pass unexpectedly, and the entry goes.
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from _budget import ROOT, THOROUGH

from harness.audit.feeddoc import FeedDoc
from harness.audit.operators import Kind, operator, operators
from harness.audit.report import render_audit
from harness.audit.run import AuditReport, Score, audit
from harness.cli import run
from harness.config import load_config

CONFIG = ROOT / "harness.toml"
FEEDS = [feed.name for feed in load_config(CONFIG).feeds]
KNOWN_GAPS: dict[tuple[str, str], str] = {}
"""(feed, operator) pairs the checks genuinely miss, with the reason (none left)."""


@pytest.fixture(scope="module")
def report() -> AuditReport:
    config = load_config(CONFIG)
    small = [name for name in FEEDS if name != "dapenti"]
    main = audit(config, small, examples=12 if THOROUGH else 3)
    # dapenti's recordings are 1 MB each: its newest recording, fewer examples.
    dapenti = audit(config, ["dapenti"], examples=6 if THOROUGH else 2, latest=True)
    return AuditReport(main.feeds + dapenti.feeds, main.examples, main.detectors, main.notes)


def _score(report: AuditReport, feed: str, op: str) -> Score:
    audited = next(f for f in report.feeds if f.feed == feed)
    return next(s for s in audited.scores if s.operator == op)


def _pairs(kind: Kind) -> list[object]:
    return [
        pytest.param(
            feed,
            op.id,
            id=f"{feed}-{op.id}",
            marks=[pytest.mark.xfail(reason=KNOWN_GAPS[feed, op.id], strict=True)]
            if (feed, op.id) in KNOWN_GAPS
            else [],
        )
        for feed in FEEDS
        for op in operators(kind)
    ]


def test_drift_detection_takes_part(report: AuditReport) -> None:
    assert report.detectors == ("checks", "drift"), report.notes


@pytest.mark.parametrize(("feed", "op"), _pairs(Kind.DRIFT))
def test_drift_operator_is_caught(report: AuditReport, feed: str, op: str) -> None:
    score = _score(report, feed, op)
    assert score.verdict in ("caught", "absorbed", "n/a"), f"{score.verdict}: {score.example}"


@pytest.mark.parametrize(("feed", "op"), _pairs(Kind.BENIGN))
def test_benign_operator_does_not_alarm(report: AuditReport, feed: str, op: str) -> None:
    score = _score(report, feed, op)
    assert score.verdict in ("quiet", "n/a"), f"{score.verdict}: {score.example}"


def test_the_audit_passes_on_the_bundled_feeds(report: AuditReport) -> None:
    failed = [
        f"{f.feed} {s.operator}: {s.verdict}" for f in report.feeds for s in f.scores if s.failed
    ]
    assert (report.exit_code, failed, report.false_alarms()[0]) == (0, [], 0)


def test_most_drift_operators_apply_to_the_rfi_feed(report: AuditReport) -> None:
    scores = next(f for f in report.feeds if f.feed == "rfi").scores
    applied = [s.operator for s in scores if s.kind is Kind.DRIFT and s.examples]
    assert len(applied) == len(operators(Kind.DRIFT))


def test_report_renders_in_every_format(report: AuditReport) -> None:
    data = json.loads(render_audit(report, "json"))
    assert data["summary"]["exit_code"] == report.exit_code
    assert [f["feed"] for f in data["feeds"]] == [f.feed for f in report.feeds]
    text = render_audit(report, "text")
    assert text.splitlines()[-2].startswith("false alarms of benign operators: ")
    markdown = render_audit(report, "markdown")
    assert "| operator | kind | result | by | example |" in markdown


# --- the command line -----------------------------------------------------------------------------


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    code = run(["--config", str(CONFIG), "audit", *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_prints_the_table() -> None:
    code, out, _ = _cli(
        "dw-en",
        "--examples",
        "2",
        "--operator",
        "guids-duplicate",
        "--operator",
        "item-order",
        "--operator",
        "mojibake",
    )
    assert code == 0
    assert out.splitlines() == [
        "harness audit: 1 feed(s), 2 examples per operator and recording; checks: checks + drift",
        "",
        "dw-en: 1 recording(s): cassettes/dw-en-all_2015-02-23.yaml",
        "  guids-duplicate  drift   caught 2/2                    unique-ids 2",
        "  mojibake         drift   caught 1/1                    no-mojibake 1",
        "  item-order       benign  quiet 0/2",
        "",
        "drift operators caught (or absorbed): 2/2 operator x feed pairs",
        "false alarms of benign operators: 0/2 examples (0.0%)",
        "audit passed",
    ]


def test_cli_passes_when_everything_is_caught_and_writes_json() -> None:
    code, out, _ = _cli(
        "dw-en", "--examples", "2", "--operator", "links-rehosted", "--format", "json", "--no-drift"
    )
    assert code == 0
    data = json.loads(out)
    assert data["detectors"] == ["checks"]
    assert data["notes"] == [
        "drift detection (harness.drift) took no part: invariants, schema and parser problems only"
    ]
    [score] = data["feeds"][0]["operators"]
    assert (score["operator"], score["verdict"], score["by_check"]) == (
        "links-rehosted",
        "caught",
        {"links-absolute": 2},
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["nosuch"],
            "harness: error: no feed named 'nosuch'; configured feeds: rfi, dapenti, ft-home, dw-en",
        ),
        (["--operator", "nosuch"], "harness: error: no operator 'nosuch'"),
        (
            ["--examples", "0"],
            "harness audit: argument --examples: expected at least 1 example, got 0",
        ),
    ],
)
def test_cli_errors_are_one_line(args: list[str], message: str) -> None:
    code, out, err = _cli(*args)
    assert (code, out) == (2, "")
    assert err.splitlines()[0].startswith(message)


def test_cli_lists_operators() -> None:
    code, out, _ = _cli("--list-operators")
    assert code == 0
    assert (
        out.splitlines()[0]
        == "author-markup  [drift]  The author block changes markup and label (文／, 记者：, 撰稿：)."
    )
    assert len(out.splitlines()) == len(operators())


def test_a_custom_drift_operator_the_checks_miss_fails_the_audit() -> None:
    @operator("title-suffix", kind="drift")
    def title_suffix(doc: FeedDoc, choices: object) -> None:
        """Every title gets the site name appended."""
        for entry in doc.entries():
            entry.set("title", (entry.get("title") or "") + " - Example News")

    result = audit(load_config(CONFIG), ["dw-en"], examples=2, only=["title-suffix"], drift=False)
    [score] = result.feeds[0].scores
    assert (score.verdict, score.examples, score.missed, result.exit_code) == ("missed", 1, 1, 1)
