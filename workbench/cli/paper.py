"""CLI for the paper: ``workbench saturation`` and ``workbench export participants|map|methods``.

``workbench saturation [--coder NAME | --consensus] [--order FILE|imported|attribute:NAME] [--kind KIND]
[--base 4] [--run 2] [--threshold 0.05] [--inductive-only] [--resamples 1000] [--seed 0] [--json] [--plot OUT]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.cli.common import chosen_layer, layer_for, layer_options, open_project, plural, print_json, refuse_if_blind

if TYPE_CHECKING:
    from workbench.services.paper.saturation import SaturationReport


def register(commands: argparse._SubParsersAction, export: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "saturation", help="code saturation (Guest, Namey & Chen 2020): base, runs, new-information threshold"
    )
    layer_options(p)
    p.add_argument("--order", default="imported", metavar="FILE|imported|attribute:NAME",
                   help="source order: a file with one source name per line, import order (default), "
                        "or a participant attribute such as attribute:interview_date")
    p.add_argument("--kind", choices=["interview", "focus-group", "other"], help="only sources of this kind")
    p.add_argument("--base", type=int, default=4, help="sources in the base (default 4)")
    p.add_argument("--run", type=int, default=2, help="sources in a run (default 2)")
    p.add_argument("--threshold", type=float, default=0.05, help="new information at or below which saturation is reached (default 0.05 = 5%%)")
    p.add_argument("--inductive-only", action="store_true", help="count only inductive codes")
    p.add_argument("--resamples", type=int, default=1000, help="random orders for the robustness band (default 1000; 0: none)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random orders (default 0)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--plot", type=Path, metavar="OUT.png|OUT.svg", help="also draw the saturation figure")
    p.set_defaults(handler=cmd_saturation)

    p = commands.add_parser("style", help="show or set the project's publication style for Word exports (plain, apa, bjpsych)")
    p.add_argument("name", nargs="?", choices=["plain", "apa", "bjpsych"])
    p.set_defaults(handler=cmd_style)

    p = export.add_parser("participants", help="Table 1: participant characteristics (.docx, .csv or .xlsx)")
    p.add_argument("file", type=Path, metavar="OUT.docx|OUT.csv|OUT.xlsx")
    p.add_argument("--by", default="kind", metavar="kind|ATTRIBUTE",
                   help="columns: interview only / focus group only / both (kind, the default), or the values of an attribute")
    p.add_argument("--types", type=Path, metavar="FILE.yaml", help="declare attribute types (numeric, categorical), labels and level order")
    _style_option(p)
    _excel_option(p)
    p.set_defaults(handler=cmd_export_participants)

    p = export.add_parser("map", help="the thematic map figure: categories as boxes with their themes (.svg, .png or .pdf)")
    p.add_argument("file", type=Path, metavar="OUT.svg|OUT.png|OUT.pdf")
    layer_options(p)
    p.add_argument("--counts", action="store_true", help="show each theme's participants n (default when --coder/--consensus is given)")
    p.set_defaults(handler=cmd_export_map)

    p = export.add_parser("methods", help="the methods appendix with the COREQ checklist (.docx or .md)")
    p.add_argument("file", type=Path, metavar="OUT.docx|OUT.md")
    layer_options(p)
    _style_option(p)
    p.add_argument("--resamples", type=int, default=1000, help="random orders for the saturation band (default 1000)")
    p.add_argument("--order", default="imported", metavar="FILE|imported|attribute:NAME", help="source order for saturation")
    p.set_defaults(handler=cmd_export_methods)


def _style_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--style", choices=["plain", "apa", "bjpsych"],
                        help="Word layout: paper, font size, quote marks, caption form (default: the project's, see 'workbench style')")


def _excel_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--excel", action="store_true", help="CSV with a byte-order mark, so Excel reads accents and curly quotes")


def _order(value: str) -> str | Path:
    from workbench.services.paper.saturation import parse_order

    return parse_order(value)


def cmd_saturation(args: argparse.Namespace) -> int:
    from workbench.domain.saturation import Design
    from workbench.services.paper.saturation import compute_saturation

    if args.plot is not None:
        from workbench.services.paper.figures import check_figure_path

        check_figure_path(args.plot, (".png", ".svg"))
    order = _order(args.order)
    project = open_project(args)
    coder, consensus = layer_for(project, args, *chosen_layer(args))
    report = compute_saturation(
        project, coder=coder, consensus=consensus, order=order, kind=args.kind,
        design=Design(args.base, args.run, args.threshold), inductive_only=args.inductive_only,
        resamples=args.resamples, seed=args.seed,
    )
    if args.plot is not None:
        from workbench.services.paper.saturation_plot import write_saturation_plot

        write_saturation_plot(report, args.plot)
    if args.json:
        print_json(report.as_json())
        return 0
    print(saturation_text(report))
    if args.plot is not None:
        print(f"figure written to {args.plot}")
    return 0


def cmd_style(args: argparse.Namespace) -> int:
    from workbench.services.paper.styles import STYLES, get_style, project_style, set_project_style

    project = open_project(args)
    with project.session() as session:
        if args.name:
            style = set_project_style(session, args.name)
            print(f"publication style set to {style.name}: {style.description}")
            return 0
        current = get_style(project_style(session))
    for style in STYLES.values():
        print(f"{'*' if style.name == current.name else ' '} {style.name:<8} {style.description}")
    return 0


def cmd_export_participants(args: argparse.Namespace) -> int:
    from workbench.services.paper.participants_export import export_participants

    summary = export_participants(open_project(args), args.file, args.by, args.types, excel=args.excel, style=args.style)
    print(f"Table 1: {plural(summary.participants, 'participant')}, {plural(summary.characteristics, 'characteristic')} "
          f"in {plural(summary.columns, 'column')} written to {summary.path}")
    return 0


def cmd_export_map(args: argparse.Namespace) -> int:
    from workbench.services.paper.thematic_map import export_map

    project = open_project(args)
    coder, consensus = layer_for(project, args, *chosen_layer(args))
    counts = True if args.counts else None
    the_map = export_map(project, args.file, coder, consensus, counts)
    themes = sum(len(c.themes) for c in the_map.categories)
    counted = f", participant counts from {the_map.layer}" if the_map.layer else ""
    print(f"thematic map: {plural(themes, 'theme')} in {plural(len(the_map.categories), 'box', 'boxes')}{counted} written to {args.file}")
    return 0


def cmd_export_methods(args: argparse.Namespace) -> int:
    from workbench.services.paper.methods_export import export_methods

    project = open_project(args)
    refuse_if_blind(project, args, "the methods appendix (agreement, adjudication, every coder)")
    coder, consensus = chosen_layer(args)
    summary = export_methods(project, args.file, coder, consensus, args.style, args.resamples, _order(args.order))
    print(f"methods appendix: {summary.filled} of {plural(summary.items, 'COREQ item')} filled from the project, "
          f"the rest left for the authors; written to {summary.path}")
    for fact in summary.missing:
        print(f"  not in the project: {printable(fact)}")
    return 0


def printable(text: str) -> str:
    """Project data on its way to a terminal: control characters (escape sequences) shown as ``?``."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def saturation_text(report: SaturationReport) -> str:
    """The table and summary the CLI prints."""
    from workbench.services.paper.saturation import summary_lines

    lines = [f"{'#':>3}  {'source':<28} {'new':>4} {'cumulative':>10}  codes first seen"]
    for index, (name, fresh, total) in enumerate(zip(report.sources, report.first_seen, report.assessment.cumulative), 1):
        shown = ", ".join(fresh[:6]) + (f", … (+{len(fresh) - 6})" if len(fresh) > 6 else "")
        lines.append(f"{index:>3}  {printable(name)[:28]:<28} {len(fresh):>4} {total:>10}  {printable(shown)}")
    lines.append("")
    lines.extend(printable(line) for line in summary_lines(report))
    return "\n".join(lines)
