"""``workbench audit`` (who changed what, newest first) and ``workbench backup OUT``: the project's record and its copy."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.cli.common import open_project, plural, print_json, refuse_if_blind


def register(commands: argparse._SubParsersAction, export: argparse._SubParsersAction) -> None:
    p = commands.add_parser("audit", help="who created, changed or deleted codings, codes, themes (newest first)")
    p.add_argument("--code", help="only entries about this code (id or name)")
    p.add_argument("--source", help="only entries about codings in this source")
    p.add_argument("--limit", type=int, default=None, help="at most this many entries")
    p.add_argument("--json", action="store_true")
    p.add_argument("--csv", type=Path, metavar="OUT.csv", help="write the entries to a CSV file")
    p.set_defaults(handler=cmd_audit)

    p = commands.add_parser("backup", help="copy the project to a file (safe while others are coding)")
    p.add_argument("file", type=Path, metavar="OUT")
    p.set_defaults(handler=cmd_backup)


def cmd_audit(args: argparse.Namespace) -> int:
    from workbench.services.project.audit_log import audit_rows, write_audit_csv

    project = open_project(args)
    refuse_if_blind(project, args, "the audit trail")
    rows = audit_rows(project, code=args.code, source=args.source, limit=args.limit)
    if args.csv:
        write_audit_csv(rows, args.csv)
        print(f"{plural(len(rows), 'audit entry', 'audit entries')} written to {args.csv}")
    elif args.json:
        print_json([row.as_json() for row in rows])
    else:
        for row in rows:
            note = f"  — {row.note}" if row.note else ""
            print(f"{row.at:%Y-%m-%d %H:%M:%S}  {row.coder or '-':<12} {row.action:<7} {row.entity_kind:<12} {row.summary}{note}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from workbench.store.backup import backup

    target = backup(open_project(args), args.file)
    print(f"project backed up to {target}")
    return 0
