"""The check-writing API: violation, text_fields, shorten (public: ``from harness.checks import``)."""

from __future__ import annotations

from harness.checks import shorten, text_fields, violation


def test_violation_names_the_item_and_bounds_the_observed_value() -> None:
    item = {"id": "a", "url": "https://x.test/a"}
    found = violation(item, 3, "title", "bad", observed="x " * 200, expected="good")
    assert (found.item_index, found.item_id, found.item_url, found.field) == (
        3,
        "a",
        "https://x.test/a",
        "title",
    )
    assert found.check == ""  # the runner stamps the invariant id
    assert len(found.observed or "") <= 120
    assert violation({"id": 5}, 0, "id", "m").item_id is None
    assert violation(item, 0, "id", "m").observed is None


def test_text_fields_lists_plain_text_by_path() -> None:
    item = {
        "title": "T",
        "lead": None,
        "author": "A",
        "dateline": {"text": "06/12/2023 - 16:42"},
        "paragraphs": ["p0", None, "p2"],
        "summary": "<p>HTML is not plain text</p>",
    }
    assert text_fields(item) == [
        ("title", "T"),
        ("author", "A"),
        ("dateline/text", "06/12/2023 - 16:42"),
        ("paragraphs/0", "p0"),
        ("paragraphs/2", "p2"),
    ]


def test_shorten_is_one_bounded_line() -> None:
    assert shorten("a\n  b\tc") == "a b c"
    assert shorten(["x"]) == "['x']"
    assert len(shorten("y" * 500, 40)) <= 40
