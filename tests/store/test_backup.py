"""The backup command: a complete, consistent copy of a SQLite project file (file-level, so SQLite only)."""

import sqlite3

import pytest

from workbench.errors import WorkbenchError
from workbench.services.importing.batch import import_paths
from workbench.store.backup import backup
from workbench.store.engine import Project


def test_backup_is_a_complete_project(tmp_path, interview_file):
    project = Project.open(str(tmp_path / "p.db"))
    import_paths(project, [interview_file])
    target = backup(project, tmp_path / "copy.db")
    connection = sqlite3.connect(target)
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert connection.execute("SELECT name FROM source").fetchall() == [("P01-interview",)]
    connection.close()
    reopened = Project.open(str(target))
    assert reopened.table_names() == project.table_names()
    assert not list(tmp_path.glob(".copy.db.*"))  # no temporary file left


def test_backup_refuses_bad_targets(tmp_path):
    project = Project.open(str(tmp_path / "p.db"))
    with pytest.raises(WorkbenchError, match="is the project"):
        backup(project, tmp_path / "p.db")
    with pytest.raises(WorkbenchError, match="does not exist"):
        backup(project, tmp_path / "missing" / "b.db")
