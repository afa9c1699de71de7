"""The command line: ``workbench [--db PATH_OR_URL] [--coder NAME] COMMAND``.

Every failure a user can cause prints one line on stderr and exits non-zero;
no traceback reaches the terminal (set ``WORKBENCH_DEBUG=1`` to see one).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from workbench import __version__
from workbench.cli.common import DB_ENV
from workbench.domain.vocabulary import CONSENSUS_CODER
from workbench.errors import WorkbenchError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage dump
        raise WorkbenchError(f"{message} (see 'workbench --help')")


# Command groups that register their own sub-parsers: each module has
# ``register(commands, export)`` and sets ``handler=`` on its parsers with ``set_defaults``.
COMMAND_MODULES: tuple[str, ...] = (
    "workbench.cli.serve", "workbench.cli.handout", "workbench.cli.paper", "workbench.cli.search", "workbench.cli.language",
)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="workbench", description="Thematic Workbench: code interview transcripts in the terminal.")
    parser.add_argument("--db", help=f"project database: a file path or SQLAlchemy URL (default ${DB_ENV}, else ./workbench.db)")
    parser.add_argument("--coder", help="who is coding (default $WORKBENCH_CODER, else your login name)")
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = commands.add_parser("init", help="create (or migrate) the project database")
    p.add_argument("--language", metavar="CODE",
                   help="the study's language, ISO 639-1 (default en): da, de, en, es, fi, fr, it, nb, nl, pt, sv")
    p = commands.add_parser("open", help="open the project in the terminal UI")
    blind = p.add_mutually_exclusive_group()
    blind.add_argument("--blind", dest="blind", action="store_const", const=True, default=None,
                       help="code blind from now on: only your own codings, no review, agreement or audit (remembered)")
    blind.add_argument("--no-blind", dest="blind", action="store_const", const=False,
                       help="lift blind mode for this coder (recorded in the audit trail)")

    p = commands.add_parser(
        "import", help="import transcripts (.txt .md .docx .vtt .srt .json .tsv; folders recursively) or REFI-QDA (.qdpx .qde .qdc)"
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--kind", choices=["interview", "focus-group", "other"], help="kind of data collection (default: guessed)")
    p.add_argument("--attributes", type=Path, metavar="FILE.csv", help="participant attributes (participant column + attributes)")
    from workbench.domain.layouts import LAYOUT_NAMES

    p.add_argument("--layout", choices=LAYOUT_NAMES, metavar="NAME",
                   help=f"read every file in this transcript layout instead of detecting it: {', '.join(LAYOUT_NAMES)}")
    p.add_argument("--speaker", action="append", default=[], metavar="LABEL=PID", help="map a speaker label to a participant id")
    p.add_argument("--interviewer", action="append", default=[], metavar="LABEL", help="mark a speaker label as interviewer")
    p.add_argument("--language", metavar="CODE", help="the language of these transcripts, ISO 639-1 (default: the project's)")

    p = commands.add_parser("sources", help="list the sources")
    p.add_argument("--json", action="store_true")
    p = commands.add_parser("participants", help="list the participants")
    p.add_argument("--json", action="store_true")
    p = commands.add_parser("text", help="print the stored plain text of a source (offsets refer to it)")
    p.add_argument("source")

    codebook = commands.add_parser("codebook", help="load or show the codebook").add_subparsers(
        dest="action", metavar="ACTION", parser_class=_Parser, required=True
    )
    p = codebook.add_parser("load", help="load (merge) a YAML codebook, or a codebook CSV (Taguette's tag,description)")
    p.add_argument("file", type=Path, metavar="FILE.yaml|FILE.csv")
    p.add_argument("--separator", default="/", metavar="S", help="CSV: what separates parent and child in a tag (default /)")
    p = codebook.add_parser("show", help="show the codebook")
    p.add_argument("--json", action="store_true")

    codings = commands.add_parser("codings", help="import or export codings as CSV").add_subparsers(
        dest="action", metavar="ACTION", parser_class=_Parser, required=True
    )
    p = codings.add_parser("import", help="import codings: source,code,start,end,coder,memo")
    p.add_argument("file", type=Path)
    p.add_argument("--coder", dest="csv_coder", help="coder for rows without a coder column")
    p.add_argument("--create-missing-codes", action="store_true", help="create unknown codes as inductive codes")
    p = codings.add_parser("export", help="export codings as CSV")
    p.add_argument("file", type=Path)
    p.add_argument("--coder", dest="csv_coder", help="only this coder's codings")

    p = commands.add_parser("audit", help="who created, changed or deleted codings, codes, themes (newest first)")
    p.add_argument("--code", help="only entries about this code (id or name)")
    p.add_argument("--source", help="only entries about codings in this source")
    p.add_argument("--limit", type=int, default=None, help="at most this many entries")
    p.add_argument("--json", action="store_true")
    p.add_argument("--csv", type=Path, metavar="OUT.csv", help="write the entries to a CSV file")

    p = commands.add_parser("backup", help="copy the project to a file (safe while others are coding)")
    p.add_argument("file", type=Path, metavar="OUT")

    def agreement_options(p: argparse.ArgumentParser) -> None:
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

    p = commands.add_parser("agreement", help="inter-coder agreement per code (kappa, alpha, %% agreement)")
    agreement_options(p)
    p.add_argument("--json", action="store_true")
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
    export = commands.add_parser("export", help="export reports: agreement, themes, codebook, segments, table, qdpx").add_subparsers(
        dest="action", metavar="WHAT", parser_class=_Parser, required=True
    )
    p = export.add_parser("agreement", help="the agreement report as .csv or .docx")
    p.add_argument("file", type=Path, metavar="OUT")
    agreement_options(p)
    _paper_options(p)

    themes = commands.add_parser("themes", help="load or export the theme map (YAML)").add_subparsers(
        dest="action", metavar="ACTION", parser_class=_Parser, required=True
    )
    p = themes.add_parser("load", help="load a theme map: typology, categories, themes, codes, exemplars")
    p.add_argument("file", type=Path)
    p.add_argument("--replace", action="store_true", help="delete themes and categories that are not in the file")
    p.add_argument("--coder", dest="exemplar_coder", metavar="NAME", help="whose codings exemplar quotes resolve to (default: the file's)")
    p = themes.add_parser("export", help="write the project's theme map as YAML")
    p.add_argument("file", type=Path)

    # `export` (created above) gains: themes, codebook (Word) and table (CSV/Excel)
    p = export.add_parser("themes", help="the themes as a Word document (summary table, then each theme with quotes)")
    p.add_argument("file", type=Path, metavar="OUT.docx")
    _layer_options(p)
    p.add_argument("--quotes", type=int, default=3, metavar="N", help="exemplar quotes per theme (default 3)")
    p.add_argument("--figure", action="store_true", help="add the thematic map figure (see 'export map')")
    _paper_options(p, excel=False)
    _quote_marks_option(p)
    p = export.add_parser(
        "codebook", help="the codebook as a Word table (.docx), a REFI-QDA codebook (.qdc) or Taguette's CSV (.csv)"
    )
    p.add_argument("file", type=Path, metavar="OUT.docx|OUT.qdc|OUT.csv")
    p.add_argument("--flat", action="store_true", help="CSV: each code by its name alone, not its parent/child path")
    p.add_argument("--separator", default="/", metavar="S", help="CSV: what separates parent and child (default /)")
    _paper_options(p, excel=False)
    p = export.add_parser("qdpx", help="the whole project as REFI-QDA (.qdpx) for NVivo, ATLAS.ti, MAXQDA, QualCoder")
    p.add_argument("file", type=Path, metavar="OUT.qdpx")
    p = export.add_parser("segments", help="coded segments (what Retrieve shows) as a Word report, CSV or Excel")
    p.add_argument("file", type=Path, metavar="OUT.docx|OUT.csv|OUT.xlsx")
    p.add_argument("--code", action="append", default=[], metavar="KEY", help="only this code (repeatable; default: every code)")
    p.add_argument("--no-children", action="store_true", help="leave out the sub-codes of the codes given")
    p.add_argument("--coder", dest="layer_coder", metavar="NAME", help="only this coder's codings (default: every coder's)")
    p.add_argument("--where", action="append", default=[], metavar="ATTRIBUTE=VALUE",
                   help="only participants with this attribute value (repeatable; values of one attribute are alternatives)")
    p.add_argument("--kind", action="append", default=[], metavar="KIND", help="only sources of this kind (repeatable)")
    _paper_options(p)
    _quote_marks_option(p)
    p = export.add_parser("table", help="a roll-up table as CSV or Excel")
    p.add_argument("file", type=Path, metavar="OUT.csv|OUT.xlsx")
    p.add_argument("--what", choices=["themes", "matrix", "codes"], default="themes",
                   help="themes: per-theme counts; matrix: theme x participant; codes: code x theme (default themes)")
    _layer_options(p)
    _paper_options(p, style=False)

    p = commands.add_parser("suggest", help="suggest codes from the codebook's keywords (for --coder; review them in the TUI)")
    p.add_argument("--source", action="append", default=[], metavar="NAME", help="only this source (repeatable; default: all)")

    p = commands.add_parser("demo", help="build the demo project (once) and open it")
    p.add_argument("--db", dest="demo_db", help="where to keep the demo project (default: your user data folder)")
    p.add_argument("--no-tui", action="store_true", help="only build it and print its summary")

    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands, export)
    _global_options_after(commands)
    return parser


def _quote_marks_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quote-marks", metavar="CODE",
                        help="print every quote in this language's quote marks (default: each source's language: "
                             "“…” en/nl, »…« da, ”…” sv/fi, „…“ de, «…» fr/es/it/pt/nb)")


def _global_options_after(commands: argparse._SubParsersAction) -> None:
    """``--db`` and ``--coder`` after the command too (``workbench sources --db x.db``).

    Added to every command that has no option of that name itself (``export
    themes --coder`` keeps choosing the layer, ``demo --db`` its own place);
    the value is only set when given, so the one before the command stands otherwise.
    """
    seen: set[int] = set()

    def walk(action: argparse._SubParsersAction) -> None:
        for sub in action.choices.values():
            if id(sub) in seen:
                continue
            seen.add(id(sub))
            nested = [a for a in sub._actions if isinstance(a, argparse._SubParsersAction)]
            if nested:
                for inner in nested:
                    walk(inner)
                continue
            taken = {option for a in sub._actions for option in a.option_strings}
            if "--db" not in taken:
                sub.add_argument("--db", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
            if "--coder" not in taken:
                sub.add_argument("--coder", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    walk(commands)


def _paper_options(parser: argparse.ArgumentParser, *, style: bool = True, excel: bool = True) -> None:
    if style:
        parser.add_argument("--style", choices=["plain", "apa", "bjpsych"],
                            help="Word layout: paper, font, quote marks, caption form (default: the project's; 'workbench style')")
    if excel:
        parser.add_argument("--excel", action="store_true", help="CSV with a byte-order mark, so Excel reads accents and curly quotes")


def _layer_options(parser: argparse.ArgumentParser) -> None:
    layer = parser.add_mutually_exclusive_group()
    layer.add_argument("--coder", dest="layer_coder", metavar="NAME", help="count this coder's codings")
    layer.add_argument("--consensus", action="store_true", help="count the consensus layer (the coder named 'consensus')")


def main(argv: list[str] | None = None) -> int:
    """Run one command. Everything it prints goes through :class:`~workbench.safety.TerminalStream`, so no
    control character from the project reaches the terminal raw, and every error message through
    :func:`~workbench.safety.for_message` (one line, passwords masked)."""
    from workbench.safety import TerminalStream

    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalStream(sys.stdout), TerminalStream(sys.stderr)
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = streams


def _main(argv: list[str] | None) -> int:
    from workbench.safety import for_message

    try:
        args = build_parser().parse_args(argv)
        return run(args)
    except WorkbenchError as error:
        print(f"workbench: {for_message(str(error))}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("workbench: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # noqa: BLE001 - the last line of defence: no traceback for users
        if os.environ.get("WORKBENCH_DEBUG"):
            raise
        from sqlalchemy.exc import DBAPIError

        if isinstance(error, DBAPIError):  # outside a unit of work: still one line, never the SQL or its values
            from workbench.store.engine import database_error

            problem = database_error(error)
            print(f"workbench: {for_message(str(problem))}", file=sys.stderr)
            return problem.exit_code
        message = for_message(f"{type(error).__name__}: {error}")
        print(f"workbench: internal error: {message} (set WORKBENCH_DEBUG=1 for details)", file=sys.stderr)
        return 3


def run(args: argparse.Namespace) -> int:
    from workbench.cli.commands import COMMANDS

    handler = getattr(args, "handler", None)
    if handler is not None:
        return handler(args) or 0
    command = args.command or "open"
    if command == "open" and not hasattr(args, "blind"):
        args.blind = None
    handler = COMMANDS[command]
    return handler(args) or 0


if __name__ == "__main__":
    sys.exit(main())
