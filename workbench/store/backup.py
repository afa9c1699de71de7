"""Backups of a project: SQLite's online backup API (safe while others are coding)."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from workbench.errors import ProjectError, WorkbenchError
from workbench.store.engine import Project

PG_DUMP_HINT = (
    "a PostgreSQL project is backed up with PostgreSQL's own tools: "
    "pg_dump --format=custom --file=OUT.dump 'postgresql://user@host/dbname' (restore with pg_restore)"
)


def backup(project: Project, target: Path) -> Path:
    """Copy the project to ``target`` consistently, even while other processes write to it."""
    if project.dialect != "sqlite":
        raise WorkbenchError(PG_DUMP_HINT)
    source = make_url(project.url).database
    if source and Path(source).resolve() == target.resolve():
        raise WorkbenchError(f"{target}: is the project itself; choose another file for the backup")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise WorkbenchError(f"{target}: the folder {folder} does not exist")
    try:
        handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise WorkbenchError(f"{target}: cannot write here ({error.strerror})") from None
    os.close(handle)
    raw = project.engine.raw_connection()
    try:
        destination = sqlite3.connect(temp)
        try:
            raw.driver_connection.backup(destination)  # type: ignore[union-attr]
            destination.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            destination.close()
        os.replace(temp, target)
    except (sqlite3.Error, OSError) as error:
        Path(temp).unlink(missing_ok=True)
        raise ProjectError(f"{target}: backup failed ({error}); nothing was written") from None
    finally:
        raw.close()
    return target
