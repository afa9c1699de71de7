"""CLI handlers for the theme map and the theme, codebook and table exports (parsers live in :mod:`workbench.cli`).

``workbench themes load FILE`` / ``themes export FILE``;
``workbench export themes OUT.docx [--coder NAME | --consensus] [--quotes N]``;
``workbench export codebook OUT.docx``;
``workbench export segments OUT.docx|OUT.csv|OUT.xlsx [--code KEY]… [--coder NAME] [--where ATTR=VALUE]… [--kind KIND]…``;
``workbench export table OUT.csv|OUT.xlsx --what themes|matrix|codes [--coder NAME | --consensus]``.
"""

from __future__ import annotations

import argparse

from workbench.cli.common import open_project, plural, warn


def _layer(args: argparse.Namespace) -> tuple[str | None, bool]:
    """The layer asked for: the subcommand's --coder or --consensus, else an explicit global --coder, else the default."""
    consensus = bool(getattr(args, "consensus", False))
    coder = getattr(args, "layer_coder", None) or (None if consensus else getattr(args, "coder", None))
    return coder, consensus


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

    coder, consensus = _layer(args)
    summary = write_themes_docx(open_project(args), args.file, coder=coder, consensus=consensus, quotes=args.quotes,
                                 figure=args.figure, style=args.style, quote_marks=args.quote_marks)
    warn(summary.warnings)
    print(f"{plural(summary.themes, 'theme')} with {plural(summary.quotes, 'quote')} ({summary.layer}) written to {summary.path}")
    return 0


def cmd_export_codebook(args: argparse.Namespace) -> int:
    from workbench.services.export.word_codebook import write_codebook_docx

    summary = write_codebook_docx(open_project(args), args.file, style=args.style)
    print(f"{plural(summary.codes, 'code')} in {plural(summary.groups, 'group')} written to {summary.path}")
    return 0


def cmd_export_segments(args: argparse.Namespace) -> int:
    from workbench.errors import WorkbenchError
    from workbench.services.export.segments import SegmentQuery, export_segments

    wanted: dict[str, set[str]] = {}
    for condition in args.where:
        name, equals, value = condition.partition("=")
        if not equals or not name.strip() or not value.strip():
            raise WorkbenchError(f"--where {condition!r}: write ATTRIBUTE=VALUE, e.g. --where role=therapist")
        wanted.setdefault(name.strip(), set()).add(value.strip())
    query = SegmentQuery(
        codes=args.code, include_children=not args.no_children, coder=args.layer_coder,
        attribute_filter=wanted or None, source_kinds=args.kind or None,
    )
    summary = export_segments(open_project(args), args.file, query, bom=args.excel, style=args.style,
                              quote_marks=args.quote_marks)
    warn(summary.warnings)
    print(
        f"{plural(summary.segments, 'coded segment')} of {plural(summary.codes, 'code')} from "
        f"{plural(summary.sources, 'source')} ({plural(summary.participants, 'participant')}) written to {summary.path}"
    )
    return 0


def cmd_export_table(args: argparse.Namespace) -> int:
    from workbench.services.agreement.progress import unfinished_consensus
    from workbench.services.export.tables import export_table

    coder, consensus = _layer(args)
    project = open_project(args)
    summary = export_table(project, args.file, args.what, coder=coder, consensus=consensus, bom=args.excel)
    warn(unfinished_consensus(project, [summary.layer]))
    print(f"{summary.what}: {plural(summary.rows, 'row')} × {plural(summary.columns, 'column')} ({summary.layer}) "
          f"written to {summary.path}")
    return 0
