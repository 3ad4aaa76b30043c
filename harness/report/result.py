"""A check's `Result` in the format asked for: the format names and the dispatch to each renderer.

The formats live one per module: `result_text`, `result_json`, `result_markdown`, `result_junit`,
`result_html`.
Each writes from a stream of `CassetteResult`s (`write`: what `harness check` uses, keeping only
the counts) and `render` is that stream's text for a whole `Result`: one code path, one text.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import TextIO

from harness.errors import ConfigError
from harness.model import CassetteResult, Result
from harness.report.result_common import Tally
from harness.report.result_html import write_html
from harness.report.result_json import write_json
from harness.report.result_junit import write_junit
from harness.report.result_markdown import write_markdown
from harness.report.result_text import write_text

__all__ = ["Format", "render", "write"]


class Format(StrEnum):
    """The report formats `render` writes."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    JUNIT = "junit"
    HTML = "html"


_WRITERS: dict[Format, Callable[[Iterable[CassetteResult], TextIO], Tally]] = {
    Format.JSON: write_json,
    Format.MARKDOWN: write_markdown,
    Format.JUNIT: write_junit,
    Format.HTML: write_html,
}


def render(result: Result, fmt: Format | str, *, color: bool = False) -> str:
    """Render result in fmt; color adds ANSI colour to our own TEXT labels, never to feed text."""
    out = io.StringIO()
    write(result.cassettes, fmt, out, color=color)
    return out.getvalue()


def write(
    results: Iterable[CassetteResult],
    fmt: Format | str,
    out: TextIO,
    *,
    color: bool = False,
    flush: bool = False,
) -> Tally:
    """Write the report of results to out as they arrive (the text `render` returns).

    Holds the counts, not the results: text is written a cassette at a time (``flush``: out is
    flushed after each), the other formats spool their per-cassette text until the totals
    that open them are known. Returns the counts (the exit code is ``Tally.exit_code``).
    """
    fmt = _format(fmt)
    if fmt is Format.TEXT:
        return write_text(results, out, color=color, flush=flush)
    return _WRITERS[fmt](results, out)


def _format(fmt: Format | str) -> Format:
    try:
        return Format(fmt)
    except ValueError:
        valid = ", ".join(f.value for f in Format)
        raise ConfigError(f"No report format {fmt!r}; valid formats are: {valid}.") from None
