"""Helpers every CLI command uses: where the project is, who is acting, opening it, printing JSON,
and the parser pieces several commands share (the one-line-error parser, the layer and paper options)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NoReturn

from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.store.engine import Project

DB_ENV = "WORKBENCH_DB"
EXIT_PARTIAL = 1


def db_location(args: argparse.Namespace) -> str:
    return args.db or os.environ.get(DB_ENV) or "workbench.db"


def acting_coder(args: argparse.Namespace) -> str:
    """``--coder``, else ``$WORKBENCH_CODER``, else the coder a handout file was made for, else the login name."""
    from workbench.services.project.coders import CODER_ENV, check_coder_name, default_coder_name

    named = getattr(args, "coder", None) or os.environ.get(CODER_ENV, "").strip()
    if not named and "://" not in db_location(args):
        from pathlib import Path

        from workbench.services.handout.identity import handout_coder_of_file

        named = handout_coder_of_file(Path(db_location(args)).expanduser())
    return check_coder_name(named or default_coder_name())


def open_project(args: argparse.Namespace, create: bool = False) -> Project:
    from workbench.store.engine import Project

    project = Project.open(db_location(args), create=create)
    project.actor = acting_coder(args)
    return project


def refuse_if_blind(project: Project, args: argparse.Namespace, what: str = "a review") -> None:
    """A coder in blind mode gets nothing that shows the other coders' work (agreement, review, audit)."""
    from workbench.services.project.blind import refuse_when_blind

    refuse_when_blind(project, acting_coder(args), what)


def layer_for(project: Project, args: argparse.Namespace, coder: str | None, consensus: bool) -> tuple[str | None, bool]:
    """The layer a report may count: as asked, except that a coder in blind mode gets their own codings
    only (any other coder's layer, the consensus or every coder at once would show the others' work)."""
    from workbench.services.project.blind import BlindError, blind_message, remembered_blind

    acting = acting_coder(args)
    if not remembered_blind(project, acting):
        return coder, consensus
    if consensus or (coder is not None and coder != acting):
        raise BlindError(blind_message(acting, "the consensus layer" if consensus else f"{coder}'s codings"))
    return acting, False


def warn(lines: Iterable[str]) -> None:
    """Warnings (an unfinished consensus, a pinned quote left out): one line each on stderr."""
    for line in lines:
        print(f"workbench: warning: {line}", file=sys.stderr)


def print_json(value: Any, *, compact: bool = False) -> None:
    """JSON on stdout: indented, or ``compact`` (one line, C encoder: for large reports). The data is
    exactly as stored; control characters are ``\\u`` escapes (never raw on a terminal)."""
    from workbench.safety import json_for_terminal

    if compact:
        document = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    else:
        document = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False)
    print(json_for_terminal(document))


def plural(count: int, word: str, plural_form: str | None = None) -> str:
    """``1 code``, ``13 codes``, ``2 boxes`` (with ``plural_form``); thousands separated."""
    return f"{count:,} {word if count == 1 else plural_form or word + 's'}"


# --- parser pieces --------------------------------------------------------------------------------


class Parser(argparse.ArgumentParser):
    """Every parser of the CLI: a usage error is one line, no usage dump (sub-parsers inherit the class)."""

    def error(self, message: str) -> NoReturn:
        raise WorkbenchError(f"{message} (see 'workbench --help')")


def layer_options(parser: argparse.ArgumentParser) -> None:
    """``--coder NAME | --consensus``: whose codings a report counts (``--coder`` here names a layer, dest ``layer_coder``)."""
    layer = parser.add_mutually_exclusive_group()
    layer.add_argument("--coder", dest="layer_coder", metavar="NAME", help="count this coder's codings")
    layer.add_argument("--consensus", action="store_true", help="count the consensus layer (the coder named 'consensus')")


def chosen_layer(args: argparse.Namespace) -> tuple[str | None, bool]:
    """The layer asked for: the subcommand's --coder or --consensus, else an explicit global --coder, else the default."""
    consensus = bool(getattr(args, "consensus", False))
    coder = getattr(args, "layer_coder", None) or (None if consensus else getattr(args, "coder", None))
    return coder, consensus


def paper_options(parser: argparse.ArgumentParser, *, style: bool = True, excel: bool = True) -> None:
    """``--style`` (Word layout) and ``--excel`` (CSV with a byte-order mark) of the report exports."""
    if style:
        parser.add_argument("--style", choices=["plain", "apa", "bjpsych"],
                            help="Word layout: paper, font, quote marks, caption form (default: the project's; 'workbench style')")
    if excel:
        parser.add_argument("--excel", action="store_true", help="CSV with a byte-order mark, so Excel reads accents and curly quotes")


def quote_marks_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quote-marks", metavar="CODE",
                        help="print every quote in this language's quote marks (default: each source's language: "
                             "“…” en/nl, »…« da, ”…” sv/fi, „…“ de, «…» fr/es/it/pt/nb)")
