"""The command line's test setting: in ``tmp_path``, as the coder ``tester``, with no ``$WORKBENCH_DB``."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from workbench.cli import main


@pytest.fixture
def cli_env(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORKBENCH_CODER", "tester")
    monkeypatch.delenv("WORKBENCH_DB", raising=False)


@pytest.fixture
def db(cli_env, db_location: str) -> str:
    """--db for the test: a SQLite file, and a PostgreSQL database when $WORKBENCH_TEST_PG_URL is set."""
    return db_location


AGREEMENT_DATA = Path(__file__).resolve().parents[1] / "data" / "agreement"


@pytest.fixture
def agreement_db(db_location, tmp_path, monkeypatch, capsys) -> str:  # type: ignore[no-untyped-def]
    """A project two coders (A and B) coded, set up by the lead through the CLI: the agreement test data."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORKBENCH_CODER", "lead")
    monkeypatch.delenv("WORKBENCH_DB", raising=False)
    path = db_location
    assert main(["--db", path, "codebook", "load", str(AGREEMENT_DATA / "codebook.yaml")]) == 0
    assert main(["--db", path, "import", str(AGREEMENT_DATA / "s1.txt"), str(AGREEMENT_DATA / "s2.txt")]) == 0
    assert main(["--db", path, "codings", "import", str(AGREEMENT_DATA / "codings.csv")]) == 0
    capsys.readouterr()
    gc.collect()  # the set-up's engines closed (their WAL checkpointed) before a test compares the file
    return path
