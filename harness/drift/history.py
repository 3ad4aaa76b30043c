"""A feed's recordings in order: drift first seen where, promoted item problems, a timeline."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from harness.drift.baseline import Profile, bounded, profile
from harness.drift.compare import (
    EXAMPLES,
    WINDOW,
    block_texts,
    compare,
    failure_finding,
    finding_order,
)
from harness.drift.findings import Example, FeedHistory, Finding, Level, Scope, TimelinePoint
from harness.drift.fingerprint import Fingerprint
from harness.kinds import KINDS

if TYPE_CHECKING:
    from harness.feedsetup import FeedSetup

__all__ = ["current_form", "diff", "history", "timeline"]


def diff(old: Fingerprint, new: Fingerprint, *, setup: FeedSetup | None = None) -> FeedHistory:
    """Findings of NEW against OLD (OLD's form is the baseline, bounded by ``setup``'s limits)."""
    findings: tuple[Finding, ...]
    if not old.ok:
        findings = (failure_finding(old, None),)
    else:
        base = bounded(profile([old]), setup)
        findings = compare(base, new, last_good=old.name, seen=block_texts([old]))
    points = timeline([old, new], findings)
    return FeedHistory(new.feed or old.feed, (old.name, new.name), findings, points)


def history(fingerprints: Sequence[Fingerprint], *, window: int = WINDOW) -> FeedHistory:
    """Walk a feed's recordings in order, each compared with a reference pool.

    The reference is the first ``window`` good recordings after the last drift; it is not
    moved along with every recording, so a change that spreads slowly (item by item) still
    adds up to drift. When drift is found, the drifted recording becomes the new reference, as
    if it had been blessed, and the drift's first appearance is traced back.
    """
    reference: list[Fingerprint] = []
    good: list[Fingerprint] = []
    drift: list[Finding] = []
    others: list[Finding] = []
    pending: dict[str, Finding] = {}
    pooled: tuple[Profile, frozenset[str]] | None = None  # the reference's, while it stands
    for fp in fingerprints:
        last = good[-1].name if good else None
        if not fp.ok:
            others.append(failure_finding(fp, last))
            continue
        drifted = False
        if reference:
            if pooled is None:  # the reference changed: its profile and blocks once more
                pooled = (profile(reference), block_texts(reference))
            found = compare(pooled[0], fp, last_good=last, seen=pooled[1])
            for promoted in _promote(pending, fp, drift):
                others.remove(promoted)
            for f in found:
                if f.scope is Scope.FEED:
                    drifted = True
                    _merge(drift, _backtrack(f, good))
                elif not _explained(f, drift, fp.name):
                    others.append(f)
                    for change in f.signals:
                        pending.setdefault(change.signal, f)
        good.append(fp)
        if drifted:
            reference, pooled = [fp], None
        elif len(reference) < window:
            reference.append(fp)
            pooled = None
    findings = tuple(sorted(drift, key=finding_order)) + tuple(others)
    feed = next((fp.feed for fp in fingerprints if fp.feed), None)
    names = tuple(fp.name for fp in fingerprints)
    return FeedHistory(feed, names, findings, timeline(fingerprints, findings))


def _explained(f: Finding, drift: list[Finding], name: str) -> bool:
    """An item finding already counted in a drift finding seen in the same recording."""
    return any(name in d.seen_in and d.signal_names & f.signal_names for d in drift)


def current_form(fingerprints: Sequence[Fingerprint]) -> list[Fingerprint]:
    """The good recordings since the feed's last drift: what ``harness bless`` pools."""
    names = [fp.name for fp in fingerprints]
    firsts = [f.first_seen for f in history(fingerprints).findings if f.is_drift]
    start = max((names.index(n) for n in firsts if n in names), default=0)
    return [fp for fp in fingerprints[start:] if fp.ok]


def _promote(pending: dict[str, Finding], fp: Fingerprint, drift: list[Finding]) -> list[Finding]:
    """An item finding whose signal shows up again in another item becomes feed drift."""
    done: list[Finding] = []
    for signal, finding in list(pending.items()):
        if finding in done:
            continue
        first_items = {e.item for e in finding.examples}
        again = [i for i in fp.items if signal in i.signals and i.key not in first_items]
        if not again or 2 * len(again) < len(fp.items):
            continue  # one more odd item among many is still an item problem
        for change in finding.signals:
            pending.pop(change.signal, None)
        info = KINDS[finding.kind]
        example = Example(again[0].key, again[0].title, again[0].excerpts.get(signal, ""))
        promoted = replace(
            finding,
            scope=Scope.FEED,
            level=Level.WARNING if finding.level is Level.INFO else finding.level,
            title=info.title,
            explanation=info.explanation
            + " First seen in a single item, then again in another item of a later recording.",
            examples=(*finding.examples, example)[:EXAMPLES],
            seen_in=(*finding.seen_in, fp.name),
        )
        _merge(drift, promoted)
        done.append(finding)
    return done


def _merge(drift: list[Finding], new: Finding) -> None:
    """Fold a finding into an earlier one of the same kind sharing a signal (deduplication)."""
    for n, old in enumerate(drift):
        shared = len(old.signal_names & new.signal_names)
        smaller = min(len(old.signal_names), len(new.signal_names)) or 1
        if old.kind == new.kind and 2 * shared >= smaller:
            seen = tuple(dict.fromkeys((*old.seen_in, *new.seen_in)))
            richer = new if len(new.signals) > len(old.signals) else old
            drift[n] = replace(
                richer, first_seen=old.first_seen, last_good=old.last_good, seen_in=seen
            )
            return
    drift.append(new)


def _backtrack(f: Finding, good: list[Fingerprint]) -> Finding:
    """Move first_seen back over recordings that already showed the new signals in some item."""
    fresh = {next((s.signal for s in f.signals if s.change == "appeared"), "")} - {""}
    if not fresh or not good:
        return f
    first = None
    for fp in reversed(good):
        if any(fresh & i.signals for i in fp.items):
            first = fp
        else:
            break
    if first is None:
        return f
    index = good.index(first)
    before = good[index - 1].name if index > 0 else None
    return replace(f, first_seen=first.name, last_good=before, seen_in=(first.name, *f.seen_in))


def timeline(
    fingerprints: Iterable[Fingerprint], findings: Iterable[Finding] = ()
) -> tuple[TimelinePoint, ...]:
    """The key numbers of each recording, and the kinds of finding first seen there."""
    first: dict[str, list[str]] = {}
    for f in findings:
        if f.first_seen and f.scope is not Scope.ITEM:
            first.setdefault(f.first_seen, []).append(f.kind)
    points = []
    for fp in fingerprints:
        n = len(fp.items)
        fill = {}
        fills = {s for i in fp.items for s in i.signals if s.startswith("fill:")}
        for name in (
            "id",
            "title",
            "url",
            "published",
            "summary",
            "content",
            "author",
            "lead",
            "dateline/time",
            "images",
        ):
            k = sum(f"fill:{name}" in i.signals for i in fp.items)
            if n and (k or any(name in s for s in fills)):
                fill[name] = round(k / n, 3)
        offsets = [i.metrics["offset"] for i in fp.items if "offset" in i.metrics]
        shares = [i.metrics["boilerplate"] for i in fp.items if "boilerplate" in i.metrics]
        points.append(
            TimelinePoint(
                recording=fp.name,
                path=fp.path,
                recorded_at=fp.recorded_at,
                items=n,
                transport=fp.transport or fp.error,
                fill=fill,
                offset=statistics.median(offsets) if offsets else None,
                boilerplate=round(statistics.median(shares), 4) if shares else None,
                findings=tuple(first.get(fp.name, ())),
            )
        )
    return tuple(points)
