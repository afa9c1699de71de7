"""``workbench themes load FILE`` / ``themes export FILE`` (the theme map as YAML) and
``workbench export themes OUT.docx [--coder NAME | --consensus] [--quotes N] [--figure]``."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.cli.common import (
    chosen_layer,
    layer_for,
    layer_options,
    open_project,
    paper_options,
    plural,
    quote_marks_option,
    warn,
)


def register(commands: argparse._SubParsersAction, export: argparse._SubParsersAction) -> None:
    themes = commands.add_parser("themes", help="load or export the theme map (YAML)").add_subparsers(
        dest="action", metavar="ACTION", required=True
    )
    p = themes.add_parser("load", help="load a theme map: typology, categories, themes, codes, exemplars")
    p.add_argument("file", type=Path)
    p.add_argument("--replace", action="store_true", help="delete themes and categories that are not in the file")
    p.add_argument("--coder", dest="exemplar_coder", metavar="NAME", help="whose codings exemplar quotes resolve to (default: the file's)")
    p.set_defaults(handler=cmd_themes)
    p = themes.add_parser("export", help="write the project's theme map as YAML")
    p.add_argument("file", type=Path)
    p.set_defaults(handler=cmd_themes)

    p = export.add_parser("themes", help="the themes as a Word document (summary table, then each theme with quotes)")
    p.add_argument("file", type=Path, metavar="OUT.docx")
    layer_options(p)
    p.add_argument("--quotes", type=int, default=3, metavar="N", help="exemplar quotes per theme (default 3)")
    p.add_argument("--figure", action="store_true", help="add the thematic map figure (see 'export map')")
    paper_options(p, excel=False)
    quote_marks_option(p)
    p.set_defaults(handler=cmd_export_themes)


def cmd_themes(args: argparse.Namespace) -> int:
    from workbench.services.themes.theme_map import export_theme_map, load_theme_map

    if args.action == "load":
        project = open_project(args)
        coder = args.exemplar_coder or getattr(args, "coder", None)
        report = load_theme_map(project, args.file, coder, replace=args.replace)
        removed = f", {len(report.removed)} removed" if report.removed else ""
        print(
            f"theme map {args.file}: {plural(len(report.added), 'theme')} added, {len(report.updated)} updated{removed}; "
            f"{plural(report.categories, 'category', 'categories')}, {plural(report.exemplars, 'exemplar')}"
        )
        return 0
    count = export_theme_map(open_project(args), args.file)
    print(f"{plural(count, 'theme')} written to {args.file}")
    return 0


def cmd_export_themes(args: argparse.Namespace) -> int:
    from workbench.services.export.word_themes import write_themes_docx

    project = open_project(args)
    coder, consensus = layer_for(project, args, *chosen_layer(args))
    summary = write_themes_docx(project, args.file, coder=coder, consensus=consensus, quotes=args.quotes,
                                 figure=args.figure, style=args.style, quote_marks=args.quote_marks)
    warn(summary.warnings)
    print(f"{plural(summary.themes, 'theme')} with {plural(summary.quotes, 'quote')} ({summary.layer}) written to {summary.path}")
    return 0
