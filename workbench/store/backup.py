"""Backups of a project: SQLite's online backup API (safe while others are coding)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from workbench.atomic import replacing
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
    raw = project.engine.raw_connection()
    try:
        with replacing(target, database_ok=True) as temporary:
            destination = sqlite3.connect(temporary)
            try:
                driver = raw.driver_connection
                assert driver is not None  # None only once the raw connection is closed
                driver.backup(destination)
                destination.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                destination.close()
    except sqlite3.Error as error:
        raise ProjectError(f"{target}: backup failed ({error}); nothing was written") from None
    finally:
        raw.close()
    return target
