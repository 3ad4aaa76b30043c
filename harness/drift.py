"""Compare fingerprints: changes of form become findings, grouped by cause, over a feed's history.

A new recording is compared with a :class:`~harness.baseline.Profile` (one older recording, a
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
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from harness.baseline import Profile, profile
from harness.cassettes import is_cassette_path
from harness.fingerprint import Fingerprint, ItemPrint, fingerprint_cassette
from harness.model import CassetteResult, FeedOutput, Severity, Violation

__all__ = [
    "ALPHA",
    "KINDS",
    "MIN_EFFECT",
    "MIN_ITEMS",
    "DriftReport",
    "Example",
    "FeedHistory",
    "Finding",
    "Level",
    "Scope",
    "SignalChange",
    "TimelinePoint",
    "block_texts",
    "compare",
    "diff",
    "history",
    "timeline",
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
_EXAMPLES = 3
_HELPERS = frozenset({"shape"})
_VOCABULARY = frozenset({"tag", "attr", "host", "imghost", "href", "src", "boiler"})
_REPEAT_FAMILIES = frozenset({"boiler", "leak"})  # signals keyed by a text block's hash
UNIVERSAL = 0.75  # share of items a markup change must reach (and leave) to be template drift


class Level(StrEnum):
    """How much a finding matters: data corrupted or lost, form changed, or one odd item."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Scope(StrEnum):
    """What a finding is about: the feed's form, one item, or one recording's transport."""

    FEED = "feed"
    ITEM = "item"
    RECORDING = "recording"


@dataclass(frozen=True, slots=True)
class Example:
    """One item showing a finding; ``excerpt`` is raw feed text (renderers escape it)."""

    item: str
    title: str
    excerpt: str


@dataclass(frozen=True, slots=True)
class SignalChange:
    """One signal before → after; ``signal`` may hold feed text (tag, class, host names)."""

    signal: str
    before: str
    after: str
    change: str = ""  # appeared, vanished, rose, fell


@dataclass(frozen=True, slots=True)
class Finding:
    """One cause of drift (or an item problem, or a transport failure) in one feed."""

    kind: str
    feed: str | None
    scope: Scope
    level: Level
    title: str  # our own words, no feed text
    explanation: str  # our own words, no feed text
    field: str  # the parser field most likely affected (our words and field names)
    signals: tuple[SignalChange, ...] = ()
    examples: tuple[Example, ...] = ()
    first_seen: str | None = None  # recording where it first appears
    last_good: str | None = None  # the recording before it
    seen_in: tuple[str, ...] = ()  # recordings where it was observed
    detail: str | None = None  # transport reason or another raw one-liner (feed-derived)

    @property
    def is_drift(self) -> bool:
        """True for feed-scope findings: the form of the feed changed."""
        return self.scope is Scope.FEED

    @property
    def signal_names(self) -> frozenset[str]:
        """The signals this finding is made of (for deduplication)."""
        ups = ("appeared", "rose")
        return frozenset(f"{s.signal} {'+' if s.change in ups else '-'}" for s in self.signals)


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    """Key numbers of one recording, for the history chart."""

    recording: str
    path: str
    recorded_at: str | None
    items: int
    transport: str | None
    fill: dict[str, float] = field(default_factory=dict)
    offset: float | None = None  # median minutes, timestamp minus date line
    boilerplate: float | None = None  # median share of body text
    findings: tuple[str, ...] = ()  # kinds first seen here


@dataclass(frozen=True, slots=True)
class FeedHistory:
    """The findings of one feed (a diff, a baseline check or a whole history)."""

    feed: str | None
    recordings: tuple[str, ...]
    findings: tuple[Finding, ...]
    timeline: tuple[TimelinePoint, ...] = ()

    @property
    def drifted(self) -> bool:
        """True when any finding is feed drift."""
        return any(f.is_drift for f in self.findings)


@dataclass(frozen=True, slots=True)
class DriftReport:
    """Findings of one run over one or more feeds."""

    mode: str  # "diff", "history", "baseline"
    feeds: tuple[FeedHistory, ...]
    errors: tuple[str, ...] = ()

    @property
    def exit_code(self) -> int:
        """2 on errors or transport failures in the compared recording, 1 on drift, else 0."""
        if self.errors:
            return 2
        if any(f.is_drift for h in self.feeds for f in h.findings):
            return 1
        if self.mode == "diff" and any(
            f.scope is Scope.RECORDING for h in self.feeds for f in h.findings
        ):
            return 2
        return 0

    @property
    def lines(self) -> list[str]:
        """One summary line per feed and a total, e.g. ``rfi: 2 drift findings, 1 item``."""
        out = []
        for h in self.feeds:
            counts = Counter(f.scope for f in h.findings)
            parts = [f"{counts[Scope.FEED]} drift finding{'s' * (counts[Scope.FEED] != 1)}"]
            if counts[Scope.ITEM]:
                parts.append(f"{counts[Scope.ITEM]} item problem{'s' * (counts[Scope.ITEM] != 1)}")
            if counts[Scope.RECORDING]:
                parts.append(f"{counts[Scope.RECORDING]} transport failure(s)")
            out.append(f"{h.feed or '(unclaimed)'}: {', '.join(parts)}")
        drifted = sum(h.drifted for h in self.feeds)
        out.append(f"{len(self.feeds) - drifted} feed(s) unchanged. {drifted} feed(s) drifted.")
        return out


# --- kinds -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KindInfo:
    """What a kind of finding means: a title, why it matters, the field it endangers."""

    title: str
    explanation: str
    field: str
    corrupts: bool = False  # always damages parsed data (error level)


KINDS: dict[str, KindInfo] = {
    "transport": KindInfo(
        "transport failure (not drift)",
        "The recording is empty, NUL-padded, cut, spliced with another HTTP response, an HTTP "
        "error or an empty channel: a fetching problem. It is left out of every comparison.",
        "none: the recording has no items",
    ),
    "unreadable": KindInfo(
        "unreadable recording",
        "The recording could not be parsed at all; it is left out of every comparison.",
        "every field",
    ),
    "dialect-switch": KindInfo(
        "the feed switched dialect",
        "The envelope changed dialect (e.g. RSS to Atom): ids, dates and links now come from "
        "other elements, and fields may be filled differently.",
        "id, url, published, summary",
    ),
    "double-escaping": KindInfo(
        "markup is escaped twice",
        "Text now holds escaped tags or entities (markup escaped once more than before): they "
        "reach text fields literally.",
        "title, summary/paragraphs",
        corrupts=True,
    ),
    "mojibake": KindInfo(
        "text is mis-decoded (mojibake)",
        "UTF-8 text was decoded with another charset: every non-ASCII character is garbled.",
        "title, paragraphs, summary",
        corrupts=True,
    ),
    "description-markup": KindInfo(
        "descriptions changed how they carry markup",
        "Descriptions went from plain text to HTML (or back, or from CDATA to entity-escaped): "
        "code that treats the summary as text now gets tags, images and links.",
        "summary",
    ),
    "markup-style": KindInfo(
        "the body markup changed style",
        "Tags and attributes are written differently (tag case, attribute vocabulary): the same "
        "content in other markup, which breaks case- or attribute-sensitive extraction.",
        "summary/content",
    ),
    "encoding": KindInfo(
        "the character encoding changed",
        "The document's encoding (or its replacement characters) changed.",
        "every text field",
    ),
    "timezone-shift": KindInfo(
        "timestamps shifted against the date line, or the zone form changed",
        "The time between the item's timestamp and the date line in its body moved far outside "
        "its usual spread, or dates switched zone form: a timezone is being applied twice or "
        "not at all.",
        "published, dateline/time",
    ),
    "dateline-position": KindInfo(
        "the date line moved",
        "The date line is no longer where it was (another block, another tag).",
        "dateline",
    ),
    "dateline-format": KindInfo(
        "the date line changed format",
        "The date line's shape changed: a parser expecting the old shape misreads or drops it.",
        "dateline/time",
    ),
    "summary-only": KindInfo(
        "the feed switched to summaries",
        "Bodies became much shorter with far fewer paragraphs (or full content disappeared): "
        "the feed now carries summaries, not articles.",
        "content, paragraphs",
        corrupts=True,
    ),
    "lead-markup": KindInfo(
        "the lead changed markup",
        "The lead paragraph is written with other markup, so it is no longer found where the "
        "parser looks for it.",
        "lead",
    ),
    "author-markup": KindInfo(
        "the author changed markup",
        "The author line is written with other markup.",
        "author",
    ),
    "paragraphs-markup": KindInfo(
        "paragraphs moved to other tags",
        "The body text is held by other elements than before.",
        "paragraphs",
    ),
    "missing-guid": KindInfo(
        "items lost their guid/id",
        "Items no longer carry an id: deduplication falls back to links or titles.",
        "id",
        corrupts=True,
    ),
    "boilerplate-changed": KindInfo(
        "a boilerplate block changed",
        "A block repeated verbatim across items was replaced by a similar one (new wording, new "
        "domain): filters written for the old text miss the new one.",
        "paragraphs",
    ),
    "boilerplate-new": KindInfo(
        "a new boilerplate block appeared",
        "A block now repeats verbatim across items (a promo, share widget, footer or "
        "related-articles list): unless the parser knows it, its text reaches the items.",
        "paragraphs",
    ),
    "boilerplate-gone": KindInfo(
        "a boilerplate block disappeared",
        "A block that repeated across items is gone (or was renamed).",
        "none",
    ),
    "links-relative": KindInfo(
        "links became relative",
        "Links or image sources are now relative or protocol-relative: they must be resolved "
        "against the right base or they break.",
        "url, images",
    ),
    "links-rehosted": KindInfo(
        "links moved to other hosts",
        "Links or images now point to other hosts (a mirror, proxy or new domain).",
        "url, images",
    ),
    "envelope-namespace": KindInfo(
        "the envelope gained or lost a namespace",
        "New (or removed) XML namespaces and the elements that use them.",
        "none: the parser ignores unknown elements",
    ),
    "envelope-elements": KindInfo(
        "item elements changed",
        "Items carry other envelope elements or attributes than before.",
        "enclosures, categories, author",
    ),
    "new-block": KindInfo(
        "new markup appeared in the bodies",
        "New elements, classes or data attributes appear in most items.",
        "paragraphs",
    ),
    "markup-removed": KindInfo(
        "markup disappeared from the bodies",
        "Elements, classes or data attributes that most items had are gone.",
        "paragraphs",
    ),
    "date-format": KindInfo(
        "the timestamp format changed",
        "Published dates are written in another shape.",
        "published",
    ),
    "images": KindInfo("images per item changed", "Far more or fewer images per item.", "images"),
    "script-mix": KindInfo(
        "the script mix changed",
        "The share of CJK characters in the text moved far outside its usual range.",
        "title, paragraphs",
    ),
    "field-fill": KindInfo(
        "a field is filled less often",
        "A field that items used to carry is now often empty.",
        "the field named",
    ),
    "links": KindInfo("link form changed", "Links changed scheme or form.", "url, images"),
    "body-length": KindInfo(
        "bodies got much longer",
        "Bodies are far longer than usual: new blocks may be reaching the text.",
        "paragraphs",
    ),
    "boilerplate-share": KindInfo(
        "the boilerplate share changed",
        "The share of body text in repeated blocks moved far outside its usual range.",
        "paragraphs",
    ),
    "new-violations": KindInfo(
        "new check violations",
        "The new recording fails checks the old one passed.",
        "the checks named",
    ),
}
_PRIORITY = {kind: n for n, kind in enumerate(KINDS)}


def priority(kind: str) -> int:
    """Lower is more specific: the kind a group of changes takes."""
    return _PRIORITY.get(kind, len(_PRIORITY))


_FILL_KINDS = {
    "id": "missing-guid",
    "content": "summary-only",
    "dateline": "dateline-position",
    "dateline/time": "dateline-format",
    "lead": "lead-markup",
    "author": "author-markup",
    "paragraphs": "paragraphs-markup",
    "images": "images",
    "published": "date-format",
}
_ROLE_KINDS = {
    "dateline": "dateline-position",
    "lead": "lead-markup",
    "author": "author-markup",
    "paragraphs": "paragraphs-markup",
}
_METRIC_KINDS = {
    "offset": "timezone-shift",
    "images": "images",
    "boilerplate": "boilerplate-share",
    "cjk": "script-mix",
}


def kind_of(signal: str, family: str, direction: str) -> str:
    """The kind of finding one changed signal stands for."""
    value = signal.split(":", 1)[1] if ":" in signal else ""
    up = direction in ("appeared", "rose")
    simple = {
        "dialect": "dialect-switch",
        "root": "dialect-switch",
        "encoding": "encoding",
        "ns": "envelope-namespace",
        "chan": "envelope-elements",
        "dshape": "dateline-format",
        "pshape": "date-format",
        "zone": "timezone-shift",
        "case": "markup-style",
        "tb": "paragraphs-markup",
        "host": "links-rehosted",
        "urlhost": "links-rehosted",
        "imghost": "links-rehosted",
        "leak": "boilerplate-new",
    }
    if family in simple:
        return simple[family]
    if family == "env":
        if value.startswith("guid") and not up:
            return "missing-guid"
        return (
            "summary-only"
            if value.startswith("content:encoded") and not up
            else "envelope-elements"
        )
    if family == "esc":
        return (
            "double-escaping" if up and value.endswith("double-escaped") else "description-markup"
        )
    if family == "fill":
        return _FILL_KINDS.get(value, "field-fill")
    if family == "role":
        return _ROLE_KINDS.get(value.split("=", 1)[0], "paragraphs-markup")
    if family == "metric":
        if value in ("text", "paragraphs"):
            return "body-length" if up else "summary-only"
        return _METRIC_KINDS.get(value, "images")
    if family == "text":
        if value == "mojibake":
            return "mojibake"
        return "encoding" if value == "replacement-char" else "double-escaping"
    if family in ("href", "src", "url", "rawlink"):
        return "links-relative" if up and "relative" in value else "links"
    if family == "boiler":
        return "boilerplate-new" if up else "boilerplate-gone"
    if family in ("tag", "attr"):
        return "new-block" if up else "markup-removed"
    return "field-fill"


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
        if len(chosen) == _EXAMPLES:
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


def _failure(fp: Fingerprint, last_good: str | None) -> Finding:
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
        return (_failure(new, last_good),)
    if base.items == 0:
        return ()
    changes = _feed_level(base, new) + _presence(base, new, seen) + _metrics(base, new)
    feed = [c for c in changes if c.scope is Scope.FEED]
    items = [c for c in changes if c.scope is Scope.ITEM]
    groups = [g for g in _groups(feed) if not _lone_markup(g)]
    found = _same_kind([_finding(g, new, Scope.FEED, last_good, base) for g in groups])
    found += [_finding(g, new, Scope.ITEM, last_good) for g in _item_groups(items)]
    return tuple(sorted(found, key=_order))


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
            examples=(old.examples + f.examples)[:_EXAMPLES],
        )
    return list(merged.values())


def _order(f: Finding) -> tuple[int, int, int, str]:
    scopes = {Scope.RECORDING: 0, Scope.FEED: 1, Scope.ITEM: 2}
    levels = {Level.ERROR: 0, Level.WARNING: 1, Level.INFO: 2}
    return scopes[f.scope], levels[f.level], priority(f.kind), f.title


def diff(old: Fingerprint, new: Fingerprint) -> FeedHistory:
    """Findings of NEW against OLD (OLD's form is the baseline)."""
    findings: tuple[Finding, ...]
    if not old.ok:
        findings = (_failure(old, None),)
    else:
        findings = compare(profile([old]), new, last_good=old.name, seen=block_texts([old]))
    points = timeline([old, new], findings)
    return FeedHistory(new.feed or old.feed, (old.name, new.name), findings, points)


# --- histories ---------------------------------------------------------------------------------


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
    for fp in fingerprints:
        last = good[-1].name if good else None
        if not fp.ok:
            others.append(_failure(fp, last))
            continue
        drifted = False
        if reference:
            found = compare(profile(reference), fp, last_good=last, seen=block_texts(reference))
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
            reference = [fp]
        elif len(reference) < window:
            reference.append(fp)
    findings = tuple(sorted(drift, key=_order)) + tuple(others)
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
            examples=(*finding.examples, example)[:_EXAMPLES],
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
            if n and (
                k or any(name in s for i in fp.items for s in i.signals if s.startswith("fill:"))
            ):
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


# --- recordings on disk ------------------------------------------------------------------------


def _when(fp: Fingerprint) -> datetime | None:
    if not fp.recorded_at:
        return None
    try:
        value = datetime.fromisoformat(fp.recorded_at.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def ordered(fingerprints: Iterable[Fingerprint]) -> list[Fingerprint]:
    """A feed's history order: by ``harness: recorded_at`` when every recording has it,
    else by file name."""
    fps = list(fingerprints)
    times = [_when(fp) for fp in fps]
    if fps and all(t is not None for t in times):
        pairs = sorted(zip(times, fps, strict=True), key=lambda p: (p[0], p[1].name))
        return [fp for _, fp in pairs]
    return sorted(fps, key=lambda fp: (fp.name, fp.path))


def feed_recordings(runner: Any, feed: str) -> list[Fingerprint]:
    """Fingerprints of the cassettes under the configured folder that the feed claims."""
    from harness.runner import discover

    config = runner.config
    config.feed_named(feed)  # ConfigError listing the feeds when unknown
    found = [
        fingerprint_cassette(path, runner)
        for path in discover([config.cassettes])
        if is_cassette_path(path)
    ]
    return ordered(fp for fp in found if fp.feed == feed)


def folder_recordings(runner: Any, folder: Path) -> dict[str | None, list[Fingerprint]]:
    """Fingerprints of every cassette under ``folder``, by feed (None: unclaimed URLs)."""
    from harness.runner import discover

    by_feed: dict[str | None, list[Fingerprint]] = {}
    for path in discover([folder]):
        if is_cassette_path(path):
            fp = fingerprint_cassette(path, runner)
            by_feed.setdefault(fp.feed or (fp.url and f"unclaimed {fp.url}"), []).append(fp)
    return {feed: ordered(fps) for feed, fps in sorted(by_feed.items(), key=lambda kv: str(kv[0]))}


def check_baseline(runner: Any, path: Path) -> FeedHistory | None:
    """Compare one cassette with its feed's baseline; None when the feed has no baseline file.

    This is what ``harness check`` calls per cassette to report drift next to violations.
    """
    from harness.baseline import baseline_path, load_baseline

    fp = fingerprint_cassette(path, runner)
    if fp.feed is None:
        return None
    where = baseline_path(runner.config.cassettes, fp.feed)
    if not where.is_file():
        return None
    base = load_baseline(where)
    findings = compare(base, fp)
    return FeedHistory(fp.feed, (*base.sources, fp.name), findings, timeline([fp], findings))


def violation_findings(old: CassetteResult, new: CassetteResult) -> tuple[Finding, ...]:
    """A finding when NEW has error-level violations of checks OLD passed."""

    def errors(result: CassetteResult) -> Counter[str]:
        return Counter(v.check for v in result.violations if v.severity is Severity.ERROR)

    before, after = errors(old), errors(new)
    fresh = sorted(c for c in after if c not in before)
    if not fresh:
        return ()
    examples = [
        Example(v.item_id or v.item_url or f"#{v.item_index}", v.check, v.observed or v.message)
        for v in new.violations
        if v.check in fresh and v.severity is Severity.ERROR
    ][:_EXAMPLES]
    info = KINDS["new-violations"]
    return (
        Finding(
            kind="new-violations",
            feed=new.feed,
            scope=Scope.FEED,
            level=Level.ERROR,
            title=info.title,
            explanation=info.explanation,
            field=", ".join(fresh),
            signals=tuple(
                SignalChange(f"check:{c}", "0 violations", f"{after[c]} violations", "appeared")
                for c in fresh
            ),
            examples=tuple(examples),
            first_seen=Path(new.path).name,
            last_good=Path(old.path).name,
            seen_in=(Path(new.path).name,),
        ),
    )


def baseline_violations(
    cassettes: Path, feed: str, shown: str, output: FeedOutput, body: bytes
) -> tuple[Violation, ...]:
    """Drift against ``<cassettes>/<feed>.baseline.json`` as violations (check id ``drift``).

    For ``harness check``: the runner already has the parsed output and the raw body, so
    nothing is parsed twice. No baseline file: no violations. Feed drift that damages parsed
    data is an error, other feed drift a warning; item problems and transport are left to the
    other checks.
    """
    from harness.baseline import baseline_path, load_baseline
    from harness.fingerprint import fingerprint_output

    where = baseline_path(cassettes, feed)
    if not where.is_file():
        return ()
    base = load_baseline(where)
    fp = fingerprint_output(Fingerprint(shown, feed, None, None), output, body)
    found = []
    for f in compare(base, fp):
        if not f.is_drift:
            continue
        first = f.signals[0] if f.signals else None
        found.append(
            Violation(
                check="drift",
                message=f"{f.title} (since baseline {base.last_source}): {f.explanation}",
                field=f.field,
                observed=None if first is None else f"{first.signal}: {first.after}",
                expected=None if first is None else first.before,
                severity=Severity.ERROR if f.level is Level.ERROR else Severity.WARNING,
            )
        )
    return tuple(found)
