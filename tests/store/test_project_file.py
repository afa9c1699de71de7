"""``Project.file``: where a project's SQLite file is (the TUI suggests handouts beside it); None on a server."""

from __future__ import annotations

from pathlib import Path

from workbench.store.engine import Project


def test_the_file_of_a_sqlite_project_and_none_for_a_server(project: Project, tmp_path: Path) -> None:
    if project.dialect == "sqlite":
        assert project.file == (tmp_path / "project.db").resolve()
    else:
        assert project.file is None


def test_a_relative_path_is_resolved(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    opened = Project.open("here.db")
    try:
        assert opened.file == tmp_path.resolve() / "here.db"
    finally:
        opened.close()
