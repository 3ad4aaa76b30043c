"""A field filled less often is feed drift only once it is gone from most items."""

from __future__ import annotations

from harness.drift import compare
from harness.drift.baseline import profile
from harness.drift.fingerprint import Fingerprint, ItemPrint


def _recording(name: str, filled: int, total: int) -> Fingerprint:
    items = tuple(
        ItemPrint(
            key=f"{name}-{i}",
            index=i,
            title=f"item {i}",
            signals=frozenset({"fill:title", *(["fill:images"] if i < filled else [])}),
        )
        for i in range(total)
    )
    return Fingerprint(name, "rfi", None, None, items=items)


def _drift(filled: int, total: int) -> list[str]:
    base = profile([_recording("base", 4, 4)])
    return [f.kind for f in compare(base, _recording("new", filled, total)) if f.is_drift]


def test_images_in_half_the_items_are_content() -> None:
    # 4 of 4 items had an image; 3 of 6 have one now (articles without a photo)
    assert _drift(3, 6) == []


def test_images_gone_from_most_items_are_drift() -> None:
    assert _drift(1, 6) == ["images"]
    assert _drift(0, 6) == ["images"]
