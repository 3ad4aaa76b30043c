"""Drift operators: named changes to a recorded feed, registered with ``@operator`` (or by entry
point, group ``harness.operators``).

An operator is a small function ``fn(doc, choices)`` that edits a
:class:`~harness.audit.feeddoc.FeedDoc` in place (or returns new body bytes) the way a real
source changes: a *drift* operator changes the feed's form (the date line moves, links switch
host, the feed goes summary-only), a *benign* one only its content (other articles, other
counts, reordered items). ``choices`` is a :class:`Choices`: Hypothesis draws
(:class:`harness.strategies.DataChoices`) or a seeded ``random.Random``
(:class:`RandomChoices`). An operator with nothing to act on in a feed raises
:class:`~harness.audit.feeddoc.NotApplicable`. ``harness audit`` applies each one to real
recordings.

::

    from harness.audit.operators import operator

    @operator("title-suffix", kind="drift")
    def title_suffix(doc, choices):
        \"\"\"Every title gets the site name appended.\"\"\"
        for entry in doc.entries():
            entry.set("title", (entry.get("title") or "") + " | Example News")
"""

from __future__ import annotations

import inspect
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from harness.audit.feeddoc import FeedDoc, NotApplicable
from harness.errors import ConfigError
from harness.registry import Registry

__all__ = [
    "OPERATORS",
    "Choices",
    "Kind",
    "Mutation",
    "NotApplicable",
    "Operator",
    "RandomChoices",
    "available_operators",
    "get_operator",
    "operator",
    "operators",
]

T = TypeVar("T")


class Choices(Protocol):
    """Where an operator's decisions come from: Hypothesis draws or a seeded Random."""

    def integer(self, low: int, high: int) -> int:
        """An integer in [low, high]."""
        ...

    def choice(self, options: Sequence[T]) -> T:
        """One of ``options`` (not empty)."""
        ...

    def boolean(self) -> bool:
        """True or False."""
        ...

    def rng(self) -> random.Random:
        """A Random seeded from one decision: for bulk choices such as generated text."""
        ...


class RandomChoices:
    """:class:`Choices` from a ``random.Random`` (deterministic for a given seed)."""

    def __init__(self, seed: int | random.Random = 0) -> None:
        self.random = seed if isinstance(seed, random.Random) else random.Random(seed)  # noqa: S311  (test data)

    def integer(self, low: int, high: int) -> int:
        """An integer in [low, high]."""
        return self.random.randint(low, high)

    def choice(self, options: Sequence[T]) -> T:
        """One of ``options``."""
        return self.random.choice(options)

    def boolean(self) -> bool:
        """True or False."""
        return self.random.random() < 0.5

    def rng(self) -> random.Random:
        """A Random seeded from this one."""
        return random.Random(self.random.getrandbits(32))  # noqa: S311  (test data)


class Kind(StrEnum):
    """What an operator changes: the feed's form (drift) or only its content (benign)."""

    DRIFT = "drift"
    BENIGN = "benign"


OperatorFn = Callable[[FeedDoc, Choices], bytes | None]


@dataclass(frozen=True, slots=True)
class Mutation:
    """An operator's output: the new body and notes on what it changed."""

    body: bytes
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Operator:
    """A registered operator: id, kind, function and the first line of its docstring."""

    id: str
    kind: Kind
    fn: OperatorFn
    doc: str = ""

    def mutate(self, body: bytes, choices: Choices, *, timezone: str | None = None) -> Mutation:
        """Apply the operator to a feed body; NotApplicable when it has nothing to act on."""
        doc = FeedDoc(body)
        doc.timezone = timezone
        out = self.fn(doc, choices)
        return Mutation(doc.to_bytes() if out is None else out, tuple(doc.notes))

    def apply(self, body: bytes, choices: Choices, *, timezone: str | None = None) -> bytes:
        """The changed body (see :meth:`mutate`)."""
        return self.mutate(body, choices, timezone=timezone).body


_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def make_operator(operator_id: str, fn: OperatorFn, *, kind: Kind | str) -> Operator:
    """Wrap ``fn`` as an Operator; ConfigError on a bad id or kind."""
    if not _ID.match(operator_id):
        raise ConfigError(f"operator id {operator_id!r} is not kebab-case (like 'dateline-moved')")
    try:
        kind = Kind(kind)
    except ValueError:
        allowed = ", ".join(repr(k.value) for k in Kind)
        raise ConfigError(
            f"operator {operator_id!r}: kind {kind!r} is not one of {allowed}"
        ) from None
    doc = (inspect.getdoc(fn) or "").strip().splitlines()
    return Operator(operator_id, kind, fn, doc[0] if doc else "")


def _adopt(name: str, target: str, obj: Any) -> Operator:
    """The Operator for an object loaded by dotted path (an Operator, or its function)."""
    op = obj if isinstance(obj, Operator) else getattr(obj, "harness_operator", None)
    if not isinstance(op, Operator):
        raise ConfigError(
            f"operator {name!r} ({target}) is neither an Operator nor a function registered "
            "with @operator(id, kind=...)"
        )
    return op


# The built-ins are named as data: modules whose import registers their operators with
# @operator, imported by name on the first lookup. This module imports none of them at import
# time; they import it (for @operator, Choices, Kind), so the graph keeps one direction.
OPERATORS: Registry[Operator] = Registry(
    "operator",
    group="harness.operators",
    adopt=_adopt,
    modules=(
        "harness.audit.ops_article",
        "harness.audit.ops_drift",
        "harness.audit.ops_structure",
        "harness.audit.ops_benign",
        "harness.audit.ops_equiv",
        "harness.audit.ops_equiv_content",
    ),
)
"""Operators by id: built in, ``@operator``, by entry point, or a dotted path."""


def operator(operator_id: str, *, kind: Kind | str) -> Callable[[OperatorFn], OperatorFn]:
    """Register ``fn(doc, choices)`` as an operator under a kebab-case id."""

    def register(fn: OperatorFn) -> OperatorFn:
        op = OPERATORS.register(operator_id, make_operator(operator_id, fn, kind=kind))
        fn.harness_operator = op  # type: ignore[attr-defined]  # dotted paths find it here
        return fn

    return register


def available_operators() -> list[str]:
    """Ids of every operator: built in, registered in code, or installed by entry point."""
    return OPERATORS.names()


def get_operator(name: str) -> Operator:
    """The operator registered under ``name`` (or a dotted path ``pkg.mod:function``)."""
    return OPERATORS.get(name)


def operators(kind: Kind | str | None = None) -> list[Operator]:
    """Every available operator (of one kind, when given), drift first, then by id."""
    found = [get_operator(name) for name in available_operators()]
    if kind is not None:
        found = [op for op in found if op.kind is Kind(kind)]
    return sorted(found, key=lambda op: (op.kind is not Kind.DRIFT, op.id))
