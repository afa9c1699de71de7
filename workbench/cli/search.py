"""``workbench search QUERY [--source NAME]… [--code KEY] [--json]``: the Coding screen's
lemma-aware search over the project, each source in its own language."""

from __future__ import annotations

import argparse
import re

from workbench.cli.common import open_project, print_json

_SPACES = re.compile(r"\s+")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def register(commands: argparse._SubParsersAction, export: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "search", help="find a word or phrase in the sources, lemma-aware and in each source's language"
    )
    p.add_argument("query", metavar="QUERY", help="a word or phrase; 'trust' also finds 'trusted', Danish 'tillid' 'tilliden'")
    p.add_argument("--source", action="append", default=[], metavar="NAME", help="only this source (repeatable)")
    p.add_argument("--code", metavar="KEY", help="only inside text coded with this code or its sub-codes (any coder)")
    p.add_argument("--json", action="store_true", help='print {"query": ..., "hits": [{source, start, end, text, language}]}')
    p.set_defaults(handler=cmd_search)


def _plain(text: str) -> str:
    """One terminal line: line ends as spaces, control and direction characters dropped."""
    return _UNPRINTABLE.sub("", _SPACES.sub(" ", text))


def cmd_search(args: argparse.Namespace) -> int:
    from workbench.services.text.project_search import search_project

    hits = search_project(open_project(args), args.query, args.source or None, args.code)
    if args.json:
        print_json({"query": args.query, "hits": [hit.as_json() for hit in hits]})
        return 0
    if not hits:
        print(f"no hits for {_plain(args.query)!r}")
        return 0
    for hit in hits:
        print(f"{_plain(hit.source)}  {hit.start}-{hit.end}  {_plain(hit.before)}[{_plain(hit.text)}]{_plain(hit.after)}")
    sources = len({hit.source for hit in hits})
    print(f"{len(hits)} hit{'s' if len(hits) != 1 else ''} in {sources} source{'s' if sources != 1 else ''}")
    return 0
