"""The command line: ``workbench [--db PATH_OR_URL] [--coder NAME] COMMAND``.

Every failure a user can cause prints one line on stderr and exits non-zero;
no traceback reaches the terminal (set ``WORKBENCH_DEBUG=1`` to see one).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from workbench import __version__
from workbench.errors import WorkbenchError

DB_ENV = "WORKBENCH_DB"
EXIT_PARTIAL = 1


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage dump
        raise WorkbenchError(f"{message} (see 'workbench --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="workbench", description="Thematic Workbench: code interview transcripts in the terminal.")
    parser.add_argument("--db", help=f"project database: a file path or SQLAlchemy URL (default ${DB_ENV}, else ./workbench.db)")
    parser.add_argument("--coder", help="who is coding (default $WORKBENCH_CODER, else your login name)")
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    commands.add_parser("init", help="create (or migrate) the project database")
    p = commands.add_parser("open", help="open the project in the terminal UI")
    p.add_argument("--blind", action="store_true", help="show only your own codings (second-coder view)")

    p = commands.add_parser("import", help="import transcripts (.txt .md .docx .vtt .srt; folders recursively)")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--kind", choices=["interview", "focus-group", "other"], help="kind of data collection (default: guessed)")
    p.add_argument("--attributes", type=Path, metavar="FILE.csv", help="participant attributes (participant column + attributes)")
    p.add_argument("--speaker", action="append", default=[], metavar="LABEL=PID", help="map a speaker label to a participant id")
    p.add_argument("--interviewer", action="append", default=[], metavar="LABEL", help="mark a speaker label as interviewer")

    p = commands.add_parser("sources", help="list the sources")
    p.add_argument("--json", action="store_true")
    p = commands.add_parser("participants", help="list the participants")
    p.add_argument("--json", action="store_true")
    p = commands.add_parser("text", help="print the stored plain text of a source (offsets refer to it)")
    p.add_argument("source")

    codebook = commands.add_parser("codebook", help="load or show the codebook").add_subparsers(
        dest="action", metavar="ACTION", parser_class=_Parser, required=True
    )
    p = codebook.add_parser("load", help="load (merge) a YAML codebook")
    p.add_argument("file", type=Path)
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

    p = commands.add_parser("backup", help="copy the project to a file (safe while others are coding)")
    p.add_argument("file", type=Path, metavar="OUT")

    p = commands.add_parser("demo", help="build the demo project (once) and open it")
    p.add_argument("--db", dest="demo_db", help="where to keep the demo project (default: your user data folder)")
    p.add_argument("--no-tui", action="store_true", help="only build it and print its summary")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return run(args)
    except WorkbenchError as error:
        print(f"workbench: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("workbench: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # noqa: BLE001 - the last line of defence: no traceback for users
        if os.environ.get("WORKBENCH_DEBUG"):
            raise
        print(f"workbench: internal error: {type(error).__name__}: {error} (set WORKBENCH_DEBUG=1 for details)", file=sys.stderr)
        return 3


def _db(args: argparse.Namespace) -> str:
    return args.db or os.environ.get(DB_ENV) or "workbench.db"


def _coder(args: argparse.Namespace) -> str:
    from workbench.services.coders import check_coder_name, default_coder_name

    return check_coder_name(args.coder or default_coder_name())


def _open(args: argparse.Namespace, create: bool = False):  # type: ignore[no-untyped-def]
    from workbench.store.engine import Project

    project = Project.open(_db(args), create=create)
    project.actor = _coder(args)
    return project


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False))


def run(args: argparse.Namespace) -> int:
    from workbench.cli_commands import COMMANDS

    command = args.command or "open"
    if command == "open" and not hasattr(args, "blind"):
        args.blind = False
    handler = COMMANDS[command]
    return handler(args) or 0


if __name__ == "__main__":
    sys.exit(main())
