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
    if not m.name.startswith(("workbench.tui", "workbench.__main__", "workbench.cli.__main__")) and m.name != "workbench.cli.commands"
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
