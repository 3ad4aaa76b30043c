"""Per-feed baselines: the accepted form of a feed, pooled from recordings, kept as JSON.

A :class:`Profile` pools the fingerprints of one or more recordings (items seen in several
recordings count once): how many items carry each signal, the sorted samples of each metric,
which feed-level signals, dialects and encodings were seen. The baseline file
``<cassettes>/<feed>.baseline.json`` holds one profile with sorted keys and indentation, so a
``harness bless`` shows up as a reviewable diff; it is written atomically.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.drift.fingerprint import METRICS, Fingerprint
from harness.errors import ConfigError, HarnessError
from harness.fileio import write_atomic

__all__ = [
    "BASELINE_FORMAT",
    "BASELINE_SUFFIX",
    "Profile",
    "baseline_path",
    "load_baseline",
    "profile",
    "write_baseline",
]

BASELINE_FORMAT = 1
BASELINE_SUFFIX = ".baseline.json"


@dataclass(frozen=True, slots=True)
class Profile:
    """The pooled form of a feed's recordings: what a new recording is compared with."""

    feed: str | None
    sources: tuple[str, ...]  # recording names, oldest first
    items: int  # distinct items pooled
    signals: Mapping[str, int]  # signal -> number of items carrying it
    metrics: Mapping[str, tuple[float, ...]] = field(default_factory=dict)  # sorted samples
    feed_signals: Mapping[str, int] = field(default_factory=dict)  # -> recordings with it
    recordings: int = 0
    dialects: Mapping[str, int] = field(default_factory=dict)
    encodings: Mapping[str, int] = field(default_factory=dict)
    boilerplate: Mapping[str, str] = field(default_factory=dict)  # hash -> excerpt
    shapes: Mapping[str, str] = field(default_factory=dict)  # linked blocks, URLs masked
    recorded_at: str | None = None  # of the newest source

    @property
    def last_source(self) -> str | None:
        """The newest recording pooled (the "last good one" when a new one drifted)."""
        return self.sources[-1] if self.sources else None

    def rate(self, signal: str) -> float:
        """Share of pooled items carrying ``signal``."""
        return self.signals.get(signal, 0) / self.items if self.items else 0.0


def profile(fingerprints: Iterable[Fingerprint]) -> Profile:
    """Pool recordings that have a form (transport failures and errors are left out)."""
    usable = [fp for fp in fingerprints if fp.ok]
    seen: set[str] = set()
    signals: Counter[str] = Counter()
    metrics: dict[str, list[float]] = {m: [] for m in METRICS}
    feed_signals: Counter[str] = Counter()
    boilerplate: dict[str, str] = {}
    shapes: dict[str, str] = {}
    for fp in reversed(usable):
        shapes.update(fp.shapes)  # newest first: an item seen twice counts in its newest form
        feed_signals.update(fp.feed_signals)
        boilerplate.update(fp.boilerplate)
        for item in fp.items:
            if item.key in seen:
                continue
            seen.add(item.key)
            signals.update(item.signals)
            for name, value in item.metrics.items():
                metrics.setdefault(name, []).append(value)
    return Profile(
        feed=next((fp.feed for fp in usable if fp.feed), None),
        sources=tuple(fp.name for fp in usable),
        items=len(seen),
        signals=dict(signals),
        metrics={k: tuple(sorted(v)) for k, v in metrics.items() if v},
        feed_signals=dict(feed_signals),
        recordings=len(usable),
        dialects=dict(Counter(fp.dialect for fp in usable if fp.dialect)),
        encodings=dict(Counter(fp.encoding for fp in usable if fp.encoding)),
        boilerplate=boilerplate,
        shapes=shapes,
        recorded_at=next((fp.recorded_at for fp in reversed(usable) if fp.recorded_at), None),
    )


# --- files -------------------------------------------------------------------------------------


def baseline_path(cassettes: Path, feed: str) -> Path:
    """Where the baseline of ``feed`` lives: next to its cassettes."""
    return Path(cassettes) / f"{feed}{BASELINE_SUFFIX}"


def to_data(p: Profile) -> dict[str, Any]:
    """The profile as plain JSON data."""
    return {
        "format": BASELINE_FORMAT,
        "feed": p.feed,
        "sources": list(p.sources),
        "recorded_at": p.recorded_at,
        "recordings": p.recordings,
        "items": p.items,
        "dialects": dict(p.dialects),
        "encodings": dict(p.encodings),
        "feed_signals": dict(p.feed_signals),
        "signals": dict(p.signals),
        "metrics": {k: list(v) for k, v in p.metrics.items()},
        "boilerplate": dict(p.boilerplate),
        "shapes": dict(p.shapes),
    }


def from_data(data: Any, where: str) -> Profile:
    """A profile from JSON data; ConfigError naming the file when it is malformed."""
    if not isinstance(data, dict) or data.get("format") != BASELINE_FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise ConfigError(
            f"{where}: not a feedharness baseline (format {found!r}, expected "
            f"{BASELINE_FORMAT}); rewrite it with 'harness bless FEED'"
        )
    try:
        return Profile(
            feed=_opt_str(data.get("feed")),
            sources=tuple(str(s) for s in data.get("sources", [])),
            items=int(data["items"]),
            signals=_counts(data.get("signals", {})),
            metrics={str(k): tuple(float(x) for x in v) for k, v in data["metrics"].items()},
            feed_signals=_counts(data.get("feed_signals", {})),
            recordings=int(data.get("recordings", 0)),
            dialects=_counts(data.get("dialects", {})),
            encodings=_counts(data.get("encodings", {})),
            boilerplate={str(k): str(v) for k, v in data.get("boilerplate", {}).items()},
            shapes={str(k): str(v) for k, v in data.get("shapes", {}).items()},
            recorded_at=_opt_str(data.get("recorded_at")),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise ConfigError(
            f"{where}: malformed baseline ({type(err).__name__}: {err}); "
            "rewrite it with 'harness bless FEED'"
        ) from None


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _counts(raw: Mapping[str, Any]) -> dict[str, int]:
    return {str(k): int(v) for k, v in raw.items()}


def dumps(p: Profile) -> str:
    """The baseline file's text: sorted keys, one key per line, a final newline."""
    return json.dumps(to_data(p), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


_LOADED: dict[str, tuple[tuple[int, ...], Profile]] = {}
_LOADED_MAX = 64


def load_baseline(path: Path) -> Profile:
    """Read a baseline file; ConfigError when it is missing or malformed.

    ``harness check`` asks for a feed's baseline once per cassette: a file read before is served
    from memory while it is the same file with the same size and times (``harness bless``
    renames a new file over it; an edit in place changes its change time). Profiles are frozen
    and shared: never mutate their mappings.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no baseline; create one with 'harness bless FEED'") from None
    except OSError as err:
        raise ConfigError(f"{path}: cannot read baseline: {err}") from None
    stamp = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    cached = _LOADED.get(os.fspath(path))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    loaded = _read_baseline(path)
    if len(_LOADED) >= _LOADED_MAX:
        _LOADED.clear()
    _LOADED[os.fspath(path)] = (stamp, loaded)
    return loaded


def _read_baseline(path: Path) -> Profile:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no baseline; create one with 'harness bless FEED'") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot read baseline: {err}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ConfigError(f"{path}: baseline is not JSON: {err}") from None
    return from_data(data, str(path))


def write_baseline(path: Path, p: Profile) -> None:
    """Write the baseline atomically: temp file in the same folder, fsync, rename."""
    try:
        write_atomic(Path(path), dumps(p))
    except OSError as err:
        raise HarnessError(f"{path}: cannot write baseline: {err.strerror or err}") from None
