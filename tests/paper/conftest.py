"""The demo project, built once per backend for the paper tests (fictional, shipped in transcripts/):
each test gets its own copy — of the SQLite file, or of a PostgreSQL template database when
``$WORKBENCH_TEST_PG_URL`` names a server (tests/conftest.py)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import fresh_pg_database
from workbench.services.project.demo import build_demo
from workbench.store.engine import Project


@pytest.fixture(scope="session")
def demo_original(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], str]]:
    """Where the demo is built, once per backend: a SQLite file or a PostgreSQL database."""
    built: dict[str, str] = {}
    with ExitStack() as stack:

        def original(backend: str) -> str:
            if backend not in built:
                if backend == "sqlite":
                    location = str(tmp_path_factory.mktemp("demo") / "demo.db")
                else:
                    location = stack.enter_context(fresh_pg_database())
                project = Project.open(location)
                build_demo(project)
                project.close()  # nobody connected: the copies are made from it
                built[backend] = location
            return built[backend]

        yield original


@pytest.fixture
def demo(backend: str, demo_original: Callable[[str], str], tmp_path) -> Iterator[Project]:  # type: ignore[no-untyped-def]
    """A copy of the demo project for one test, on the test's backend."""
    original = demo_original(backend)
    with ExitStack() as stack:
        if backend == "sqlite":
            location = str(tmp_path / "demo.db")
            shutil.copy(original, location)
        else:
            location = stack.enter_context(fresh_pg_database(template=make_url(original).database))
        project = Project.open(location)
        stack.callback(project.close)
        yield project
