"""Layering: nothing below the TUI imports Textual; pure domain helpers import neither Textual nor SQLAlchemy."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import workbench

CORE = sorted(
    m.name
    for m in pkgutil.walk_packages(workbench.__path__, "workbench.")
    if not m.name.startswith(("workbench.tui", "workbench.__main__", "workbench.cli.__main__"))
)
PURE = [m for m in CORE if m.startswith(("workbench.domain", "workbench.agreement"))]


def _loaded_after_import(module: str) -> set[str]:
    code = f"import sys, {module}; print(' '.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    return set(result.stdout.split())


@pytest.mark.parametrize("module", CORE)
def test_core_modules_do_not_import_textual(module):
    assert "textual" not in _loaded_after_import(module)


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_import_neither_textual_nor_sqlalchemy(module):
    loaded = _loaded_after_import(module)
    assert "textual" not in loaded and "sqlalchemy" not in loaded


def test_cli_help_does_not_load_spacy_or_pandas():
    loaded = _loaded_after_import("workbench.cli")
    assert "spacy" not in loaded and "pandas" not in loaded


def _import_graph() -> dict[str, set[str]]:
    """Module -> workbench modules it imports, lazy (function-level) imports included; only
    ``if TYPE_CHECKING:`` blocks are left out, since they never run."""
    import ast
    from pathlib import Path

    root = Path(workbench.__file__).parent
    modules = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for inner in ast.walk(node)
        }
        found = set()
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("workbench"):
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    found.add(full if full in modules else node.module)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("workbench"))
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles_not_even_through_lazy_imports():
    assert _cycles(_import_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_building_every_command_parser_loads_no_heavy_library():
    """``workbench --help`` builds every command's parser (each module's ``register``): those modules
    import spaCy, pandas, numpy (the agreement metrics) and SQLAlchemy only inside their handlers."""
    code = "import sys; from workbench.cli.main import build_parser; build_parser().format_help(); print(' '.join(sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    loaded = set(result.stdout.split())
    assert "workbench.cli.agreement" in loaded  # the parsers were built
    assert not loaded & {"spacy", "pandas", "numpy", "sqlalchemy", "textual"}
