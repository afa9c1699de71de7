"""Migrations on open: empty → head, no drift, backups, refusals.

The drift check runs on both backends; the rest build, back up and refuse SQLite files (file-level by nature)."""

from __future__ import annotations

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text

from workbench.errors import ProjectError
from workbench.store.engine import Project
from workbench.store.migrate import alembic_config, current_revision, head_revision
from workbench.store.models import Base


def database_at(path, revision: str, *statements: str | tuple[str, dict]) -> None:
    """A project file migrated only up to ``revision``, with rows written in that schema."""
    from alembic import command

    engine = create_engine(f"sqlite:///{path}")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        for statement in statements:
            sql, params = statement if isinstance(statement, tuple) else (statement, {})
            connection.execute(text(sql), params)
    engine.dispose()

def test_a_new_project_is_created_at_head_with_sqlite_settings(tmp_path):
    project = Project.open(str(tmp_path / "p.db"))
    assert current_revision(project.engine) == head_revision()
    with project.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
    assert project.backup_path is None


def test_models_and_migrations_do_not_drift(project):
    with project.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_an_old_project_is_backed_up_and_upgraded(tmp_path):
    path = tmp_path / "old.db"
    database_at(path, "0001", "INSERT INTO coder (name, created_at) VALUES ('ana', '2025-01-01')")
    project = Project.open(str(path))
    assert current_revision(project.engine) == head_revision()
    assert project.backup_path is not None and project.backup_path.exists()
    backup = sqlite3.connect(project.backup_path)
    assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert backup.execute("SELECT name FROM coder").fetchall() == [("ana",)]
    backup.close()


def test_a_project_from_a_newer_version_is_refused_untouched(tmp_path):
    path = tmp_path / "new.db"
    Project.open(str(path)).close()
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    connection.commit()
    connection.close()
    before = path.read_bytes()
    with pytest.raises(ProjectError, match="newer version of the workbench"):
        Project.open(str(path))
    assert path.read_bytes() == before


def test_foreign_files_are_refused(tmp_path):
    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE invoices (id INTEGER)")
    connection.commit()
    connection.close()
    with pytest.raises(ProjectError, match="not a workbench project"):
        Project.open(str(other))
    text_file = tmp_path / "notes.db"
    text_file.write_text("hello")
    with pytest.raises(ProjectError, match="not a workbench project"):
        Project.open(str(text_file))


def test_bad_paths_get_clear_errors(tmp_path):
    with pytest.raises(ProjectError, match="does not exist"):
        Project.open(str(tmp_path / "missing" / "p.db"))
    with pytest.raises(ProjectError, match="run 'workbench init' first"):
        Project.open(str(tmp_path / "absent.db"), create=False)
    with pytest.raises(ProjectError, match="is a folder"):
        Project.open(str(tmp_path))


def test_0004_moves_remembered_refi_folders_into_the_codable_column(tmp_path):
    import json

    path = tmp_path / "folders.db"
    code = (
        "INSERT INTO code (key, name, origin, keywords, position, version, created_at, updated_at) "
        "VALUES (:key, :key, 'deductive', '[]', 0, 1, '2025-01-01', '2025-01-01')"
    )
    guids = {"code": {"abc": "feelings"}, "folders": ["feelings"]}
    database_at(
        path, "0003", (code, {"key": "feelings"}), (code, {"key": "feelings.joy"}),
        ("INSERT INTO setting (key, value) VALUES ('refi_qda.guids', :v)", {"v": json.dumps(guids)}),
    )
    project = Project.open(str(path))
    with project.engine.connect() as connection:
        assert dict(connection.execute(text("SELECT key, codable FROM code")).all()) == {"feelings": 0, "feelings.joy": 1}
        setting = connection.execute(text("SELECT value FROM setting WHERE key = 'refi_qda.guids'")).scalar()
    assert json.loads(setting) == {"code": {"abc": "feelings"}}
    project.close()


def test_upgrading_a_project_full_of_references_keeps_them_and_checks_them(tmp_path):
    """A real project behind head (sources, codings referencing codes) upgrades with foreign keys on
    the way SQLite asks for: off while migrating, checked before the commit."""
    path = tmp_path / "coded.db"
    database_at(
        path, "0003",
        "INSERT INTO coder (id, name, created_at) VALUES (1, 'ana', '2025-01-01')",
        "INSERT INTO source (id, name, kind, text, content_hash, original_filename, original_format, word_count, "
        "imported_at) VALUES (1, 'P01', 'interview', 'P01: I trust her.', 'h', 'P01.txt', 'txt', 4, '2025-01-01')",
        "INSERT INTO code (id, key, name, origin, keywords, position, version, created_at, updated_at) "
        "VALUES (1, 'bond', 'Bond', 'deductive', '[]', 0, 1, '2025-01-01', '2025-01-01')",
        "INSERT INTO coding (code_id, source_id, coder_id, start, \"end\", created_at, updated_at) "
        "VALUES (1, 1, 1, 5, 17, '2025-01-01', '2025-01-01')",
    )
    project = Project.open(str(path))
    assert current_revision(project.engine) == head_revision()
    with project.engine.connect() as connection:
        assert connection.execute(text("SELECT codable FROM code")).scalar() == 1
        assert connection.execute(text("SELECT count(*) FROM coding")).scalar() == 1
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1  # back on for everyone after
        assert connection.execute(text("PRAGMA foreign_key_check")).fetchall() == []
    project.close()


def test_foreign_keys_are_off_inside_the_migration_and_on_again_after(tmp_path):
    from workbench.store.engine import make_engine
    from workbench.store.migrate import _sqlite_foreign_keys

    engine = make_engine(f"sqlite:///{tmp_path / 'fk.db'}")
    with engine.connect() as connection:
        _sqlite_foreign_keys(connection, on=False)
        with connection.begin():  # the engine's BEGIN IMMEDIATE: the pragma must already hold
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 0
        _sqlite_foreign_keys(connection, on=True)
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_a_migration_that_would_break_references_is_refused_and_rolled_back(tmp_path, monkeypatch):
    from alembic import command

    path = tmp_path / "old.db"
    database_at(path, "0003")
    real_upgrade = command.upgrade

    def upgrade_that_breaks_a_reference(config, revision):  # type: ignore[no-untyped-def]
        real_upgrade(config, revision)
        config.attributes["connection"].execute(text(
            "INSERT INTO coding (code_id, source_id, coder_id, start, \"end\", created_at, updated_at) "
            "VALUES (99, 99, 99, 0, 1, '2025-01-01', '2025-01-01')"
        ))

    monkeypatch.setattr(command, "upgrade", upgrade_that_breaks_a_reference)
    with pytest.raises(ProjectError, match=r"upgrading would leave 3 broken reference\(s\).*nothing was changed"):
        Project.open(str(path))
    check = sqlite3.connect(path)
    assert check.execute("SELECT version_num FROM alembic_version").fetchone() == ("0003",)
    assert check.execute("SELECT count(*) FROM coding").fetchone() == (0,)
    check.close()


def test_the_head_constant_is_alembics_head() -> None:
    """Opening a current project skips Alembic by comparing with HEAD_REVISION: it must name the newest migration."""
    from workbench.store.migrate import HEAD_REVISION

    assert HEAD_REVISION == head_revision()
