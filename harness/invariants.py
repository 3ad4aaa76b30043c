"""The invariant contract and the ``@invariant`` registry (entry points: ``harness.invariants``).

An invariant is a generator function ``fn(items, ctx, **params)`` that yields
:class:`~harness.model.Violation` for the items it finds wrong. Parameters are keyword-only with
defaults; the configuration may override them (``[feeds.invariants.<id>]``), and a value of the
wrong type or an unknown name is a ConfigError that lists what is allowed. The built-in invariants
live in :mod:`harness.checks` (one module per theme), named here by dotted path.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from harness.errors import ConfigError
from harness.model import Item, Severity, Violation
from harness.registry import Registry

__all__ = [
    "INVARIANTS",
    "BoundInvariant",
    "CheckContext",
    "Invariant",
    "available_invariants",
    "get_invariant",
    "invariant",
    "parse_duration",
]


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What an invariant may know about the feed besides its items."""

    feed: str | None = None
    timezone: str | None = None
    boilerplate: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ()
    language: str | None = None
    dialect: str | None = None  # the parsed output's (FeedOutput.dialect); None: unknown


InvariantFn = Callable[..., Iterator[Violation]]


@dataclass(frozen=True, slots=True)
class Invariant:
    """A registered invariant: id, function, parameter defaults and a one-line description."""

    id: str
    fn: InvariantFn
    defaults: Mapping[str, Any] = field(default_factory=dict)
    doc: str = ""

    def bind(
        self, params: Mapping[str, Any], *, severity: Severity = Severity.ERROR, where: str = ""
    ) -> BoundInvariant:
        """Validate ``params`` against the defaults and return a ready-to-run invariant."""
        params = {k.replace("-", "_"): v for k, v in params.items()}  # TOML keys are kebab-case
        unknown = sorted(set(params) - set(self.defaults))
        if unknown:
            allowed = ", ".join(sorted(_kebab(k) for k in (*self.defaults, "severity")))
            raise ConfigError(
                f"{where}invariant {self.id!r} has no parameter "
                f"{', '.join(repr(_kebab(k)) for k in unknown)}; allowed: {allowed}"
            )
        coerced = {
            k: _coerce(v, self.defaults[k], f"{where}{self.id}.{_kebab(k)}")
            for k, v in params.items()
        }
        return BoundInvariant(self, {**self.defaults, **coerced}, severity)


@dataclass(frozen=True, slots=True)
class BoundInvariant:
    """An invariant with its parameters and severity fixed."""

    invariant: Invariant
    params: Mapping[str, Any]
    severity: Severity = Severity.ERROR

    @property
    def id(self) -> str:
        """The invariant id."""
        return self.invariant.id

    def iter_violations(self, items: Sequence[Item], ctx: CheckContext) -> Iterator[Violation]:
        """Every violation, stamped with this invariant's id and severity.

        A violation the invariant itself yields as a warning (an outlier, not a fault) stays a
        warning: the configured severity is the level of the rest, never an upgrade of those.
        """
        for violation in self.invariant.fn(items, ctx, **self.params):
            severity = Severity.WARNING if violation.severity is Severity.WARNING else self.severity
            yield replace(violation, check=self.id, severity=severity)


def _kebab(name: str) -> str:
    return name.replace("_", "-")


_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def make_invariant(invariant_id: str, fn: InvariantFn, *, dotted: bool = False) -> Invariant:
    """Wrap a function ``fn(items, ctx, *, param=default, ...)`` as an Invariant.

    Registered ids are kebab-case; an invariant named by dotted path keeps that path as its id.
    """
    if not dotted and not _ID.match(invariant_id):
        raise ConfigError(
            f"invariant id {invariant_id!r} is not kebab-case (like 'title-nonempty')"
        )
    defaults = {
        name: p.default
        for name, p in inspect.signature(fn).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }
    missing = [name for name, value in defaults.items() if value is inspect.Parameter.empty]
    if missing:
        raise ConfigError(f"invariant {invariant_id!r}: parameters need defaults: {missing}")
    doc = (inspect.getdoc(fn) or "").strip().splitlines()
    return Invariant(invariant_id, fn, defaults, doc[0] if doc else "")


def _adopt(name: str, target: str, obj: Any) -> Invariant:
    """The Invariant for an object loaded by dotted path (an Invariant, or its function)."""
    if isinstance(obj, Invariant):
        return obj
    if callable(obj):
        return make_invariant(name, obj, dotted=target == name)
    raise ConfigError(f"invariant {name!r} ({target}) is not a function")


# The built-ins are data, one dotted path per id, just as an installed plugin's entry point names
# its function. This module imports none of them: harness.checks.* imports this module (for
# CheckContext), never the reverse at import time, and a lookup loads only the module of the id
# asked for, the way it loads any third-party invariant. The graph keeps one direction.
_BUILTINS = {
    "items-present": "harness.checks.items:items_present",
    "unique-ids": "harness.checks.items:unique_ids",
    "fields-present": "harness.checks.items:fields_present",
    "timestamp-matches-dateline": "harness.checks.dates:timestamp_matches_dateline",
    "url-date-matches-timestamp": "harness.checks.dates:url_date_matches_timestamp",
    "timezone-matches": "harness.checks.dates:timezone_matches",
    "paragraphs-nonempty": "harness.checks.text:paragraphs_nonempty",
    "title-nonempty": "harness.checks.text:title_nonempty",
    "no-markup-in-text": "harness.checks.text:no_markup_in_text",
    "text-complete": "harness.checks.text:text_complete",
    "boilerplate-stripped": "harness.checks.boilerplate:boilerplate_stripped",
    "links-absolute": "harness.checks.links:links_absolute",
    "script-matches-language": "harness.checks.script:script_matches_language",
    "no-mojibake": "harness.checks.script:no_mojibake",
}

INVARIANTS: Registry[Invariant] = Registry(
    "invariant", group="harness.invariants", adopt=_adopt, builtins=_BUILTINS
)
"""Invariants by id: built in, ``@invariant``, by entry point, or a dotted path."""


def invariant(invariant_id: str) -> Callable[[InvariantFn], InvariantFn]:
    """Register a generator function as an invariant under a kebab-case id."""

    def register(fn: InvariantFn) -> InvariantFn:
        INVARIANTS.register(invariant_id, make_invariant(invariant_id, fn))
        return fn

    return register


def available_invariants() -> list[str]:
    """Ids of every registered invariant (built in, in code, or by entry point)."""
    return INVARIANTS.names()


def get_invariant(name: str) -> Invariant:
    """The invariant registered under ``name`` (or a dotted path ``pkg.mod:function``)."""
    return INVARIANTS.get(name)


_DURATION = re.compile(
    r"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?\s*$"
)


def parse_duration(value: Any, where: str = "duration") -> timedelta:
    """``"7d"``, ``"90m"``, ``"1h30m"``, ``"45s"`` or a number of seconds -> timedelta."""
    if isinstance(value, bool):
        raise ConfigError(f"{where}: expected a duration like '90m', got {value!r}")
    if isinstance(value, int | float):
        return timedelta(seconds=value)
    match = _DURATION.match(value) if isinstance(value, str) else None
    if not match or not any(match.groups()):
        raise ConfigError(
            f"{where}: expected a duration like '90m', '1h30m' or seconds, got {value!r}"
        )
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def _coerce(value: Any, default: Any, where: str) -> Any:
    """Check a configured value against the type of the parameter's default."""
    if isinstance(default, timedelta):
        return parse_duration(value, where)
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif isinstance(default, tuple):
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        value = tuple(value) if ok else value
    elif default is None or isinstance(default, str):
        ok = value is None or isinstance(value, str)
    else:
        ok = True
    if not ok:
        raise ConfigError(
            f"{where}: expected {type(default).__name__} like {default!r}, got {value!r}"
        )
    return value
