"""The largest modules and functions of a package, in lines (``tools/module_sizes.py harness``)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path


def main() -> None:
    package = Path(sys.argv[1] if len(sys.argv) > 1 else "harness")
    modules, functions = [], []
    for path in sorted(package.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(package.parent).as_posix()
        modules.append((len(text.splitlines()), name))
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                functions.append((size, f"{name}:{node.name}"))
    modules.sort(reverse=True)
    functions.sort(reverse=True)
    over = sum(1 for n, _ in modules if n > 400)
    print(f"modules: {len(modules)}, over 400 lines: {over}")
    for size, name in modules[:6]:
        print(f"  {size:5} {name}")
    sizes = sorted(n for n, _ in functions)
    long = sum(1 for n in sizes if n > 30)
    print(f"functions: {len(sizes)}, over 30 lines: {long}, median: {sizes[len(sizes) // 2]}")
    for size, name in functions[:6]:
        print(f"  {size:5} {name}")


if __name__ == "__main__":
    main()
