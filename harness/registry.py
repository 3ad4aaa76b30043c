"""One name -> plugin registry, shared by parsers, invariants and drift operators.

A name is looked up, in order: registered in code (:meth:`Registry.register`), built in, installed
by entry point (the registry's group), or the name is itself a dotted path
``package.module:Name``. A miss raises :class:`~harness.errors.UnknownPluginError` listing the
names available.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib.metadata import entry_points
from typing import Any, Generic, TypeVar

from harness.errors import ConfigError, UnknownPluginError

__all__ = ["Registry", "load_dotted"]

T = TypeVar("T")


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


def _colon_path(name: str) -> bool:
    return ":" in name


class Registry(Generic[T]):
    """Plugins of one kind (``kind``: "parser", "invariant", ...) by name.

    Built-ins are data, never imports of this module: ``builtins`` maps a name to the dotted path
    of its object (loaded on first lookup of that name), ``modules`` names modules whose import
    registers their plugins (imported on first lookup of any name). ``adopt(name, target, obj)``
    turns a loaded object into a plugin, raising ConfigError when it is not one. Built-ins and
    entry points are loaded once; a dotted path is loaded on every lookup and not kept, since it
    names code rather than a registered plugin.
    """

    def __init__(
        self,
        kind: str,
        *,
        group: str,
        adopt: Callable[[str, str, Any], T],
        builtins: Mapping[str, str] | None = None,
        modules: Sequence[str] = (),
        is_dotted: Callable[[str], bool] = _colon_path,
        dotted_hint: str = "",
    ) -> None:
        self.kind = kind
        self.group = group
        self._adopt = adopt
        self._builtins = dict(builtins or {})
        self._modules = tuple(modules)
        self._modules_loaded = not self._modules
        self._is_dotted = is_dotted
        self._hint = dotted_hint
        self._plugins: dict[str, T] = {}

    def register(self, name: str, plugin: T) -> T:
        """Register ``plugin`` under ``name`` (replacing any plugin of that name)."""
        self._plugins[name] = plugin
        return plugin

    def names(self) -> list[str]:
        """Every available name: registered, built in, or installed by entry point."""
        self._load_modules()
        return sorted({*self._plugins, *self._builtins, *self._entry_points()})

    def get(self, name: str) -> T:
        """The plugin registered under ``name``, or named by the dotted path ``name``."""
        self._load_modules()
        found = self._plugins.get(name)
        if found is not None:
            return found
        target = self._builtins.get(name) or self._entry_points().get(name)
        if target is not None:
            return self._plugins.setdefault(name, self._load(name, target))
        if self._is_dotted(name):
            return self._load(name, name)
        raise UnknownPluginError(
            f"no {self.kind} {name!r}; available: {', '.join(self.names())}{self._hint}"
        )

    @contextmanager
    def restored(self) -> Iterator[Registry[T]]:
        """Within the block register freely: on leaving, the registry is as it was on entering."""
        self._load_modules()  # built-in registrations made inside the block would be lost
        saved = dict(self._plugins)
        try:
            yield self
        finally:
            self._plugins.clear()
            self._plugins.update(saved)

    def _load(self, name: str, target: str) -> T:
        return self._adopt(name, target, load_dotted(target, what=self.kind))

    def _load_modules(self) -> None:
        if not self._modules_loaded:
            for module in self._modules:
                importlib.import_module(module)
            self._modules_loaded = True

    def _entry_points(self) -> dict[str, str]:
        return {ep.name: ep.value for ep in entry_points(group=self.group)}
