"""A `DriftReport` in the format asked for: the format names and the dispatch to each renderer.

The formats live one per module: `drift_text`, `drift_markdown`, `drift_json`, `drift_html`;
GitHub Actions output is `github`.
"""

from __future__ import annotations

from collections.abc import Callable

from harness.drift import DriftReport
from harness.errors import ConfigError
from harness.report.drift_html import render_html
from harness.report.drift_json import render_json
from harness.report.drift_markdown import render_markdown
from harness.report.drift_text import render_text

__all__ = ["FORMATS", "render"]

_RENDERERS: dict[str, Callable[[DriftReport], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
    "html": render_html,
}
FORMATS = tuple(_RENDERERS)
"""The drift report formats, in the order the CLI offers them."""


def render(report: DriftReport, fmt: str) -> str:
    """The report in one of: text, markdown, json, html."""
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        valid = ", ".join(FORMATS)
        raise ConfigError(f"no drift report format {fmt!r}; valid: {valid}") from None
    return renderer(report)
