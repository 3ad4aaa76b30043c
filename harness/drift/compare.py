"""One recording against a baseline: changes of form become findings, grouped by cause.

A new recording is compared with a :class:`~harness.drift.baseline.Profile` (one older recording, a
pool of recent ones, or the blessed baseline). Every signal's share of items and every metric's
spread is tested against the baseline's own numbers:

* a share must move by at least ``MIN_EFFECT`` *and* be unlikely under the baseline's rate
  (binomial tail below ``ALPHA``, the rate smoothed by half an item so that a small baseline
  gives wide margins) *and* at least ``MIN_ITEMS`` items must show it;
* a field filled less often (``fill:`` signals) is feed drift only once it is gone from most
  items (filled in at most a quarter): articles with and without an image are content;
* a metric drifts when at least two items, and half of them, fall outside the baseline's
  10th-90th percentile range widened by its interquartile range (log scale for lengths);
* a new template-like signal in a single item is an *item* finding, never feed drift, unless
  another item shows it again in a later recording (then it is promoted, first seen at the
  recording of the first item).
* a block repeating across items is not *new* boilerplate when an item of the baseline already
  had it (``diff`` and ``history`` pass the baseline recordings' text blocks; a stored profile
  keeps only the blocks that repeated): a second article by the same author is content.

Changes that share a cause are grouped: the same places in the same items, the same items for
field-level signals, a namespace with its elements, a dialect switch with the whole envelope.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from harness.drift.baseline import Profile
from harness.drift.findings import Example, Finding, Level, Scope, SignalChange
from harness.drift.fingerprint import Fingerprint, ItemPrint
from harness.drift.kinds import KINDS, kind_of, priority

__all__ = [
    "ALPHA",
    "EXAMPLES",
    "MIN_EFFECT",
    "MIN_ITEMS",
    "UNIVERSAL",
    "WINDOW",
    "block_texts",
    "compare",
    "failure_finding",
    "finding_order",
]

ALPHA = 0.05
MIN_EFFECT = 0.5
MIN_ITEMS = 2
WINDOW = 1  # recordings pooled as the reference in a history (grown only until then)
_LOG_METRICS = frozenset({"text", "paragraphs", "images"})
_FLOORS = {"paragraphs": 0.4, "text": 0.4, "images": 0.4, "offset": 20.0, "boilerplate": 0.1}
_FLOORS["cjk"] = 0.15
_FEED_FAMILIES = frozenset({"ns", "root", "chan"})
_ENVELOPE_FAMILIES = frozenset({"env", "esc", "ns", "root", "chan", "fill", "pshape", "zone"})
_EXPLAINERS = frozenset(
    {"esc", "case", "fill", "role", "dshape", "text", "tb", "pshape", "zone", "metric", "leak"}
)
EXAMPLES = 3  # examples kept per finding
_HELPERS = frozenset({"shape"})
_VOCABULARY = frozenset({"tag", "attr", "host", "imghost", "href", "src", "boiler"})
_REPEAT_FAMILIES = frozenset({"boiler", "leak"})  # signals keyed by a text block's hash
UNIVERSAL = 0.75  # share of items a markup change must reach (and leave) to be template drift


# --- raw changes -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Change:
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


def _presence(base: Profile, new: Fingerprint, seen: frozenset[str] = frozenset()) -> list[_Change]:
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
) -> _Change | None:
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
    return _Change(
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


def _quantile(values: Sequence[float], q: float) -> float:
    position = (len(values) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def _metric_range(name: str, samples: Sequence[float]) -> tuple[float, float]:
    """The baseline's normal range: 10th-90th percentile widened by the IQR (with a floor)."""
    values = sorted(math.log1p(max(v, 0.0)) if name in _LOG_METRICS else v for v in samples)
    iqr = max(_quantile(values, 0.75) - _quantile(values, 0.25), _FLOORS.get(name, 0.0))
    return _quantile(values, 0.1) - iqr, _quantile(values, 0.9) + iqr


def _metrics(base: Profile, new: Fingerprint) -> list[_Change]:
    changes = []
    for name, samples in sorted(base.metrics.items()):
        values = [(i, i.metrics[name]) for i in new.items if name in i.metrics]
        if len(samples) < 3 or not values:
            continue
        lo, hi = _metric_range(name, samples)
        scale = (lambda v: math.log1p(max(v, 0.0))) if name in _LOG_METRICS else (lambda v: v)
        for rose, out in (
            (True, [i for i, v in values if scale(v) > hi]),
            (False, [i for i, v in values if scale(v) < lo]),
        ):
            if len(out) >= MIN_ITEMS and 2 * len(out) > len(values):
                scope = Scope.FEED
            elif len(out) == 1 and name == "offset":
                scope = Scope.ITEM
            else:
                continue
            new_median = statistics.median(v for _, v in values)
            changes.append(
                _Change(
                    f"metric:{name}",
                    "metric",
                    "rose" if rose else "fell",
                    f"median {_num(statistics.median(samples))} over {len(samples)} items "
                    f"(normal range {_num(_unscale(name, lo))} to {_num(_unscale(name, hi))})",
                    f"median {_num(new_median)}; {len(out)} of {len(values)} items "
                    f"{'above' if rose else 'below'} the range",
                    frozenset(i.key for i in out),
                    frozenset(),
                    scope,
                )
            )
    return changes


def _unscale(name: str, value: float) -> float:
    return math.expm1(value) if name in _LOG_METRICS else value


def _num(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 10 or value == int(value) else f"{value:.2f}"


def _feed_level(base: Profile, new: Fingerprint) -> list[_Change]:
    keys = frozenset(i.key for i in new.items)
    changes = []

    def add(signal: str, direction: str, before: str, after: str) -> None:
        changes.append(
            _Change(
                signal, _family(signal), direction, before, after, keys, frozenset(), Scope.FEED
            )
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


# --- grouping ----------------------------------------------------------------------------------


def _overlap(a: frozenset[tuple[str, int]], b: frozenset[tuple[str, int]]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _linked(a: _Change, b: _Change) -> bool:
    if a.located and b.located:
        return _overlap(a.located, b.located) >= 0.5
    fams = {a.family, b.family}
    if "dialect" in fams:
        return (fams - {"dialect"}) <= _ENVELOPE_FAMILIES or fams == {"dialect"}
    ups = {"appeared", "rose"}
    if fams == {"boiler"} and (a.direction in ups) != (b.direction in ups):
        return _jaccard(a.items, b.items) >= 0.6  # one block replaced by another
    if fams == {"ns", "env"}:
        ns, env = (a, b) if a.family == "ns" else (b, a)
        prefix = ns.signal.split(":", 1)[1]
        return env.signal.startswith(f"env:{prefix}:")
    if "url" in fams or "urlhost" in fams:
        return fams <= {"url", "urlhost"} and _jaccard(a.items, b.items) >= 0.6
    ea, eb = a.family in _EXPLAINERS, b.family in _EXPLAINERS
    if (ea and (eb or b.located)) or (eb and a.located):
        return _jaccard(a.items, b.items) >= 0.6
    if not a.located and not b.located:  # both lost from the same items: one cause
        return _jaccard(a.items, b.items) >= 0.8
    return False


def _groups(changes: list[_Change]) -> list[list[_Change]]:
    parent = list(range(len(changes)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(changes)):
        for j in range(i + 1, len(changes)):
            if find(i) != find(j) and _linked(changes[i], changes[j]):
                parent[find(j)] = find(i)
    groups: dict[int, list[_Change]] = {}
    for i, change in enumerate(changes):
        groups.setdefault(find(i), []).append(change)
    return [sorted(g, key=lambda c: (priority(c.kind), c.signal)) for g in groups.values()]


def _item_groups(changes: list[_Change]) -> list[list[_Change]]:
    """Item-scope changes: one group per odd item (and block)."""
    groups: dict[str, list[_Change]] = {}
    for change in changes:
        groups.setdefault(min(change.items), []).append(change)
    return [sorted(g, key=lambda c: (priority(c.kind), c.signal)) for g in groups.values()]


# --- findings ----------------------------------------------------------------------------------


def _lone_markup(group: list[_Change]) -> bool:
    """One tag or attribute alone: content shifting (an embed's markup), not a template change."""
    return len(group) == 1 and group[0].family in ("tag", "attr")


def _group_kind(group: list[_Change]) -> str:
    kinds = {c.kind for c in group}
    for families in (
        ("dialect",),
        ("esc", "text"),
        ("summary",),
        ("case",),
        ("fill", "role", "dshape"),
    ):
        if families == ("summary",):
            if "summary-only" in kinds:  # bodies lost their paragraphs: field changes follow
                return "summary-only"
            continue
        chosen = [c.kind for c in group if c.family in families]
        if chosen:
            return min(chosen, key=priority)
    if "boilerplate-new" in kinds and any(c.kind == "boilerplate-gone" for c in group):
        return "boilerplate-changed"
    return min(kinds, key=priority)


def _level(kind: str, group: list[_Change], scope: Scope) -> Level:
    if scope is Scope.ITEM:
        return Level.INFO
    if KINDS[kind].corrupts:
        return Level.ERROR
    damaging = {"leak", "text"}
    if any(c.family in damaging and c.direction in ("appeared", "rose") for c in group):
        return Level.ERROR
    if any(c.family == "fill" or c.signal == "metric:offset" for c in group):
        return Level.ERROR
    return Level.WARNING


def _field(kind: str, group: list[_Change], new: Fingerprint) -> str:
    info = KINDS[kind]
    body_parser = any(
        "fill:paragraphs" in i.signals or "paragraphs" in i.metrics for i in new.items
    )
    fills = sorted({c.signal.split(":", 1)[1] for c in group if c.family == "fill"})
    if fills:
        return ", ".join(fills)
    if kind.startswith("boilerplate") or kind == "new-block":
        if any(c.family == "leak" for c in group):
            return "paragraphs (the block's text reaches the parsed text)"
        if body_parser:
            return "none yet: the body parser drops this block"
        return "summary/content (passed through as HTML)"
    return info.field


def _examples(group: list[_Change], new: Fingerprint) -> tuple[Example, ...]:
    by_key = {i.key: i for i in new.items}
    located = [c for c in group if c.located]
    with_text = [c for c in group if any(c.signal in i.excerpts for i in new.items)]
    primary = (with_text or located or group)[0]
    chosen: list[Example] = []
    for key in sorted(primary.items, key=lambda k: by_key[k].index if k in by_key else 0):
        item = by_key.get(key)
        if item is None:
            continue
        excerpt = item.excerpts.get(primary.signal)
        if excerpt is None:
            excerpt = next(
                (item.excerpts[c.signal] for c in group if c.signal in item.excerpts), ""
            )
        if not excerpt and primary.family == "metric":
            metric = primary.signal.split(":", 1)[1]
            excerpt = f"{metric} = {_num(item.metrics.get(metric, 0))}"
        chosen.append(Example(item=key, title=item.title, excerpt=excerpt))
        if len(chosen) == EXAMPLES:
            break
    return tuple(chosen)


def _renamed(group: list[_Change], new: Fingerprint, base: Profile) -> SignalChange | None:
    """A new repeated block that has the shape of a known one (same text, other URLs)."""
    by_key = {i.key: i for i in new.items}
    for change in group:
        if change.family != "boiler" or change.direction != "appeared":
            continue
        for key, top in sorted(change.located):
            item = by_key.get(key)
            shapes = [
                s
                for s, t in (item.where.items() if item else ())
                if s.startswith("shape:") and t == top
            ]
            for shape in shapes:
                old = base.shapes.get(shape)
                now = item.excerpts.get(shape) if item else None
                if old and now and old != now:
                    return SignalChange("block text", old, now, "changed")
    return None


def _finding(
    group: list[_Change],
    new: Fingerprint,
    scope: Scope,
    last_good: str | None,
    base: Profile | None = None,
) -> Finding:
    kind = _group_kind(group)
    renamed = _renamed(group, new, base) if base is not None else None
    if renamed is not None and kind == "boilerplate-new":
        kind = "boilerplate-changed"
    info = KINDS[kind]
    return Finding(
        kind=kind,
        feed=new.feed,
        scope=scope,
        level=_level(kind, group, scope),
        title=info.title if scope is Scope.FEED else f"one item: {info.title}",
        explanation=info.explanation if scope is Scope.FEED else _ITEM_NOTE,
        field=_field(kind, group, new),
        signals=(
            *([renamed] if renamed else []),
            *(SignalChange(c.signal, c.before, c.after, c.direction) for c in group),
        ),
        examples=_examples(group, new),
        first_seen=new.name,
        last_good=last_good,
        seen_in=(new.name,),
    )


_ITEM_NOTE = (
    "Seen in a single item: one odd item is an item problem, not feed drift. It becomes drift "
    "when another item shows it in a later recording."
)


def failure_finding(fp: Fingerprint, last_good: str | None) -> Finding:
    transport = fp.transport is not None
    kind = "transport" if transport else "unreadable"
    info = KINDS[kind]
    return Finding(
        kind=kind,
        feed=fp.feed,
        scope=Scope.RECORDING,
        level=Level.WARNING,
        title=info.title,
        explanation=info.explanation,
        field=info.field,
        first_seen=fp.name,
        last_good=last_good,
        seen_in=(fp.name,),
        detail=fp.transport or fp.error,
    )


def compare(
    base: Profile,
    new: Fingerprint,
    *,
    last_good: str | None = None,
    seen: frozenset[str] = frozenset(),
) -> tuple[Finding, ...]:
    """Findings of ``new`` against ``base``: feed drift first (errors first), then item problems.

    ``seen`` holds the hashes of the text blocks of the baseline's items, when the baseline's
    recordings are at hand (a profile keeps only the blocks that repeated): a block now
    repeating across items that an item of the baseline already had is not a new block (two
    articles by one author, two items with one date line).
    """
    last_good = last_good if last_good is not None else base.last_source
    if not new.ok:
        return (failure_finding(new, last_good),)
    if base.items == 0:
        return ()
    changes = _feed_level(base, new) + _presence(base, new, seen) + _metrics(base, new)
    feed = [c for c in changes if c.scope is Scope.FEED]
    items = [c for c in changes if c.scope is Scope.ITEM]
    groups = [g for g in _groups(feed) if not _lone_markup(g)]
    found = _same_kind([_finding(g, new, Scope.FEED, last_good, base) for g in groups])
    found += [_finding(g, new, Scope.ITEM, last_good) for g in _item_groups(items)]
    return tuple(sorted(found, key=finding_order))


def block_texts(fingerprints: Iterable[Fingerprint]) -> frozenset[str]:
    """The hashes of every text block of every item of ``fingerprints``."""
    return frozenset(d for fp in fingerprints for item in fp.items for d in item.texts)


def _same_kind(findings: list[Finding]) -> list[Finding]:
    """Two groups of one kind in one recording are one finding (e.g. image hosts and links)."""
    merged: dict[str, Finding] = {}
    for f in findings:
        old = merged.get(f.kind)
        if old is None:
            merged[f.kind] = f
            continue
        levels = (old.level, f.level)
        merged[f.kind] = replace(
            old,
            level=Level.ERROR if Level.ERROR in levels else old.level,
            signals=old.signals + f.signals,
            examples=(old.examples + f.examples)[:EXAMPLES],
        )
    return list(merged.values())


def finding_order(f: Finding) -> tuple[int, int, int, str]:
    scopes = {Scope.RECORDING: 0, Scope.FEED: 1, Scope.ITEM: 2}
    levels = {Level.ERROR: 0, Level.WARNING: 1, Level.INFO: 2}
    return scopes[f.scope], levels[f.level], priority(f.kind), f.title
