"""Item-list invariants: enough items, unique identities, required fields."""

from __future__ import annotations

import copy

import pytest
from invariant_items import SEED, URL, run, variant


def test_unique_ids_names_the_first_item_with_the_same_id() -> None:
    (dupe,) = run("unique-ids", [SEED, copy.deepcopy(SEED)])
    assert (dupe.item_index, dupe.field, dupe.item_url) == (1, "id", URL)
    assert "item 0" in dupe.message


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"id": "a"}, {"id": " a "}),  # the identity is stripped
        ({"id": "", "url": "https://x.test/1"}, {"id": "  ", "url": "https://x.test/1"}),
        ({"id": None, "url": "https://x.test/1"}, {"url": "https://x.test/1"}),
    ],
)
def test_unique_ids_follows_the_item_identity_rule(first: dict, second: dict) -> None:
    """Id, else URL, stripped, blank counting as missing: the rule the drift compare uses."""
    (dupe,) = run("unique-ids", [first, second])
    assert dupe.item_index == 1


def test_unique_ids_skips_items_without_identity() -> None:
    assert run("unique-ids", [{"title": "a"}, {"title": "a", "id": " "}]) == []


def test_items_present() -> None:
    assert run("items-present", [SEED]) == []
    (found,) = run("items-present", [])
    assert (found.field, found.observed, found.item_index) == ("items", "0", None)
    assert run("items-present", [SEED], min_items=2)


def test_fields_present() -> None:
    assert run("fields-present", [SEED]) == []
    (found,) = run("fields-present", [variant(published="")])
    assert (found.field, found.message) == ("published", "item has no published")
    assert [v.field for v in run("fields-present", [SEED], fields=["author", "summary"])] == []
    assert [v.field for v in run("fields-present", [variant(author=None)], fields=["author"])] == [
        "author"
    ]
