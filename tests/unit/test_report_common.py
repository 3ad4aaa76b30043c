"""What every report shares: counted nouns and the JSON document."""

from __future__ import annotations

import json

import pytest

from harness.report.common import json_document, plural


@pytest.mark.parametrize(("n", "text"), [(0, "0 errors"), (1, "1 error"), (3, "3 errors")])
def test_plural(n: int, text: str) -> None:
    assert plural(n, "error") == text


def test_json_document_keeps_text_escapes_controls_and_ends_with_a_newline() -> None:
    text = json_document({"title": "Österreich \x1b[31m\u202e"})
    assert text.endswith("}\n")
    assert "Österreich" in text
    assert "\x1b" not in text
    assert "\u202e" not in text
    assert json.loads(text) == {"title": "Österreich \x1b[31m\u202e"}
