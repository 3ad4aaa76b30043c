"""compare(): content changes are reported, format changes are drift."""

from __future__ import annotations

from typing import Any

from harness.model import Severity, Violation
from harness.record.comparison import Comparison, FieldFill, ItemChange, Recording, compare

FEED = {"title": "T", "link": "https://x.test/", "language": "en"}


def item(n: int, **fields: Any) -> dict[str, Any]:
    base = {"id": f"id-{n}", "title": f"title {n}", "author": "A", "categories": ["c"]}
    return {**base, **fields}


def rec(items: list[dict[str, Any]], **kw: Any) -> Recording:
    return Recording(**{"dialect": "rss2.0", "feed": FEED, "items": items, **kw})


def test_same_recording_is_all_unchanged() -> None:
    items = [item(1), item(2)]
    assert compare(rec(items), rec(items)) == Comparison(unchanged=2)


def test_items_added_removed_and_changed_are_content_not_drift() -> None:
    result = compare(rec([item(1), item(2)]), rec([item(2, title="new"), item(3)]))
    assert result.added == ("id-3",)
    assert result.removed == ("id-1",)
    assert result.changed == (ItemChange("id-2", ("title",)),)
    assert result.unchanged == 0
    assert not result.drifted
    assert result.lines == (
        "items: 1 added, 1 removed, 1 changed, 0 unchanged",
        "  added: id-3",
        "  removed: id-1",
        "  changed: id-2 (title)",
    )


def test_dialect_change_is_drift() -> None:
    result = compare(rec([item(1)]), rec([item(1)], dialect="atom1.0"))
    assert result.drift == ("dialect changed: rss2.0 → atom1.0",)
    assert result.lines[0] == "drift: dialect changed: rss2.0 → atom1.0"


def test_feed_field_gone_or_new_is_drift() -> None:
    new_feed = {"title": "T", "link": "https://x.test/", "generator": "g"}
    result = compare(rec([item(1)]), rec([item(1)], feed=new_feed))
    assert result.drift == ("feed field 'language' is gone", "feed field 'generator' is new")


def test_a_field_no_longer_filled_is_drift() -> None:
    old = [item(n) for n in range(4)]
    new = [item(n, author=None) for n in range(4)]
    result = compare(rec(old), rec(new))
    assert result.drift == ("item field 'author' no longer filled (was 100%)",)
    assert result.fill == (FieldFill("author", 1.0, 0.0),)
    assert "fill: author 100% → 0% of items" in result.lines


def test_a_field_newly_filled_in_most_items_is_drift() -> None:
    old = [item(n) for n in range(4)]
    new = [item(n, image="https://x.test/i.jpg") for n in range(4)]
    assert compare(rec(old), rec(new)).drift == ("item field 'image' now filled (100%, was never)",)


def test_a_rare_field_that_comes_and_goes_is_not_drift() -> None:
    old = [item(1, enclosure="e"), item(2), item(3), item(4)]
    new = [item(5), item(6), item(7), item(8)]
    result = compare(rec(old), rec(new))
    assert not result.drifted
    assert result.fill == (FieldFill("enclosure", 0.25, 0.0),)


def test_a_type_change_is_drift() -> None:
    old = [item(1), item(2)]
    new = [item(1, categories="c"), item(2, categories="c")]
    result = compare(rec(old), rec(new))
    assert result.drift == ("item field 'categories' changed type: list → string",)
    assert result.changed == (
        ItemChange("id-1", ("categories",)),
        ItemChange("id-2", ("categories",)),
    )


def test_new_and_fixed_violations_are_reported_by_check_and_message() -> None:
    late = Violation("date-format", "weekday does not match", severity=Severity.WARNING)
    off = Violation("links-absolute", "link leaves the allowed hosts", item_index=0)
    result = compare(
        rec([item(1)], violations=[off]), rec([item(1)], violations=[late, late, late])
    )
    assert result.new_violations == ("date-format: weekday does not match (warning) ×3",)
    assert result.fixed_violations == ("links-absolute: link leaves the allowed hosts",)
    assert not result.drifted  # error-level violations block a swap on their own


def test_a_new_recording_that_cannot_be_read_is_drift() -> None:
    result = compare(rec([item(1)]), Recording(error="parse: not XML"))
    assert result.drift == ("the new recording cannot be read: parse: not XML",)


def test_an_unreadable_old_recording_is_a_note() -> None:
    result = compare(Recording(error="cassette: bad YAML"), rec([item(1)]))
    assert not result.drifted
    assert result.added == ("id-1",)
    assert result.notes == (
        "the old recording could not be read (cassette: bad YAML); nothing to compare",
    )


def test_items_without_ids_fall_back_to_url_then_position() -> None:
    old = [{"url": "https://x.test/1", "title": "a"}, {"title": ""}]
    new = [{"url": "https://x.test/1", "title": "b"}, {"title": ""}]
    result = compare(rec(old), rec(new))
    assert result.changed == (ItemChange("https://x.test/1", ("title",)),)
    assert result.unchanged == 1


def test_items_are_matched_by_the_one_identity_rule() -> None:
    """model.item_key: id, else URL (stripped), else position; a title or link is no identity."""
    old = [{"id": " id-1 ", "title": "a"}, {"title": "Daily briefing", "link": "https://x.test/a"}]
    new = [{"id": "id-1", "title": "a"}, {"title": "Daily briefing!", "link": "https://x.test/b"}]
    result = compare(rec(old), rec(new))
    assert (result.added, result.removed) == ((), ())
    assert result.changed == (ItemChange("id-1", ("id",)), ItemChange("#1", ("link", "title")))
    assert result.unchanged == 0


def test_long_lists_are_shortened() -> None:
    result = compare(rec([]), rec([item(n) for n in range(8)]))
    assert result.lines[1] == "  added: id-0, id-1, id-2, id-3, id-4 … and 3 more"
