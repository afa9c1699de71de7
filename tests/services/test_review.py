"""Review sessions on the two-coder fixture (tests/data/agreement): disagreements, decisions, undo, resume.

Regions (union of both coders' codings of a code in a source, touching joined):

    trust      s1  48-130   ana 48-130, ben 48-94          -> disagreement (ana only 94-130)
    trust      s2  31-68    identical                       -> agreed
    usability  s1  131-181  ana 131-181, ben 131-156+157-181 -> disagreement (ana only 156-157)
    usability  s2  107-173  ana 107-173, ben 107-141       -> disagreement
    contact    s1  182-215  ben only                        -> disagreement
    contact    s2  69-106   identical                       -> agreed
    contact    s2  174-219  ben only                        -> disagreement
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import writes_sent
from workbench.domain import spans
from workbench.domain.spans import Span
from workbench.errors import ConflictError, WorkbenchError
from workbench.services.agreement import disagreements, review
from workbench.services.codebook.edit import get_code
from workbench.services.codebook.files import load_codebook
from workbench.services.coding.codings_csv import import_codings_csv
from workbench.services.importing.batch import import_paths
from workbench.store.engine import Project
from workbench.store.models import Adjudication, AuditEntry, Code, Coder, Coding, Source

DATA = Path(__file__).resolve().parents[1] / "data" / "agreement"


@pytest.fixture
def project(open_project) -> Project:
    opened = open_project()
    load_codebook(opened, DATA / "codebook.yaml")
    import_paths(opened, [DATA / "s1.txt", DATA / "s2.txt"])
    import_codings_csv(opened, DATA / "codings.csv", default_coder="nobody")
    return opened


def consensus(project: Project, name: str = "consensus") -> list[tuple[str, str, int, int]]:
    with project.session() as session:
        rows = session.execute(
            select(Code.key, Source.name, Coding.start, Coding.end)
            .join(Source, Source.id == Coding.source_id).join(Code, Code.id == Coding.code_id)
            .join(Coder, Coder.id == Coding.coder_id).where(Coder.name == name)
            .order_by(Code.key, Source.name, Coding.start)
        ).all()  # fmt: skip
    return [tuple(r) for r in rows]


def test_disagreements_and_agreed_regions(project: Project) -> None:
    state = review.start_review(project, "ana", "ben", actor="lead")
    assert [(d.code, d.source, d.start, d.end) for d in state.disagreements] == [
        ("contact", "s1", 182, 215), ("contact", "s2", 174, 219), ("trust", "s1", 48, 130),
        ("usability", "s1", 131, 181), ("usability", "s2", 107, 173),
    ]  # fmt: skip
    assert (state.agreed_regions, state.seeded, state.progress()) == (2, 2, (0, 5))
    assert consensus(project) == [("contact", "s2", 69, 106), ("trust", "s2", 31, 68)]
    trust = state.disagreements[2]
    assert trust.pieces == (disagreements.Piece(48, 94, "both"), disagreements.Piece(94, 130, "first"))
    assert trust.first_spans == (Span(48, 130),) and trust.second_spans == (Span(48, 94),)
    assert trust.first_memos == ("trusted and read the diary",) and trust.speaker == "P01"
    assert trust.text.startswith("P01: I trusted") and trust.context_start == 43
    usability = state.disagreements[3]
    assert [p.kind for p in usability.pieces] == ["both", "first", "both"]
    assert usability.spans_for("intersection") == (Span(131, 156), Span(157, 181))
    # idempotent: starting again writes nothing new
    again = review.start_review(project, "ana", "ben")
    assert again.seeded == 0 and len(consensus(project)) == 2


def test_decisions_write_the_consensus_layer(project: Project) -> None:
    state = review.start_review(project, "ana", "ben", actor="lead")
    contact_s1, contact_s2, trust, usability_s1, usability_s2 = state.disagreements
    review.adjudicate(project, state, contact_s1, "neither", note="a call is not contact", actor="lead")
    review.adjudicate(project, state, contact_s2, "second", actor="lead")
    decided = review.adjudicate(project, state, trust, "intersection", note="reading is not trust", actor="lead")
    assert decided.resolved and decided.result == (Span(48, 94),) and decided.note == "reading is not trust"
    review.adjudicate(project, state, usability_s1, "union", actor="lead")
    review.adjudicate(project, state, usability_s2, "edited", spans=[(107, 160)], actor="lead")
    assert consensus(project) == [
        ("contact", "s2", 69, 106), ("contact", "s2", 174, 219), ("trust", "s1", 48, 94), ("trust", "s2", 31, 68),
        ("usability", "s1", 131, 181), ("usability", "s2", 107, 160),
    ]  # fmt: skip
    resumed = review.list_disagreements(project, "ana", "ben")
    assert resumed.progress() == (5, 5)
    assert [d.decision for d in resumed.disagreements] == ["neither", "second", "intersection", "union", "edited"]
    with project.session() as session:
        row = session.scalar(select(Adjudication).where(Adjudication.decision == "intersection"))
        assert (row.start, row.end, row.result, row.note) == (48, 130, [[48, 94]], "reading is not trust")
        assert session.get(Coder, row.decided_by_id).name == "lead"


def test_deciding_again_replaces_and_undo_takes_back(project: Project) -> None:
    state = review.start_review(project, "ana", "ben")
    trust = state.disagreements[2]
    review.adjudicate(project, state, trust, "first")
    review.adjudicate(project, state, trust, "second")
    assert ("trust", "s1", 48, 94) in consensus(project) and ("trust", "s1", 48, 130) not in consensus(project)
    with project.session() as session:
        assert len(session.scalars(select(Adjudication)).all()) == 1
    undone = review.undo_last(project, "ana", "ben")
    assert undone == review.Undone("s1", "trust", 48, 130, "second", (Span(48, 94),), None)
    assert consensus(project) == [("contact", "s2", 69, 106), ("trust", "s2", 31, 68)]
    assert review.list_disagreements(project, "ana", "ben").progress() == (0, 5)
    assert review.undo_last(project, "ana", "ben") is None


def test_stale_disagreements_and_bad_input(project: Project) -> None:
    state = review.start_review(project, "ana", "ben")
    trust = state.disagreements[2]
    with pytest.raises(WorkbenchError, match="decision must be one of"):
        review.adjudicate(project, state, trust, "maybe")
    with pytest.raises(WorkbenchError, match="past the end"):
        review.adjudicate(project, state, trust, "edited", spans=[(200, 999)])
    with project.session() as session:  # ben widens his coding: the region is not the same any more
        coding = session.scalar(select(Coding).where(Coding.start == 48, Coding.end == 94))
        coding.start = 40
    with pytest.raises(ConflictError, match="changed since"):
        review.adjudicate(project, state, trust, "first")
    with pytest.raises(WorkbenchError, match="its own coder name"):
        review.start_review(project, "ana", "ben", "ana")
    with pytest.raises(WorkbenchError, match="no coder 'zed'"):
        review.start_review(project, "ana", "zed")
    with pytest.raises(WorkbenchError, match="two different coders"):
        review.start_review(project, "ana", "ana")


def test_refining_a_definition_is_audited(project: Project) -> None:
    code = get_code(project, "trust")
    info = review.refine_code(project, "trust", expected_version=code.version, note="reading diaries is not trust",
                              actor="lead", definition="The client trusts the therapist's judgement.")  # fmt: skip
    assert info.definition == "The client trusts the therapist's judgement." and info.version == code.version + 1
    with project.session() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.entity_kind == "code", AuditEntry.action == "update"))
        assert entry.note == "reading diaries is not trust"
        assert entry.before == {"definition": "The client trusts the therapist."}
        assert entry.after == {"definition": "The client trusts the therapist's judgement."}
        assert session.get(Coder, entry.coder_id).name == "lead"
    with pytest.raises(ConflictError, match="changed by someone else"):
        review.refine_code(project, "trust", expected_version=code.version, definition="stale")
    with pytest.raises(WorkbenchError, match="only definition"):
        review.refine_code(project, "trust", expected_version=info.version, colour="#000000")


def test_moving_boundaries_by_char_and_word() -> None:
    text = "The buttons were too small to tap. Saving took ages."
    assert spans.move_boundary(text, (4, 11), "start", -1) == Span(3, 11)
    assert spans.move_boundary(text, (4, 11), "start", 1, "word") == Span(10, 11)  # kept non-empty
    assert spans.move_boundary(text, (4, 33), "end", -1, "word") == Span(4, 29)  # "to" ends at 29
    assert spans.move_boundary(text, (4, 33), "end", 1, "word") == Span(4, 41)  # "Saving" ends at 41
    assert spans.move_boundary(text, (0, 5), "start", -1, "word") == Span(0, 5)
    assert spans.next_word(text, 13, -1) == 12 and spans.next_word(text, 0, 1, "end") == 3


def test_listing_before_any_review_writes_nothing(project: Project) -> None:
    state = review.list_disagreements(project, "ana", "ben")
    assert state.progress() == (0, 5) and consensus(project) == []
    assert review.undo_last(project, "ana", "ben") is None
    with project.session() as session:
        assert session.scalar(select(Coder).where(Coder.name == "consensus")) is None


# --- one consensus per unordered pair; progress that only reads; scripted decisions (issue 10) ---------


def test_the_reverse_order_is_the_same_session(project: Project) -> None:
    state = review.start_review(project, "ana", "ben")
    trust = state.disagreements[2]
    review.adjudicate(project, state, trust, "first", note="ana's reading")  # ana's 48-130
    reverse = review.start_review(project, "ben", "ana")
    assert reverse.seeded == 0 and reverse.progress() == (1, 5)
    seen = next(d for d in reverse.disagreements if d.key == trust.key)
    assert seen.decision == "second" and seen.note == "ana's reading"  # first/second swap in the display only
    assert seen.first_spans == (Span(48, 94),)  # ben's, the first coder of this display
    review.adjudicate(project, reverse, seen, "neither")
    assert ("trust", "s1", 48, 130) not in consensus(project)  # the earlier "keep first" is gone
    with project.session() as session:
        rows = session.scalars(select(Adjudication)).all()
        assert len(rows) == 1 and rows[0].decision == "neither"
        assert session.get(Coder, rows[0].first_coder_id).name == "ana"  # stored as the session was started
    review.adjudicate(project, reverse, seen, "first")  # ben's span, through the reversed display
    assert ("trust", "s1", 48, 94) in consensus(project)
    assert review.list_disagreements(project, "ana", "ben").disagreements[2].decision == "second"
    undone = review.undo_last(project, "ben", "ana")
    assert undone is not None and undone.decision == "first"
    assert review.list_disagreements(project, "ana", "ben").progress() == (0, 5)


def test_status_reads_only(project: Project, backend: str) -> None:
    db = Path(project.url.removeprefix("sqlite:///")) if backend == "sqlite" else None  # a file to compare: SQLite's
    project.engine.dispose()
    before = db.read_bytes() if db else None
    with writes_sent() as writes:
        state = review.list_disagreements(project, "ana", "ben")
    project.engine.dispose()
    if db is not None:
        assert db.read_bytes() == before
    assert writes == []  # on either backend: not one statement that writes
    assert (state.progress(), state.agreed_regions, state.seeded) == ((0, 5), 2, 0)
    assert consensus(project) == []
    review.start_review(project, "ana", "ben")
    assert review.list_disagreements(project, "ana", "ben").seeded == 2  # held by the layer now


def test_decide_open_resolves_by_rule_and_code(project: Project) -> None:
    with pytest.raises(WorkbenchError, match="--decide must be one of"):
        review.decide_open(project, "ana", "ben", "consensus", "edited")
    with pytest.raises(WorkbenchError, match="no code 'nope'"):
        review.decide_open(project, "ana", "ben", "consensus", "union", codes=["nope"])
    assert consensus(project) == []  # refused before anything was written
    boundary = review.decide_open(project, "ana", "ben", "consensus", "union", boundary_only=True, note="rule 1",
                                  actor="lead")  # fmt: skip
    assert sorted((d.code, d.source) for d in boundary.decided) == [("trust", "s1"), ("usability", "s1"), ("usability", "s2")]
    assert boundary.state.progress() == (3, 5) and all(d.note == "rule 1" for d in boundary.decided)
    contact = review.decide_open(project, "ben", "ana", "consensus", "first", codes=["contact"])
    assert [(d.code, d.decision) for d in contact.decided] == [("contact", "first"), ("contact", "first")]
    assert ("contact", "s1", 182, 215) in consensus(project)  # ben's coding: first of "ben ana"
    assert review.list_disagreements(project, "ana", "ben").progress() == (5, 5)
    with project.session() as session:
        assert session.scalar(select(Coder.name).join(Adjudication, Adjudication.decided_by_id == Coder.id)) == "lead"
    undone = review.undo_last(project, "ana", "ben")  # undoable as on the Review screen
    assert undone is not None and undone.code == "contact" and undone.decision == "second"


def test_redo_brings_back_the_decision_with_its_note(project: Project) -> None:
    state = review.start_review(project, "ana", "ben")
    trust = state.disagreements[2]
    review.adjudicate(project, state, trust, "edited", spans=[(50, 90)], note="only the trust clause")
    undone = review.undo_last(project, "ana", "ben")
    assert undone is not None and undone.note == "only the trust clause"
    redone = review.redo(project, "ana", "ben", "consensus", undone)
    assert (redone.decision, redone.result, redone.note) == ("edited", (Span(50, 90),), "only the trust clause")
    assert review.list_disagreements(project, "ana", "ben").disagreements[2].note == "only the trust clause"


def test_an_unfinished_consensus_is_named(project: Project) -> None:
    from workbench.services.agreement.progress import consensus_warning

    with project.session() as session:
        assert consensus_warning(session, "consensus") is None
    state = review.start_review(project, "ana", "ben")
    review.adjudicate(project, state, state.disagreements[0], "first")
    with project.session() as session:
        assert consensus_warning(session, "consensus") == "consensus of ana and ben: 1 of 5 disagreements resolved"
    review.decide_open(project, "ana", "ben", "consensus", "union")
    with project.session() as session:
        assert consensus_warning(session, "consensus") is None
