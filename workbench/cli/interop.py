"""Exchange: ``export qdpx OUT.qdpx`` and ``export codebook OUT.qdc|OUT.csv|OUT.docx`` (REFI-QDA, Taguette's CSV,
or the Word codebook of :mod:`workbench.cli.export`).

Import needs no handler of its own: ``workbench import FILE.qdpx|FILE.qde|FILE.qdc``
goes through :func:`workbench.services.importing.batch.import_paths`, which routes
these suffixes to :func:`workbench.interop.import_refi`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.cli.common import open_project, paper_options, refuse_if_blind, warn


def register(commands: argparse._SubParsersAction, export: argparse._SubParsersAction) -> None:
    p = export.add_parser(
        "codebook", help="the codebook as a Word table (.docx), a REFI-QDA codebook (.qdc) or Taguette's CSV (.csv)"
    )
    p.add_argument("file", type=Path, metavar="OUT.docx|OUT.qdc|OUT.csv")
    p.add_argument("--flat", action="store_true", help="CSV: each code by its name alone, not its parent/child path")
    p.add_argument("--separator", default="/", metavar="S", help="CSV: what separates parent and child (default /)")
    paper_options(p, excel=False)
    p.set_defaults(handler=cmd_export_codebook)
    p = export.add_parser("qdpx", help="the whole project as REFI-QDA (.qdpx) for NVivo, ATLAS.ti, MAXQDA, QualCoder")
    p.add_argument("file", type=Path, metavar="OUT.qdpx")
    p.set_defaults(handler=cmd_export_qdpx)


def cmd_export_qdpx(args: argparse.Namespace) -> int:
    from workbench.interop.qdpx_export import export_project
    from workbench.services.agreement.progress import unfinished_consensus

    project = open_project(args)
    refuse_if_blind(project, args, "the whole project as .qdpx (every coder's codings)")
    report = export_project(project, args.file)
    warn(unfinished_consensus(project))  # every coder's codings go out, the consensus layers' too
    print("\n".join(report.lines()))
    return 0


def cmd_export_codebook(args: argparse.Namespace) -> int:
    """``.qdc`` → the REFI-QDA codebook; ``.csv`` → Taguette's codebook CSV; any other suffix → the Word codebook."""
    if args.file.suffix.lower() == ".csv":
        from workbench.interop.taguette_csv import export_codebook_csv

        summary = export_codebook_csv(open_project(args), args.file, flat=args.flat, separator=args.separator)
        print(summary.line())
        return 0
    if args.file.suffix.lower() == ".qdc":
        from workbench.interop.qdc_export import export_codebook

        report = export_codebook(open_project(args), args.file)
        print("\n".join(report.lines()))
        return 0
    from workbench.cli.export import cmd_export_word_codebook

    return cmd_export_word_codebook(args)
