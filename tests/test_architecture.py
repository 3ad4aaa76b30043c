"""The package's shape: no import circle, no module reaching into another's private names.

Both read the source with ``ast`` (imports inside functions count: a circle hidden in a function
is still a circle; imports under ``if TYPE_CHECKING:`` do not, they never run).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import harness

PACKAGE = Path(harness.__file__).resolve().parent


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts).removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _runtime_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    skipped = {
        id(node)
        for branch in ast.walk(tree)
        if isinstance(branch, ast.If) and "TYPE_CHECKING" in ast.unparse(branch.test)
        for node in ast.walk(branch)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in skipped:
            yield node


def _absolute(name: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    base = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def _known(candidate: str) -> str | None:
    while candidate and candidate not in MODULES:
        candidate = candidate.rpartition(".")[0]
    return candidate or None


def _edges(name: str) -> set[str]:
    """The package modules ``name`` imports (not its own parent packages)."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found = set()
    for node in _runtime_imports(tree):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        else:
            base = _absolute(name, node)
            candidates = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        for candidate in candidates:
            target = _known(candidate)
            if target and target != name and not name.startswith(target + "."):
                found.add(target)
    return found


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    circles.append(sorted(component))
    return circles


def test_no_import_circle() -> None:
    graph = {name: _edges(name) for name in MODULES}
    assert _circles(graph) == []


def test_the_circle_finder_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == [["a", "b", "c"]]


def test_the_runner_does_not_import_drift() -> None:
    assert not {m for m in _edges("harness.runner") if m.startswith("harness.drift")}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_private_names_of_other_modules(name: str) -> None:
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    reached = []
    for node in _runtime_imports(tree):
        targets = (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [f"{_absolute(name, node)}.{alias.name}" for alias in node.names]
        )
        reached.extend(target for target in targets if _reaches_into(name, target))
    assert reached == [], f"{name} imports private names of other modules"


def _reaches_into(importer: str, target: str) -> bool:
    """A private name of another module, or a private module from outside its package."""
    owner, _, leaf = target.rpartition(".")
    if target in MODULES:  # a module: private ones belong to their package
        private = [p for p in target.split(".") if p.startswith("_") and not p.startswith("__")]
        if not private:
            return False
        package = target[: target.index("." + private[0])]
        return not (importer == package or importer.startswith(package + "."))
    return leaf.startswith("_") and not leaf.startswith("__") and owner != importer
