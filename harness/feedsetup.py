"""Resolve a configured feed into what checking it needs: parser, schema, invariants, context."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.config import FeedConfig, InvariantSetting
from harness.errors import ConfigError
from harness.findings import DRIFT_CHECK
from harness.invariants import BoundInvariant, CheckContext, get_invariant
from harness.model import Severity
from harness.parsers import boilerplate_markers, get_parser, problem_checks
from harness.schemas import validator_for
from harness.verdict import known_kinds

GENERIC_INVARIANTS = (
    "items-present",
    "unique-ids",
    "title-nonempty",
    "links-absolute",
    "no-markup-in-text",
)
PARSER_PROBLEMS = frozenset(
    {
        "date-parseable",
        "date-format",
        "body-structure",
        "dateline-format",
        "dateline-ambiguous",
        "dateline-nonexistent",
        "encoding",
        "xml-entities",
    }
)
"""Check ids of the problems the built-in parsers report (a parser adds its ``problem_checks``)."""

RECORDING_CHECKS = frozenset(
    {
        DRIFT_CHECK,  # the recording's form differs from the feed's baseline
        "max-age",  # the cassette is older than the configured max-age
    }
)
"""Check ids the run reports on a recording as a whole, besides the schema and the invariants."""


@dataclass(frozen=True, slots=True)
class FeedSetup:
    """Everything needed to check one feed's recordings, built once per run."""

    name: str | None
    parser_name: str
    parser: Any
    schema: str
    invariants: tuple[BoundInvariant, ...]
    context: CheckContext
    severity: dict[str, Severity]

    @property
    def checks(self) -> tuple[str, ...]:
        """Check ids this setup runs, in order: schema first, then invariants."""
        return ("schema", *(inv.id for inv in self.invariants))


def build_setup(
    feed: FeedConfig, schema_dir: Path, limits: Mapping[str, int] | None = None
) -> FeedSetup:
    """Resolve parser, schema and invariants of a feed; ConfigError on anything unknown.

    ``limits`` (from ``[limits]``, by keyword) go to parsers that accept them; the feed's own
    parser-options win.
    """
    where = f"feed {feed.name!r}: " if feed.name else ""
    cls = get_parser(feed.parser)
    parser = _instantiate(cls, feed, where, limits or {})
    schema = feed.schema or cls.schema
    validator_for(schema_dir, schema)  # fail early on an unknown schema
    invariants = tuple(_bind(s, where) for s in _invariant_settings(feed, cls))
    context = CheckContext(
        feed=feed.name or None,
        timezone=feed.timezone,
        boilerplate=tuple(dict.fromkeys((*feed.boilerplate, *boilerplate_markers(cls)))),
        allowed_hosts=feed.allowed_hosts,
        language=feed.language,
    )
    _check_severities(feed, where, {*(i.id for i in invariants), *problem_checks(cls)})
    return FeedSetup(
        feed.name, feed.parser, parser, schema, invariants, context, dict(feed.severity)
    )


def _check_severities(feed: FeedConfig, where: str, checks: set[str]) -> None:
    """ConfigError when the feed rates a check it never reports, or an unknown finding kind."""
    known = {"schema", *PARSER_PROBLEMS, *RECORDING_CHECKS, *checks}
    unknown = sorted(set(feed.severity) - known - known_kinds())
    if unknown:
        raise ConfigError(
            f"{where}severity for unknown check(s) {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(sorted(known))}; "
            f"and the finding kinds: {', '.join(sorted(known_kinds()))}"
        )


def _invariant_settings(feed: FeedConfig, cls: Any) -> list[InvariantSetting]:
    defaults = [InvariantSetting(n) for n in getattr(cls, "default_invariants", GENERIC_INVARIANTS)]
    if feed.invariants is None:
        chosen = defaults
    elif feed.invariants_replace:
        chosen = list(feed.invariants)
    else:
        configured = {s.name: s for s in feed.invariants}
        chosen = [configured.pop(s.name, s) for s in defaults] + list(configured.values())
    return [s for s in chosen if s.name not in feed.disabled]


def _bind(setting: InvariantSetting, where: str) -> BoundInvariant:
    return get_invariant(setting.name).bind(setting.params, severity=setting.severity, where=where)


def _instantiate(cls: Any, feed: FeedConfig, where: str, limits: Mapping[str, int]) -> Any:
    accepted = _keywords(cls)
    options = {key.replace("-", "_"): value for key, value in feed.parser_options.items()}
    shared = {key: value for key, value in limits.items() if accepted is None or key in accepted}
    try:
        return cls(**(shared | options))
    except TypeError as err:
        params = [
            p for p in inspect.signature(cls).parameters if p not in ("self", "args", "kwargs")
        ]
        raise ConfigError(
            f"{where}bad parser-options for {feed.parser!r} ({err}); "
            f"accepted: {', '.join(params) or 'none'}"
        ) from None


def _keywords(cls: Any) -> set[str] | None:
    """The keyword arguments ``cls`` accepts; None when it takes ``**kwargs`` (or is opaque)."""
    try:
        parameters = inspect.signature(cls).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return None
    return {p.name for p in parameters}
