"""Issue 11, items 12 and 13: a schema version older than the real schema, and codings that point
at a missing code. Both are damaged files built here; each gets one clear line, never a
KeyError or "check that the folder is writable", and opening leaves no new backup behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from workbench.cli import main
from workbench.errors import ProjectError
from workbench.interop.qdpx_export import export_project
from workbench.services.agreement.compute import compute_agreement
from workbench.services.agreement.review import start_review
from workbench.services.codebook.files import load_codebook
from workbench.services.coding.codings_csv import export_codings_csv, import_codings_csv
from workbench.services.importing.batch import import_paths
from workbench.store.engine import Project


def execute(url: str, *statements: str) -> None:
    """Raw SQL on the project's database, behind the workbench's back (as another tool would)."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def backups(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".bak-" in p.name)


# --- item 12 -------------------------------------------------------------------------------------


def test_opening_a_current_project_writes_no_backup(tmp_path):
    for _ in range(3):
        Project.open(str(tmp_path / "p.db")).close()
    assert backups(tmp_path) == []


@pytest.mark.parametrize("recorded", ["0001", "0002", "0003"])
def test_a_schema_version_older_than_the_tables_is_named_and_leaves_no_backup(project, tmp_path, interview_file, recorded):
    import_paths(project, [interview_file])
    url = project.url
    project.close()
    execute(url, f"UPDATE alembic_version SET version_num = '{recorded}'")
    for _ in range(2):  # every try: the same message, nothing written
        with pytest.raises(ProjectError) as raised:
            Project.open(url)
        message = str(raised.value)
        assert f"recorded schema version ({recorded}) is older than its tables" in message
        assert "folder" not in message and "\n" not in message
        assert backups(tmp_path) == []
    engine = create_engine(url)
    with engine.connect() as connection:  # untouched: the version as it was, the source still there
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == recorded
        assert connection.execute(text("SELECT count(*) FROM source")).scalar() == 1
    engine.dispose()
    execute(url, "UPDATE alembic_version SET version_num = '0004'")  # let the fixture drop it


def test_the_cli_says_so_in_one_line(tmp_path, capsys):
    db = tmp_path / "p.db"
    assert main(["--db", str(db), "init"]) == 0
    execute(f"sqlite:///{db}", "UPDATE alembic_version SET version_num = '0002'")
    capsys.readouterr()
    assert main(["--db", str(db), "sources"]) == 2
    err = capsys.readouterr().err
    assert "older than its tables" in err and len(err.strip().splitlines()) == 1
    assert backups(tmp_path) == []


# --- item 13 -------------------------------------------------------------------------------------


@pytest.fixture
def damaged(project, tmp_path, interview_file, codebook_file):
    """Two coders' codings, then the code 'task' deleted behind the workbench's back."""
    import_paths(project, [interview_file])
    load_codebook(project, codebook_file)
    csv = tmp_path / "codings.csv"
    csv.write_text(
        "source,code,start,end,coder\n"
        "P01-interview,bond,80,100,ana\nP01-interview,task,110,130,ana\n"
        "P01-interview,bond,80,104,ben\nP01-interview,task,112,130,ben\n",
        encoding="utf-8",
    )
    import_codings_csv(project, csv, "ana")
    if project.dialect == "sqlite":
        connection = project.engine.raw_connection()
        connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        connection.driver_connection.execute("DELETE FROM code WHERE key = 'task'")
        connection.driver_connection.commit()
        connection.close()
    else:  # a superuser can switch PostgreSQL's foreign-key triggers off for a session
        with project.engine.begin() as connection:
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            connection.execute(text("DELETE FROM code WHERE key = 'task'"))
    return project


def assert_names_the_coding(error: pytest.ExceptionInfo) -> None:
    message = str(error.value)
    assert message.startswith("the project is damaged: coding #")
    assert "points at code #" in message and "P01-interview 110–130" in message and "1 more" in message


def test_every_reader_of_all_codings_names_the_broken_coding(damaged, tmp_path):
    with pytest.raises(ProjectError) as error:
        export_project(damaged, tmp_path / "out.qdpx")
    assert_names_the_coding(error)
    assert not (tmp_path / "out.qdpx").exists()
    with pytest.raises(ProjectError) as error:
        start_review(damaged, "ana", "ben")
    assert_names_the_coding(error)
    with pytest.raises(ProjectError) as error:
        compute_agreement(damaged, ["ana", "ben"], resamples=0)
    assert_names_the_coding(error)
    with pytest.raises(ProjectError) as error:
        export_codings_csv(damaged, tmp_path / "out.csv")
    assert_names_the_coding(error)
    assert not (tmp_path / "out.csv").exists()


def test_review_status_and_export_qdpx_say_so_in_one_line(damaged, tmp_path, capsys):
    if damaged.dialect != "sqlite":
        pytest.skip("the CLI runs on the same store code; the PostgreSQL case is the test above")
    db = Path(damaged.engine.url.database)
    for command in (["review", "--coders", "ana", "ben", "--status"], ["export", "qdpx", str(tmp_path / "o.qdpx")]):
        assert main(["--db", str(db), *command]) == 2
        err = capsys.readouterr().err
        assert "the project is damaged: coding #" in err and "KeyError" not in err
        assert len(err.strip().splitlines()) == 1
