"""The shape of the code: module sizes, the longest functions, and the import graph (with cycles).

    .venv/bin/python scripts/shape.py [--top N]

Reads src/modelname with ast (nothing is imported).  An import inside a function counts as an
edge too: a circle is a circle whether the import runs at load time or later.  Exits 1 when the
import graph has a cycle.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "modelname"


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Project modules that ``name`` imports (anywhere in the file)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            submodules = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in known]
            # "from . import memory" imports the submodule, not what the package itself holds
            targets = submodules if len(submodules) == len(node.names) else [base, *submodules]
        else:
            continue
        if isinstance(node, ast.ImportFrom) and _type_checking_only(tree, node):
            continue
        for target in targets:
            if target in known and target != name:
                found.add(target)
    return found


def _type_checking_only(tree: ast.AST, node: ast.AST) -> bool:
    for parent in ast.walk(tree):
        if (
            isinstance(parent, ast.If)
            and isinstance(parent.test, ast.Name)
            and parent.test.id == "TYPE_CHECKING"
        ):
            if any(child is node for child in ast.walk(parent)):
                return True
    return False


def functions(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.append((node.end_lineno - node.lineno + 1, node.name))
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def graph() -> dict[str, set[str]]:
    known = modules()
    g = {name: imports(name, path, known) for name, path in known.items()}
    # a package imports its own submodules when it loads them; that is not a cycle of design
    for name in g:
        g[name] = {t for t in g[name] if not t.startswith(name + ".") or name not in g.get(t, ())}
    return g


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--top", type=int, default=12)
    args = ap.parse_args()
    known = modules()
    print("module                                   lines")
    for name, path in known.items():
        print(f"  {name:<38} {len(path.read_text(encoding='utf-8').splitlines()):5d}")
    longest = sorted(
        ((n, f"{name}.{fn}") for name, path in known.items() for n, fn in functions(path)), reverse=True
    )
    print("\nlongest functions (lines)")
    for n, fn in longest[: args.top]:
        print(f"  {n:4d}  {fn}")
    g = graph()
    print("\nimports (project modules only)")
    for name in sorted(g):
        print(f"  {name} -> {', '.join(sorted(g[name])) or '-'}")
    found = cycles(g)
    print(f"\ncycles: {found or 'none'}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
