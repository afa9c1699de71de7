"""Codebook editing: every operation checked against the database afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from workbench.errors import ConflictError, NotFoundError, WorkbenchError
from workbench.services.codebook import edit
from workbench.services.codebook.files import load_codebook
from workbench.services.coding.codings import add_coding
from workbench.services.importing.batch import import_paths
from workbench.services.project.coders import get_or_create_coder
from workbench.store.engine import Project
from workbench.store.models import Code, Coding, Memo, Source

CODEBOOK = """\
codebook: Alliance
codes:
  - id: bond
    name: Bond
    colour: "#1f77b4"
    children:
      - id: bond.trust
        name: Trust
        definition: The client trusts the therapist.
        keywords: [trust]
      - id: bond.warmth
        name: Warmth
  - id: goals
    name: Goals
    children:
      - id: goals.clear
        name: Clear goals
  - id: task
    name: Task
"""

TRANSCRIPT = """\
Interviewer: How did it go?
P01: I trusted my therapist from the start.
Interviewer: And the goals?
P01: The goals were clear to me.
"""


@pytest.fixture
def project(open_project, tmp_path: Path) -> Project:
    project = open_project()
    (tmp_path / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    load_codebook(project, tmp_path / "codebook.yaml")
    (tmp_path / "P01.txt").write_text(TRANSCRIPT, encoding="utf-8")
    assert not import_paths(project, [tmp_path / "P01.txt"]).failed
    return project


def code_at(project: Project, code_key: str, phrase: str, coder: str = "ana", memo: str | None = None) -> int:
    """Code the first occurrence of ``phrase``; returns the coding id."""
    with project.session() as session:
        source = session.scalars(select(Source)).one()
        code = session.scalar(select(Code).where(Code.key == code_key))
        start = source.text.index(phrase)
        coding = add_coding(
            session, source=source, code=code, coder=get_or_create_coder(session, coder),
            start=start, end=start + len(phrase), memo=memo,
        )
        return coding.id


def codings(project: Project) -> list[tuple[str, str, int, int, str | None]]:
    with project.session() as session:
        rows = session.scalars(select(Coding).order_by(Coding.start, Coding.id)).all()
        return [(c.code.key, c.coder.name, c.start, c.end, c.memo) for c in rows]


def stored(project: Project, key: str) -> Code | None:
    with project.session() as session:
        return session.scalar(select(Code).where(Code.key == key))


def parent_of(project: Project, key: str) -> str | None:
    with project.session() as session:
        code = session.scalar(select(Code).where(Code.key == key))
        return code.parent.key if code.parent else None


def test_update_code_writes_every_field_and_bumps_the_version(project: Project) -> None:
    before = edit.get_code(project, "bond.trust")
    after = edit.update_code(
        project, "bond.trust", expected_version=before.version,
        name="Trust in therapist", definition="  Trust.  ", when_to_use="Client says so",
        when_not_to_use="", example="I trust her", keywords=["trust", " faith ", "Trust"], colour="#abc",
    )
    assert after.version == before.version + 1
    code = stored(project, "bond.trust")
    assert (code.name, code.definition, code.when_to_use, code.when_not_to_use, code.example) == (
        "Trust in therapist", "Trust.", "Client says so", None, "I trust her",
    )
    assert code.keywords == ["trust", "faith"]
    assert code.colour == "#AABBCC"


def test_update_code_leaves_fields_not_given(project: Project) -> None:
    version = edit.get_code(project, "bond.trust").version
    edit.update_code(project, "bond.trust", expected_version=version, example="Example")
    code = stored(project, "bond.trust")
    assert code.definition == "The client trusts the therapist." and code.example == "Example"


def test_update_code_with_a_stale_version_raises_conflict_and_changes_nothing(project: Project) -> None:
    read = edit.get_code(project, "bond.trust")
    edit.update_code(project, "bond.trust", expected_version=read.version, definition="First writer")
    with pytest.raises(ConflictError, match="changed by someone else; reload and try again"):
        edit.update_code(project, "bond.trust", expected_version=read.version, definition="Second writer")
    assert stored(project, "bond.trust").definition == "First writer"


@pytest.mark.parametrize("colour", ["red", "#12345", "#GGGGGG"])
def test_update_code_refuses_a_bad_colour(project: Project, colour: str) -> None:
    version = edit.get_code(project, "bond").version
    with pytest.raises(WorkbenchError, match="#RRGGBB"):
        edit.update_code(project, "bond", expected_version=version, colour=colour)
    assert stored(project, "bond").colour == "#1F77B4"


def test_update_code_refuses_an_empty_name_or_a_sibling_name(project: Project) -> None:
    version = edit.get_code(project, "bond.trust").version
    with pytest.raises(WorkbenchError, match="needs a name"):
        edit.update_code(project, "bond.trust", expected_version=version, name="  ")
    with pytest.raises(WorkbenchError, match="already a code named 'Warmth'"):
        edit.update_code(project, "bond.trust", expected_version=version, name="warmth")


def test_create_code_under_a_parent_derives_key_origin_and_position(project: Project) -> None:
    info = edit.create_code(project, "Feels judged", "bond", coder="ana", definition="Fear of judgement")
    assert info.key == "bond.feels_judged" and info.parent_key == "bond" and info.origin == "deductive"
    assert info.definition == "Fear of judgement" and info.colour
    assert [c.key for c in edit.all_codes(project) if c.parent_key == "bond"][-1] == "bond.feels_judged"
    again = edit.create_code(project, "Feels judged!", "goals")
    assert again.key == "goals.feels_judged"


def test_create_code_at_the_top_level_is_inductive_and_keys_stay_unique(project: Project) -> None:
    first = edit.create_code(project, "Usability")
    assert (first.key, first.parent_key, first.origin) == ("usability", None, "inductive")
    with pytest.raises(WorkbenchError, match="already a code named"):
        edit.create_code(project, "usability")
    under = edit.create_code(project, "Bond", "task")
    assert under.key == "task.bond"


def test_rename_keeps_the_key(project: Project) -> None:
    edit.rename_code(project, "task", "Tasks")
    assert stored(project, "task").name == "Tasks"
    with pytest.raises(WorkbenchError, match="already a code named 'Goals'"):
        edit.rename_code(project, "task", "goals")


def test_move_code_changes_the_parent_and_refuses_a_cycle(project: Project) -> None:
    edit.move_code(project, "bond.warmth", "goals")
    assert parent_of(project, "bond.warmth") == "goals"
    edit.move_code(project, "bond.warmth", None)
    assert parent_of(project, "bond.warmth") is None
    with pytest.raises(WorkbenchError, match="under itself"):
        edit.move_code(project, "bond", "bond")
    with pytest.raises(WorkbenchError, match="own sub-code 'Trust'"):
        edit.move_code(project, "bond", "bond.trust")
    assert parent_of(project, "bond") is None and parent_of(project, "bond.trust") == "bond"


def test_move_code_with_a_stale_version_conflicts(project: Project) -> None:
    version = edit.get_code(project, "task").version
    edit.rename_code(project, "task", "Tasks")
    with pytest.raises(ConflictError):
        edit.move_code(project, "task", "bond", expected_version=version)
    assert parent_of(project, "task") is None


def test_merge_moves_codings_collapses_duplicates_and_deletes_the_source(project: Project) -> None:
    code_at(project, "goals.clear", "The goals were clear", memo="clear")
    code_at(project, "goals", "The goals were clear", memo="goals")  # same coder and span: collapses
    code_at(project, "goals.clear", "The goals were clear", coder="ben")  # another coder: moves
    code_at(project, "goals.clear", "goals?")
    source_id, target_id = stored(project, "goals.clear").id, stored(project, "goals").id
    with project.session() as session:
        session.add(Memo(target_kind="code", target_id=source_id, coder_id=1, text="note"))
    report = edit.merge_codes(project, "goals.clear", "goals")
    assert (report.codings_moved, report.codings_collapsed) == (2, 1)
    assert stored(project, "goals.clear") is None
    assert sorted(codings(project)) == sorted(
        [
            ("goals", "ana", *span(project, "goals?"), None),
            ("goals", "ana", *span(project, "The goals were clear"), "goals\n\nclear"),
            ("goals", "ben", *span(project, "The goals were clear"), None),
        ]
    )
    with project.session() as session:
        assert session.scalars(select(Memo.target_id)).all() == [target_id]


def test_merge_moves_children_and_renames_clashes(project: Project) -> None:
    edit.create_code(project, "Trust", "goals")
    report = edit.merge_codes(project, "bond", "goals")
    assert set(report.children_moved) == {"bond.trust", "bond.warmth"}
    assert report.children_renamed == ("bond.trust",)
    assert parent_of(project, "bond.trust") == "goals" and parent_of(project, "bond.warmth") == "goals"
    assert stored(project, "bond.trust").name == "Trust (from Bond)"
    assert stored(project, "bond") is None


def test_merge_refuses_itself_and_its_own_descendant(project: Project) -> None:
    with pytest.raises(WorkbenchError, match="into itself"):
        edit.merge_codes(project, "bond", "bond")
    with pytest.raises(WorkbenchError, match="own sub-code"):
        edit.merge_codes(project, "bond", "bond.trust")
    edit.merge_codes(project, "bond.trust", "bond")  # into its parent is fine
    assert stored(project, "bond.trust") is None


def test_delete_code_removes_its_codings(project: Project) -> None:
    code_at(project, "task", "The goals were clear")
    code_at(project, "goals", "The goals were clear")
    assert edit.codings_count(project, "task") == 1
    report = edit.delete_code(project, "task")
    assert report == edit.DeleteReport(("task",), 1)
    assert stored(project, "task") is None
    assert [c[0] for c in codings(project)] == ["goals"]


def test_delete_code_with_children_needs_cascade(project: Project) -> None:
    code_at(project, "bond.trust", "I trusted my therapist")
    code_at(project, "bond", "from the start")
    assert edit.codings_count(project, "bond") == 1
    assert edit.codings_count(project, "bond", include_children=True) == 2
    with pytest.raises(WorkbenchError, match="2 sub-code"):
        edit.delete_code(project, "bond")
    assert len(codings(project)) == 2
    report = edit.delete_code(project, "bond", cascade=True)
    assert set(report.deleted_keys) == {"bond", "bond.trust", "bond.warmth"} and report.codings_deleted == 2
    assert codings(project) == [] and stored(project, "bond.trust") is None


def test_unknown_codes_are_not_found(project: Project) -> None:
    with pytest.raises(NotFoundError):
        edit.delete_code(project, "nope")
    with pytest.raises(NotFoundError):
        edit.create_code(project, "X", "nope")


def test_all_codes_counts_one_coder_in_blind_mode(project: Project) -> None:
    code_at(project, "task", "goals?", coder="ana")
    code_at(project, "task", "goals?", coder="ben")
    counts = {c.key: c.codings for c in edit.all_codes(project)}
    blind = {c.key: c.codings for c in edit.all_codes(project, coder="ana")}
    assert (counts["task"], blind["task"]) == (2, 1)


def span(project: Project, phrase: str) -> tuple[int, int]:
    with project.session() as session:
        start = session.scalars(select(Source)).one().text.index(phrase)
    return start, start + len(phrase)


def test_every_way_of_making_a_code_follows_the_same_rules(project) -> None:  # noqa: F811
    """The Codebook form, an inductive code from the picker and a YAML codebook make codes through add_code:
    the key from the name under the parent, made unique; last among siblings; the palette colour of that place."""
    from workbench.domain.codebook import default_colour
    from workbench.services.codebook.codes import create_inductive_code

    made = edit.create_code(project, "Feeling judged")
    with project.session() as session:
        picked = create_inductive_code(session, "Feeling judged")
        picked_key, picked_position, picked_colour = picked.key, picked.position, picked.colour
        root = session.scalar(select(Code).where(Code.key == "inductive"))
        under_root = [c.position for c in session.scalars(select(Code).where(Code.parent_id == root.id))]
    assert made.key == "feeling_judged" and picked_key == "inductive.feeling_judged"
    assert picked_position == max(under_root) and picked_colour == default_colour(picked_position)
    again = edit.create_code(project, "Feeling judged!", parent_key=None)
    assert again.key == "feeling_judged_2"
