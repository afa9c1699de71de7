"""Shared fixtures: a temporary project and small transcript files written by the tests."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from workbench.store.engine import Project

SHARED = Path(__file__).resolve().parents[2] / "shared"

CODEBOOK_YAML = """\
codebook: Test alliance
description: A small codebook for tests.
codes:
  - id: bond
    name: Bond
    definition: Trust and warmth between client and therapist.
    keywords: [trust, warm]
    colour: "#1f77b4"
    children:
      - id: bond.presence
        name: Presence
        definition: Feeling the therapist is there between sessions.
        keywords: [present, there for]
  - id: task
    name: Task
    definition: Agreement on the work of therapy.
    keywords: [homework, module]
  - id: inductive
    name: Inductive codes
    origin: inductive
"""

INTERVIEW_TXT = (
    "Interview 1 — P01\n"
    "Interviewer: How did the online part change things?\n"
    "P01: I trust the app more than I expected. Clients do the homework at home.\n"
    "It’s a bit frustrating when the log-in fails.\n"
    "Interviewer: And the bond?\n"
    "P01: Warm, mostly. Trust matters. I feel present even between sessions.\n"
)


PG_URL = os.environ.get("WORKBENCH_TEST_PG_URL")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database the test runs on: SQLite always, and PostgreSQL when ``$WORKBENCH_TEST_PG_URL`` names a server."""
    return request.param


@pytest.fixture
def open_project(backend: str, tmp_path: Path) -> Iterator[Callable[[str], Project]]:
    """Opens new, migrated projects on the test's backend (``open_project("fresh")`` for a round trip's
    target); each is closed, and its PostgreSQL database dropped, after the test."""
    with ExitStack() as stack:

        def open_new(name: str = "project") -> Project:
            location = str(tmp_path / f"{name}.db") if backend == "sqlite" else stack.enter_context(fresh_pg_database())
            opened = Project.open(location)
            stack.callback(opened.close)  # closed before its database is dropped
            return opened

        yield open_new


@pytest.fixture
def project(open_project: Callable[[str], Project]) -> Project:
    """A new, migrated project on each backend (a test module may override it to fill the project)."""
    return open_project("project")


@pytest.fixture
def db_location(backend: str, open_project: Callable[[str], Project], tmp_path: Path) -> str:
    """What a CLI test passes as ``--db``: a new SQLite file's path (not created yet), or the URL of a new
    PostgreSQL database (migrated, as ``workbench init`` would)."""
    return str(tmp_path / "p.db") if backend == "sqlite" else open_project("p").url


@contextmanager
def fresh_pg_database(template: str | None = None) -> Iterator[str]:
    """A throwaway database on the test server (a copy of the database ``template`` names, if given;
    nobody may be connected to it), dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    assert PG_URL is not None
    name = f"wb_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def codebook_file(tmp_path: Path) -> Path:
    path = tmp_path / "codebook.yaml"
    path.write_text(CODEBOOK_YAML, encoding="utf-8")
    return path


@pytest.fixture
def interview_file(tmp_path: Path) -> Path:
    path = tmp_path / "P01-interview.txt"
    path.write_text(INTERVIEW_TXT, encoding="utf-8")
    return path


READING = ("SELECT", "WITH", "PRAGMA", "SAVEPOINT", "RELEASE", "BEGIN", "SHOW", "SET")


@contextmanager
def writes_sent() -> Iterator[list[str]]:
    """The statements that write (anything but reading and transaction bookkeeping) any engine sends
    while the block runs: a read-only check that works on SQLite and PostgreSQL alike."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    sent: list[str] = []

    def record(_conn, _cursor, statement: str, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().split(None, 1)[0].upper() not in READING:
            sent.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def table_counts(project: Project) -> dict[str, int]:
    """Rows per table: the fingerprint tests compare before and after a failure."""
    from sqlalchemy import func, select

    from workbench.store.models import Base

    with project.session() as session:
        return {
            name: session.scalar(select(func.count()).select_from(table)) or 0
            for name, table in Base.metadata.tables.items()
        }
