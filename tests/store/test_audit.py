"""The audit trail records who created, changed and deleted codings and codes, with before/after."""

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from workbench.services.codebook.files import load_codebook
from workbench.services.coding.session import CodingSession
from workbench.services.importing.batch import import_paths
from workbench.services.text.documents import load_document
from workbench.store.models import AuditEntry, Code, Coder


def entries(project):
    with project.session() as session:
        rows = session.execute(
            select(AuditEntry, Coder.name).outerjoin(Coder, Coder.id == AuditEntry.coder_id).order_by(AuditEntry.id)
        ).all()
        return [(e.action, e.entity_kind, e.entity_id, e.before, e.after, name) for e, name in rows]


def test_coding_actions_are_audited_with_the_coder(project, interview_file, codebook_file):
    import_paths(project, [interview_file])
    load_codebook(project, codebook_file)
    doc = load_document(project, "P01-interview")
    ana = CodingSession(project, "ana")
    coding_id = ana.apply(doc.id, "bond", 10, 20)
    ana.remove(coding_id)
    log = [e for e in entries(project) if e[1] == "coding"]
    assert [(e[0], e[2], e[5]) for e in log] == [("create", coding_id, "ana"), ("delete", coding_id, "ana")]
    assert log[0][4]["start"] == 10 and log[0][4]["end"] == 20
    assert log[1][3]["code_id"] == log[0][4]["code_id"]


def test_code_changes_keep_before_and_after(project, codebook_file):
    load_codebook(project, codebook_file)
    with project.session(actor=None, note="refined after review") as session:
        code = session.scalar(select(Code).where(Code.key == "bond"))
        code.definition = "Trust, warmth and respect."
    (update,) = [e for e in entries(project) if e[0] == "update"]
    assert update[1] == "code"
    assert update[3] == {"definition": "Trust and warmth between client and therapist."}
    assert update[4] == {"definition": "Trust, warmth and respect."}
    with project.session() as session:
        assert session.scalar(select(AuditEntry.note).where(AuditEntry.action == "update")) == "refined after review"


def test_an_actor_who_has_not_coded_yet_is_named(project, codebook_file):
    """Issue 10: ``--coder mallory codebook load`` was logged with no one; the actor is now created and named."""
    project.actor = "mallory"
    load_codebook(project, codebook_file)
    log = entries(project)
    assert log and {e[5] for e in log} == {"mallory"}
    with project.session() as session:
        assert session.scalars(select(Coder.name)).all() == ["mallory"]  # one row, however many entries


def test_blind_mode_is_stored_per_coder_and_audited(project):
    from workbench.services.project.blind import remembered_blind, set_blind

    assert set_blind(project, "ben", True) and remembered_blind(project, "ben") and not remembered_blind(project, "ana")
    assert not set_blind(project, "ben", True)  # no change, no entry
    assert set_blind(project, "ben", False) and not remembered_blind(project, "ben")
    assert [(e[0], e[1], e[3], e[4], e[5]) for e in entries(project)] == [
        ("blind", "coder", {"blind": False}, {"blind": True}, "ben"),
        ("unblind", "coder", {"blind": True}, {"blind": False}, "ben"),
    ]



VALUES = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.floats(), st.text(),
                   st.lists(st.text(), max_size=3))
ROWS = st.lists(st.fixed_dictionaries({
    "id": st.integers(), "a": VALUES, "b": VALUES, "same": st.sampled_from([st.text(), st.integers(), st.booleans()]),
    "when": st.one_of(st.none(), st.datetimes()), "words": st.lists(st.text(), max_size=3),
}), min_size=1, max_size=6)


@given(ROWS, st.data())
def test_bulk_audit_json_is_the_text_json_dumps_writes(rows, data):
    """Issue 12: a bulk-audited row's ``after`` is built column by column, yet is the very text
    ``json.dumps`` writes for the row's dict (which the ORM path stores): any text (quotes, non-ASCII,
    lone surrogates), numbers, flags, nulls, lists, dates; a column already JSON text; a column absent."""
    import json

    from workbench.store.audit import json_objects
    from workbench.store.bulk import json_strings

    kind = rows[0]["same"]
    for row in rows:  # a column of one kind throughout (text, integers or flags: the fast paths)
        row["same"] = data.draw(kind)
    columns = {name: [row[name] for row in rows] for name in ("id", "a", "b", "same", "when")}
    got = json_objects({**columns, "words": [json_strings(row["words"]) for row in rows], "gone": None}, len(rows),
                       json_text=("words",), dated=("when",))
    expected = [json.dumps({**{name: row[name] for name in ("id", "a", "b", "same")},
                            "when": row["when"] and row["when"].isoformat(), "words": row["words"], "gone": None})
                for row in rows]
    assert got == expected
