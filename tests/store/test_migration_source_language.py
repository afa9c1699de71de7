"""Migration 0006 (issue 15): sources imported before languages existed are English (an old SQLite file, built here)."""

from __future__ import annotations

from sqlalchemy import select

from tests.store.test_migrations import database_at
from workbench.services.project.language import project_language
from workbench.store.engine import Project
from workbench.store.models import Source


def test_sources_from_before_languages_are_english_and_so_is_the_project(tmp_path):
    path = tmp_path / "old.db"
    database_at(
        path, "0004",
        "INSERT INTO source (name, kind, text, content_hash, original_filename, original_format, word_count, imported_at) "
        "VALUES ('P01-interview', 'interview', 'P01: hello', 'abc', 'P01-interview.txt', 'txt', 1, '2025-01-01')",
    )
    project = Project.open(str(path))
    assert project.backup_path is not None
    with project.session() as session:
        assert session.execute(select(Source.name, Source.language)).all() == [("P01-interview", "en")]
        assert project_language(session) == "en"
    project.close()
