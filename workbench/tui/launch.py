"""Starting the terminal UI: ``workbench open``, ``workbench review`` and each browser tab come here.

Opening a project waits on two things: Python loading Textual, SQLAlchemy and the screens (about half a
second), and the Sources screen's first read (its counts go over every coding: 0.15–0.25 s on a project of
a million codings). One after the other they came to about a second. On a machine that can fork (Linux)
with a second core, the read starts first, in a forked process of its own, and runs while this process
loads: the screen then shows the sources as soon as it is up. A thread would not do: the read and the
loading both need Python's lock, and taking turns made the start slower, not faster (measured).

The forked process only reads: it opens the project without migrating it (a project this process is
about to migrate is refused, untouched), writes the overview to a pipe, and leaves without running any of
this process's clean-up. If it cannot read, for any reason, the screen reads the project itself, as it
does on every other platform and on every later visit.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the point of this module is to import these later
    from textual.screen import Screen

    from workbench.services.project.overview import SourcesOverview
    from workbench.tui.app import WorkbenchApp


class SourcesRead:
    """The Sources screen's first read, made by a forked process (:meth:`start`); :meth:`result` waits for it."""

    def __init__(self, pid: int, pipe: int) -> None:
        self._pid, self._pipe = pid, pipe
        self._done = False

    @classmethod
    def start(cls, db: str, coder: str) -> SourcesRead | None:
        """Fork the reader, or None where forking is unavailable or would not help (one core; threads
        already running, which a fork would copy half-way)."""
        if sys.platform != "linux" or (os.cpu_count() or 1) < 2 or threading.active_count() > 1:
            return None
        pipe_out, pipe_in = os.pipe()
        pid = os.fork()
        if pid == 0:  # the reader: never returns
            os.close(pipe_out)
            _read_and_exit(db, coder, pipe_in)
        os.close(pipe_in)
        return cls(pid, pipe_out)

    def result(self) -> SourcesOverview | None:
        """The overview the reader wrote (waiting for it), or None when it could not read the project.
        Only the first call waits and answers; the reader is reaped either way."""
        if self._done:
            return None
        self._done = True
        with os.fdopen(self._pipe, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self._pid, 0)
        if not data or os.waitstatus_to_exitcode(status) != 0:
            return None
        overview: SourcesOverview = pickle.loads(data)  # our own forked process's, through a private pipe
        return overview

    def discard(self) -> None:
        """Not needed after all (the App did not start): stop the reader and reap it."""
        if not self._done:
            self._done = True
            os.close(self._pipe)
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self._pid, 0)


def _read_and_exit(db: str, coder: str, pipe: int) -> None:
    status = 1
    try:
        quiet = os.open(os.devnull, os.O_WRONLY)  # nothing of the reader's reaches the terminal the UI takes
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        from workbench.services.project.overview import sources_overview
        from workbench.store.engine import Project

        project = Project.open(db, create=False, migrate=False)
        try:
            data = pickle.dumps(sources_overview(project, coder), protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            project.close()
        with os.fdopen(pipe, "wb") as out:
            out.write(data)
        status = 0
    finally:  # whatever happened (an error, Ctrl-C): leave now, without the parent's clean-up
        os._exit(status)


def prepare_app(db: str, coder: str, blind: bool = False, start: Callable[[], Screen] | None = None,
                upload_url: str | None = None) -> WorkbenchApp:
    """The App for a project, its Sources screen's first read started before the UI's modules load (unless
    another screen opens on top, ``start``: the Sources screen then reads when it is shown, not earlier)."""
    read = SourcesRead.start(db, coder) if start is None else None
    try:
        from workbench.tui.app import make_app

        return make_app(db, coder, blind, start, upload_url, first_read=read)
    except BaseException:
        if read is not None:
            read.discard()
        raise


def run_workbench(db: str, coder: str, blind: bool = False, start: Callable[[], Screen] | None = None,
                  upload_url: str | None = None) -> int:
    """Run the terminal UI on a project (in a terminal, or for a browser under ``workbench serve``); the
    exit code."""
    app = prepare_app(db, coder, blind, start, upload_url)
    try:
        app.run()
    finally:
        app.context.project.close()
        app.context.discard_first_read()
    return app.return_code or 0
