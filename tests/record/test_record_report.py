"""harness.record.report: the lines `harness record` prints at the end, and its exit code."""

from __future__ import annotations

from harness.record.outcome import FeedRecord, RecordMode, Verdict
from harness.record.report import RecordReport


def test_each_verdict_has_its_block_and_the_summary_counts_them() -> None:
    report = RecordReport(
        RecordMode.REWRITE,
        (
            FeedRecord("a", "a.yaml", Verdict.REPLACED, items=3),
            FeedRecord(
                "b",
                "b.yaml",
                Verdict.KEPT,
                reasons=("drift: dialect changed",),
                scratch="b.new.yaml",
            ),
            FeedRecord("c", "c.yaml", Verdict.FAILED, reasons=("transport: GET x: refused",)),
            FeedRecord("d", "d.yaml", Verdict.SKIPPED),
        ),
    )
    assert report.lines == (
        "a: replaced a.yaml · 3 items",
        "b: kept b.yaml unchanged; new recording left at b.new.yaml",
        "  drift: dialect changed",
        "  review it: harness diff b.yaml b.new.yaml",
        "  take it: harness record b --accept",
        "c: failed, c.yaml kept unchanged",
        "  transport: GET x: refused",
        "d: skipped d.yaml",
        "4 feeds: 1 replaced, 1 kept, 1 failed, 1 skipped",
    )
    assert report.exit_code == 1


def test_a_clean_run_exits_0() -> None:
    report = RecordReport(RecordMode.ONCE, (FeedRecord("a", "a.yaml", Verdict.CREATED),))
    assert report.lines == ("a: created a.yaml", "1 feed: 1 created")
    assert report.exit_code == 0


def test_next_commands_can_be_pasted_into_a_shell() -> None:
    record = FeedRecord(
        "le monde", "cassettes/le monde.yaml", Verdict.KEPT, scratch="cassettes/le monde.new.yaml"
    )
    lines = RecordReport(RecordMode.REWRITE, (record,)).lines
    assert (
        "  review it: harness diff 'cassettes/le monde.yaml' 'cassettes/le monde.new.yaml'" in lines
    )
    assert "  take it: harness record 'le monde' --accept" in lines
