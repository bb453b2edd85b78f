"""The shape of the code base (issue #10 "one home per rule"), checked on the source:

- no import circle between thidua_xl's modules (every import, at any depth, is an edge);
- ``thidua_xl.core`` imports only the standard library, pydantic and itself;
- only the command line (``thidua_xl.cli``) imports rich, argparse or the CLI;
- no source file over 600 lines;
- argparse's translation function is not replaced for the whole process.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "thidua_xl"
MAX_LINES = 600
#: io/outputs.py is being split by its own issue (helper i13's branch): until that lands it
#: is the one file allowed over the limit. Remove it from here when it is split.
OVER_LIMIT_UNTIL_SPLIT = {"io/outputs.py"}


def _modules() -> dict[str, Path]:
    out = {}
    for p in sorted(PKG.rglob("*.py")):
        rel = p.relative_to(PKG.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> list[str]:
    """Every module ``name`` imports (absolute names), at module level or inside functions."""
    is_pkg = path.name == "__init__.py"
    base = name.split(".") if is_pkg else name.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                pkg = base[:len(base) - node.level + 1]
                mod = ".".join(pkg + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            found.append(mod)
            found += [f"{mod}.{a.name}" for a in node.names if f"{mod}.{a.name}" in MODULES]
    return found


def _graph() -> dict[str, set[str]]:
    graph = {}
    for name, path in MODULES.items():
        graph[name] = {m for m in _imports(name, path) if m in MODULES and m != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
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

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    return out


def _without_packages(graph):
    """Edges into a package's ``__init__`` from its own submodules are how Python imports
    them (the parent first), not a circle of ours: drop package -> own submodule edges."""
    return {m: {d for d in deps if not d.startswith(m + ".")} for m, deps in graph.items()}


def test_no_import_circle():
    cycles = _cycles(_without_packages(_graph()))
    assert not cycles, f"import circles: {cycles}"


def test_the_walk_sees_imports():
    graph = _graph()
    assert "thidua_xl.core.vocab" in graph["thidua_xl.io.parser"]
    assert "thidua_xl.core.decisions" in graph["thidua_xl.core.engine"]
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"]]


def test_core_imports_only_stdlib_pydantic_and_itself():
    allowed = set(sys.stdlib_module_names) | {"pydantic", "pydantic_core"}
    bad = []
    for name, path in MODULES.items():
        if not name.startswith("thidua_xl.core"):
            continue
        for m in _imports(name, path):
            top = m.split(".")[0]
            if m.startswith("thidua_xl.core") or m == "__future__" or top in allowed:
                continue
            bad.append(f"{name} imports {m}")
    assert not bad


def test_only_the_cli_imports_rich_argparse_or_the_cli():
    bad = []
    for name, path in MODULES.items():
        if name in ("thidua_xl.cli", "thidua_xl.__main__") or name.startswith("thidua_xl.cli."):
            continue  # the CLI layer (``python -m thidua_xl`` is its entry point)
        for m in _imports(name, path):
            if m.split(".")[0] in ("rich", "argparse") or m == "thidua_xl.cli" \
                    or m.startswith("thidua_xl.cli."):
                bad.append(f"{name} imports {m}")
    assert not bad


def test_no_source_file_over_the_limit():
    over = {str(p.relative_to(PKG)): n for p in PKG.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert set(over) <= OVER_LIMIT_UNTIL_SPLIT, over


def test_argparse_is_not_patched_for_the_process():
    import argparse
    import gettext

    import thidua_xl.cli  # noqa: F401
    from thidua_xl.cli.argv import build_parser

    build_parser()
    assert argparse._ is gettext.gettext


def test_every_public_name_is_there():
    """What a module lists in ``__all__`` it has (moved code keeps its old import paths)."""
    import importlib

    missing = []
    for name in MODULES:
        if name.startswith(("thidua_xl.excel", "thidua_xl.udfs", "thidua_xl.__main__")):
            continue  # xlwings adapters: imported in their own tests
        mod = importlib.import_module(name)
        missing += [f"{name}.{n}" for n in getattr(mod, "__all__", []) if not hasattr(mod, n)]
    assert not missing
