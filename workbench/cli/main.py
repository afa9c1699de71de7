"""The command line: ``workbench [--db PATH_OR_URL] [--coder NAME] COMMAND``.

Every failure a user can cause prints one line on stderr and exits non-zero;
no traceback reaches the terminal (set ``WORKBENCH_DEBUG=1`` to see one).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from workbench import __version__
from workbench.cli.common import DB_ENV, Parser
from workbench.errors import WorkbenchError

# Every command lives in one of these modules: ``register(commands, export)`` builds its parsers
# (``commands``: the top-level sub-parsers; ``export``: those of ``workbench export``) and sets
# ``handler=`` on each with ``set_defaults``. Adding a command is one edit there, plus its module
# here if it is new. The order is the order of ``workbench --help`` and ``workbench export --help``.
COMMAND_MODULES: tuple[str, ...] = (
    "workbench.cli.project",  # init, open, import, sources, participants, text
    "workbench.cli.codebook",
    "workbench.cli.codings",
    "workbench.cli.audit",  # audit, backup
    "workbench.cli.agreement",  # agreement, review, export agreement
    "workbench.cli.themes",  # themes, export themes
    "workbench.cli.interop",  # export codebook, export qdpx
    "workbench.cli.export",  # export segments, export table
    "workbench.cli.suggest",
    "workbench.cli.demo",
    "workbench.cli.serve",
    "workbench.cli.handout",  # handout, merge
    "workbench.cli.paper",  # saturation, style, export participants, map, methods
    "workbench.cli.search",
    "workbench.cli.language",
)


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = Parser(prog="workbench", description="Thematic Workbench: code interview transcripts in the terminal.")
    parser.add_argument("--db", help=f"project database: a file path or SQLAlchemy URL (default ${DB_ENV}, else ./workbench.db)")
    parser.add_argument("--coder", help="who is coding (default $WORKBENCH_CODER, else your login name)")
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    export = _ExportCommand(commands)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(commands, export)
    _global_options_after(commands)
    return parser


class _ExportCommand:
    """The sub-parsers of ``workbench export``, given to every module: the ``export`` command itself is
    made when the first of its reports is registered, so it sits in ``--help`` where it always has."""

    def __init__(self, commands: argparse._SubParsersAction) -> None:
        self._commands = commands
        self._reports: argparse._SubParsersAction | None = None

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        if self._reports is None:
            self._reports = self._commands.add_parser(
                "export", help="export reports: agreement, themes, codebook, segments, table, qdpx"
            ).add_subparsers(dest="action", metavar="WHAT", required=True)
        return self._reports.add_parser(name, **kwargs)


def _global_options_after(commands: argparse._SubParsersAction) -> None:
    """``--db`` and ``--coder`` after the command too (``workbench sources --db x.db``).

    Added to every command that has no option of that name itself (``export
    themes --coder`` keeps choosing the layer, ``demo --db`` its own place);
    the value is only set when given, so the one before the command stands otherwise.
    Both keep the global dests (``db``, ``coder``): ``args.coder`` is always the acting coder.
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
    """Call the command's handler; no command opens the project in the terminal UI."""
    handler = getattr(args, "handler", None)
    if handler is None:
        from workbench.cli.project import cmd_open

        args.blind = None
        handler = cmd_open
    return handler(args) or 0


if __name__ == "__main__":
    sys.exit(main())
