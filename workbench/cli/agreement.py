"""``workbench agreement``, ``workbench export agreement OUT`` and ``workbench review``: parsers and handlers.

The work is in :mod:`workbench.services.agreement.compute`, :mod:`workbench.services.export.agreement`
and :mod:`workbench.services.agreement.review`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.cli.common import (
    acting_coder,
    db_location,
    open_project,
    paper_options,
    plural,
    print_json,
    refuse_if_blind,
    warn,
)
from workbench.collector import paused_gc
from workbench.domain.vocabulary import CONSENSUS_CODER
from workbench.errors import WorkbenchError

if TYPE_CHECKING:  # the services load numpy and SQLAlchemy: only when a command runs
    from textual.screen import Screen

    from workbench.services.agreement.disagreements import ReviewState
    from workbench.services.agreement.report import AgreementReport


def register(commands: argparse._SubParsersAction, export: argparse._SubParsersAction) -> None:
    p = commands.add_parser("agreement", help="inter-coder agreement per code (kappa, alpha, %% agreement)")
    agreement_options(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_agreement)
    p = commands.add_parser("review", help="review two coders' disagreements into a consensus layer")
    p.add_argument("--coders", nargs="+", required=True, metavar="CODER", help="the two coders: first second")
    p.add_argument("--consensus", default=CONSENSUS_CODER, metavar="NAME", help="coder of the consensus layer (default consensus)")
    p.add_argument("--status", action="store_true",
                   help="print the progress (reads only) instead of opening the Review screen")
    p.add_argument("--json", action="store_true", help="with --status: the progress as JSON")
    p.add_argument("--decide", choices=["first", "second", "union", "intersection", "neither"], metavar="RULE",
                   help="resolve the open disagreements by this rule: first, second, union, intersection or neither")
    p.add_argument("--code", action="append", default=[], metavar="KEY",
                   help="with --decide: only disagreements of this code (repeatable; default every code)")
    p.add_argument("--boundary-only", action="store_true",
                   help="with --decide: only disagreements where both coders coded overlapping spans whose boundaries differ")
    p.add_argument("--note", metavar="TEXT", help="with --decide: the note stored with each decision")
    p.set_defaults(handler=cmd_review)

    p = export.add_parser("agreement", help="the agreement report as .csv or .docx")
    p.add_argument("file", type=Path, metavar="OUT")
    agreement_options(p)
    paper_options(p)
    p.set_defaults(handler=cmd_export_agreement)


def agreement_options(p: argparse.ArgumentParser) -> None:
    """What ``agreement`` and ``export agreement`` compare, and how."""
    p.add_argument("--coders", nargs="+", required=True, metavar="CODER", help="two or more coders to compare")
    p.add_argument("--unit", choices=["character", "segment", "turn"], default="character",
                   help="what counts: characters (NVivo; two coders), sentence segments or speaker turns")
    p.add_argument("--overlap", type=float, default=0.9, metavar="SHARE",
                   help="segment matching (MAXQDA): codings match at this overlap share (default 0.9)")
    p.add_argument("--min-share", type=float, metavar="SHARE",
                   help="a segment or turn carries a code when codings cover this share of it (default: any overlap)")
    p.add_argument("--resamples", type=int, default=200, help="bootstrap resamples for the CIs (default 200; 0: none)")
    p.add_argument("--seed", type=int, default=0, help="seed of the bootstrap (default 0)")
    p.add_argument("--undefined-as-one", action="store_true",
                   help="count sources neither coder used a code in as kappa 1 in the means (NVivo's display)")


def _report(args: argparse.Namespace) -> AgreementReport:
    """The agreement report; an unfinished consensus layer among the coders is warned about and noted."""
    import dataclasses

    # The bootstrap is many small matrix products (3 x coded blocks x resamples, per code): OpenBLAS
    # threads cost more to hand them over than they save, several times more on a busy machine. One
    # thread unless the user set it (read when numpy loads, which is just below in this process).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from workbench.services.agreement.compute import compute_agreement
    from workbench.services.agreement.progress import unfinished_consensus

    project = open_project(args)
    refuse_if_blind(project, args, "agreement figures")
    unfinished = unfinished_consensus(project, args.coders)
    warn(unfinished)
    report = compute_agreement(
        project,
        args.coders,
        unit=args.unit,
        overlap=args.overlap,
        min_share=args.min_share,
        resamples=args.resamples,
        seed=args.seed,
        undefined_kappa_as=1.0 if args.undefined_as_one else None,
    )
    return dataclasses.replace(report, notes=(*report.notes, *(f"not finished: {line}" for line in unfinished)))


def cmd_agreement(args: argparse.Namespace) -> int:
    with paused_gc():
        report = _report(args)
        if args.json:
            print_json(report.as_json(), compact=True)
            return 0
        print(format_report(report))
        return 0


def cmd_export_agreement(args: argparse.Namespace) -> int:
    from workbench.services.export.agreement import check_format, export_agreement, source_texts

    check_format(args.file)
    with paused_gc():
        report = _report(args)
    texts = style = None
    if args.file.suffix.lower() == ".docx":
        from workbench.services.paper.styles import resolve_style

        project = open_project(args)
        texts = source_texts(project, report.sources)
        style = resolve_style(project, getattr(args, "style", None))
    written = export_agreement(report, args.file, texts, style=style, excel=getattr(args, "excel", False))
    print(f"agreement of {', '.join(report.coders)} ({plural(len(report.codes), 'code')}, unit {report.unit}) "
          f"written to {args.file} ({written})")  # fmt: skip
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    """Open the Review screen; or print the progress (--status, reading only); or decide by a rule (--decide)."""
    from workbench.services.agreement import review

    first, second = _two(args.coders)
    if (args.json and not args.status) or ((args.code or args.boundary_only or args.note) and not args.decide):
        raise WorkbenchError("--json goes with --status; --code, --boundary-only and --note go with --decide")
    if args.status and args.decide:
        raise WorkbenchError("choose --status (reads only) or --decide RULE, not both")
    project = open_project(args)
    refuse_if_blind(project, args)
    if args.status:
        state = review.list_disagreements(project, first, second, args.consensus)
        if args.json:
            print_json(progress_json(state))
        else:
            print(format_progress(state))
        return 0
    if args.decide:
        result = review.decide_open(project, first, second, args.consensus, args.decide, codes=args.code,
                                    boundary_only=args.boundary_only, note=args.note, actor=acting_coder(args))  # fmt: skip
        for d in result.decided:
            print(f"  {args.decide:<12} {d.code:<32} {d.source} {d.start}-{d.end}")
        resolved, total = result.state.progress()
        which = f" of {', '.join(args.code)}" if args.code else ""
        print(f"resolved {len(result.decided)} open disagreement(s){which} by {args.decide!r} into {args.consensus!r}; "
              f"{resolved} of {total} resolved")  # fmt: skip
        return 0
    state = review.start_review(project, first, second, args.consensus, actor=acting_coder(args))
    if state.seeded:
        print(f"{plural(state.seeded, 'agreed region')} copied to the consensus layer {args.consensus!r}")
    interactive = sys.stdout.isatty() and sys.stdin.isatty()
    if not interactive:
        print(format_progress(review.list_disagreements(project, first, second, args.consensus)))
        return 0
    project.close()
    return _run_review_tui(args, first, second)


def progress_json(state: ReviewState) -> dict[str, object]:
    resolved, total = state.progress()
    codes = sorted({d.code for d in state.disagreements})
    return {
        "coders": [state.first, state.second], "consensus": state.consensus, "total": total, "resolved": resolved,
        "codes": [{"code": code, "total": state.progress(code)[1], "resolved": state.progress(code)[0]} for code in codes],
    }  # fmt: skip


def _two(coders: list[str]) -> tuple[str, str]:
    if len(coders) != 2:
        raise WorkbenchError(f"review compares exactly two coders (--coders A B), not {len(coders)}")
    return coders[0], coders[1]


def _run_review_tui(args: argparse.Namespace, first: str, second: str) -> int:
    from workbench.tui.launch import run_workbench

    def review() -> Screen:
        from workbench.tui.screens.review import ReviewScreen

        return ReviewScreen(first, second, args.consensus)

    return run_workbench(db_location(args), coder=acting_coder(args), start=review)


# --- text output ----------------------------------------------------------------------------------


def format_report(report: AgreementReport) -> str:
    """The per-code table, worst first, with the overall values and the notes."""
    from workbench.agreement import format as fmt  # here, not on top: it loads numpy, and `workbench --help` must not

    character = report.unit == "character"
    two = len(report.coders) == 2
    lines = [
        f"Agreement of {' and '.join(report.coders)} · unit: {report.unit} · {plural(len(report.sources), 'double-coded source')}"
        + (f" ({len(report.skipped_sources)} left out: not coded by everyone)" if report.skipped_sources else ""),
        "",
    ]
    header = ["code", "kappa", "CI", "agree%", "alpha"]
    header += ["mean k", "wtd k", "k n/a"] if character else ["fleiss"]
    header += ["matched%"] if two else []
    rows = []
    for c in report.codes:
        row = [c.code, fmt.coefficient(c.kappa), fmt.interval(c.kappa_ci), fmt.percent(c.percent), fmt.coefficient(c.alpha)]
        row += [fmt.coefficient(c.kappa_mean), fmt.coefficient(c.kappa_weighted), str(c.undefined_sources)] if character else [fmt.coefficient(c.fleiss)]
        row += [fmt.percent(c.matched_percent)] if two else []
        rows.append(row)
    o = report.overall
    total = ["(all codes, pooled)", fmt.coefficient(o.kappa), fmt.interval(o.kappa_ci), fmt.percent(o.percent), fmt.coefficient(o.alpha)]
    total += ["", "", ""] if character else [""]
    total += [fmt.percent(o.matching_percent)] if two else []
    mean = ["(mean over codes)", fmt.coefficient(o.mean_kappa), "", fmt.percent(o.mean_percent), fmt.coefficient(o.mean_alpha)]
    mean += ["", "", ""] if character else [""]
    mean += [""] if two else []
    widths = [max(len(r[i]) for r in [header, *rows, total, mean]) for i in range(len(header))]
    widths[0] = min(widths[0], 40)

    def line(cells: list[str]) -> str:
        first = cells[0] if len(cells[0]) <= widths[0] else cells[0][: widths[0] - 1] + "…"
        return "  ".join([first.ljust(widths[0]), *(c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))])

    lines += [line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]
    lines += ["  ".join("-" * w for w in widths), line(total), line(mean), ""]
    if o.matching_codes is not None:
        lines.append(
            f"segment matching at {report.overlap:.0%} overlap (MAXQDA): {fmt.percent(o.matching_percent)}% of codings "
            f"matched; kappa_n (Brennan-Prediger, 1/{o.matching_codes} chance) {fmt.coefficient(o.matching_kappa_n)}"
        )
    if character:
        lines.append("k n/a: sources where kappa is undefined (neither coder used the code there)")
    lines += [f"note: {note}" for note in report.notes]
    return "\n".join(lines)


def format_progress(state: ReviewState) -> str:
    resolved, total = state.progress()
    held = (f"all {plural(state.agreed_regions, 'agreed region')} in the consensus layer"
            if state.seeded >= state.agreed_regions
            else f"{plural(state.agreed_regions, 'agreed region')}, {state.seeded} in the consensus layer so far "
                 "(the rest are copied when the review starts)")  # fmt: skip
    lines = [f"review of {state.first} and {state.second} into {state.consensus!r}: {resolved} of "
             f"{plural(total, 'disagreement')} resolved; {held}"]  # fmt: skip
    codes = sorted({d.code for d in state.disagreements})
    for code in codes:
        done, count = state.progress(code)
        lines.append(f"  {code:<40} {done:>4} of {count:<4} resolved")
    return "\n".join(lines)
