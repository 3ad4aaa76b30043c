"""`harness.report.result`: format names and the dispatch to each renderer."""

from __future__ import annotations

from dataclasses import replace

import pytest
from report_samples import (
    SMALL,
)

from harness.errors import ConfigError
from harness.model import Result
from harness.report.result import Format, render

# --- render() ------------------------------------------------------------------------------------


def test_render_takes_format_names() -> None:
    assert render(SMALL, "json") == render(SMALL, Format.JSON)


def test_render_refuses_an_unknown_format_and_lists_the_valid_ones() -> None:
    with pytest.raises(
        ConfigError, match=r"'pdf'; valid formats are: text, json, markdown, junit, html"
    ):
        render(SMALL, "pdf")


@pytest.mark.parametrize("fmt", list(Format))
def test_output_depends_only_on_the_result(fmt: Format) -> None:
    copy = Result(cassettes=tuple(replace(c) for c in SMALL.cassettes))
    assert render(SMALL, fmt) == render(copy, fmt)
    assert render(SMALL, fmt).endswith("\n")
