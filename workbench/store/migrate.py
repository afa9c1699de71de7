"""Migrations on open: Alembic, run from code, shipped inside the wheel."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect
from sqlalchemy.exc import DBAPIError

from workbench.errors import ProjectError
from workbench.resources import bundled

if TYPE_CHECKING:  # Alembic is imported only when a migration runs
    from alembic.config import Config

# The newest revision in migrations/versions. Opening a project already at it needs no Alembic
# import (about a third of a second); tests/store check that it matches Alembic's own head.
HEAD_REVISION = "0007"


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(bundled("migrations")))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_to_head(engine: Engine, sqlite_path: Path | None) -> Path | None:
    """Bring the database to the head revision; return the backup made, if any.

    A new (empty) database is created at head. A workbench database behind
    head is backed up (SQLite: a copy beside it) and upgraded. A database
    with tables but no workbench revision, or with a revision this version
    does not know (made by a newer version), is refused untouched.
    """
    if _recorded_revision(engine) == HEAD_REVISION:
        return None
    from alembic import command
    from alembic.script import ScriptDirectory

    config = alembic_config()
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    tables = set(inspect(engine).get_table_names())
    current = current_revision(engine) if "alembic_version" in tables else None
    if current == head:
        return None
    if current is None and tables - {"alembic_version"}:
        raise ProjectError(f"{_where(engine)}: is not a workbench project (it has other tables); choose another --db")
    if current is not None:
        try:
            script.get_revision(current)
        except Exception:
            raise ProjectError(
                f"{_where(engine)}: was made by a newer version of the workbench (schema {current}); upgrade the workbench"
            ) from None
    backup = None
    if current is not None and sqlite_path is not None:
        backup = _backup_sqlite(engine, sqlite_path, current)
    try:
        with engine.connect() as connection:
            if sqlite_path is not None:
                _sqlite_foreign_keys(connection, on=False)
            try:
                with connection.begin():
                    config.attributes["connection"] = connection
                    command.upgrade(config, "head")
                    if sqlite_path is not None:
                        _check_foreign_keys(connection, engine)
            finally:
                if sqlite_path is not None:
                    _sqlite_foreign_keys(connection, on=True)
    except BaseException as error:
        if backup is not None:  # the upgrade rolled back: the file is as it was, the copy is not needed
            backup.unlink(missing_ok=True)
        if current is not None and isinstance(error, DBAPIError) and _already_there(error):
            raise ProjectError(
                f"{_where(engine)}: its recorded schema version ({current}) is older than its tables "
                f"({_reason(error)}): the file was changed by another tool or an upgrade was interrupted; "
                "nothing was changed — open a backup of it, or report this with the file"
            ) from None
        if current is not None and isinstance(error, DBAPIError):
            raise ProjectError(
                f"{_where(engine)}: upgrading the schema from version {current} failed ({_reason(error)}); "
                "nothing was changed — please report this with the file"
            ) from None
        raise
    return backup


def require_head(engine: Engine) -> None:
    """Refuse, untouched, a database that is not at the head revision (for a reader that must not migrate)."""
    if _recorded_revision(engine) != HEAD_REVISION:
        raise ProjectError(f"{_where(engine)}: is not at this version's schema; open it normally first")


def _recorded_revision(engine: Engine) -> str | None:
    """The revision in ``alembic_version`` read with plain SQL, or None (no table, no row, several rows)."""
    from sqlalchemy import text

    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).fetchall()
    except DBAPIError:
        return None
    return rows[0][0] if len(rows) == 1 else None


def _reason(error: DBAPIError) -> str:
    return " ".join(str(error.orig).split())


def _already_there(error: DBAPIError) -> bool:
    """The upgrade met a table or column that a later revision creates (SQLite's words, PostgreSQL's codes)."""
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    text = str(error.orig).lower()
    return code in ("42P07", "42701", "42710") or "already exists" in text or "duplicate column" in text


def _sqlite_foreign_keys(connection: Connection, *, on: bool) -> None:
    """SQLite's procedure for schema changes: foreign keys off while a migration rebuilds a table
    (a rebuild drops the old table, which rows elsewhere reference), checked before committing.
    The pragma only works outside a transaction, so it goes to the driver's connection directly
    (through SQLAlchemy it would run inside the BEGIN IMMEDIATE the engine issues)."""
    driver = connection.connection.driver_connection
    assert driver is not None  # None only once the connection is closed
    driver.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _check_foreign_keys(connection: Connection, engine: Engine) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        table, rowid, parent, _ = broken[0]
        raise ProjectError(
            f"{_where(engine)}: upgrading would leave {len(broken)} broken reference(s) (first: {table} row {rowid} → "
            f"{parent}); nothing was changed — please report this with the backup file"
        )


def _where(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _backup_sqlite(engine: Engine, path: Path, revision: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.bak-{revision}-{stamp}")
    raw = engine.raw_connection()
    try:
        import sqlite3

        destination = sqlite3.connect(target)
        try:
            driver = raw.driver_connection
            assert driver is not None  # None only once the raw connection is closed
            driver.backup(destination)
        finally:
            destination.close()
    except Exception as error:  # noqa: BLE001 - any failure to back up stops the upgrade
        raise ProjectError(f"{path}: could not back up before upgrading ({error}); nothing was changed") from None
    finally:
        raw.close()
    shutil.copymode(path, target)
    return target
