"""Per-feed baselines: the accepted form of a feed, pooled from recordings, kept as JSON.

A :class:`Profile` pools the fingerprints of one or more recordings (items seen in several
recordings count once): how many items carry each signal (fill rates are these counts over the
items), the spread of each metric as a few quantiles (:class:`Spread`: lag behind the date line,
body length, paragraphs, ...), the spread of item counts per recording, which feed-level
signals, dialects and encodings were seen. The baseline file
``<cassettes>/<feed>.baseline.json`` holds one profile with sorted keys and indentation, so a
``harness bless`` shows up as a reviewable diff; it is written atomically.
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.drift.fingerprint import METRICS, Fingerprint
from harness.errors import ConfigError, HarnessError
from harness.fileio import write_atomic

if TYPE_CHECKING:
    from harness.feedsetup import FeedSetup

__all__ = [
    "BASELINE_FORMAT",
    "BASELINE_SUFFIX",
    "QUANTILES",
    "Profile",
    "Spread",
    "baseline_path",
    "bounded",
    "load_baseline",
    "profile",
    "write_baseline",
]

BASELINE_FORMAT = 2  # 2: metric spreads as quantiles; 1 (still read): every item's value
BASELINE_SUFFIX = ".baseline.json"

# The quantiles a spread keeps: the extremes, the median, the quartiles (the interquartile range
# that widens a normal range) and the 10th/90th percentiles (its edges, see drift.changes).
QUANTILES: tuple[float, ...] = (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0)


@dataclass(frozen=True, slots=True)
class Spread:
    """How a number is spread over the items (or recordings) pooled: their count, quantiles."""

    n: int
    quantiles: tuple[float, ...]  # the value at each of QUANTILES, linear interpolation

    @classmethod
    def of(cls, samples: Iterable[float]) -> Spread:
        """The spread of ``samples`` (at least one)."""
        values = sorted(samples)
        # rounded as stored, so a profile compares the same before and after a save
        return cls(len(values), tuple(round(_quantile(values, q), 4) for q in QUANTILES))

    def at(self, q: float) -> float:
        """The value at quantile ``q`` (between two kept quantiles: interpolated)."""
        return _quantile(self.quantiles, _position(q) / (len(QUANTILES) - 1))

    @property
    def median(self) -> float:
        """The 50th percentile."""
        return self.at(0.5)


def _position(q: float) -> float:
    """Where ``q`` falls on the index scale of QUANTILES (fractional between two of them)."""
    for i in range(1, len(QUANTILES)):
        if q <= QUANTILES[i]:
            low, high = QUANTILES[i - 1], QUANTILES[i]
            return i - 1 + (q - low) / (high - low)
    return float(len(QUANTILES) - 1)


def _quantile(values: Sequence[float], q: float) -> float:
    position = (len(values) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


@dataclass(frozen=True, slots=True)
class Profile:
    """The pooled form of a feed's recordings: what a new recording is compared with."""

    feed: str | None
    sources: tuple[str, ...]  # recording names, oldest first
    items: int  # distinct items pooled
    signals: Mapping[str, int]  # signal -> number of items carrying it
    metrics: Mapping[str, Spread] = field(default_factory=dict)  # metric -> its spread
    feed_signals: Mapping[str, int] = field(default_factory=dict)  # -> recordings with it
    recordings: int = 0
    dialects: Mapping[str, int] = field(default_factory=dict)
    encodings: Mapping[str, int] = field(default_factory=dict)
    boilerplate: Mapping[str, str] = field(default_factory=dict)  # hash -> excerpt
    shapes: Mapping[str, str] = field(default_factory=dict)  # linked blocks, URLs masked
    recorded_at: str | None = None  # of the newest source
    counts: Spread | None = None  # items per recording
    texts: frozenset[str] = frozenset()  # hashes of every text block of the pooled items
    # metric -> (lowest, highest) the configuration allows (never stored: see bounded())
    bounds: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def last_source(self) -> str | None:
        """The newest recording pooled (the "last good one" when a new one drifted)."""
        return self.sources[-1] if self.sources else None

    def rate(self, signal: str) -> float:
        """Share of pooled items carrying ``signal``."""
        return self.signals.get(signal, 0) / self.items if self.items else 0.0

    def fill_rates(self) -> dict[str, float]:
        """Share of pooled items filling each field (``fill:`` signals)."""
        return {s[5:]: self.rate(s) for s in sorted(self.signals) if s.startswith("fill:")}


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
        metrics={k: Spread.of(v) for k, v in metrics.items() if v},
        feed_signals=dict(feed_signals),
        recordings=len(usable),
        dialects=dict(Counter(fp.dialect for fp in usable if fp.dialect)),
        encodings=dict(Counter(fp.encoding for fp in usable if fp.encoding)),
        boilerplate=boilerplate,
        shapes=shapes,
        recorded_at=next((fp.recorded_at for fp in reversed(usable) if fp.recorded_at), None),
        counts=Spread.of(len(fp.items) for fp in usable) if usable else None,
        texts=frozenset(d for fp in usable for item in fp.items for d in item.texts),
    )


# timestamp-matches-dateline's window, in the unit of the "offset" metric (minutes)
_LAG_CHECK = "timestamp-matches-dateline"


def bounded(p: Profile, setup: FeedSetup | None) -> Profile:
    """The profile with the configured limits as bounds of its learned spreads.

    The lag behind the date line is learned from the baseline, but a normal range may never
    reach past the feed's ``max-lead`` / ``max-lag`` (a baseline that pooled late pickups does
    not widen the window the configuration allows). No configured lag check: no bounds.
    """
    lag = next((inv for inv in setup.invariants if inv.id == _LAG_CHECK), None) if setup else None
    if lag is None:
        return p if not p.bounds else replace(p, bounds={})
    lead, late = lag.params["max_lead"], lag.params["max_lag"]
    return replace(p, bounds={"offset": (-lead.total_seconds() / 60, late.total_seconds() / 60)})


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
        "metrics": {k: _spread_data(v) for k, v in p.metrics.items()},
        "item_counts": None if p.counts is None else _spread_data(p.counts),
        "boilerplate": dict(p.boilerplate),
        "shapes": dict(p.shapes),
        # every text block of the blessed items: a block now repeating that one of them already
        # had is content (two articles by one author), as diff decides with both recordings
        "texts": " ".join(sorted(p.texts)),  # one line: hashes are no reading matter
    }


_QUANTILE_KEYS = ("min", "p10", "p25", "median", "p75", "p90", "max")  # one per QUANTILES


def _spread_data(spread: Spread) -> dict[str, Any]:
    """``{"n": 12, "min": .., "p10": .., "median": .., ..., "max": ..}``: readable in a diff."""
    return {"n": spread.n, **dict(zip(_QUANTILE_KEYS, spread.quantiles, strict=True))}


def _spread(raw: Any, old_format: bool) -> Spread:
    """A stored spread; format 1 stored every item's value (still read)."""
    if old_format:
        return Spread.of(float(x) for x in raw)
    quantiles = tuple(float(raw[key]) for key in _QUANTILE_KEYS)
    return Spread(int(raw["n"]), quantiles)


_READ_FORMATS = (1, BASELINE_FORMAT)


def from_data(data: Any, where: str) -> Profile:
    """A profile from JSON data; ConfigError naming the file when it is malformed."""
    if not isinstance(data, dict) or data.get("format") not in _READ_FORMATS:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise ConfigError(
            f"{where}: not a feedharness baseline (format {found!r}, expected one of "
            f"{', '.join(map(str, _READ_FORMATS))}); rewrite it with 'harness bless FEED'"
        )
    old = data["format"] == 1
    try:
        return Profile(
            feed=_opt_str(data.get("feed")),
            sources=tuple(str(s) for s in data.get("sources", [])),
            items=int(data["items"]),
            signals=_counts(data.get("signals", {})),
            metrics={str(k): _spread(v, old) for k, v in data["metrics"].items()},
            feed_signals=_counts(data.get("feed_signals", {})),
            recordings=int(data.get("recordings", 0)),
            dialects=_counts(data.get("dialects", {})),
            encodings=_counts(data.get("encodings", {})),
            boilerplate={str(k): str(v) for k, v in data.get("boilerplate", {}).items()},
            shapes={str(k): str(v) for k, v in data.get("shapes", {}).items()},
            recorded_at=_opt_str(data.get("recorded_at")),
            counts=None if data.get("item_counts") is None else _spread(data["item_counts"], False),
            texts=frozenset(str(data.get("texts", "")).split()),
        )
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as err:
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
