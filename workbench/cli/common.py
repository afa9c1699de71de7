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
    """``--coder``, else ``$WORKBENCH_CODER``, else the coder a handout file was made for, else the login name."""
    from workbench.services.project.coders import CODER_ENV, check_coder_name, default_coder_name

    named = getattr(args, "coder", None) or os.environ.get(CODER_ENV, "").strip()
    if not named and "://" not in db_location(args):
        from pathlib import Path

        from workbench.services.handout.identity import handout_coder_of_file

        named = handout_coder_of_file(Path(db_location(args)).expanduser())
    return check_coder_name(named or default_coder_name())


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
    """JSON on stdout: indented, or ``compact`` (one line, C encoder: for large reports). The data is
    exactly as stored; control characters are ``\\u`` escapes (never raw on a terminal)."""
    from workbench.safety import json_for_terminal

    if compact:
        document = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    else:
        document = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False)
    print(json_for_terminal(document))


def plural(count: int, word: str, plural_form: str | None = None) -> str:
    """``1 code``, ``13 codes``, ``2 boxes`` (with ``plural_form``); thousands separated."""
    return f"{count:,} {word if count == 1 else plural_form or word + 's'}"
