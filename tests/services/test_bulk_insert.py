"""Bulk inserts write a value that is the same in every row into the statement once (issue 12: a 100,000-code
codebook binds half as many values). Project data is hostile: a quote, a percent sign, a question mark or a
backslash in such a value must arrive exactly, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from workbench.store.bulk import insert_rows
from workbench.store.models import AuditEntry, Code, utcnow

HOSTILE = [
    "it's 100% done; DROP TABLE code; --",
    "%s %(x)s ? :name $1",
    "back\\slash \\' quote",
    "O''Brien",
    "",
    "\u00e9\u2028 line separator and emoji \U0001f600",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_value_repeated_in_every_row_arrives_exactly(project, text):
    statements: list[str] = []
    columns = ("id", "key", "name", "origin", "definition", "keywords", "codable", "position", "version",
               "created_at", "updated_at", "parent_id")
    now = utcnow()
    rows = [(100 + n, f"k{n}", text or "x", "inductive", text, "[]", False, n, 1, now, now, None) for n in range(3)]
    with project.session() as session:
        connection = session.connection()
        event.listen(connection, "before_cursor_execute", lambda *args: statements.append(args[2]))
        insert_rows(connection, Code.__table__, columns, rows, converted=("keywords",))
    with project.session() as session:
        stored = session.execute(select(Code.name, Code.definition, Code.codable, Code.parent_id, Code.position)
                                 .order_by(Code.id)).all()
    assert stored == [(text or "x", text, False, None, n) for n in range(3)]
    written = next(s for s in statements if s.startswith("INSERT"))
    assert "'inductive'" in written and "NULL" in written  # the same in every row: in the statement itself
    if "\\" not in text:
        assert written.count("'") > 2 + text.count("'")  # the hostile text too, quoted
    else:
        assert text not in written  # a backslash stays a bound parameter


def test_values_that_differ_row_by_row_stay_parameters(project):
    statements: list[str] = []
    with project.session() as session:
        connection = session.connection()
        event.listen(connection, "before_cursor_execute", lambda *args: statements.append(args[2]))
        insert_rows(connection, AuditEntry.__table__, ("at", "action", "entity_kind", "entity_id", "note"),
                    [(utcnow(), "create", "code", n, f"note {n}") for n in range(4)])
    with project.session() as session:
        stored = session.execute(select(AuditEntry.entity_id, AuditEntry.note).order_by(AuditEntry.id)).all()
    assert stored == [(n, f"note {n}") for n in range(4)]
    written = next(s for s in statements if s.startswith("INSERT"))
    assert "note 0" not in written and "'create'" in written


def test_one_row_binds_every_value(project):
    statements: list[str] = []
    with project.session() as session:
        connection = session.connection()
        event.listen(connection, "before_cursor_execute", lambda *args: statements.append(args[2]))
        insert_rows(connection, AuditEntry.__table__, ("at", "action", "entity_kind", "entity_id"),
                    [(utcnow(), "create", "code", 7)])
    written = next(s for s in statements if s.startswith("INSERT"))
    assert "'create'" not in written
