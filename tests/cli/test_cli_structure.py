"""The CLI's shape: every command has a handler from its own module, and ``--coder`` means one thing."""

from __future__ import annotations

import argparse
import importlib

import pytest

from workbench.cli.main import COMMAND_MODULES, build_parser


def _leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser
    for action in subs:
        for name, sub in action.choices.items():
            yield from _leaves(sub, (*path, name))


LEAVES = list(_leaves(build_parser()))


def test_every_command_is_registered_by_the_module_that_holds_its_handler():
    assert len(LEAVES) > 30
    for path, parser in LEAVES:
        handler = parser._defaults.get("handler")
        assert callable(handler), path
        assert handler.__module__ in COMMAND_MODULES, (path, handler.__module__)
        assert hasattr(importlib.import_module(handler.__module__), "register")


def test_coder_selects_the_acting_coder_under_one_dest_and_a_layer_under_another():
    layers = []
    for path, parser in LEAVES:
        for action in parser._actions:
            if "--coder" not in action.option_strings:
                continue
            if action.dest == "coder":  # the acting coder after the command: hidden, set only when given
                assert action.help == argparse.SUPPRESS and action.default == argparse.SUPPRESS, path
            else:
                assert action.help and action.help != argparse.SUPPRESS, path
                layers.append(" ".join(path))
    assert {"export themes", "export segments", "codings import", "themes load", "handout", "saturation"} <= set(layers)


@pytest.mark.parametrize("argv", [["--coder", "ana", "sources"], ["sources", "--coder", "ana"]])
def test_the_acting_coder_before_or_after_the_command(argv):
    args = build_parser().parse_args(argv)
    assert args.coder == "ana" and args.handler.__name__ == "cmd_sources"


def test_a_layer_coder_leaves_the_acting_coder_alone():
    args = build_parser().parse_args(["--coder", "ana", "export", "themes", "t.docx", "--coder", "ben"])
    assert (args.coder, args.layer_coder) == ("ana", "ben")
