"""Errors a user may see.

Every error that reaches a user is a :class:`WorkbenchError`. The CLI prints
``str(error)`` as one line on stderr and exits non-zero; the TUI shows it as a
notification. No user ever sees a traceback.
"""

from __future__ import annotations


class WorkbenchError(Exception):
    """An error with a message fit for a user: what, where, what to do."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(WorkbenchError):
    """Bad input in a file: the message names the file and, where known, the line."""

    def __init__(self, path: object, message: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else f"{path}"
        super().__init__(f"{where}: {message}")
        self.path = str(path)
        self.line = line
        self.reason = message


class ProjectError(WorkbenchError):
    """The project database cannot be opened, migrated or written."""

    reason: str | None = None  # when a driver refused: its words alone, for a status line


class UnreachableError(ProjectError):
    """The database cannot be reached at all (the server is gone, the connection was lost): stop, don't retry."""


class NotFoundError(WorkbenchError):
    """A named thing (source, code, coder, participant) does not exist."""


class ConflictError(WorkbenchError):
    """Someone else changed the thing first (optimistic version check)."""
