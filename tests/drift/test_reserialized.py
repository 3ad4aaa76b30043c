"""CDATA <-> entities is serialization, also when the document's encoding changes with it."""

from __future__ import annotations

import pytest

from harness.drift.changes import Change
from harness.drift.compare import _group_kind
from harness.drift.findings import Scope


def change(signal: str, family: str, direction: str) -> Change:
    return Change(signal, family, direction, "", "", frozenset({"a"}), frozenset(), Scope.FEED)


TO_CDATA = [
    change("esc:description=cdata", "esc", "appeared"),
    change("esc:description=escaped", "esc", "vanished"),
]
# Found by tests/properties/test_prop_operators.py on ft-home: references_to_cdata + utf16
# (both benign: XML 1.0 2.7 and 4.3.3) made description-markup, an error.
UTF16 = change("encoding:utf-16", "encoding", "appeared")


@pytest.mark.parametrize("group", [TO_CDATA, [*TO_CDATA, UTF16], [UTF16]])
def test_rewritten_the_same_text_is_serialization(group: list[Change]) -> None:
    assert _group_kind(group) == "serialization"


def test_markup_appearing_beside_an_encoding_change_is_still_markup_drift() -> None:
    text = change("esc:description=plain", "esc", "vanished")
    group = [change("esc:description=escaped", "esc", "appeared"), text, UTF16]
    assert _group_kind(group) == "description-markup"
