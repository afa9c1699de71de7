"""``workbench init``, ``open`` (also: no command), ``import``, ``sources``, ``participants``, ``text``: the project and its data."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from workbench.cli.common import EXIT_PARTIAL, acting_coder, db_location, open_project, print_json
from workbench.errors import WorkbenchError


def register(commands: argparse._SubParsersAction, export: argparse._SubParsersAction) -> None:
    p = commands.add_parser("init", help="create (or migrate) the project database")
    p.add_argument("--language", metavar="CODE",
                   help="the study's language, ISO 639-1 (default en): da, de, en, es, fi, fr, it, nb, nl, pt, sv")
    p.set_defaults(handler=cmd_init)
    p = commands.add_parser("open", help="open the project in the terminal UI")
    blind = p.add_mutually_exclusive_group()
    blind.add_argument("--blind", dest="blind", action="store_const", const=True, default=None,
                       help="code blind from now on: only your own codings, no review, agreement or audit (remembered)")
    blind.add_argument("--no-blind", dest="blind", action="store_const", const=False,
                       help="lift blind mode for this coder (recorded in the audit trail)")
    p.set_defaults(handler=cmd_open)

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
    p.set_defaults(handler=cmd_import)

    p = commands.add_parser("sources", help="list the sources")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_sources)
    p = commands.add_parser("participants", help="list the participants")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_participants)
    p = commands.add_parser("text", help="print the stored plain text of a source (offsets refer to it)")
    p.add_argument("source")
    p.set_defaults(handler=cmd_text)


def cmd_init(args: argparse.Namespace) -> int:
    from workbench.domain.languages import check_language, language
    from workbench.services.project.language import project_language, set_project_language

    if args.language is not None:
        check_language(args.language, "--language")  # before anything is created
    project = open_project(args, create=True)
    with project.session() as session:
        code = set_project_language(session, args.language) if args.language is not None else project_language(session)
    print(f"project ready: {project.engine.url.render_as_string(hide_password=True)} (language: {code}, {language(code).name})")
    if project.backup_path:
        print(f"upgraded the schema; the previous version is saved as {project.backup_path}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from workbench.services.importing.batch import FileResult, ImportOptions, import_paths

    speaker_map = {}
    for item in args.speaker:
        label, sep, pid = item.partition("=")
        if not sep or not label.strip() or not pid.strip():
            raise WorkbenchError(f"--speaker {item!r}: expected LABEL=PID, e.g. --speaker 'R=P05'")
        speaker_map[label.strip()] = pid.strip()
    if args.language is not None:
        from workbench.domain.languages import check_language

        check_language(args.language, "--language")
    project = open_project(args, create=True)
    options = ImportOptions(
        kind=args.kind, speaker_map=speaker_map, interviewer_labels=tuple(args.interviewer), language=args.language
    )

    def show(result: FileResult) -> None:
        stream = sys.stderr if result.status == "failed" else sys.stdout
        print(result.message, file=stream)

    options = replace(options, layout=args.layout)
    report = import_paths(project, args.paths, options, attributes=args.attributes, progress=show)
    if not report.results:
        left_out = f"; {report.left_out()}" if report.unsupported else ""
        raise WorkbenchError(f"no transcripts found (looked for .txt .md .docx .vtt .srt .json .tsv){left_out}")
    layouts = report.layouts()
    print(report.summary() + (f" · {layouts}" if layouts else ""))
    return EXIT_PARTIAL if report.failed else 0


def cmd_sources(args: argparse.Namespace) -> int:
    from workbench.services.project.sources import list_sources

    project = open_project(args)
    with project.session() as session:
        sources = list_sources(session)
    if args.json:
        print_json([s.as_json() for s in sources])
        return 0
    if not sources:
        print("no sources yet; add some with 'workbench import PATH'")
        return 0
    print(f"{'name':<28} {'kind':<12} {'lang':<4} {'participants':<22} {'turns':>6} {'segments':>8} {'words':>7} {'codings':>7}")
    for s in sources:
        people = ", ".join(s.participants)
        people = people if len(people) <= 22 else people[:21] + "…"
        print(f"{s.name:<28} {s.kind:<12} {s.language:<4} {people:<22} {s.turns:>6} {s.segments:>8} {s.words:>7} {s.codings:>7}")
    return 0


def cmd_participants(args: argparse.Namespace) -> int:
    from workbench.services.project.participants import list_participants

    project = open_project(args)
    with project.session() as session:
        people = list_participants(session)
    if args.json:
        print_json([{"id": p.id, "attributes": p.attributes, "sources": p.sources} for p in people])
        return 0
    for p in people:
        attributes = ", ".join(f"{k}={v}" for k, v in p.attributes.items())
        print(f"{p.id:<16} {', '.join(p.sources) or '(no sources)':<40} {attributes}")
    return 0


def cmd_text(args: argparse.Namespace) -> int:
    """The stored text exactly into a pipe or file; on a terminal with its control characters shown
    (one visible character each, so columns still count offsets)."""
    from workbench.safety import raw_stream
    from workbench.services.project.sources import require_source

    project = open_project(args)
    with project.session() as session:
        text = require_source(session, args.source).text
    stream = sys.stdout if sys.stdout.isatty() else raw_stream(sys.stdout)
    stream.write(text)
    stream.flush()
    return 0


def cmd_open(args: argparse.Namespace) -> int:
    if not tui_available():
        raise WorkbenchError("the terminal UI needs an interactive terminal; use the other commands in scripts")
    from workbench.services.project.blind import set_blind
    from workbench.tui.launch import run_workbench

    blind = getattr(args, "blind", None)  # None: as remembered for this coder
    if blind is not None:
        project = open_project(args)
        try:
            set_blind(project, acting_coder(args), blind)
        finally:
            project.close()
    return run_workbench(db_location(args), coder=acting_coder(args))


def tui_available() -> bool:
    """The UI can run: in a terminal, or under textual-serve's web driver (whose stdout is a pipe)."""
    import importlib.util
    import os

    web = "web_driver" in os.environ.get("TEXTUAL_DRIVER", "")
    return importlib.util.find_spec("workbench.tui.app") is not None and (web or sys.stdout.isatty())
