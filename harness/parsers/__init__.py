"""The parser contract, the name-keyed registry and entry points (group ``harness.parsers``)."""

from __future__ import annotations

from typing import Any, ClassVar, Protocol, cast, runtime_checkable

from harness.errors import ConfigError
from harness.model import FeedOutput, Fetch, Response
from harness.registry import Registry

__all__ = [
    "PARSERS",
    "Parser",
    "available_parsers",
    "boilerplate_markers",
    "fetches_pages",
    "get_parser",
    "problem_checks",
    "register_parser",
]


@runtime_checkable
class Parser(Protocol):
    """Turns one recorded response into plain items. No I/O except through ``fetch``.

    ``schema`` names the JSON Schema in ``schemas/`` the items must satisfy ("feed-item" or
    "article"); ``default_invariants`` are the invariant ids run when the configuration names none.
    Keyword options from the configuration (``[feeds.parser-options]``) go to ``__init__``.
    ``parse`` raises :class:`harness.errors.ParseError` (or ``TransportError``) for bodies it
    cannot read; per-item problems go to ``FeedOutput.problems`` instead.

    Optional hooks, read with :func:`boilerplate_markers` and :func:`problem_checks`: a
    ``boilerplate_markers`` tuple of text the source is known to leak into items (the
    ``boilerplate-stripped`` invariant looks for it), and a ``problem_checks`` tuple of the check
    ids of the problems the parser reports (their severity is then configurable); ``fetches =
    False`` on a class whose ``parse`` never calls ``fetch`` (read with :func:`fetches_pages`:
    `harness record` then parses each recording once, in its check, rather than live as well).
    """

    name: ClassVar[str]
    schema: ClassVar[str]
    default_invariants: ClassVar[tuple[str, ...]]

    def parse(self, response: Response, *, fetch: Fetch) -> FeedOutput:
        """Parse the response into a FeedOutput."""
        ...


def _adopt(name: str, target: str, cls: Any) -> type[Any]:
    """The class loaded for ``name``, when it has what a harness parser has."""
    for attr in ("name", "schema", "parse"):
        if not hasattr(cls, attr):
            raise ConfigError(f"parser {name!r} ({target}) has no {attr!r}: not a harness parser")
    return cast(type[Any], cls)


PARSERS: Registry[type[Any]] = Registry(
    "parser",
    group="harness.parsers",
    adopt=_adopt,
    builtins={
        "rss": "harness.parsers.rss:RssParser",
        "feedx-rfi": "harness.parsers.feedx:FeedxRfiParser",
        "itemdump": "harness.parsers.itemdump:ItemDumpParser",
    },
    is_dotted=lambda name: ":" in name or "." in name,
    dotted_hint=" (or a dotted path 'package.module:Class')",
)
"""Parsers by name: built in, registered in code, by entry point, or a dotted path."""


def register_parser(cls: type[Any]) -> type[Any]:
    """Register a parser class under its ``name`` (usable as a class decorator)."""
    return PARSERS.register(cls.name, cls)


def available_parsers() -> list[str]:
    """Names of every parser: built in, registered in code, or installed by entry point."""
    return PARSERS.names()


def get_parser(name: str) -> type[Any]:
    """The parser class for a registered name or a dotted path ``pkg.mod:Class``."""
    return PARSERS.get(name)


def boilerplate_markers(cls: Any) -> tuple[str, ...]:
    """The text a parser's feeds are known to leak into items (its ``boilerplate_markers``)."""
    return tuple(getattr(cls, "boilerplate_markers", ()))


def fetches_pages(parser: Any) -> bool:
    """Whether ``parser`` may call ``fetch`` while parsing: True unless its own class says
    ``fetches = False`` (a subclass must say so itself: it may fetch where its base did not)."""
    cls = parser if isinstance(parser, type) else type(parser)
    return cls.__dict__.get("fetches", True) is not False


def problem_checks(cls: Any) -> tuple[str, ...]:
    """The check ids of the problems a parser reports (its ``problem_checks``)."""
    return tuple(getattr(cls, "problem_checks", ()))
