"""Handouts and merging them back: blind by construction, every coding exactly once, ours kept, conflicts audited.

Runs on SQLite and, with ``$WORKBENCH_TEST_PG_URL``, with the project on PostgreSQL (a handout is always a file).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from tests.conftest import table_counts
from tests.services.handout_builders import (
    GROUP,
    INTERVIEW,
    OTHER,
    SECRET,
    build,
    codings,
    count,
    memos,
    source_id,
    span,
)
from workbench.errors import WorkbenchError
from workbench.services.agreement.compute import compute_agreement
from workbench.services.agreement.review import list_disagreements
from workbench.services.coding.session import CodingSession
from workbench.services.handout.create import TABLES, make_handout
from workbench.services.handout.identity import (
    handout_opens_blind,
    handout_origin,
    project_id,
)
from workbench.services.handout.merge import merge_file
from workbench.store.engine import Project
from workbench.store.models import (
    Adjudication,
    AuditEntry,
    Base,
    Code,
    Coder,
    Coding,
    Memo,
    Source,
    Suggestion,
    Theme,
)


@pytest.fixture
def study(project: Project, tmp_path: Path) -> Project:
    project.actor = "lead"
    return build(project, tmp_path)


@pytest.fixture
def handout(study: Project, tmp_path: Path):  # type: ignore[no-untyped-def]
    out = tmp_path / "handout-ana.db"
    make_handout(study, out, "ana")
    opened = Project.open(str(out), create=False)
    opened.actor = "ana"
    yield out, opened
    opened.close()


def test_every_table_has_a_handout_rule():
    assert set(TABLES) == set(Base.metadata.tables)


def test_a_handout_holds_no_other_coders_data(study, handout):
    out, ho = handout
    assert codings(ho) == codings(study, "ana")
    assert memos(ho) == memos(study, "ana")
    with ho.session() as session:
        assert list(session.scalars(select(Coder.name))) == ["ana"]
        assert session.scalars(select(Code.created_by_id).where(Code.created_by_id.is_not(None))).all() == []
    for model in (Suggestion, AuditEntry, Adjudication, Theme):
        assert count(ho, model) == 0, model
    assert count(ho, Source) == 2 and count(ho, Code) == count(study, Code)
    ho.close()
    raw = out.read_bytes()
    assert SECRET.encode() not in raw and OTHER.encode() not in raw  # not even in a free page


def test_a_handout_remembers_its_origin_and_opens_blind_for_its_coder(study, handout):
    _, ho = handout
    with study.session() as session:
        ours = project_id(session)
    with ho.session() as session:
        origin = handout_origin(session)
    assert origin is not None and origin.coder == "ana" and origin.project_id == ours and origin.made_at is not None
    assert handout_opens_blind(ho, "ana") and not handout_opens_blind(ho, "ben") and not handout_opens_blind(study, "ana")


def test_a_handout_of_named_sources_with_themes(study, tmp_path):
    out = tmp_path / "fg.db"
    report = make_handout(study, out, "ana", ["FG1-focus-group"], with_themes=True)
    ho = Project.open(str(out), create=False)
    assert report.sources == 1 and report.themes == 1 and report.codings == 1
    assert [c[0] for c in codings(ho)] == ["FG1-focus-group"]
    assert [m for m in memos(ho) if m[0] == "source"] == []  # ana's memo is on the interview, not handed out
    assert count(ho, Theme) == 1
    ho.close()


def test_a_handout_for_a_new_coder_and_refusals(study, tmp_path):
    report = make_handout(study, tmp_path / "new.db", "carla")
    assert report.codings == 0 and report.sources == 2
    with pytest.raises(WorkbenchError, match="already exists"):
        make_handout(study, tmp_path / "new.db", "carla")
    with pytest.raises(WorkbenchError, match="no source"):
        make_handout(study, tmp_path / "x.db", "carla", ["nope"])
    assert not (tmp_path / "x.db").exists() and not list(tmp_path.glob(".x.db.*"))


def code_in_handout(ho: Project) -> dict:
    """What ana does in her handout: codings, a coding memo, a new inductive code, memos."""
    ana = CodingSession(ho, "ana")
    interview, group = source_id(ho, "P01-interview"), source_id(ho, "FG1-focus-group")
    ana.apply(interview, "task", *span(INTERVIEW, "The homework modules were short."))
    memo_on = ana.apply(interview, "bond.presence", *span(INTERVIEW, "I felt she was present even between sessions."))
    ana.set_coding_memo(memo_on, "ana: presence between sessions")
    new = ana.create_code("Annoying reminders")
    ana.apply(group, new.key, *span(GROUP, "Honestly the reminders were annoying."))
    ana.set_memo("source", group, "ana: the group was lively")
    ana.set_memo("code", new.id, "ana: why this code")
    return {"new_code": new.key}


def test_round_trip_brings_every_coding_memo_and_new_code_exactly_once(study, handout):
    _, ho = handout
    made = code_in_handout(ho)
    theirs_codings, theirs_memos = codings(ho), memos(ho)
    others_before = codings(study, OTHER), memos(study, OTHER)
    report = merge_file(study, handout[0])
    assert codings(study, "ana") == theirs_codings
    assert memos(study, "ana") == theirs_memos
    assert (codings(study, OTHER), memos(study, OTHER)) == others_before
    assert report.layers[0].coder == "ana" and report.layers[0].codings_added == 3
    assert report.layers[0].codings_present == 2 and report.layers[0].memos_added == 2
    assert report.codes_added == ("Inductive codes / Annoying reminders",) and not report.conflicts
    with study.session() as session:
        code = session.scalar(select(Code).where(Code.key == made["new_code"]))
        assert code.origin == "inductive" and code.parent.key == "inductive"
        assert session.scalar(select(Coder.name).where(Coder.id == code.created_by_id)) == "ana"
        created = session.scalars(select(AuditEntry).where(AuditEntry.entity_kind == "coding", AuditEntry.action == "create",
                                                           AuditEntry.note == "merge of handout-ana.db")).all()
        assert len(created) == 3 and {e.coder_id for e in created} == {session.scalar(select(Coder.id).where(Coder.name == "lead"))}
        assert {e.after["id"] for e in created} <= set(session.scalars(select(Coding.id)))
    before = table_counts(study)
    again = merge_file(study, handout[0])
    assert table_counts(study) == before and not again.changed
    assert again.layers[0].codings_present == 5


def test_dry_run_changes_nothing_and_says_what_would_happen(study, handout):
    code_in_handout(handout[1])
    before = table_counts(study)
    report = merge_file(study, handout[0], dry_run=True)
    assert report.dry_run and report.codings_added == 3 and len(report.codes_added) == 1
    assert table_counts(study) == before
    assert "would merge (dry run, nothing changed)" in report.lines()[0]


def test_conflicting_codes_are_kept_as_ours_listed_and_audited(study, handout):
    _, ho = handout
    with ho.session() as session:
        session.execute(update(Code).where(Code.key == "bond").values(definition="Anything warm."))
        session.execute(update(Code).where(Code.key == "task").values(name="Homework"))
    with study.session() as session:
        ours = {c.key: (c.name, c.definition) for c in session.scalars(select(Code))}
    report = merge_file(study, handout[0])
    with study.session() as session:
        assert {c.key: (c.name, c.definition) for c in session.scalars(select(Code))} == ours
        audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "conflict")).all()
    conflicts = {c.code_key: c for c in report.conflicts}
    assert set(conflicts) == {"bond", "task"}
    assert conflicts["bond"].fields == ("definition",) and dict(conflicts["bond"].theirs)["definition"] == "Anything warm."
    assert conflicts["task"].fields == ("name",) and dict(conflicts["task"].ours)["name"] == "Task"
    assert sorted((e.entity_kind, e.after.get("name")) for e in audited) == [("code", "Bond"), ("code", "Homework")]
    text = "\n".join(report.lines())
    assert "'Anything warm.'" in text and "kept ours" in text
    before = table_counts(study)
    again = merge_file(study, handout[0])  # still listed, not audited twice: merging twice changes nothing
    assert len(again.conflicts) == 2 and table_counts(study) == before


def test_memos_edited_in_the_handout_replace_ours_unless_we_changed_them_too(study, handout):
    _, ho = handout
    ana_ho = CodingSession(ho, "ana")
    interview = source_id(ho, "P01-interview")
    ana_ho.set_memo("source", interview, "ana: a clear interview, revised")
    report = merge_file(study, handout[0])
    assert report.layers[0].memos_updated == 1 and not report.conflicts
    assert ("source", "ana", "ana: a clear interview, revised") in memos(study, "ana")
    CodingSession(study, "ana").set_memo("source", source_id(study, "P01-interview"), "ana: changed here too")
    ana_ho.set_memo("source", interview, "ana: and again there")
    report = merge_file(study, handout[0])
    assert [c.kind for c in report.conflicts] == ["memo"]
    assert ("source", "ana", "ana: changed here too") in memos(study, "ana")


def test_several_memos_of_one_coder_on_one_target_all_arrive_and_none_is_a_conflict_with_another(study, handout):
    """A file may hold several memos of a coder about one thing (REFI-QDA notes do): with none of ours there,
    each arrives once; the second is not compared with the first as if that were ours."""
    out, ho = handout
    with ho.session() as session:
        ana = session.scalar(select(Coder.id).where(Coder.name == "ana"))
        group = session.scalar(select(Source.id).where(Source.name == "FG1-focus-group"))
        session.add_all([Memo(target_kind="source", target_id=group, coder_id=ana, text="ana: first thought"),
                         Memo(target_kind="source", target_id=group, coder_id=ana, text="ana: second thought")])
    assert ("source", "ana", "ana: first thought") not in memos(study, "ana")
    report = merge_file(study, out)
    assert not report.conflicts
    assert {("source", "ana", "ana: first thought"), ("source", "ana", "ana: second thought")} <= set(memos(study, "ana"))
    before = table_counts(study)
    merge_file(study, out)  # merging twice adds nothing
    assert table_counts(study) == before


def test_another_coder_in_the_handout_is_reported_not_merged_unless_named(study, handout):
    _, ho = handout
    CodingSession(ho, "bob").apply(source_id(ho, "P01-interview"), "task", 0, 11)
    report = merge_file(study, handout[0])
    assert report.not_merged == (("bob", 1),) and codings(study, "bob") == []
    report = merge_file(study, handout[0], coder="bob")
    assert [layer.coder for layer in report.layers] == ["bob"] and len(codings(study, "bob")) == 1


def test_sources_are_matched_by_text_and_unknown_ones_skipped_or_added(study, handout, tmp_path):
    _, ho = handout
    with ho.session() as session:
        session.execute(update(Source).where(Source.name == "P01-interview").values(name="renamed by ana"))
    from workbench.services.importing.batch import ImportOptions, import_paths

    (tmp_path / "P04-interview.txt").write_text("Interviewer: Hello?\nP04: The app helped me plan my week.\n", encoding="utf-8")
    import_paths(ho, [tmp_path / "P04-interview.txt"], ImportOptions(processes=1))
    CodingSession(ho, "ana").apply(source_id(ho, "P04-interview"), "task", 24, 37)
    report = merge_file(study, handout[0])
    assert report.sources_matched == 2 and report.sources_skipped == ("P04-interview",)
    assert report.skipped == (("codings on skipped sources", 1),)
    report = merge_file(study, handout[0], add_sources=True)
    assert report.sources_added == ("P04-interview",) and report.codings_added == 1
    assert ("P04-interview", "task", "ana", 24, 37, None) in codings(study, "ana")


def test_agreement_and_review_work_on_the_merged_layers(study, handout):
    _, ho = handout
    code_in_handout(ho)
    merge_file(study, handout[0])
    report = compute_agreement(study, ["ana", OTHER], resamples=0)
    assert report.coders == ("ana", OTHER)
    bond = next(c for c in report.codes if c.code == "bond")
    assert bond.kappa is not None and 0 < bond.kappa < 1  # ana coded more of the sentence than zebedee
    state = list_disagreements(study, "ana", OTHER)
    assert any(d.code == "bond" for d in state.disagreements), state.disagreements


def test_a_doctored_handout_cannot_misplace_codings(study, handout):
    """Hand-edited files: a source claiming another text's hash, codings past the end of the text."""
    _, ho = handout
    with ho.session() as session:
        interview = session.scalar(select(Source).where(Source.name == "P01-interview"))
        interview.text = interview.text.replace("homework", "HOMEWORK")  # the stored hash now lies
        group = session.scalar(select(Source.id).where(Source.name == "FG1-focus-group"))
        task = session.scalar(select(Code.id).where(Code.key == "task"))
        ana = session.scalar(select(Coder.id).where(Coder.name == "ana"))
        session.add(Coding(source_id=group, code_id=task, coder_id=ana, start=5, end=10_000))
    before = codings(study)
    report = merge_file(study, handout[0])
    assert report.sources_skipped == ("P01-interview",) and report.sources_matched == 1
    assert dict(report.skipped) == {"codings on skipped sources": 1, "codings outside their source's text": 1,
                                    "source memos whose source is not here": 1}
    assert codings(study) == before


def test_our_own_edits_since_the_handout_are_no_conflict(study, handout):
    from workbench.services.codebook import edit

    with study.session() as session:
        version = session.scalar(select(Code.version).where(Code.key == "task"))
    edit.rename_code(study, "task", "Homework and tasks", expected_version=version)
    report = merge_file(study, handout[0])
    assert not report.conflicts
    with study.session() as session:
        assert session.scalar(select(Code.name).where(Code.key == "task")) == "Homework and tasks"


def test_a_handout_exported_to_qdpx_merges_as_the_same_layer(study, handout, tmp_path):
    """ana takes her handout to another tool (.qdpx) and back: the same codings, once, whichever file is merged."""
    from workbench.interop.qdpx_export import export_project

    _, ho = handout
    code_in_handout(ho)
    export_project(ho, tmp_path / "ana.qdpx")
    report = merge_file(study, tmp_path / "ana.qdpx")
    assert report.kind == "REFI-QDA" and [layer.coder for layer in report.layers] == ["ana"]
    assert report.codes_added == ("Inductive codes / Annoying reminders",) and not report.conflicts
    assert [row[:5] for row in codings(study, "ana")] == [row[:5] for row in codings(ho)]
    before = table_counts(study)
    assert merge_file(study, handout[0]).codings_added == 0
    assert table_counts(study) == before
