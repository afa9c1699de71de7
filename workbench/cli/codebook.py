"""``workbench codebook load FILE.yaml|FILE.csv`` and ``codebook show [--json]``."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.cli.common import open_project, plural, print_json


def register(commands: argparse._SubParsersAction, export: argparse._SubParsersAction) -> None:
    codebook = commands.add_parser("codebook", help="load or show the codebook").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    p = codebook.add_parser("load", help="load (merge) a YAML codebook, or a codebook CSV (Taguette's tag,description)")
    p.add_argument("file", type=Path, metavar="FILE.yaml|FILE.csv")
    p.add_argument("--separator", default="/", metavar="S", help="CSV: what separates parent and child in a tag (default /)")
    p.set_defaults(handler=cmd_codebook)
    p = codebook.add_parser("show", help="show the codebook")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_codebook)


def cmd_codebook(args: argparse.Namespace) -> int:
    from workbench.services.codebook.codes import list_codes
    from workbench.services.codebook.files import load_codebook

    if args.action == "load":
        project = open_project(args, create=True)
        report = load_codebook(project, args.file, args.separator)
        print(
            f"codebook {report.codebook!r}: {len(report.added)} added, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged"
        )
        return 0
    project = open_project(args)
    with project.session() as session:
        codes = list_codes(session)
    if args.json:
        print_json(
            [
                {
                    "id": c.key,
                    "name": c.name,
                    "parent": c.parent_key,
                    "origin": c.origin,
                    "definition": c.definition,
                    "when_to_use": c.when_to_use,
                    "when_not_to_use": c.when_not_to_use,
                    "example": c.example,
                    "keywords": list(c.keywords),
                    "colour": c.colour,
                    "codable": c.codable,
                    "codings": c.codings,
                }
                for c in codes
            ]
        )
        return 0
    if not codes:
        print("no codes yet; load a codebook with 'workbench codebook load FILE.yaml'")
    for c in codes:
        folder = "" if c.codable else "  (folder, not codable)"
        print(f"{'  ' * c.depth}{c.name}  [{c.key}]  {c.origin}{folder}  {plural(c.codings, 'coding')}")
    return 0
