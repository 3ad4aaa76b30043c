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

from collections.abc import Iterable
from dataclasses import replace

from harness.drift.baseline import Profile
from harness.drift.changes import (
    Change,
    feed_level,
    metrics,
    num,
    presence,
)
from harness.drift.findings import Cause, Example, Finding, Level, Scope, SignalChange
from harness.drift.fingerprint import Fingerprint
from harness.kinds import KINDS, priority

__all__ = [
    "EXAMPLES",
    "WINDOW",
    "block_texts",
    "compare",
    "failure_finding",
    "finding_order",
]

WINDOW = 1  # recordings pooled as the reference in a history (grown only until then)
_ENVELOPE_FAMILIES = frozenset({"env", "esc", "ns", "root", "chan", "fill", "pshape", "zone"})
_EXPLAINERS = frozenset({
    "esc", "case", "fill", "role", "dshape", "text", "tb", "pshape", "zone", "metric", "leak",
    "pos",  # a position's form changed: it explains the changes of the same items
})  # fmt: skip
EXAMPLES = 3  # examples kept per finding


# --- grouping ----------------------------------------------------------------------------------


def _overlap(a: frozenset[tuple[str, int]], b: frozenset[tuple[str, int]]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _linked(a: Change, b: Change) -> bool:
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


def _groups(changes: list[Change]) -> list[list[Change]]:
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
    groups: dict[int, list[Change]] = {}
    for i, change in enumerate(changes):
        groups.setdefault(find(i), []).append(change)
    return [sorted(g, key=lambda c: (priority(c.kind), c.signal)) for g in groups.values()]


def _item_groups(changes: list[Change]) -> list[list[Change]]:
    """Item-scope changes: one group per odd item (and block)."""
    groups: dict[str, list[Change]] = {}
    for change in changes:
        groups.setdefault(min(change.items), []).append(change)
    return [sorted(g, key=lambda c: (priority(c.kind), c.signal)) for g in groups.values()]


# --- findings ----------------------------------------------------------------------------------


def _lone_markup(group: list[Change]) -> bool:
    """One tag or attribute alone: content shifting (an embed's markup), not a template change."""
    return len(group) == 1 and group[0].family in ("tag", "attr")


_UPS = ("appeared", "rose")
_SAME_TEXT_FORMS = frozenset({"cdata", "escaped"})  # XML 1.0 2.4/2.7: both decode to one text


def _reserialized(group: list[Change]) -> bool:
    """Only how the same parsed text is written changed: a markup field escaped the other way
    (CDATA <-> entities, XML 1.0 2.4/2.7), with or without the document's encoding (XML 1.0
    4.3.3: text it misreads shows as text:mojibake or text:replacement-char, other families)."""
    written = [c for c in group if c.family != "encoding"]
    return all(
        c.family == "esc" and c.signal.rpartition("=")[2] in _SAME_TEXT_FORMS for c in written
    )


def _group_kind(group: list[Change]) -> str:
    if _reserialized(group):
        return "serialization"
    kinds = {c.kind for c in group}
    new_block = any(c.family in ("boiler", "leak") and c.direction in _UPS for c in group)
    # a style switch replaces one way of writing tags with another; tags arriving in plain
    # text (or a new block's own case) are new markup, not a switch
    switched = any(c.family == "case" and c.direction not in _UPS for c in group)
    if (new_block or not switched) and kinds != {"markup-style"}:
        kinds.discard("markup-style")
    for families in (
        ("dialect",),
        ("esc", "text"),
        ("summary",),
        ("case",) if "markup-style" in kinds else (),
        ("fill", "role", "dshape"),
    ):
        if families == ("summary",):
            if "summary-only" in kinds:  # bodies lost their paragraphs: field changes follow
                return "summary-only"
            continue
        chosen = [c.kind for c in group if c.family in families]
        if chosen:
            return min(chosen, key=priority)
    if _restructured(group, kinds):
        return "body-layout"
    if "boilerplate-new" in kinds and any(c.kind == "boilerplate-gone" for c in group):
        return "boilerplate-changed"
    return min(kinds, key=priority)


def _restructured(group: list[Change], kinds: set[str]) -> bool:
    """A position of the body changed form (``pos:``): its tags, links and text blocks follow.

    A new holder of the text re-cuts every text block, so repeated blocks change with it; a new
    repeated block without one is boilerplate, whatever position it takes.
    """
    if any(c.signal.startswith("pos:container=") for c in group):
        return True
    return "boilerplate-new" not in kinds and any(c.family == "pos" for c in group)


def _level(kind: str, group: list[Change], scope: Scope) -> Level:
    """The kind's default severity, raised to error when parsed text or fields are damaged."""
    if scope is Scope.ITEM:
        return Level.INFO
    info = KINDS[kind]
    if info.corrupts:
        return Level.ERROR
    if info.cause == "serialization-only":
        return Level(info.level)
    damaging = {"leak", "text"}
    if any(c.family in damaging and c.direction in ("appeared", "rose") for c in group):
        return Level.ERROR
    if any(c.family == "fill" or c.signal == "metric:offset" for c in group):
        return Level.ERROR
    return Level(info.level)


_PASSED_THROUGH = "summary/content (passed through as HTML)"


def _field(kind: str, group: list[Change], new: Fingerprint) -> str:
    info = KINDS[kind]
    # a body parser fills "paragraphs" (every item has the metric, so it tells nothing)
    body_parser = any("fill:paragraphs" in i.signals for i in new.items)
    fills = sorted({c.signal.split(":", 1)[1] for c in group if c.family == "fill"})
    if fills:
        return ", ".join(fills)
    if kind.startswith("boilerplate") or kind == "new-block":
        if any(c.family == "leak" for c in group):
            return "paragraphs (the block's text reaches the parsed text)"
        if body_parser:
            return "none yet: the body parser drops this block"
        return _PASSED_THROUGH
    return info.field


def _examples(group: list[Change], new: Fingerprint) -> tuple[Example, ...]:
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
            excerpt = f"{metric} = {num(item.metrics.get(metric, 0))}"
        chosen.append(Example(item=key, title=item.title, excerpt=excerpt))
        if len(chosen) == EXAMPLES:
            break
    return tuple(chosen)


def _renamed(group: list[Change], new: Fingerprint, base: Profile) -> SignalChange | None:
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
    group: list[Change],
    new: Fingerprint,
    scope: Scope,
    last_good: str | None,
    base: Profile | None = None,
) -> Finding:
    kind = _group_kind(group)
    if kind == "body-layout":  # the position first: it heads the signals and the examples
        group = sorted(group, key=lambda c: c.family != "pos")
    renamed = _renamed(group, new, base) if base is not None else None
    if renamed is not None and kind == "boilerplate-new":
        kind = "boilerplate-changed"
    info = KINDS[kind]
    field = _field(kind, group, new)
    level = _level(kind, group, scope)
    if scope is Scope.FEED and kind == "boilerplate-new" and field == _PASSED_THROUGH:
        # a new block reaches the summary a generic parser passes on (a reworded one was there)
        level = Level.ERROR
    return Finding(
        kind=kind,
        feed=new.feed,
        scope=scope,
        level=level,
        title=info.title if scope is Scope.FEED else f"one item: {info.title}",
        explanation=info.explanation if scope is Scope.FEED else _ITEM_NOTE,
        field=field,
        signals=(
            *([renamed] if renamed else []),
            *(SignalChange(c.signal, c.before, c.after, c.direction) for c in group),
        ),
        examples=_examples(group, new),
        first_seen=new.name,
        last_good=last_good,
        seen_in=(new.name,),
        cause=Cause(info.cause) if scope is Scope.FEED else Cause.ITEM_PROBLEM,
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
        cause=Cause(info.cause),
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
    seen = seen | base.texts  # a stored baseline keeps the text blocks of its items
    if not new.ok:
        return (failure_finding(new, last_good),)
    if base.items == 0:
        return ()
    changes = feed_level(base, new) + presence(base, new, seen) + metrics(base, new)
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
