"""Helpers every CLI command uses: where the project is, who is acting, opening it, printing JSON."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workbench.store.engine import Project

DB_ENV = "WORKBENCH_DB"
EXIT_PARTIAL = 1


def db_location(args: argparse.Namespace) -> str:
    return args.db or os.environ.get(DB_ENV) or "workbench.db"


def acting_coder(args: argparse.Namespace) -> str:
    from workbench.services.project.coders import check_coder_name, default_coder_name

    return check_coder_name(getattr(args, "coder", None) or default_coder_name())


def open_project(args: argparse.Namespace, create: bool = False) -> Project:
    from workbench.store.engine import Project

    project = Project.open(db_location(args), create=create)
    project.actor = acting_coder(args)
    return project


def refuse_if_blind(project: Project, args: argparse.Namespace, what: str = "a review") -> None:
    """A coder in blind mode gets nothing that shows the other coders' work (agreement, review, audit)."""
    from workbench.services.project.blind import refuse_when_blind

    refuse_when_blind(project, acting_coder(args), what)


def warn(lines: Iterable[str]) -> None:
    """Warnings (an unfinished consensus, a pinned quote left out): one line each on stderr."""
    for line in lines:
        print(f"workbench: warning: {line}", file=sys.stderr)


def print_json(value: Any, *, compact: bool = False) -> None:
    """JSON on stdout: indented, or ``compact`` (one line, C encoder: for large reports)."""
    if compact:
        print(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    else:
        print(json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False))
