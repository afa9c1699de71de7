"""Opening a project: engine, pragmas, migrations on open, sessions.

``Project.open(url)`` accepts a file path (SQLite, the embedded default) or
any SQLAlchemy URL (``postgresql+psycopg://...``). Opening migrates the
database to the current schema, backing up an existing SQLite file first.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from workbench.atomic import protect
from workbench.errors import ProjectError, UnreachableError, WorkbenchError
from workbench.safety import mask_passwords

SQLITE_BUSY_TIMEOUT_MS = 10_000
LOCK_RETRIES = 3


def database_url(path_or_url: str) -> str:
    """Turn a ``--db`` value into a SQLAlchemy URL (a plain path means SQLite)."""
    if "://" in path_or_url:
        return path_or_url
    return f"sqlite:///{Path(path_or_url).expanduser().resolve()}"


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _on_sqlite_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    # Let SQLAlchemy manage transactions; see the SQLAlchemy SQLite docs,
    # "Serializable isolation / Savepoints / Transactional DDL".
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    # BEGIN IMMEDIATE takes the write lock up front, so two processes wait
    # on the busy timeout instead of failing half-way through a transaction;
    # taking the lock is the one step that can meet "database is locked", so
    # it is retried (each try already waits the busy timeout).
    for attempt in range(LOCK_RETRIES):
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as error:
            if "locked" not in str(error.orig) or attempt == LOCK_RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def make_engine(url: str) -> Engine:
    try:
        engine = create_engine(url, future=True)
    except (ArgumentError, ImportError, SQLAlchemyError) as error:
        raise ProjectError(f"cannot use database {shown_url(url)}: {mask_passwords(str(error))}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
    return engine


@dataclass
class Project:
    """An open project database. Use :meth:`session` for each operation."""

    url: str
    engine: Engine
    _sessions: sessionmaker[Session]
    backup_path: Path | None = None
    actor: str | None = None
    # Told the outcome of every unit of work that reached the database: the ProjectError of one the
    # database refused (server gone, read-only file, lock), or None after one that wrote and committed.
    # The TUI shows "unreachable" from the first until the second. Called on the thread of the work.
    observer: Callable[[ProjectError | None], None] | None = None

    @classmethod
    def open(cls, path_or_url: str, *, create: bool = True, migrate: bool = True) -> Project:
        """Open (and migrate) a project. ``create=False`` refuses a missing SQLite file; ``migrate=False``
        refuses a project that is not at this version's schema instead of migrating it (a reader beside
        another process that may be migrating it)."""
        url = database_url(path_or_url)
        sqlite_path = _sqlite_path(url)
        if sqlite_path is not None:
            if not sqlite_path.parent.is_dir():
                raise ProjectError(
                    f"{sqlite_path}: the folder {sqlite_path.parent} does not exist; create it or choose another --db"
                )
            if not sqlite_path.exists():
                if not create:
                    raise ProjectError(f"{sqlite_path}: no project here; run 'workbench init' first or check --db")
                if not os.access(sqlite_path.parent, os.W_OK):
                    raise ProjectError(f"{sqlite_path}: the folder is not writable; choose another --db")
            elif sqlite_path.is_dir():
                raise ProjectError(f"{sqlite_path}: is a folder, not a project file; choose a file for --db")
            else:
                _refuse_non_sqlite(sqlite_path)
            protect(sqlite_path)
        engine = make_engine(url)
        from workbench.store.migrate import require_head, upgrade_to_head

        try:
            if migrate:
                backup = upgrade_to_head(engine, sqlite_path)
            else:
                require_head(engine)
                backup = None
        except WorkbenchError:
            engine.dispose()
            raise
        except DBAPIError as error:  # cannot connect, or a database that refuses to be read
            engine.dispose()
            raise _open_failed(engine, sqlite_path, error) from None
        sessions = sessionmaker(engine, expire_on_commit=False)
        from workbench.store.audit import fill_created_ids, record_changes

        event.listen(sessions, "before_flush", record_changes)
        event.listen(sessions, "after_flush_postexec", fill_created_ids)
        from workbench.store.values import check_session

        event.listen(sessions, "before_flush", check_session)  # after the audit's listener: its rows are checked too
        event.listen(sessions, "after_flush", _mark_written)
        event.listen(sessions, "do_orm_execute", _mark_dml)
        return cls(url=url, engine=engine, _sessions=sessions, backup_path=backup)

    @contextmanager
    def session(self, actor: str | None = None, note: str | None = None) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back on any error.

        ``actor`` (else :attr:`actor`) is the coder the audit trail names for
        the changes; ``note`` is stored with them.
        """
        session = self._sessions()
        session.info["actor"] = actor or self.actor
        if note:
            session.info["audit_note"] = note
        try:
            yield session
            session.commit()
        except WorkbenchError:
            _rollback_quietly(session)
            raise
        except DBAPIError as error:
            _rollback_quietly(session)
            problem = database_error(error)
            self._tell(problem)
            raise problem from None
        except BaseException:
            session.rollback()
            raise
        else:
            if session.info.get("wrote"):
                self._tell(None)
        finally:
            session.close()

    def _tell(self, problem: ProjectError | None) -> None:
        if self.observer is not None:
            try:
                self.observer(problem)
            except Exception:  # noqa: BLE001 - a display hook must never break the work it reports on
                pass

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    @property
    def file(self) -> Path | None:
        """The SQLite file holding the project; None for a server database (or one in memory)."""
        return _sqlite_path(self.url)

    def table_names(self) -> list[str]:
        return inspect(self.engine).get_table_names()


def _mark_written(session: Session, _context: object) -> None:
    session.info["wrote"] = True


def _mark_dml(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info["wrote"] = True


def database_error(error: DBAPIError) -> ProjectError:
    """A driver error as one line for a user: the driver's first line, never the SQL or its parameters.

    A lost connection, or one that cannot be made, is an :class:`UnreachableError`:
    whatever was under way should stop rather than try again and again.
    """
    reason = mask_passwords((str(error.orig).strip().splitlines() or [type(error.orig).__name__])[0][:200])
    problem: ProjectError
    if error.connection_invalidated or (isinstance(error, OperationalError) and error.statement is None):
        problem = UnreachableError(
            f"the project database cannot be reached ({reason}); nothing more was changed — "
            "check the server or the network, then try again"
        )
    else:
        hint = "another coder kept the project busy; try again" if "locked" in reason else "nothing was changed"
        problem = ProjectError(f"the database refused the change ({reason}); {hint}")
    problem.reason = reason
    return problem


def _rollback_quietly(session: Session) -> None:
    try:
        session.rollback()
    except DBAPIError:  # the connection is gone: there is nothing to roll back on the server
        pass


def shown_url(url: str) -> str:
    """A database URL fit for a message: its password masked."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return mask_passwords(url)


def _open_failed(engine: Engine, sqlite_path: Path | None, error: DBAPIError) -> ProjectError:
    """Why a project could not be opened, in the words of its kind of database."""
    reason = mask_passwords(" ".join(str(error.orig).split()))
    if sqlite_path is None:
        return ProjectError(
            f"{shown_url(str(engine.url))}: cannot connect to the database server ({reason}); check that the server "
            "is running, the database exists (createdb) and the user name and password are right, or choose another --db"
        )
    return ProjectError(
        f"{sqlite_path}: cannot open or create the project database ({reason}); "
        "check that the folder is writable, or choose another --db"
    )


def _refuse_non_sqlite(path: Path) -> None:
    with path.open("rb") as handle:
        header = handle.read(16)
    if header and header != b"SQLite format 3\x00":
        raise ProjectError(f"{path}: is not a workbench project (not a SQLite database); choose another --db")
