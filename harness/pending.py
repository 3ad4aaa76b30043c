"""What `harness check` says about the project beside its results: recordings left for review
(``*.new.yaml`` that `harness record` kept) and configured feeds that no cassette covers.

Both are easy to forget in a nightly loop: a kept recording means a drift nobody has reviewed,
and a feed without a cassette is a feed CI does not test at all. A feed without a cassette is a
warning (``--fail-on warning`` fails on it); a recording left for review is a note (its verdict
was reported when it was recorded).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from harness.cassettes.paths import Scan, is_scratch
from harness.config import HarnessConfig
from harness.severity import Severity

__all__ = ["ProjectNote", "project_notes"]


@dataclass(frozen=True, slots=True)
class ProjectNote:
    """One line about the project, with the one command to run next."""

    level: Severity
    message: str

    @property
    def line(self) -> str:
        """``warning: ...`` / ``note: ...``."""
        word = "note" if self.level is Severity.INFO else self.level.value
        return f"{word}: {self.message}"


def project_notes(
    config: HarnessConfig,
    found: Scan,
    checked_feeds: Iterable[str | None],
    *,
    whole_project: bool,
    display: Callable[[Path], str] = str,
) -> list[ProjectNote]:
    """Notes for pending reviews in the scan; warnings for feeds no checked cassette covers.

    ``whole_project``: the run checked the configured cassettes folder (no paths named, no
    shard), so a feed missing from ``checked_feeds`` has no cassette at all; a run over chosen
    paths says nothing about the feeds it was not asked about.
    """
    notes: list[ProjectNote] = []
    for skipped in found.skipped:
        if is_scratch(skipped.path):
            shown = display(skipped.path)
            committed = skipped.path.with_name(skipped.path.name.replace(".new.", ".", 1))
            if committed.exists():
                nxt = f"harness diff {display(committed)} {shown}"
            else:
                nxt = f"harness check {shown}"
            notes.append(
                ProjectNote(Severity.INFO, f"{shown} is a recording left for review: {nxt}")
            )
    if whole_project:
        seen = {name for name in checked_feeds if name is not None}
        for feed in config.feeds:
            if feed.name in seen or config.cassette_path(feed).exists():
                continue  # an unreadable cassette is reported as broken, not as missing
            where = display(config.cassette_path(feed))
            notes.append(
                ProjectNote(
                    Severity.WARNING,
                    f"feed {feed.name!r} has no cassette ({where}): harness record {feed.name}",
                )
            )
    return notes
