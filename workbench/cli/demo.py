"""``workbench demo [--db PATH] [--no-tui]``: build the demo project once, then open it."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.cli import project as project_commands
from workbench.cli.common import acting_coder
from workbench.safety import mask_passwords


def register(commands: argparse._SubParsersAction, export: argparse._SubParsersAction) -> None:
    p = commands.add_parser("demo", help="build the demo project (once) and open it")
    p.add_argument("--db", dest="demo_db", help="where to keep the demo project (default: your user data folder)")
    p.add_argument("--no-tui", action="store_true", help="only build it and print its summary")
    p.set_defaults(handler=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    from workbench.services.project.demo import build_demo, default_demo_path
    from workbench.store.engine import Project

    target = args.demo_db or args.db or str(default_demo_path())
    if "://" not in target:
        Path(target).expanduser().parent.mkdir(parents=True, exist_ok=True)
    project = Project.open(target, create=True)
    project.actor = acting_coder(args)  # the demo's codebook, imports and themes are audited under who built it
    try:
        result = build_demo(project)
    finally:
        project.close()  # the UI opens the project itself
    for message in result.messages:
        print(message)
    print(f"demo project: {mask_passwords(target)}")
    args.db = target
    if args.no_tui or not project_commands.tui_available():
        return project_commands.cmd_sources(argparse.Namespace(db=target, json=False))
    return project_commands.cmd_open(args)
