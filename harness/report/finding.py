"""One finding, rendered the same way by every report: ``check``'s and ``diff``'s, text, Markdown
and JSON. Before → after always reads the baseline (or previous recording) first, then now.

Feed text (signals, excerpts, item ids, file names) goes through ``terminal_safe`` in text and
only ever inside ``md_code`` spans in Markdown; our own wording (titles, explanations) has none.
"""

from __future__ import annotations

from typing import Any

from harness.findings import Finding, Level
from harness.report.common import plural
from harness.textsafe import md_code, shorten, terminal_safe

__all__ = [
    "FINDING_SCHEMA",
    "SIGNALS_SHOWN",
    "finding_data",
    "markdown_blocks",
    "md_excerpt",
    "text_lines",
]

SIGNALS_SHOWN = 8
"""Signals listed per finding; the rest are counted."""
EXCERPT_WIDTH = 120
_LEVEL_WORDS = {Level.ERROR: "Error", Level.WARNING: "Warning", Level.INFO: "Note"}


def _since(f: Finding) -> str:
    good = f.last_good or "none before it"
    return f"{good} → {f.first_seen or '?'}"


def text_lines(f: Finding, indent: str = "  ") -> list[str]:
    """A finding for a terminal: a head line, its signals before → after, examples."""
    cause = f.cause.value.replace("-", " ")
    out = [
        f"{indent}{f.level.value.upper():7} {f.kind}: {f.title} [{cause}]",
        f"{indent}    {terminal_safe(_since(f))}; field: {f.field}",
    ]
    for s in f.signals[:SIGNALS_SHOWN]:
        out.append(
            f"{indent}    {terminal_safe(shorten(s.signal, 70))}: {terminal_safe(s.before)} → "
            f"{terminal_safe(s.after)}"
        )
    if len(f.signals) > SIGNALS_SHOWN:
        out.append(f"{indent}    ... and {len(f.signals) - SIGNALS_SHOWN} more signals")
    for e in f.examples:
        out.append(
            f"{indent}    e.g. {terminal_safe(shorten(e.item, 70))}: "
            f"{terminal_safe(shorten(e.excerpt, 100))}"
        )
    return out


def md_excerpt(text: str | None, width: int = EXCERPT_WIDTH) -> str:
    """Feed text shortened (between words) into one inert Markdown code span."""
    return md_code(shorten(text or "", width))


def markdown_blocks(f: Finding, number: int | None = None, depth: int = 3) -> list[str]:
    """A finding as Markdown blocks: a heading, the explanation, facts, signals, examples."""
    label = f"{number}. " if number is not None else ""
    head = f"{'#' * depth} {label}{_LEVEL_WORDS[f.level]}: {f.title}"
    facts = [
        f"- Kind {md_code(f.kind)}, cause: {f.cause.value.replace('-', ' ')}",
        "- Last good → first seen: "
        + (md_excerpt(f.last_good) if f.last_good else "none before it")
        + f" → {md_excerpt(f.first_seen)}",
        f"- Parser field most likely affected: {f.field}",
    ]
    if len(f.seen_in) > 1:
        facts.append(f"- Observed in {plural(len(f.seen_in), 'recording')}")
    signals = [
        f"  - {md_excerpt(s.signal, 80)}: {md_excerpt(s.before, 160)} → {md_excerpt(s.after, 160)}"
        + (f" ({s.change})" if s.change else "")
        for s in f.signals[:SIGNALS_SHOWN]
    ]
    if len(f.signals) > SIGNALS_SHOWN:
        signals.append(f"  - … and {len(f.signals) - SIGNALS_SHOWN} more signals")
    examples = [
        f"  - item {md_excerpt(e.item, 100)} ({md_excerpt(e.title, 60)}): {md_excerpt(e.excerpt)}"
        for e in f.examples
    ]
    lines = [*facts, "- Signals, before → after:", *signals]
    if examples:
        lines += ["- Examples:", *examples]
    return [head, f.explanation, "\n".join(lines)]


def finding_data(f: Finding) -> dict[str, Any]:
    """One finding as plain data (:data:`FINDING_SCHEMA`); text is not escaped."""
    return {
        "kind": f.kind,
        "cause": f.cause.value,
        "feed": f.feed,
        "scope": f.scope.value,
        "level": f.level.value,
        "title": f.title,
        "explanation": f.explanation,
        "field": f.field,
        "last_good": f.last_good,
        "first_seen": f.first_seen,
        "seen_in": list(f.seen_in),
        "detail": f.detail,
        "signals": [
            {"signal": s.signal, "before": s.before, "after": s.after, "change": s.change}
            for s in f.signals
        ],
        "examples": [{"item": e.item, "title": e.title, "excerpt": e.excerpt} for e in f.examples],
    }


_STR = {"type": "string"}
_OPT_STR = {"type": ["string", "null"]}
FINDING_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["kind", "cause", "scope", "level", "title", "field", "signals", "examples"],
    "properties": {
        "kind": _STR,
        "cause": {
            "enum": [
                "transport",
                "not-a-feed",
                "format-drift",
                "content-change",
                "item-problem",
                "parser-bug",
                "serialization-only",
            ]
        },
        "feed": _OPT_STR,
        "scope": {"enum": ["feed", "item", "recording"]},
        "level": {"enum": ["error", "warning", "info"]},
        "title": _STR,
        "explanation": _STR,
        "field": _STR,
        "last_good": _OPT_STR,
        "first_seen": _OPT_STR,
        "seen_in": {"type": "array", "items": _STR},
        "detail": _OPT_STR,
        "signals": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["signal", "before", "after"],
                "properties": {"signal": _STR, "before": _STR, "after": _STR},
            },
        },
        "examples": {
            "type": "array",
            "maxItems": 3,
            "items": {
                "type": "object",
                "required": ["item", "excerpt"],
                "properties": {"item": _STR, "title": _STR, "excerpt": _STR},
            },
        },
    },
}
"""The JSON Schema (Draft 2020-12) of one finding in every JSON report."""
