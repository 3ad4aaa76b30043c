"""Built-in invariants on the item list: enough items, unique identities, required fields."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from harness.checks.api import violation
from harness.invariants import CheckContext
from harness.model import Item, Violation, item_identity

__all__ = ["fields_present", "items_present", "unique_ids"]


def items_present(
    items: Sequence[Item], ctx: CheckContext, *, min_items: int = 1
) -> Iterator[Violation]:
    """The recording holds at least min-items items (an empty feed is reported, not accepted)."""
    if len(items) < min_items:
        yield Violation(
            check="",
            message=f"the feed has {len(items)} item(s)",
            field="items",
            observed=str(len(items)),
            expected=f">= {min_items} item(s)",
        )


def unique_ids(items: Sequence[Item], ctx: CheckContext) -> Iterator[Violation]:
    """No two items share an id (or, lacking ids, a URL)."""
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        key = item_identity(item)
        if key is None:
            continue
        if key in seen:
            yield violation(
                item, i, "id", f"same id as item {seen[key]}", observed=key, expected="a unique id"
            )
        else:
            seen[key] = i


def fields_present(
    items: Sequence[Item], ctx: CheckContext, *, fields: tuple[str, ...] = ("id", "published")
) -> Iterator[Violation]:
    """Every item has a non-empty value in each of the configured fields."""
    for i, item in enumerate(items):
        for name in fields:
            value = item.get(name)
            if value is None or value == "" or value == []:
                yield violation(
                    item,
                    i,
                    name,
                    f"item has no {name}",
                    observed=repr(value),
                    expected=f"a {name} in every item",
                )
