"""``workbench serve``: the workbench for web browsers (textual-serve; ``pip install 'thematic-workbench[web]'``).

Single user: ``workbench serve`` listens on 127.0.0.1 and every session is ``--coder``. Team:
``workbench serve --host 0.0.0.0 --user-header X-Forwarded-User --public-url https://…`` behind an
authenticating proxy; each session's coder is the header's user. See :mod:`workbench.web.server`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.cli.common import acting_coder, db_location
from workbench.errors import WorkbenchError


def register(commands: argparse._SubParsersAction, export: argparse._SubParsersAction) -> None:
    p = commands.add_parser("serve", help="serve the workbench to web browsers (single user on loopback, or a team behind a login proxy)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; others need --user-header)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--public-url", metavar="URL", help="the address browsers use, e.g. https://workbench.example.org (then wss://)")
    p.add_argument("--user-header", metavar="NAME", help="team mode: the header your login proxy sets to the user's name, e.g. X-Forwarded-User")
    p.add_argument("--max-sessions", type=int, default=20, metavar="N", help="browser sessions at once (default 20)")
    p.add_argument("--max-per-user", type=int, default=3, metavar="N", help="sessions at once per user (default 3)")
    p.add_argument("--idle-minutes", type=float, default=60, metavar="M", help="end a session after M minutes without input (default 60)")
    p.add_argument("--upload-mb", type=int, default=50, metavar="MB", help="largest upload for import (default 50 MB)")
    p.add_argument("--blind", action="store_true", help="every session codes blind (sees only its own codings)")
    p.set_defaults(handler=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        from workbench.web.server import ServeOptions, serve
    except ImportError:
        raise WorkbenchError("browser mode needs the web extra: pip install 'thematic-workbench[web]'") from None
    from workbench.store.engine import Project

    for name in ("max_sessions", "max_per_user", "upload_mb", "port"):
        if getattr(args, name) < 1:
            raise WorkbenchError(f"--{name.replace('_', '-')} must be at least 1")
    if args.idle_minutes <= 0:
        raise WorkbenchError("--idle-minutes must be more than 0")
    db = db_location(args)
    db = db if "://" in db else str(Path(db).expanduser().absolute())
    Project.open(db, create=False).close()  # migrate now, and refuse what is not a project, before anyone connects
    options = ServeOptions(
        db=db, host=args.host, port=args.port, public_url=args.public_url, user_header=args.user_header,
        coder=None if args.user_header else acting_coder(args), max_sessions=args.max_sessions,
        max_per_user=args.max_per_user, idle_minutes=args.idle_minutes, upload_mb=args.upload_mb, blind=args.blind,
    )
    serve(options)
    return 0
