"""What each CLI command does (the parser and error handling live in :mod:`workbench.cli`)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from workbench.cli.agreement import cmd_agreement, cmd_export_agreement, cmd_review
from workbench.cli.common import EXIT_PARTIAL, acting_coder, db_location, open_project, plural, print_json, refuse_if_blind
from workbench.cli.export import cmd_export_segments, cmd_export_table, cmd_export_themes, cmd_themes
from workbench.cli.interop import cmd_export_codebook as cmd_export_codebook_any
from workbench.cli.interop import cmd_export_qdpx
from workbench.errors import WorkbenchError
from workbench.safety import mask_passwords


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
    from workbench.services.importing.batch import ImportOptions, import_paths

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

    def show(result) -> None:  # type: ignore[no-untyped-def]
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


def cmd_codings(args: argparse.Namespace) -> int:
    from workbench.services.coding.codings import export_codings_csv, import_codings_csv

    project = open_project(args)
    if args.action == "import":
        coder = args.csv_coder or acting_coder(args)
        report = import_codings_csv(project, args.file, coder, create_missing=args.create_missing_codes)
        created = f"; created inductive codes: {', '.join(report.created_codes)}" if report.created_codes else ""
        print(
            f"{plural(report.imported, 'coding')} imported for {', '.join(report.coders) or 'nobody'}, "
            f"{report.duplicates} already present{created}"
        )
        return 0
    count = export_codings_csv(project, args.file, coder=args.csv_coder)
    print(f"{plural(count, 'coding')} written to {args.file}")
    return 0


def cmd_suggest(args: argparse.Namespace) -> int:
    from workbench.services.coding.suggestions import compute_suggestions

    project = open_project(args)
    coder = acting_coder(args)
    pending = compute_suggestions(project, coder, args.source or None)
    where = f" on {', '.join(args.source)}" if args.source else ""
    print(f"{plural(pending, 'suggestion')} pending for {coder}{where}; review them in the TUI (s on the Coding screen)")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from workbench.services.project.demo import build_demo, default_demo_path
    from workbench.store.engine import Project

    target = args.demo_db or args.db or str(default_demo_path())
    if "://" not in target:
        Path(target).expanduser().parent.mkdir(parents=True, exist_ok=True)
    project = Project.open(target, create=True)
    project.actor = acting_coder(args)  # the demo's codebook, imports and themes are audited under who built it
    result = build_demo(project)
    for message in result.messages:
        print(message)
    print(f"demo project: {mask_passwords(target)}")
    args.db = target
    if args.no_tui or not _tui_available():
        return cmd_sources(argparse.Namespace(db=target, json=False))
    return cmd_open(args)


def _tui_available() -> bool:
    """The UI can run: in a terminal, or under textual-serve's web driver (whose stdout is a pipe)."""
    import importlib.util
    import os

    web = "web_driver" in os.environ.get("TEXTUAL_DRIVER", "")
    return importlib.util.find_spec("workbench.tui.app") is not None and (web or sys.stdout.isatty())


def cmd_audit(args: argparse.Namespace) -> int:
    from workbench.services.project.audit_log import audit_rows, write_audit_csv

    project = open_project(args)
    refuse_if_blind(project, args, "the audit trail")
    rows = audit_rows(project, code=args.code, source=args.source, limit=args.limit)
    if args.csv:
        write_audit_csv(rows, args.csv)
        print(f"{plural(len(rows), 'audit entry', 'audit entries')} written to {args.csv}")
    elif args.json:
        print_json([row.as_json() for row in rows])
    else:
        for row in rows:
            note = f"  — {row.note}" if row.note else ""
            print(f"{row.at:%Y-%m-%d %H:%M:%S}  {row.coder or '-':<12} {row.action:<7} {row.entity_kind:<12} {row.summary}{note}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from workbench.store.backup import backup

    target = backup(open_project(args), args.file)
    print(f"project backed up to {target}")
    return 0


def cmd_open(args: argparse.Namespace) -> int:
    if not _tui_available():
        raise WorkbenchError("the terminal UI needs an interactive terminal; use the other commands in scripts")
    from workbench.services.project.blind import set_blind
    from workbench.tui.app import run_app

    blind = getattr(args, "blind", None)  # None: as remembered for this coder
    if blind is not None:
        project = open_project(args)
        try:
            set_blind(project, acting_coder(args), blind)
        finally:
            project.close()
    return run_app(db_location(args), coder=acting_coder(args))


EXPORTS = {  # workbench export WHAT: one handler per WHAT
    "agreement": cmd_export_agreement,
    "themes": cmd_export_themes,
    "codebook": cmd_export_codebook_any,  # .qdc → REFI-QDA (cli_interop), else the Word codebook (cli_export)
    "segments": cmd_export_segments,
    "table": cmd_export_table,
    "qdpx": cmd_export_qdpx,
}


def cmd_export(args: argparse.Namespace) -> int:
    return EXPORTS[args.action](args)


COMMANDS = {
    "init": cmd_init,
    "import": cmd_import,
    "sources": cmd_sources,
    "participants": cmd_participants,
    "text": cmd_text,
    "codebook": cmd_codebook,
    "codings": cmd_codings,
    "suggest": cmd_suggest,
    "demo": cmd_demo,
    "backup": cmd_backup,
    "audit": cmd_audit,
    "open": cmd_open,
    "agreement": cmd_agreement,
    "review": cmd_review,
    "export": cmd_export,
    "themes": cmd_themes,
}
