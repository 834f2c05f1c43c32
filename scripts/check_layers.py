#!/usr/bin/env python3
"""Check goalloc's floor plan: every import points down (or sideways where allowed), and no
module imports itself in a circle. Prints each violation; exit 1 if there is any.

Layers, top to bottom (docs/architecture.md):
  cli > commands > app > report > analyze, collect > model > base
analyze and collect are peers that never import each other: collectors turn the outside world
into model types, analysis reads model types."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"

# Module prefix -> layer. The longest matching prefix wins.
LAYERS = {
    "goalloc": "base",
    "goalloc.errors": "base", "goalloc.units": "base", "goalloc.fsutil": "base",
    "goalloc.cache": "base", "goalloc.progress": "base", "goalloc.goinfo": "base",
    "goalloc.escape.model": "model", "goalloc.models": "model", "goalloc.profiles.model": "model",
    "goalloc.facts": "model", "goalloc.calls.model": "model", "goalloc.watch.model": "model",
    "goalloc.policy": "model",
    # The Go benchmark format: result types and their text form, shared by the runner
    # (collect) and the statistics (analyze).
    "goalloc.benchstat.format": "model",
    "goalloc.collect": "collect",
    "goalloc.escape": "analyze", "goalloc.rules": "analyze", "goalloc.benchstat": "analyze",
    "goalloc.profiles": "analyze", "goalloc.gctrace": "analyze", "goalloc.calls": "analyze",
    "goalloc.guard": "analyze",
    "goalloc.watch": "analyze",
    "goalloc.lab": "analyze",
    "goalloc.report": "report",
    "goalloc.app": "app",
    "goalloc.commands": "commands",
    "goalloc.cli": "cli", "goalloc.__main__": "cli",
}
# What each layer may import (besides itself).
ALLOWED = {
    "base": set(),
    "model": {"base"},
    "collect": {"model", "base"},
    "analyze": {"model", "base"},
    "report": {"analyze", "model", "base"},
    "app": {"report", "analyze", "collect", "model", "base"},
    "commands": {"app", "report", "analyze", "collect", "model", "base"},
    "cli": {"commands", "app", "report", "analyze", "collect", "model", "base"},
}
# The growth-model harness runs the real runtime to check the models; it is a collector
# that lives beside the models it checks.
EXCEPTIONS = {("goalloc.models.harness", "goalloc.collect.toolchain")}


def layer_of(module: str) -> str | None:
    best = None
    for prefix in LAYERS:
        if (module == prefix or module.startswith(prefix + ".")) and (
                best is None or len(prefix) > len(best)):
            best = prefix
    return LAYERS[best] if best else None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, module: str) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(), str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = package.split(".")
                pkg = pkg[:len(pkg) - node.level + 1]
                base = ".".join(pkg + ([base] if base else []))
            for a in node.names:
                full = f"{base}.{a.name}"
                # "from pkg import module" names a module when one exists.
                out.append((full if _is_module(full) else base, node.lineno))
    return sorted({(m, line) for m, line in out if m == "goalloc" or m.startswith("goalloc.")})


def _is_module(name: str) -> bool:
    p = SRC.joinpath(*name.split("."))
    return p.with_suffix(".py").is_file() or (p / "__init__.py").is_file()


def check() -> list[str]:
    problems = []
    graph: dict[str, set[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        module = module_name(path)
        mine = layer_of(module)
        graph.setdefault(module, set())
        for target, line in imports_of(path, module):
            theirs = layer_of(target)
            graph[module].add(target)
            if theirs is None or mine is None or theirs == mine:
                continue
            if (module, target) in EXCEPTIONS:
                continue
            if theirs not in ALLOWED[mine]:
                problems.append(f"{path.relative_to(SRC.parent)}:{line}: {module} ({mine}) "
                                f"imports {target} ({theirs})")
    problems += _cycles(graph)
    return problems


def _cycles(graph: dict[str, set[str]]) -> list[str]:
    """Import circles between modules (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            # A package importing its own submodules (re-exports) is not a circle of code.
            real = [m for m in comp if not any(o.startswith(m + ".") for o in comp)]
            if len(real) > 1:
                out.append("import circle: " + " -> ".join(sorted(comp)))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main() -> int:
    problems = check()
    for p in problems:
        print(p)
    print(f"{len(problems)} layering problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
