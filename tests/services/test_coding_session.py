"""Coding actions as the TUI performs them: merge, uncode, toggle, blind, undo/redo, suggestions, search."""

from __future__ import annotations

import pytest

from workbench.errors import WorkbenchError
from workbench.services.codebook.files import load_codebook
from workbench.services.coding.session import CodingSession
from workbench.services.coding.suggestions import compute_suggestions, pending_suggestions
from workbench.services.importing.batch import import_paths
from workbench.services.text.documents import load_document
from workbench.services.text.search import search


@pytest.fixture
def doc(project, interview_file, codebook_file):
    import_paths(project, [interview_file])
    load_codebook(project, codebook_file)
    return load_document(project, "P01-interview")


def spans(session, doc, code=None):
    return [(c.code_key, c.start, c.end, c.coder) for c in session.codings(doc.id) if code in (None, c.code_key)]


def test_apply_merges_overlapping_own_codings_and_undo_redo(project, doc):
    ana = CodingSession(project, "ana")
    ana.apply(doc.id, "bond", 10, 20)
    ana.apply(doc.id, "bond", 15, 30)
    assert spans(ana, doc) == [("bond", 10, 30, "ana")]
    assert ana.undo() == "code Bond"
    assert spans(ana, doc) == [("bond", 10, 20, "ana")]
    assert ana.redo() == "code Bond"
    assert spans(ana, doc) == [("bond", 10, 30, "ana")]
    assert ana.undo() and ana.undo() and ana.undo() is None
    assert spans(ana, doc) == []


def test_uncode_splits_and_toggle_flips(project, doc):
    ana = CodingSession(project, "ana")
    ana.apply(doc.id, "task", 0, 50)
    assert ana.uncode(doc.id, "task", 10, 20) == 1
    assert spans(ana, doc) == [("task", 0, 10, "ana"), ("task", 20, 50, "ana")]
    assert ana.toggle(doc.id, "task", 5, 25) is True  # not fully covered: code it
    assert spans(ana, doc) == [("task", 0, 50, "ana")]
    assert ana.toggle(doc.id, "task", 5, 25) is False  # covered: uncode it
    assert spans(ana, doc) == [("task", 0, 5, "ana"), ("task", 25, 50, "ana")]
    ana.undo()
    assert spans(ana, doc) == [("task", 0, 50, "ana")]


def test_other_coders_codings_are_separate_and_hidden_when_blind(project, doc):
    CodingSession(project, "ana").apply(doc.id, "bond", 10, 20)
    ben = CodingSession(project, "ben")
    ben.apply(doc.id, "bond", 15, 25)
    assert len(ben.codings(doc.id)) == 2
    blind = CodingSession(project, "ben", blind=True)
    assert spans(blind, doc) == [("bond", 15, 25, "ben")]
    ana_coding = next(c for c in ben.codings(doc.id) if c.coder == "ana")
    with pytest.raises(WorkbenchError, match="only your own"):
        blind.remove(ana_coding.id)


def test_memo_and_remove(project, doc):
    ana = CodingSession(project, "ana")
    coding_id = ana.apply(doc.id, "bond", 10, 20)
    ana.set_coding_memo(coding_id, "first impression")
    assert ana.codings(doc.id)[0].memo == "first impression"
    ana.undo()
    assert ana.codings(doc.id)[0].memo is None
    ana.remove(coding_id)
    assert ana.codings(doc.id) == []
    ana.undo()
    assert ana.codings(doc.id)[0].id == coding_id
    ana.set_memo("source", doc.id, "long interview, warm tone")
    assert ana.memo("source", doc.id) == "long interview, warm tone"


def test_bad_spans_and_codes_are_refused(project, doc):
    ana = CodingSession(project, "ana")
    with pytest.raises(WorkbenchError, match="past the end"):
        ana.apply(doc.id, "bond", 0, len(doc.text) + 1)
    with pytest.raises(WorkbenchError, match="no code 'ghost'"):
        ana.apply(doc.id, "ghost", 0, 5)
    assert ana.codings(doc.id) == []


def test_inductive_codes_created_on_the_fly(project, doc):
    ana = CodingSession(project, "ana")
    code = ana.create_code("Feeling judged")
    assert (code.key, code.origin, code.parent_key) == ("inductive.feeling_judged", "inductive", "inductive")
    assert ana.create_code("Feeling judged").key == "inductive.feeling_judged_2"


def test_suggestions_on_lemmas_accept_and_reject(project, doc):
    assert compute_suggestions(project, "ana") >= 3
    pending = pending_suggestions(project, "ana", doc.id)
    found = {(s.code_key, s.matched) for s in pending}
    assert ("bond", "trust") in found and ("task", "homework") in found
    assert ("bond.presence", "present") in found
    assert ("bond", "Trust") in found  # matched on the lemma whatever the case
    ana = CodingSession(project, "ana")
    trust = next(s for s in pending if s.matched == "trust")
    homework = next(s for s in pending if s.matched == "homework")
    ana.accept_suggestion(trust.id)
    ana.reject_suggestion(homework.id)
    assert spans(ana, doc) == [("bond", trust.start, trust.end, "ana")]
    compute_suggestions(project, "ana")
    again = {(s.code_key, s.start) for s in pending_suggestions(project, "ana", doc.id)}
    assert ("bond", trust.start) not in again  # coded now
    assert ("task", homework.start) not in again  # rejected: does not come back
    assert pending_suggestions(project, "ben", doc.id) == []  # per coder


def test_lemma_aware_search(doc):
    hits = search(doc.text, "frustrate")
    assert [h.text for h in hits] == ["frustrating"]
    assert [h.text for h in search(doc.text, "client")] == ["Clients"]
    assert [h.text for h in search(doc.text, "log-in")] == ["log-in"]
    assert search(doc.text, "   ") == []
