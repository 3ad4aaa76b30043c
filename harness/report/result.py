"""A check's `Result` in the format asked for: the format names and the dispatch to each renderer.

The formats live one per module: `result_text`, `result_json`, `result_markdown`, `result_junit`.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from harness.errors import ConfigError
from harness.model import Result
from harness.report.result_json import render_json
from harness.report.result_junit import render_junit
from harness.report.result_markdown import render_markdown
from harness.report.result_text import render_text

__all__ = ["Format", "render"]


class Format(StrEnum):
    """The report formats `render` writes."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    JUNIT = "junit"


_RENDERERS: dict[Format, Callable[[Result], str]] = {
    Format.JSON: render_json,
    Format.MARKDOWN: render_markdown,
    Format.JUNIT: render_junit,
}


def render(result: Result, fmt: Format | str, *, color: bool = False) -> str:
    """Render result in fmt; color adds ANSI colour to our own TEXT labels, never to feed text."""
    try:
        fmt = Format(fmt)
    except ValueError:
        valid = ", ".join(f.value for f in Format)
        raise ConfigError(f"No report format {fmt!r}; valid formats are: {valid}.") from None
    if fmt is Format.TEXT:
        return render_text(result, color=color)
    return _RENDERERS[fmt](result)
