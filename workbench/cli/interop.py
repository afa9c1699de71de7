"""CLI handlers for REFI-QDA exchange: ``export qdpx OUT.qdpx`` and ``export codebook OUT.qdc``.

Import needs no handler of its own: ``workbench import FILE.qdpx|FILE.qde|FILE.qdc``
goes through :func:`workbench.services.importing.batch.import_paths`, which routes
these suffixes to :func:`workbench.interop.import_refi`.
"""

from __future__ import annotations

import argparse

from workbench.cli.common import open_project, warn


def cmd_export_qdpx(args: argparse.Namespace) -> int:
    from workbench.interop.qdpx_export import export_project
    from workbench.services.agreement.progress import unfinished_consensus

    project = open_project(args)
    report = export_project(project, args.file)
    warn(unfinished_consensus(project))  # every coder's codings go out, the consensus layers' too
    print("\n".join(report.lines()))
    return 0


def cmd_export_codebook(args: argparse.Namespace) -> int:
    """``.qdc`` → the REFI-QDA codebook; any other suffix → the Word codebook handler."""
    if args.file.suffix.lower() == ".qdc":
        from workbench.interop.qdc_export import export_codebook

        report = export_codebook(open_project(args), args.file)
        print("\n".join(report.lines()))
        return 0
    from workbench.cli.export import cmd_export_codebook as export_word_codebook

    return export_word_codebook(args)
