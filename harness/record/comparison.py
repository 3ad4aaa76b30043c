"""Compare two recordings of the same feed: items by id, field fill, structure, violations.

Pure: it takes what the parser and the checks made of each recording and returns a
:class:`Comparison`. New, gone and edited items are what a live feed does every hour and are only
reported; **drift** is a change of format: another dialect, feed-level fields that appear or
vanish, an item field that changes type, an item field filled in at least half the items that is
now never filled (or the reverse), or a recording that no longer parses. `harness record` keeps
the old cassette when the comparison drifted, unless told ``--accept``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from harness.model import Item, Severity, Violation, item_key
from harness.textsafe import shorten

__all__ = ["FILL_DRIFT", "Comparison", "FieldFill", "ItemChange", "Recording", "compare"]

FILL_DRIFT = 0.5
"""A field filled in at least this share of items that is then never filled (or the reverse)."""
_FILL_NOTE = 0.25  # smaller moves of a field's fill are not worth a line
_SHOWN = 5
_WIDTH = 80


@dataclass(frozen=True, slots=True)
class Recording:
    """What one recording gave: the parsed feed (empty when unreadable) and its violations."""

    dialect: str | None = None
    feed: Mapping[str, Any] = field(default_factory=dict)
    items: Sequence[Item] = ()
    violations: Sequence[Violation] = ()
    error: str | None = None  # the recording could not be parsed (one line)


@dataclass(frozen=True, slots=True)
class FieldFill:
    """The share of items with a non-empty value of one field, before and after."""

    field: str
    old: float
    new: float


@dataclass(frozen=True, slots=True)
class ItemChange:
    """An item present in both recordings whose fields differ."""

    id: str
    fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Comparison:
    """Old recording -> new recording; ``drift`` lists the format changes (one line each)."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[ItemChange, ...] = ()
    unchanged: int = 0
    fill: tuple[FieldFill, ...] = ()
    drift: tuple[str, ...] = ()
    new_violations: tuple[str, ...] = ()  # "check: message" with counts, new in the new recording
    fixed_violations: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def drifted(self) -> bool:
        """Whether the format changed (not just the content)."""
        return bool(self.drift)

    @property
    def lines(self) -> tuple[str, ...]:
        """The comparison as short text lines (drift first)."""
        return tuple(self._lines())

    def _lines(self) -> Iterator[str]:
        yield from (f"drift: {line}" for line in self.drift)
        yield from (f"note: {line}" for line in self.notes)
        counts = [
            f"{len(self.added)} added",
            f"{len(self.removed)} removed",
            f"{len(self.changed)} changed",
            f"{self.unchanged} unchanged",
        ]
        yield "items: " + ", ".join(counts)
        if self.added:
            yield f"  added: {_some([_short(i) for i in self.added])}"
        if self.removed:
            yield f"  removed: {_some([_short(i) for i in self.removed])}"
        if self.changed:
            shown = [f"{_short(c.id)} ({', '.join(c.fields)})" for c in self.changed]
            yield f"  changed: {_some(shown)}"
        for fill in self.fill:
            yield f"fill: {fill.field} {_percent(fill.old)} → {_percent(fill.new)} of items"
        if self.new_violations:
            yield f"violations new: {_some(self.new_violations)}"
        if self.fixed_violations:
            yield f"violations gone: {_some(self.fixed_violations)}"


def compare(old: Recording, new: Recording) -> Comparison:
    """Compare two recordings of one feed (``old`` is the committed one)."""
    if new.error is not None:
        drift = () if old.error is not None else (f"the new recording cannot be read: {new.error}",)
        return Comparison(drift=drift, notes=_old_notes(old))
    if old.error is not None:
        return Comparison(added=tuple(_ids(new.items)), notes=_old_notes(old))
    old_items, new_items = _by_id(old.items), _by_id(new.items)
    changed = tuple(
        ItemChange(key, fields)
        for key, item in new_items.items()
        if key in old_items and (fields := _changed_fields(old_items[key], item))
    )
    fills = _fills(old.items, new.items)
    new_v, fixed_v = _violation_changes(old.violations, new.violations)
    return Comparison(
        added=tuple(k for k in new_items if k not in old_items),
        removed=tuple(k for k in old_items if k not in new_items),
        changed=changed,
        unchanged=sum(1 for k in new_items if k in old_items) - len(changed),
        fill=tuple(f for f in fills if abs(f.new - f.old) >= _FILL_NOTE),
        drift=tuple(_drift(old, new, fills)),
        new_violations=new_v,
        fixed_violations=fixed_v,
    )


def _old_notes(old: Recording) -> tuple[str, ...]:
    if old.error is None:
        return ()
    return (f"the old recording could not be read ({old.error}); nothing to compare",)


def _drift(old: Recording, new: Recording, fills: list[FieldFill]) -> Iterator[str]:
    if old.dialect != new.dialect:
        yield f"dialect changed: {old.dialect} → {new.dialect}"
    yield from _key_changes("feed field", _filled_keys([old.feed]), _filled_keys([new.feed]))
    if old.items and new.items:  # item fields come and go with content: only their fill counts
        old_types, new_types = _types(old.items), _types(new.items)
        for name in sorted(old_types.keys() & new_types.keys()):
            if old_types[name] != new_types[name]:
                yield (
                    f"item field {name!r} changed type: "
                    f"{'/'.join(old_types[name])} → {'/'.join(new_types[name])}"
                )
        for fill in fills:
            if fill.old >= FILL_DRIFT and fill.new == 0:
                yield f"item field {fill.field!r} no longer filled (was {_percent(fill.old)})"
            elif fill.old == 0 and fill.new >= FILL_DRIFT:
                yield f"item field {fill.field!r} now filled ({_percent(fill.new)}, was never)"


def _key_changes(label: str, old: set[str], new: set[str]) -> Iterator[str]:
    for key in sorted(old - new):
        yield f"{label} {key!r} is gone"
    for key in sorted(new - old):
        yield f"{label} {key!r} is new"


def _by_id(items: Sequence[Item]) -> dict[str, Item]:
    found: dict[str, Item] = {}
    for index, item in enumerate(items):
        found.setdefault(item_key(item, index), item)  # a repeated id: the first one counts
    return found


def _ids(items: Sequence[Item]) -> list[str]:
    return list(_by_id(items))


def _changed_fields(old: Item, new: Item) -> tuple[str, ...]:
    return tuple(sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k)))


def _empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, list | dict | tuple) and not value)


def _filled_keys(mappings: Sequence[Mapping[str, Any]]) -> set[str]:
    return {k for m in mappings for k, v in m.items() if not _empty(v)}


def _all_keys(items: Sequence[Item]) -> set[str]:
    return {k for item in items for k in item}


_TYPE_NAMES = ((bool, "bool"), (int, "number"), (float, "number"), (str, "string"))


def _type_name(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, dict):
        return "object"
    return next((name for t, name in _TYPE_NAMES if isinstance(value, t)), type(value).__name__)


def _types(items: Sequence[Item]) -> dict[str, tuple[str, ...]]:
    """For each field: the sorted JSON types of its non-empty values."""
    types: dict[str, set[str]] = {}
    for item in items:
        for key, value in item.items():
            if not _empty(value):
                types.setdefault(key, set()).add(_type_name(value))
    return {key: tuple(sorted(names)) for key, names in types.items()}


def _fills(old: Sequence[Item], new: Sequence[Item]) -> list[FieldFill]:
    if not old or not new:
        return []
    names = sorted(_all_keys(old) | _all_keys(new))
    return [
        FieldFill(name, _share(old, name), _share(new, name))
        for name in names
        if _share(old, name) != _share(new, name)
    ]


def _share(items: Sequence[Item], name: str) -> float:
    return sum(1 for item in items if not _empty(item.get(name))) / len(items)


def _violation_changes(
    old: Sequence[Violation], new: Sequence[Violation]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Violations keyed without item positions (items move), counted per check and message."""
    old_keys, new_keys = _counted(old), _counted(new)
    added = [
        _label(k, n - old_keys.get(k, 0)) for k, n in new_keys.items() if n > old_keys.get(k, 0)
    ]
    gone = [
        _label(k, n - new_keys.get(k, 0)) for k, n in old_keys.items() if n > new_keys.get(k, 0)
    ]
    return tuple(added), tuple(gone)


def _counted(violations: Sequence[Violation]) -> dict[tuple[str, str, Severity], int]:
    counts: dict[tuple[str, str, Severity], int] = {}
    for v in violations:
        key = (v.check, v.message, v.severity)
        counts[key] = counts.get(key, 0) + 1
    return counts


def _label(key: tuple[str, str, Severity], count: int) -> str:
    check, message, severity = key
    level = "" if severity is Severity.ERROR else " (warning)"
    times = f" ×{count}" if count > 1 else ""
    return f"{check}: {message}{level}{times}"


def _short(item_id: str) -> str:
    """An item id for people: percent-escapes decoded, cut to a readable width."""
    return shorten(unquote(item_id), _WIDTH)


def _some(values: Sequence[str]) -> str:
    shown = ", ".join(values[:_SHOWN])
    return shown + (f" … and {len(values) - _SHOWN} more" if len(values) > _SHOWN else "")


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"
