"""``workbench handout OUT.db --coder NAME`` and ``workbench merge FILE.db|FILE.qdpx``: double coding without a server."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.cli.common import open_project


def register(commands: argparse._SubParsersAction, export: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "handout", help="a project file for one coder: sources, codebook and only that coder's codings (opens blind)"
    )
    p.add_argument("file", type=Path, metavar="OUT.db")
    p.add_argument("--coder", dest="handout_coder", required=True, metavar="NAME", help="the coder it is for")
    p.add_argument("--source", action="append", default=[], metavar="NAME", help="only this source (repeatable; default: all)")
    p.add_argument("--with-themes", action="store_true", help="include the themes (and exemplars on the coder's codings)")
    p.set_defaults(handler=cmd_handout)

    p = commands.add_parser(
        "merge", help="merge a handout, a copy of the project or another tool's .qdpx back (codings, memos, new codes)"
    )
    p.add_argument("file", type=Path, metavar="FILE.db|FILE.qdpx")
    p.add_argument("--coder", dest="merge_coder", metavar="NAME",
                   help="merge this coder's work (default: the handout's coder; every coder of a .qdpx or a project copy)")
    p.add_argument("--dry-run", action="store_true", help="print what would happen and change nothing")
    p.add_argument("--add-sources", action="store_true", help="add sources the project does not have (default: skip them)")
    p.add_argument("--force", action="store_true", help="merge a file from another project (sources are matched by text)")
    p.set_defaults(handler=cmd_merge)


def cmd_handout(args: argparse.Namespace) -> int:
    from workbench.services.handout.create import make_handout

    report = make_handout(open_project(args), args.file, args.handout_coder, args.source, with_themes=args.with_themes)
    print("\n".join(report.lines()))
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    from workbench.services.handout.merge import merge_file

    report = merge_file(open_project(args), args.file, coder=args.merge_coder, dry_run=args.dry_run,
                        add_sources=args.add_sources, force=args.force)
    print("\n".join(report.lines()))
    return 0
