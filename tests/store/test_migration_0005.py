"""Migration 0005 (issue 11 item 8): existing texts lose their leading U+FEFF and every offset moves with them."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import PG_URL, fresh_pg_database
from workbench.store.engine import Project
from workbench.store.migrate import alembic_config

BOMS = "\ufeff\ufeff"
BODY = "Interviewer: Hi\nP01: Warm, mostly. Trust matters."


def _database_at(url: str, revision: str, statements: list) -> None:
    """A project (SQLite or PostgreSQL) migrated only up to ``revision``, with rows written in that schema."""
    from alembic import command

    engine = create_engine(url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        for statement in statements:
            sql, params = statement if isinstance(statement, tuple) else (statement, {})
            connection.execute(text(sql), params)
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"] if PG_URL else ["sqlite"])
def old_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bom.db'}"
        return
    with fresh_pg_database() as url:
        yield url


def test_0005_strips_leading_boms_and_moves_every_offset(old_url):
    stored = BOMS + BODY
    trust = stored.index("Trust matters")
    rows = [
        "INSERT INTO coder (id, name, created_at) VALUES (1, 'ana', '2025-01-01'), (2, 'ben', '2025-01-01'), "
        "(3, 'consensus', '2025-01-01')",
        ("INSERT INTO source (id, name, kind, text, content_hash, original_filename, original_format, word_count, "
         "imported_at) VALUES (1, 'P01', 'interview', :t, 'old', 'P01.txt', 'txt', 7, '2025-01-01'), "
         "(2, 'Plain', 'interview', 'No BOM here.', 'plain', 'x.txt', 'txt', 3, '2025-01-01')", {"t": stored}),
        "INSERT INTO code (id, key, name, origin, keywords, position, version, codable, created_at, updated_at) "
        "VALUES (1, 'bond', 'Bond', 'deductive', '[]', 0, 1, TRUE, '2025-01-01', '2025-01-01')",
        "INSERT INTO turn (id, source_id, ordinal, speaker_label, label_start, start, \"end\") VALUES "
        "(1, 1, 0, NULL, 0, 0, 17), (2, 1, 1, 'P01', 18, 23, 50)",
        "INSERT INTO segment (source_id, turn_id, ordinal, start, \"end\") VALUES (1, 1, 0, 0, 2), (1, 1, 1, 0, 17), "
        "(1, 2, 2, 23, 36)",
        (f"INSERT INTO coding (id, code_id, source_id, coder_id, start, \"end\", created_at, updated_at) VALUES "
         f"(1, 1, 1, 1, {trust}, {trust + 13}, '2025-01-01', '2025-01-01'), "
         f"(2, 1, 1, 1, 0, 1, '2025-01-01', '2025-01-01'), "
         f"(3, 1, 2, 1, 0, 2, '2025-01-01', '2025-01-01')", {}),
        "INSERT INTO theme_type (id, name, prefix, position) VALUES (1, 'Framework', 'F', 0)",
        "INSERT INTO theme (id, label, name, type_id, position, version) VALUES (1, 'F1', 'Trust', 1, 0, 1)",
        (f"INSERT INTO exemplar (theme_id, coding_id, start, \"end\", position) VALUES (1, 1, {trust}, {trust + 5}, 0), "
         "(1, 2, NULL, NULL, 1)", {}),
        ("INSERT INTO adjudication (source_id, code_id, first_coder_id, second_coder_id, consensus_coder_id, start, "
         "\"end\", decision, result, created_at) VALUES (1, 1, 1, 2, 3, :s, :e, 'first', " + ("CAST(:r AS JSON)" if old_url.startswith("postgresql") else ":r") + ", '2025-01-01')",
         {"s": trust, "e": trust + 13, "r": json.dumps([[1, 2], [trust, trust + 13]])}),
    ]
    _database_at(old_url, "0004", rows)
    project = Project.open(old_url)
    with project.engine.connect() as connection:
        texts = dict(connection.execute(text("SELECT id, text FROM source")).all())
        assert texts == {1: BODY, 2: "No BOM here."}
        codings = connection.execute(text('SELECT id, source_id, start, "end" FROM coding ORDER BY id')).all()
        assert [(i, texts[s][a:b]) for i, s, a, b in codings] == [(1, "Trust matters"), (3, "No")]
        assert connection.execute(text('SELECT label_start, start, "end" FROM turn ORDER BY id')).all() == [(0, 0, 15), (16, 21, 48)]
        segments = connection.execute(text('SELECT start, "end" FROM segment ORDER BY ordinal')).all()
        assert [BODY[a:b] for a, b in segments] == ["Interviewer: Hi", "Warm, mostly."]
        assert connection.execute(text('SELECT start, "end" FROM exemplar')).all() == [(BODY.index("Trust"), BODY.index("Trust") + 5)]
        start, end, result = connection.execute(text('SELECT start, "end", result FROM adjudication')).one()
        result = json.loads(result) if isinstance(result, str) else result
        assert BODY[start:end] == "Trust matters" and result == [[BODY.index("Trust"), BODY.index("Trust") + 13]]
        if project.dialect == "sqlite":
            assert connection.execute(text("PRAGMA foreign_key_check")).fetchall() == []
    project.close()
