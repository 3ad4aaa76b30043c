"""`harness.report.drift`: the drift report format names and the dispatch to each renderer."""

from __future__ import annotations

import pytest
from hostile_drift import history_of

from harness.drift import DriftReport
from harness.errors import ConfigError
from harness.report.drift import FORMATS, render

EMPTY = DriftReport("diff", (history_of(),))


def test_every_format_renders_and_ends_with_a_newline() -> None:
    assert FORMATS == ("text", "markdown", "json", "html")
    for fmt in FORMATS:
        assert render(EMPTY, fmt).endswith("\n")


@pytest.mark.parametrize(("fmt", "start"), [("json", "{"), ("html", "<!DOCTYPE html>")])
def test_the_format_name_picks_the_renderer(fmt: str, start: str) -> None:
    assert render(EMPTY, fmt).startswith(start)


def test_an_unknown_format_is_refused_with_the_valid_ones() -> None:
    with pytest.raises(ConfigError, match=r"'xml'; valid: text, markdown, json, html"):
        render(EMPTY, "xml")
