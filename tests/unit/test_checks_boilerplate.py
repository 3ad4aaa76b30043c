"""boilerplate-stripped: configured, parser and parameter markers, matched regardless of case."""

from __future__ import annotations

from typing import Any

import pytest
from invariant_items import SEED, run, variant


@pytest.mark.parametrize(
    ("item", "field"),
    [
        (
            variant(paragraphs=[*SEED["paragraphs"], "获取更多RSS：https://feedx.net"]),
            "paragraphs/2",
        ),
        (variant(author="夏榕 获取更多RSS"), "author"),
        (variant(lead="推广 promo-block 新版"), "lead"),
    ],
)
def test_boilerplate_stripped_fails(item: dict[str, Any], field: str) -> None:
    found = run("boilerplate-stripped", [item], markers=["promo-block"])
    assert [v.field for v in found] == [field]
