"""``workbench serve``: the terminal UI in a browser, on textual-serve, made safe for a team.

Every browser tab is its own app process (``python -m workbench.web.session``), started with an
argument list (never a shell) and told its project, coder and mode through its environment. On top of
textual-serve's ``Server`` this adds: who the request is (:mod:`workbench.web.identity`: loopback single
user, or the proxy's ``--user-header``; anything else gets 403 and no process), same-origin checks on
the websocket and uploads, caps on sessions (in all and per user), an idle timeout, every process ended
when the server stops, downloads only for the user whose session made them, an upload page for imports
(:mod:`workbench.web.upload`), and a page that loads nothing from outside the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import textual_serve
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from workbench.web.identity import USER, Identity, Refused, allowed_origins, check_bind, origin_of
from workbench.web.upload import UploadPage

log = logging.getLogger("workbench.web")
HERE = Path(__file__).resolve().parent
STOP_GRACE_SECONDS = 5.0


@dataclass(frozen=True)
class ServeOptions:
    db: str
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None
    user_header: str | None = None
    coder: str | None = None  # single-user mode
    max_sessions: int = 20
    max_per_user: int = 3
    idle_minutes: float = 60.0
    upload_mb: int = 50
    blind: bool = False


class Session(AppService):
    """One browser tab's app process, started without a shell, for one coder."""

    def __init__(self, user: str, options: ServeOptions, public_url: str, **kwargs: Any) -> None:
        super().__init__("workbench-session", **kwargs)
        self.user = user
        self.options = options
        self.public_url = public_url
        self.last_input = time.monotonic()

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        for name in ("WORKBENCH_DB", "WORKBENCH_DEBUG"):
            environment.pop(name, None)
        environment.update(
            WORKBENCH_CODER=self.user,  # the coder is the header's (or the server's) user, not a command-line word
            WORKBENCH_WEB_DB=self.options.db,
            WORKBENCH_WEB_BLIND="1" if self.options.blind else "",
            WORKBENCH_WEB_UPLOAD_URL=f"{self.public_url}/upload",
        )
        return environment

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        self._process = process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "workbench.web.session",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def send_bytes(self, data: bytes) -> bool:
        self.last_input = time.monotonic()
        return await super().send_bytes(data)

    async def stop(self) -> None:
        """Ask the app to quit; end the process if it has not within a few seconds."""
        process = self._process
        try:
            await asyncio.wait_for(super().stop(), STOP_GRACE_SECONDS)
        except (asyncio.TimeoutError, ConnectionError):
            pass
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(process.wait(), STOP_GRACE_SECONDS)


class WorkbenchServer(Server):
    def __init__(self, options: ServeOptions, *, log_line: Callable[[str], None] = print) -> None:
        check_bind(options.host, options.user_header)
        if options.user_header is None and not options.coder:
            raise ValueError("single-user mode needs the coder")
        super().__init__(
            "workbench", host=options.host, port=options.port, title="Thematic Workbench", public_url=options.public_url,
            statics_path=Path(textual_serve.__file__).parent / "static", templates_path=HERE / "templates",
        )
        self.options = options
        origin_of(self.public_url)  # refuses a --public-url that is not http(s)
        self.identity = Identity(options.user_header, options.coder, allowed_origins(options.public_url, options.host, options.port))
        self.sessions: set[Session] = set()
        self.log_line = log_line
        self.uploads = UploadPage(self)
        self._watchdog: asyncio.Task[None] | None = None

    # --- the aiohttp application ---------------------------------------------------------------

    async def _make_app(self) -> web.Application:  # textual-serve's hook, called by Server.serve
        return await self.web_application()

    async def web_application(self) -> web.Application:
        """The aiohttp application ``serve`` runs: textual-serve's routes behind the guard, plus the uploads
        (public, so tests can drive it with aiohttp's test client)."""
        app = await super()._make_app()
        app.middlewares.append(self._guard)
        self.uploads.add_routes(app)
        return app

    @web.middleware
    async def _guard(self, request: web.Request, handler: Callable[[web.Request], Any]) -> web.StreamResponse:
        """Every route but the static files needs a known user; answers carry no-referrer and no framing."""
        try:
            if not request.path.startswith("/static/"):
                request[USER] = self.identity.user(request.headers)
            response = await handler(request)
        except Refused as refusal:
            self.log_line(f"refused {request.method} {request.path}: {refusal.reason}")
            response = web.Response(status=refusal.status, text=refusal.reason + "\n")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        try:
            meta = await self.download_manager.get_download_metadata(request.match_info["key"])
        except KeyError:
            raise web.HTTPNotFound(text="no such download") from None
        if getattr(meta.app_service, "user", None) != request[USER]:
            raise Refused(403, "that download belongs to another user's session")
        return await super().handle_download(request)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        user = request[USER]
        self.identity.check_origin(request.headers)
        mine = sum(1 for s in self.sessions if s.user == user)
        if len(self.sessions) >= self.options.max_sessions:
            raise Refused(503, f"the server already runs {self.options.max_sessions} sessions; try again later")
        if mine >= self.options.max_per_user:
            raise Refused(429, f"{user} already has {mine} sessions open; close one first")
        websocket = web.WebSocketResponse(heartbeat=15)
        width = _int(request.query.get("width"), 80)
        height = _int(request.query.get("height"), 24)
        await websocket.prepare(request)
        session = Session(
            user, self.options, self.public_url, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
            close=websocket.close, download_manager=self.download_manager,
        )
        self.sessions.add(session)
        self.log_line(f"session for {user} opened ({len(self.sessions)} running)")
        try:
            await session.start(width, height)
            await self._process_messages(websocket, session)
        except asyncio.CancelledError:
            pass
        except Exception as error:  # one broken session must not take the server down
            log.exception(error)
        finally:
            self.sessions.discard(session)
            await session.stop()
            await websocket.close()
            self.log_line(f"session for {user} closed ({len(self.sessions)} running)")
        return websocket

    # --- life cycle -----------------------------------------------------------------------------

    async def on_startup(self, app: web.Application) -> None:
        mode = f"team mode, users from the {self.options.user_header} header" if self.options.user_header else (
            f"single user {self.options.coder}")
        self.log_line(f"Thematic Workbench on {self.public_url} ({mode}); Ctrl+C stops it")
        self._watchdog = asyncio.create_task(self._close_idle())

    async def on_shutdown(self, app: web.Application) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
        await asyncio.gather(*(s.stop() for s in list(self.sessions)), return_exceptions=True)
        self.sessions.clear()

    async def _close_idle(self) -> None:
        limit = self.options.idle_minutes * 60
        while True:
            await asyncio.sleep(min(30.0, max(limit / 4, 0.5)))
            now = time.monotonic()
            for session in [s for s in self.sessions if now - s.last_input > limit]:
                self.log_line(f"session for {session.user} idle for {self.options.idle_minutes:g} minutes: closed")
                await session.remote_close()

    def initialize_logging(self) -> None:
        logging.basicConfig(level=logging.WARNING, format="%(message)s")


def _int(value: str | None, default: int) -> int:
    try:
        return max(10, min(int(value or default), 1000))
    except ValueError:
        return default


def serve(options: ServeOptions) -> None:
    """Run the server until Ctrl+C or SIGTERM; every app process is ended on the way out."""
    os.environ.pop("WORKBENCH_DB", None)
    WorkbenchServer(options).serve()
