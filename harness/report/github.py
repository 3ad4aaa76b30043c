"""A `DriftReport` on GitHub Actions: workflow-command annotations and the job summary.

Feed text in workflow commands is escaped by GitHub's rules, other controls made visible.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.drift import DriftReport, Finding, Level, Scope
from harness.report.drift_markdown import render_markdown
from harness.textsafe import shorten, terminal_safe

__all__ = ["emit_github", "github_annotations", "on_github", "write_github_summary"]


def _escape_data(text: str) -> str:
    """Workflow command data: % CR LF escaped (GitHub's rule), other controls made visible."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return terminal_safe(text)


def _escape_property(text: str) -> str:
    """Workflow command property: data escaping plus ``:`` and ``,``."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_COMMANDS = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "notice"}


def github_annotations(report: DriftReport, paths: Mapping[str, str] | None = None) -> list[str]:
    """``::error``/``::warning``/``::notice`` lines, one per finding (file= the recording)."""
    lines = []
    for h in report.feeds:
        where = {p.recording: p.path for p in h.timeline} | dict(paths or {})
        for f in h.findings:
            command = "warning" if f.scope is Scope.RECORDING else _COMMANDS[f.level]
            props = []
            if f.first_seen:
                props.append(f"file={_escape_property(where.get(f.first_seen, f.first_seen))}")
            label = f"feedharness {h.feed or 'unclaimed'}: {f.title}"
            props.append(f"title={_escape_property(label)}")
            message = _annotation_message(f)
            lines.append(f"::{command} {','.join(props)}::{_escape_data(message)}")
    return lines


def _annotation_message(f: Finding) -> str:
    parts = [f.explanation, f"Field: {f.field}."]
    if f.last_good:
        parts.append(f"Last good: {f.last_good}.")
    for s in f.signals[:3]:
        parts.append(f"{shorten(s.signal, 60)}: {s.before} -> {s.after}.")
    if f.detail:
        parts.append(shorten(f.detail, 200))
    return "\n".join(parts)


def write_github_summary(report: DriftReport, environ: Mapping[str, str] | None = None) -> bool:
    """Append the Markdown report to ``$GITHUB_STEP_SUMMARY``; False when there is none."""
    env = os.environ if environ is None else environ
    target = env.get("GITHUB_STEP_SUMMARY")
    if not target:
        return False
    with Path(target).open("a", encoding="utf-8") as stream:
        stream.write(render_markdown(report) + "\n")
    return True


def on_github(environ: Mapping[str, str] | None = None) -> bool:
    """True when running as a GitHub Actions step."""
    env = os.environ if environ is None else environ
    return env.get("GITHUB_ACTIONS") == "true"


def emit_github(report: DriftReport, stdout: Any, environ: Mapping[str, str] | None = None) -> None:
    """Annotations on stdout and the job summary, when on GitHub Actions."""
    if not on_github(environ):
        return
    for line in github_annotations(report):
        stdout.write(line + "\n")
    write_github_summary(report, environ)
