"""The fixed vocabularies: one home (workbench.domain.vocabulary), and the database keeps to them."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from workbench.domain.vocabulary import Decision, SourceKind, SuggestionStatus, sql_in, values
from workbench.store.engine import Project
from workbench.store.models import SOURCE_KINDS, Adjudication, Source, Suggestion


def test_the_check_constraints_are_generated_from_the_vocabularies() -> None:
    assert sql_in("kind", SourceKind) == "kind IN ('interview', 'focus-group', 'other')"
    assert SOURCE_KINDS == values(SourceKind) == ("interview", "focus-group", "other")
    constraints = {
        table.name: {str(c.sqltext) for c in table.constraints if hasattr(c, "sqltext")}
        for table in (Source.__table__, Suggestion.__table__, Adjudication.__table__)
    }
    assert sql_in("kind", SourceKind) in constraints["source"]
    assert sql_in("status", SuggestionStatus) in constraints["suggestion"]
    assert sql_in("decision", Decision) in constraints["adjudication"]


def test_a_member_is_its_stored_text() -> None:
    assert SourceKind.FOCUS_GROUP == "focus-group" and f"{Decision.NEITHER}" == "neither"


def test_the_database_refuses_a_kind_outside_the_vocabulary(project: Project) -> None:
    insert = text(
        "INSERT INTO source (name, kind, text, content_hash, original_filename, original_format, word_count, imported_at)"
        " VALUES ('s', :kind, 't', 'h', 's.txt', 'txt', 1, CURRENT_TIMESTAMP)"
    )
    with pytest.raises(IntegrityError):
        with project.engine.begin() as connection:
            connection.execute(insert, {"kind": "podcast"})
    with project.engine.begin() as connection:
        connection.execute(insert, {"kind": SourceKind.FOCUS_GROUP})
    with project.session() as session:
        assert session.query(Source).one().kind == SourceKind.FOCUS_GROUP
