"""links-absolute: item URL and images absolute http(s) on the allowed hosts."""

from __future__ import annotations

from typing import Any

import pytest
from invariant_items import run, variant


@pytest.mark.parametrize(
    ("item", "field"),
    [
        (variant(images=["/media/display/x.jpg"]), "images/0"),
        (variant(images=["data:image/png;base64,xx"]), "images/0"),
        (variant(url="https://evil.example/cn/20231206-x"), "url"),
        (variant(url="//www.rfi.fr/cn/20231206-x"), "url"),
    ],
)
def test_links_absolute_fails(item: dict[str, Any], field: str) -> None:
    (found,) = run("links-absolute", [item])
    assert found.field == field
