"""``workbench suggest [--source NAME]…``: code suggestions from the codebook's keywords, for the acting coder."""

from __future__ import annotations

import argparse

from workbench.cli.common import acting_coder, open_project, plural


def register(commands: argparse._SubParsersAction, export: argparse._SubParsersAction) -> None:
    p = commands.add_parser("suggest", help="suggest codes from the codebook's keywords (for --coder; review them in the TUI)")
    p.add_argument("--source", action="append", default=[], metavar="NAME", help="only this source (repeatable; default: all)")
    p.set_defaults(handler=cmd_suggest)


def cmd_suggest(args: argparse.Namespace) -> int:
    from workbench.services.coding.suggestions import compute_suggestions

    project = open_project(args)
    coder = acting_coder(args)
    pending = compute_suggestions(project, coder, args.source or None)
    where = f" on {', '.join(args.source)}" if args.source else ""
    print(f"{plural(pending, 'suggestion')} pending for {coder}{where}; review them in the TUI (s on the Coding screen)")
    return 0
