"""``workbench language [CODE] [--source NAME]…``: show or set the project's language, or put a source's right."""

from __future__ import annotations

import argparse

from workbench.cli.common import open_project


def register(commands: argparse._SubParsersAction, export: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "language", help="show or set the project's language, or set a source's (it is segmented and its speakers read again)"
    )
    p.add_argument("code", nargs="?", metavar="CODE", help="ISO 639-1: da, de, en, es, fi, fr, it, nb, nl, pt, sv")
    p.add_argument("--source", action="append", default=[], metavar="NAME",
                   help="set this source's language instead of the project's (repeatable)")
    p.set_defaults(handler=cmd_language)


def cmd_language(args: argparse.Namespace) -> int:
    from workbench.domain.languages import check_language, language
    from workbench.errors import WorkbenchError
    from workbench.services.project.language import project_language, set_project_language, set_source_language

    if args.code is not None:
        check_language(args.code, "language")
    if args.source and args.code is None:
        raise WorkbenchError("language: give the language to set, e.g. workbench language da --source NAME")
    project = open_project(args)
    if args.code is None:
        with project.session() as session:
            code = project_language(session)
        print(f"project language: {code} ({language(code).name}); 'workbench sources' shows each source's")
        return 0
    if not args.source:
        with project.session() as session:
            code = set_project_language(session, args.code)
        print(f"project language: {code} ({language(code).name}) for the next imports; sources keep theirs "
              "(set one with --source NAME)")
        return 0
    for name in dict.fromkeys(args.source):
        print(set_source_language(project, name, args.code).summary())
    return 0
