"""``workbench export segments OUT.docx|OUT.csv|OUT.xlsx [--code KEY]… [--coder NAME] [--where ATTR=VALUE]… [--kind KIND]…``
and ``workbench export table OUT.csv|OUT.xlsx --what themes|matrix|codes [--coder NAME | --consensus]``;
also the Word codebook that ``export codebook OUT.docx`` writes (its parser is in :mod:`workbench.cli.interop`).
"""

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
    p = export.add_parser("segments", help="coded segments (what Retrieve shows) as a Word report, CSV or Excel")
    p.add_argument("file", type=Path, metavar="OUT.docx|OUT.csv|OUT.xlsx")
    p.add_argument("--code", action="append", default=[], metavar="KEY", help="only this code (repeatable; default: every code)")
    p.add_argument("--no-children", action="store_true", help="leave out the sub-codes of the codes given")
    p.add_argument("--coder", dest="layer_coder", metavar="NAME", help="only this coder's codings (default: every coder's)")
    p.add_argument("--where", action="append", default=[], metavar="ATTRIBUTE=VALUE",
                   help="only participants with this attribute value (repeatable; values of one attribute are alternatives)")
    p.add_argument("--kind", action="append", default=[], metavar="KIND", help="only sources of this kind (repeatable)")
    paper_options(p)
    quote_marks_option(p)
    p.set_defaults(handler=cmd_export_segments)
    p = export.add_parser("table", help="a roll-up table as CSV or Excel")
    p.add_argument("file", type=Path, metavar="OUT.csv|OUT.xlsx")
    p.add_argument("--what", choices=["themes", "matrix", "codes"], default="themes",
                   help="themes: per-theme counts; matrix: theme x participant; codes: code x theme (default themes)")
    layer_options(p)
    paper_options(p, style=False)
    p.set_defaults(handler=cmd_export_table)


def cmd_export_word_codebook(args: argparse.Namespace) -> int:
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
    project = open_project(args)
    coder, _ = layer_for(project, args, args.layer_coder, False)
    query = SegmentQuery(
        codes=args.code, include_children=not args.no_children, coder=coder,
        attribute_filter=wanted or None, source_kinds=args.kind or None,
    )
    summary = export_segments(project, args.file, query, bom=args.excel, style=args.style,
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

    project = open_project(args)
    coder, consensus = layer_for(project, args, *chosen_layer(args))
    summary = export_table(project, args.file, args.what, coder=coder, consensus=consensus, bom=args.excel)
    warn(unfinished_consensus(project, [summary.layer]))
    print(f"{summary.what}: {plural(summary.rows, 'row')} × {plural(summary.columns, 'column')} ({summary.layer}) "
          f"written to {summary.path}")
    return 0
