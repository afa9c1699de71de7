"""The command line's test setting: in ``tmp_path``, as the coder ``tester``, with no ``$WORKBENCH_DB``."""

from __future__ import annotations

import pytest


@pytest.fixture
def cli_env(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORKBENCH_CODER", "tester")
    monkeypatch.delenv("WORKBENCH_DB", raising=False)


@pytest.fixture
def db(cli_env, db_location: str) -> str:
    """--db for the test: a SQLite file, and a PostgreSQL database when $WORKBENCH_TEST_PG_URL is set."""
    return db_location
