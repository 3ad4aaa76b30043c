"""The raw changes between a baseline and a new recording: signal shares and metric spreads.

Every signal's share of items and every metric's spread in a new recording is tested against a
:class:`~harness.drift.baseline.Profile` (see :mod:`harness.drift.compare` for the rules and how
changes become findings). Nothing here groups or names: each change is one signal or metric.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from harness.drift.baseline import Profile, Spread
from harness.drift.findings import Scope
from harness.drift.fingerprint import Fingerprint, ItemPrint
from harness.kinds import kind_of

__all__ = [
    "ALPHA",
    "MIN_EFFECT",
    "MIN_ITEMS",
    "UNIVERSAL",
    "Change",
    "feed_level",
    "metrics",
    "normal_range",
    "num",
    "presence",
    "unscale",
]

ALPHA = 0.05
MIN_EFFECT = 0.5
MIN_ITEMS = 2
_LOG_METRICS = frozenset({"text", "paragraphs", "images"})
# The least a normal range is widened by (instead of a smaller interquartile range): log1p 0.4
# is a factor 1.5 in length or count; 0.1 and 0.15 are shares. The lag (minutes) is a crawl
# delay: the feedx.net mirror polls every 15 to 30 minutes since 2021 (SOURCES.md, harness.toml),
# so an item published just after a poll waits up to one interval more than one published just
# before it. A baseline of punctual items (lags of 0-2 min) must still allow that: 30 minutes,
# the longest interval documented, is the floor (the configured max-lag stays the ceiling).
_FLOORS = {"paragraphs": 0.4, "text": 0.4, "images": 0.4, "offset": 30.0, "boilerplate": 0.1}
_FLOORS["cjk"] = 0.15
_FEED_FAMILIES = frozenset({"ns", "root", "chan"})
_HELPERS = frozenset({"shape"})
_VOCABULARY = frozenset({"tag", "attr", "host", "imghost", "href", "src", "boiler"})
_REPEAT_FAMILIES = frozenset({"boiler", "leak"})  # signals keyed by a text block's hash
UNIVERSAL = 0.75  # share of items a markup change must reach (and leave) to be template drift


@dataclass(frozen=True, slots=True)
class Change:
    signal: str
    family: str
    direction: str  # appeared, vanished, rose, fell
    before: str
    after: str
    items: frozenset[str]  # keys of items showing the change
    located: frozenset[tuple[str, int]]  # (item key, top-level block) of appeared signals
    scope: Scope
    k0: int = 0

    @property
    def kind(self) -> str:
        return kind_of(self.signal, self.family, self.direction)


def _family(signal: str) -> str:
    return signal.split(":", 1)[0]


def _binom_tail(k: int, n: int, p: float, *, upper: bool) -> float:
    ks = range(k, n + 1) if upper else range(k + 1)
    return min(1.0, sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in ks))


def _share(k: int, n: int) -> str:
    return f"{k} of {n} item{'s' * (n != 1)} ({round(100 * k / n) if n else 0}%)"


def _universal(before: float, after: float, rose: bool) -> bool:
    """Markup vocabulary drifts when a template changes: nearly every item, not some."""
    low, high = (before, after) if rose else (after, before)
    return low <= 1 - UNIVERSAL and high >= UNIVERSAL


def _item_worthy(signal: str, direction: str, family: str) -> bool:
    """Signals that mark an odd item (template markup, text damage, a missing date line)."""
    if direction in ("appeared", "rose"):
        if family in ("text", "dshape", "case", "esc", "role"):
            return True
        if family in ("href", "src", "url", "rawlink"):
            return "relative" in signal
        own = signal.rsplit("/", 1)[-1].split(".", 1)[0]
        return family == "tag" and ("[data-" in own or "-" in own.split("[", 1)[0])
    return family in ("fill", "role") and not signal.startswith(("fill:categories", "fill:enc"))


def presence(base: Profile, new: Fingerprint, seen: frozenset[str] = frozenset()) -> list[Change]:
    n0, n1 = base.items, len(new.items)
    holders: dict[str, list[ItemPrint]] = {}
    for item in new.items:
        for s in item.signals:
            holders.setdefault(s, []).append(item)
    for digest in base.boilerplate:  # a known block counts even where it no longer repeats
        holders[f"boiler:{digest}"] = [i for i in new.items if digest in i.texts]
    changes = []
    for signal in sorted(set(holders) | set(base.signals)):
        if _family(signal) in _REPEAT_FAMILIES and _seen_block(signal, base, seen):
            continue  # a block the baseline's items already had: repeated now, not new
        change = _presence_change(signal, base, new, holders.get(signal, []), n0, n1)
        if change is not None:
            changes.append(change)
    return changes


def _seen_block(signal: str, base: Profile, seen: frozenset[str]) -> bool:
    """True for a block the baseline's items had without it repeating there."""
    digest = signal.split(":", 1)[1]
    return digest in seen and digest not in base.boilerplate


def _presence_change(
    signal: str, base: Profile, new: Fingerprint, have: list[ItemPrint], n0: int, n1: int
) -> Change | None:
    family = _family(signal)
    if family in _HELPERS:
        return None
    k0, k1 = base.signals.get(signal, 0), len(have)
    if n0 == 0 or n1 == 0 or k0 * n1 == k1 * n0:
        return None
    rose = k1 * n0 > k0 * n1
    if rose and family == "fill":
        return None  # a field filled more often is more data, not drift
    direction = ("appeared" if k0 == 0 else "rose") if rose else ("vanished" if k1 == 0 else "fell")
    showing = have if rose else [i for i in new.items if signal not in i.signals]
    p0 = (k0 + 0.5) / (n0 + 1)
    p_value = _binom_tail(k1, n1, p0, upper=rose)
    effect = abs(k1 / n1 - k0 / n0)
    # all items changed sides (none before, all now, or the reverse): a tiny baseline cannot
    # give a small p-value, but a complete switch in two or more items is no sampling accident
    complete = (k0 == 0 and k1 == n1) or (k0 == n0 >= MIN_ITEMS and k1 == 0)
    significant = p_value < ALPHA or complete
    # a field still filled in many items: articles with and without it, not a new form
    partial = family == "fill" and k1 > (1 - UNIVERSAL) * n1
    if (
        effect >= MIN_EFFECT
        and significant
        and len(showing) >= MIN_ITEMS
        and not partial
        and (family not in _VOCABULARY or _universal(k0 / n0, k1 / n1, rose))
    ):
        scope = Scope.FEED
    elif (
        len(showing) == 1
        and _item_worthy(signal, direction, family)
        and (k0 == 0 if rose else k0 == n0 and n0 >= 2)
    ):
        scope = Scope.ITEM
    else:
        return None
    located = (
        frozenset((i.key, i.where[signal]) for i in have if signal in i.where)
        if rose
        else frozenset()
    )
    return Change(
        signal,
        family,
        direction,
        _share(k0, n0),
        _share(k1, n1),
        frozenset(i.key for i in showing),
        located,
        scope,
        k0,
    )


def normal_range(
    name: str, spread: Spread, bounds: tuple[float, float] | None
) -> tuple[float, float]:
    """The baseline's normal range: 10th-90th percentile widened by the IQR (with a floor).

    Lengths are compared on a log scale. ``bounds`` (the configuration's window, e.g. max-lead
    and max-lag for the lag) cap the range: a learned spread never allows more than it does.
    """
    q = [_scale(name, spread.at(p)) for p in (0.1, 0.25, 0.75, 0.9)]
    iqr = max(q[2] - q[1], _FLOORS.get(name, 0.0))
    lo, hi = q[0] - iqr, q[3] + iqr
    if bounds is not None:
        lo, hi = max(lo, _scale(name, bounds[0])), min(hi, _scale(name, bounds[1]))
    return lo, hi


def _scale(name: str, value: float) -> float:
    return math.log1p(max(value, 0.0)) if name in _LOG_METRICS else value


def metrics(base: Profile, new: Fingerprint) -> list[Change]:
    changes = []
    for name, spread in sorted(base.metrics.items()):
        values = [(i, i.metrics[name]) for i in new.items if name in i.metrics]
        if spread.n < 3 or not values:
            continue
        lo, hi = normal_range(name, spread, base.bounds.get(name))
        for rose, out in (
            (True, [i for i, v in values if _scale(name, v) > hi]),
            (False, [i for i, v in values if _scale(name, v) < lo]),
        ):
            scope = _metric_scope(name, len(out), len(values))
            if scope is None:
                continue
            new_median = statistics.median(v for _, v in values)
            changes.append(
                Change(
                    f"metric:{name}",
                    "metric",
                    "rose" if rose else "fell",
                    f"median {num(spread.median)} over {spread.n} items "
                    f"(normal range {num(unscale(name, lo))} to {num(unscale(name, hi))})",
                    f"median {num(new_median)}; {len(out)} of {len(values)} items "
                    f"{'above' if rose else 'below'} the range",
                    frozenset(i.key for i in out),
                    frozenset(),
                    scope,
                )
            )
    return changes


def _metric_scope(name: str, out: int, n: int) -> Scope | None:
    """Feed drift when most items leave the range; one item off in lag is an item problem
    (a late pickup); a minority of other values is content."""
    if out >= MIN_ITEMS and 2 * out > n:
        return Scope.FEED
    if out == 1 and name == "offset":
        return Scope.ITEM
    return None


def unscale(name: str, value: float) -> float:
    """A bound of :func:`normal_range` in the metric's own unit."""
    return math.expm1(value) if name in _LOG_METRICS else value


def num(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.2f}"


def feed_level(base: Profile, new: Fingerprint) -> list[Change]:
    keys = frozenset(i.key for i in new.items)
    changes = []

    def add(signal: str, direction: str, before: str, after: str) -> None:
        changes.append(
            Change(signal, _family(signal), direction, before, after, keys, frozenset(), Scope.FEED)
        )

    if new.dialect and base.dialects and new.dialect not in base.dialects:
        add(f"dialect:{new.dialect}", "appeared", _names(base.dialects), new.dialect)
    if new.encoding and base.encodings and new.encoding not in base.encodings:
        add(f"encoding:{new.encoding}", "appeared", _names(base.encodings), new.encoding)
    r = base.recordings
    for signal in sorted(new.feed_signals - set(base.feed_signals)):
        add(signal, "appeared", f"in 0 of {r} recordings", "present")
    for signal in sorted(s for s, k in base.feed_signals.items() if k == r):
        if signal not in new.feed_signals and _family(signal) in _FEED_FAMILIES:
            add(signal, "vanished", f"in {r} of {r} recordings", "absent")
    return changes


def _names(counts: dict[str, int] | object) -> str:
    return ", ".join(sorted(counts)) if isinstance(counts, dict) else str(counts)
