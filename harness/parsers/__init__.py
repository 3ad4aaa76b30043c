"""The parser contract, the name-keyed registry and entry points (group ``harness.parsers``)."""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Any, ClassVar, Protocol, runtime_checkable

from harness.errors import ConfigError, UnknownPluginError
from harness.model import FeedOutput, Fetch, Response

__all__ = ["Parser", "available_parsers", "get_parser", "load_dotted", "register_parser"]


@runtime_checkable
class Parser(Protocol):
    """Turns one recorded response into plain items. No I/O except through ``fetch``.

    ``schema`` names the JSON Schema in ``schemas/`` the items must satisfy ("feed-item" or
    "article"); ``default_invariants`` are the invariant ids run when the configuration names none.
    Keyword options from the configuration (``[feeds.parser-options]``) go to ``__init__``.
    ``parse`` raises :class:`harness.errors.ParseError` (or ``TransportError``) for bodies it
    cannot read; per-item problems go to ``FeedOutput.problems`` instead.
    """

    name: ClassVar[str]
    schema: ClassVar[str]
    default_invariants: ClassVar[tuple[str, ...]]

    def parse(self, response: Response, *, fetch: Fetch) -> FeedOutput:
        """Parse the response into a FeedOutput."""
        ...


_BUILTIN: dict[str, str] = {
    "rss": "harness.parsers.rss:RssParser",
    "feedx-rfi": "harness.parsers.feedx:FeedxRfiParser",
    "itemdump": "harness.parsers.itemdump:ItemDumpParser",
}
_REGISTERED: dict[str, type[Any]] = {}


def register_parser(cls: type[Any]) -> type[Any]:
    """Register a parser class under its ``name`` (usable as a class decorator)."""
    _REGISTERED[cls.name] = cls
    return cls


def load_dotted(path: str, *, what: str) -> Any:
    """Import ``package.module:attr`` (or ``package.module.attr``) and return the attribute."""
    module_name, sep, attr = path.partition(":")
    if not sep:
        module_name, _, attr = path.rpartition(".")
    if not module_name or not attr:
        raise ConfigError(f"{what} {path!r} is not a dotted path like 'package.module:Name'")
    try:
        module = importlib.import_module(module_name)
        return getattr(module, attr)
    except (ImportError, AttributeError) as err:
        raise ConfigError(f"cannot load {what} {path!r}: {err}") from None


def _entry_point_names() -> dict[str, str]:
    return {ep.name: ep.value for ep in entry_points(group="harness.parsers")}


def available_parsers() -> list[str]:
    """Names of every parser: built in, registered in code, or installed by entry point."""
    return sorted({*_BUILTIN, *_REGISTERED, *_entry_point_names()})


def get_parser(name: str) -> type[Any]:
    """The parser class for a registered name or a dotted path ``pkg.mod:Class``."""
    if name in _REGISTERED:
        return _REGISTERED[name]
    target = _BUILTIN.get(name) or _entry_point_names().get(name)
    if target is None and (":" in name or "." in name):
        target = name
    if target is None:
        raise UnknownPluginError(
            f"no parser {name!r}; available: {', '.join(available_parsers())} "
            "(or a dotted path 'package.module:Class')"
        )
    cls: type[Any] = load_dotted(target, what="parser")
    for attr in ("name", "schema", "parse"):
        if not hasattr(cls, attr):
            raise ConfigError(f"parser {name!r} ({target}) has no {attr!r}: not a harness parser")
    _REGISTERED.setdefault(name, cls)
    return cls
