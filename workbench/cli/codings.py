"""``workbench codings import FILE.csv`` and ``codings export FILE.csv``: codings as CSV (source,code,start,end,coder,memo)."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.cli.common import acting_coder, layer_for, open_project, plural


def register(commands: argparse._SubParsersAction, export: argparse._SubParsersAction) -> None:
    codings = commands.add_parser("codings", help="import or export codings as CSV").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    p = codings.add_parser("import", help="import codings: source,code,start,end,coder,memo")
    p.add_argument("file", type=Path)
    p.add_argument("--coder", dest="csv_coder", help="coder for rows without a coder column")
    p.add_argument("--create-missing-codes", action="store_true", help="create unknown codes as inductive codes")
    p.set_defaults(handler=cmd_codings)
    p = codings.add_parser("export", help="export codings as CSV")
    p.add_argument("file", type=Path)
    p.add_argument("--coder", dest="csv_coder", help="only this coder's codings")
    p.set_defaults(handler=cmd_codings)


def cmd_codings(args: argparse.Namespace) -> int:
    from workbench.services.coding.codings_csv import export_codings_csv, import_codings_csv

    project = open_project(args)
    if args.action == "import":
        coder = args.csv_coder or acting_coder(args)
        report = import_codings_csv(project, args.file, coder, create_missing=args.create_missing_codes)
        created = f"; created inductive codes: {', '.join(report.created_codes)}" if report.created_codes else ""
        print(
            f"{plural(report.imported, 'coding')} imported for {', '.join(report.coders) or 'nobody'}, "
            f"{report.duplicates} already present{created}"
        )
        return 0
    coder, _ = layer_for(project, args, args.csv_coder, False)
    count = export_codings_csv(project, args.file, coder=coder)
    print(f"{plural(count, 'coding')} written to {args.file}")
    return 0
