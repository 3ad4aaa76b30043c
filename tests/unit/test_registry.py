"""Registry: name -> plugin; registered, built in, entry point or dotted path; restorable."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from harness.errors import ConfigError, UnknownPluginError
from harness.registry import Registry, load_dotted


def _adopt(name: str, target: str, obj: Any) -> str:
    if not isinstance(obj, str):
        raise ConfigError(f"thing {name!r} ({target}) is not a string")
    return f"{name}={obj}"


def things(**kw: Any) -> Registry[str]:
    return Registry("thing", group="harness.no-such-group", adopt=_adopt, **kw)


def test_a_registered_plugin_wins_over_a_builtin_of_its_name() -> None:
    registry = things(builtins={"sep": "os:sep"})
    assert registry.get("sep") == f"sep={__import__('os').sep}"
    registry.register("sep", "mine")
    assert registry.get("sep") == "mine"


def test_builtins_are_named_without_being_imported() -> None:
    registry = things(builtins={"ghost": "no_such_module_xyz:VALUE"})
    assert registry.names() == ["ghost"]
    with pytest.raises(ConfigError, match="cannot load thing 'no_such_module_xyz:VALUE'"):
        registry.get("ghost")


@pytest.fixture
def plugin_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Registry[str]]:
    """A registry whose built-in module ``plugins_xyz`` registers "from-module" when imported."""
    registry = things(modules=("plugins_xyz",))
    monkeypatch.setitem(sys.modules, "holder_xyz", SimpleNamespace(REGISTRY=registry))  # type: ignore[arg-type]
    (tmp_path / "plugins_xyz.py").write_text(
        "from holder_xyz import REGISTRY\nREGISTRY.register('from-module', 'loaded')\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield registry
    sys.modules.pop("plugins_xyz", None)


def test_modules_register_their_plugins_on_the_first_lookup(plugin_module: Registry[str]) -> None:
    assert "plugins_xyz" not in sys.modules
    assert plugin_module.get("from-module") == "loaded"
    assert plugin_module.names() == ["from-module"]


def test_restored_keeps_the_builtins_first_loaded_inside_it(plugin_module: Registry[str]) -> None:
    with plugin_module.restored():
        pass
    assert plugin_module.names() == ["from-module"]


def test_a_dotted_path_is_loaded_and_not_kept() -> None:
    registry = things()
    assert registry.get("os.path:sep") == f"os.path:sep={__import__('os').path.sep}"
    assert registry.names() == []


def test_a_miss_lists_what_is_available_and_the_hint() -> None:
    registry = things(builtins={"b": "os:sep", "a": "os:sep"}, dotted_hint=" (or a dotted path)")
    with pytest.raises(UnknownPluginError) as err:
        registry.get("c")
    assert str(err.value) == "no thing 'c'; available: a, b (or a dotted path)"


def test_adopt_refuses_what_is_not_a_plugin() -> None:
    with pytest.raises(ConfigError, match=r"thing 'os:getcwd' \(os:getcwd\) is not a string"):
        things().get("os:getcwd")


def test_restored_undoes_registrations_made_inside_it() -> None:
    registry = things()
    registry.register("kept", "1")
    with registry.restored():
        registry.register("temporary", "2")
        registry.register("kept", "changed")
        assert registry.names() == ["kept", "temporary"]
    assert registry.names() == ["kept"]
    assert registry.get("kept") == "1"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("nodots", "is not a dotted path like 'package.module:Name'"),
        ("os:no_such_attr", "cannot load thing 'os:no_such_attr'"),
        ("no_such_module_xyz.attr", "cannot load thing 'no_such_module_xyz.attr'"),
    ],
)
def test_load_dotted_errors_say_what_was_wrong(path: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_dotted(path, what="thing")


def test_load_dotted_takes_a_colon_or_a_last_dot() -> None:
    assert load_dotted("os.path:join", what="thing") is load_dotted("os.path.join", what="thing")
