"""Transport failures counted across runs of `harness record`: a small JSON state file.

A nightly job must not open an issue because a feed's server hiccuped once, nor stay silent when
it has been down for a week. The state file keeps, per feed, the consecutive transport failures,
when the streak began, the last error and the last success; the record report turns them into
"flaky: 1 of 3 allowed consecutive failures", "failing since …, N runs" and, once, "recovered
after N failed runs since …".

The file (default ``<cassettes>/.harness-record-state.json``: hidden, so no cassette scan reads
it) is versioned, bounded (feeds no longer configured are dropped, errors are cut short) and
written atomically. A file that cannot be read, is not JSON or has another format version is
never fatal: one warning, and the run starts afresh (it only loses the counts).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from harness.fileio import TooLarge, os_reason, read_bounded, write_atomic
from harness.record.outcome import FeedRecord, Streak, Verdict
from harness.textsafe import shorten

__all__ = ["STATE_FORMAT", "STATE_NAME", "FeedState", "RecordState"]

STATE_NAME = ".harness-record-state.json"
"""The state file's default name, in the cassettes folder."""
STATE_FORMAT = "feedharness-record-state"
_VERSION = 1
_MAX_BYTES = 4 * 1024 * 1024  # ~1,000 bytes per feed at most: far above any real project
_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")  # as to_utc_rfc3339 writes them
_ERROR_WIDTH = 300  # one reason line, as the report shows it, is well under this
_TRIED = frozenset(  # the verdicts of a complete live fetch: a success for the transport
    {Verdict.CREATED, Verdict.REPLACED, Verdict.UNCHANGED, Verdict.ACCEPTED, Verdict.KEPT}
)


@dataclass(frozen=True, slots=True)
class FeedState:
    """One feed's transport history."""

    failures: int = 0
    failing_since: str | None = None
    last_error: str | None = None
    last_failure: str | None = None
    last_success: str | None = None


@dataclass(slots=True)
class RecordState:
    """Every feed's :class:`FeedState`; ``warning`` says why a file was not read (if it was not)."""

    feeds: dict[str, FeedState] = field(default_factory=dict)
    warning: str | None = None

    @classmethod
    def load(cls, path: Path) -> RecordState:
        """The state in ``path``; empty when there is none, empty with a warning when unusable."""
        try:
            data = json.loads(read_bounded(path, _MAX_BYTES).decode("utf-8"))
        except FileNotFoundError:
            return cls()
        except TooLarge as err:
            return cls(warning=f"{path}: {err}; starting afresh")
        except OSError as err:
            return cls(warning=f"{path}: cannot read: {os_reason(err)}; starting afresh")
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            return cls(warning=f"{path}: not JSON ({err}); starting afresh")
        try:
            return cls(_parse(data))
        except (TypeError, ValueError, KeyError, AttributeError) as err:
            return cls(warning=f"{path}: not a record state file ({err}); starting afresh")

    @property
    def failing(self) -> bool:
        """Whether any feed is in a streak of failures."""
        return any(state.failures for state in self.feeds.values())

    def save(self, path: Path, configured: Collection[str]) -> None:
        """Write the state atomically, keeping only ``configured`` feeds (OSError when it fails)."""
        feeds = {
            name: {k: v for k, v in _fields(state).items() if v is not None}
            for name, state in sorted(self.feeds.items())
            if name in configured
        }
        data = {"format": STATE_FORMAT, "version": _VERSION, "feeds": feeds}
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")

    def update(
        self, records: Sequence[FeedRecord], stamp: str, fail_after: int
    ) -> tuple[FeedRecord, ...]:
        """Count this run's transport failures and successes; each record with its streak."""
        return tuple(self._update(record, stamp, fail_after) for record in records)

    def _update(self, record: FeedRecord, stamp: str, fail_after: int) -> FeedRecord:
        old = self.feeds.get(record.feed, FeedState())
        if record.transport_failed:
            since = old.failing_since if old.failures else stamp
            error = shorten(record.reasons[0], _ERROR_WIDTH) if record.reasons else None
            new = replace(
                old,
                failures=old.failures + 1,
                failing_since=since,
                last_error=error,
                last_failure=stamp,
            )
            self.feeds[record.feed] = new
            return replace(record, streak=Streak(new.failures, since or stamp, fail_after))
        if record.verdict not in _TRIED:  # skipped, checked, or a local failure: no news
            return record
        self.feeds[record.feed] = FeedState(last_success=stamp, last_failure=old.last_failure)
        if not old.failures:
            return record
        since = old.failing_since or stamp
        return replace(record, streak=Streak(old.failures, since, fail_after, recovered=True))


def _fields(state: FeedState) -> dict[str, Any]:
    return {name: getattr(state, name) for name in FeedState.__slots__}


def _parse(data: Any) -> dict[str, FeedState]:
    if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
        raise ValueError(f"no 'format': {STATE_FORMAT!r}")
    if data.get("version") != _VERSION:
        raise ValueError(f"version {data.get('version')!r}, this feedharness reads {_VERSION}")
    feeds: dict[str, FeedState] = {}
    for name, raw in data["feeds"].items():
        failures = raw.get("failures", 0)
        if isinstance(failures, bool) or not isinstance(failures, int) or failures < 0:
            raise ValueError(f"feed {name!r}: failures is {failures!r}")
        texts = {k: raw.get(k) for k in _fields(FeedState()) if k != "failures"}
        if any(v is not None and not isinstance(v, str) for v in texts.values()):
            raise ValueError(f"feed {name!r}: a date or error that is not a string")
        for key in ("failing_since", "last_failure", "last_success"):
            if texts[key] is not None and not _STAMP.fullmatch(texts[key]):
                raise ValueError(f"feed {name!r}: {key} {texts[key]!r} is not UTC RFC 3339")
        feeds[str(name)] = FeedState(failures=failures, **texts)
    return feeds
