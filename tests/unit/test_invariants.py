"""The invariant contract and registry: built-ins by id, parameters checked, dotted paths."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from invariant_items import SEED, run

import harness.checks
from harness.errors import ConfigError, UnknownPluginError
from harness.invariants import (
    CheckContext,
    available_invariants,
    get_invariant,
    invariant,
    parse_duration,
)
from harness.model import Severity, Violation

ALL = [
    "timestamp-matches-dateline",
    "url-date-matches-timestamp",
    "paragraphs-nonempty",
    "boilerplate-stripped",
    "no-markup-in-text",
    "links-absolute",
    "unique-ids",
    "title-nonempty",
    "script-matches-language",
]


@pytest.mark.parametrize("check", ALL)
def test_every_builtin_passes_on_the_seed(check: str) -> None:
    assert run(check, [SEED]) == []


def test_builtins_are_registered() -> None:
    assert set(ALL) <= set(available_invariants())


def test_parameters_are_validated_with_the_allowed_names() -> None:
    inv = get_invariant("timestamp-matches-dateline")
    with pytest.raises(
        ConfigError, match=r"no parameter 'tolerance'; allowed: max-lag, max-lead, severity"
    ):
        inv.bind({"tolerance": "5m"})
    with pytest.raises(ConfigError, match="expected a duration"):
        inv.bind({"max-lag": "soon"})
    with pytest.raises(ConfigError, match="expected int"):
        get_invariant("paragraphs-nonempty").bind({"min-paragraphs": "3"})
    bound = inv.bind({"max-lag": "1h30m"}, severity=Severity.WARNING)
    assert bound.params["max_lag"] == timedelta(minutes=90)
    assert bound.severity is Severity.WARNING


def test_unknown_invariant_lists_available() -> None:
    with pytest.raises(
        UnknownPluginError, match=r"no invariant 'title-present'; available: .*title-nonempty"
    ):
        get_invariant("title-present")


@pytest.mark.parametrize(
    ("text", "seconds"), [("90m", 5400), ("1h30m", 5400), ("45s", 45), (60, 60), ("7d", 604800)]
)
def test_parse_duration(text: Any, seconds: int) -> None:
    assert parse_duration(text).total_seconds() == seconds


def _is_invariant_function(obj: Any) -> bool:
    params = list(inspect.signature(obj).parameters)
    return inspect.isfunction(obj) and params[:2] == ["items", "ctx"]


def test_every_builtin_function_is_registered_under_its_id() -> None:
    """A new built-in in harness.checks that the invariants table does not name fails here."""
    found = {}
    for info in pkgutil.iter_modules(harness.checks.__path__, "harness.checks."):
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if _is_invariant_function(obj):
                found[name.replace("_", "-")] = obj
    assert len(found) == 14
    for invariant_id, fn in found.items():
        assert get_invariant(invariant_id).fn is fn
        assert get_invariant(invariant_id).id == invariant_id


def test_importing_the_contract_imports_no_builtin() -> None:
    code = "import sys, harness.invariants; print(any(m.startswith('harness.checks') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_decorator_registers_under_a_kebab_case_id() -> None:
    @invariant("always-one")
    def always_one(items: Any, ctx: CheckContext, *, limit: int = 3) -> Iterator[Violation]:
        """Always one violation."""
        yield Violation(check="", message="one")

    inv = get_invariant("always-one")
    assert (inv.fn, inv.defaults, inv.doc) == (always_one, {"limit": 3}, "Always one violation.")
    (found,) = inv.bind({}, severity=Severity.WARNING).iter_violations([], CheckContext())
    assert (found.check, found.severity) == ("always-one", Severity.WARNING)
    assert "always-one" in available_invariants()


@pytest.mark.parametrize(
    ("invariant_id", "fn", "message"),
    [
        ("Title_Short", lambda items, ctx: iter(()), "is not kebab-case"),
        ("no-default", lambda items, ctx, *, x: iter(()), r"parameters need defaults: \['x'\]"),
    ],
)
def test_bad_invariants_are_config_errors(invariant_id: str, fn: Any, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        invariant(invariant_id)(fn)


def test_a_dotted_path_keeps_its_path_as_id() -> None:
    inv = get_invariant("harness.checks.items:unique_ids")
    assert inv.id == "harness.checks.items:unique_ids"
    assert "harness.checks.items:unique_ids" not in available_invariants()
    with pytest.raises(ConfigError, match="is not a function"):
        get_invariant("harness.checks.dates:__all__")
