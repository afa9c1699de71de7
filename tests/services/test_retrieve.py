"""Retrieval of coded segments: filters, speakers and context."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from workbench.errors import NotFoundError
from workbench.services.codebook.files import load_codebook
from workbench.services.coding.codings import add_coding
from workbench.services.coding.retrieve import (
    ELLIPSIS,
    attribute_values,
    context_around,
    open_retrieval,
    retrieval_page,
    retrieve,
    source_kinds,
)
from workbench.services.importing.batch import ImportOptions, import_paths
from workbench.services.project.coders import get_or_create_coder
from workbench.store.engine import Project
from workbench.store.models import Code, Source

CODEBOOK = """\
codebook: Alliance
codes:
  - id: bond
    name: Bond
    colour: "#1f77b4"
    children:
      - id: bond.trust
        name: Trust
  - id: goals
    name: Goals
"""

P01 = """\
Interviewer: How did it go?
P01: I trusted my therapist from the start.
Interviewer: And the goals?
P01: The goals were clear to me.
"""

P02 = """\
Interviewer: How did it go?
P02: Honestly I did not trust the app.
"""

GROUP = """\
Moderator: Tell us about the goals.
P01: We agreed on goals together.
P02: I trusted the group.
"""

ATTRIBUTES = "participant,gender,role\nP01,female,nurse\nP02,male,doctor\n"


@pytest.fixture
def project(open_project, tmp_path: Path) -> Project:
    project = open_project()
    (tmp_path / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    load_codebook(project, tmp_path / "codebook.yaml")
    for name, text in (("P01", P01), ("P02", P02), ("group", GROUP)):
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    (tmp_path / "people.csv").write_text(ATTRIBUTES, encoding="utf-8")
    import_paths(project, [tmp_path / "P01.txt", tmp_path / "P02.txt"], ImportOptions(kind="interview"))
    import_paths(project, [tmp_path / "group.txt"], ImportOptions(kind="focus-group"), attributes=tmp_path / "people.csv")
    code("P01", "bond.trust", "I trusted my therapist", "ana", project)
    code("P01", "goals", "The goals were clear", "ana", project)
    code("P01", "goals", "And the goals?", "ben", project)
    code("P02", "bond", "I did not trust the app", "ben", project)
    code("group", "goals", "We agreed on goals together.", "ana", project)
    code("group", "bond.trust", "I trusted the group.", "ana", project)
    return project


def code(source_name: str, code_key: str, phrase: str, coder: str, project: Project) -> None:
    with project.session() as session:
        source = session.scalar(select(Source).where(Source.name == source_name))
        start = source.text.index(phrase)
        add_coding(
            session, source=source, code=session.scalar(select(Code).where(Code.key == code_key)),
            coder=get_or_create_coder(session, coder), start=start, end=start + len(phrase),
        )


def texts(rows) -> list[str]:
    return [r.text for r in rows]


def test_retrieve_returns_rows_with_speaker_participant_and_context(project: Project) -> None:
    rows = retrieve(project, ["goals"])
    assert [(r.source, r.text) for r in rows] == [
        ("group", "We agreed on goals together."),
        ("P01", "And the goals?"),
        ("P01", "The goals were clear"),
    ]
    first, second = rows[1], rows[2]
    assert (first.speaker, first.participant, first.coder) == ("Interviewer", None, "ben")
    assert (second.speaker, second.participant, second.kind) == ("P01", "P01", "interview")
    assert (second.code_key, second.code_name) == ("goals", "Goals")
    assert second.before == P01[: P01.index("The goals")]  # whole lines, all within 150 characters
    assert second.after == " to me."


def test_retrieve_includes_sub_codes_unless_told_not_to(project: Project) -> None:
    assert texts(retrieve(project, ["bond"])) == [
        "I trusted the group.", "I trusted my therapist", "I did not trust the app",
    ]
    assert texts(retrieve(project, ["bond"], include_children=False)) == ["I did not trust the app"]
    assert texts(retrieve(project, ["bond.trust", "goals"], coder="ana")) == [
        "We agreed on goals together.", "I trusted the group.", "I trusted my therapist", "The goals were clear",
    ]


def test_retrieve_filters_by_participant_attribute(project: Project) -> None:
    female = retrieve(project, ["bond", "goals"], attribute_filter={"gender": "Female"})
    assert {r.participant for r in female} == {"P01"}
    assert texts(female) == ["We agreed on goals together.", "I trusted my therapist", "The goals were clear"]
    both = retrieve(project, ["bond"], attribute_filter={"role": ["nurse", "doctor"], "gender": "male"})
    assert texts(both) == ["I trusted the group.", "I did not trust the app"]
    assert retrieve(project, ["bond"], attribute_filter={"gender": "other"}) == []


def test_retrieve_filters_by_source_kind(project: Project) -> None:
    rows = retrieve(project, ["bond", "goals"], source_kinds=["focus-group"])
    assert {r.source for r in rows} == {"group"} and len(rows) == 2


def test_retrieve_with_no_codes_is_empty_and_unknown_codes_are_refused(project: Project) -> None:
    assert retrieve(project, []) == []
    with pytest.raises(NotFoundError, match="no code 'nope'"):
        retrieve(project, ["nope"])


def _pile_up(project: Project) -> None:
    """More codings: the same spans coded with other codes and by other coders (ties on position)."""
    for coder in ("ana", "ben", "cy"):
        for key in ("bond", "bond.trust", "goals"):
            code("P01", key, "I trusted my therapist", coder, project)
            code("group", key, "We agreed on goals together.", coder, project)
        code("P02", "bond.trust", "Honestly", coder, project)


def _reference(rows) -> list:
    return sorted(rows, key=lambda r: (r.source.lower(), r.source, r.start, r.end, r.code_key, r.coder, r.coding_id))


@pytest.mark.parametrize("filters", [{}, {"coder": "ben"}, {"attribute_filter": {"gender": "female"}},
                                     {"source_kinds": ["interview"]}, {"include_children": False}])
def test_pages_of_a_retrieval_add_up_to_the_whole_in_order(project: Project, filters: dict) -> None:
    _pile_up(project)
    whole = retrieve(project, ["bond", "goals"], **filters)
    assert whole == _reference(whole) and len({r.coding_id for r in whole}) == len(whole)
    retrieval = open_retrieval(project, ["bond", "goals"], **filters)
    assert retrieval.total == len(whole) and retrieval.source_count == len({r.source for r in whole})
    assert [(s.name, s.count) for s in retrieval.sources] == sorted(
        {(r.source, sum(x.source == r.source for x in whole)) for r in whole}, key=lambda item: (item[0].lower(), item[0]))
    for size in (1, 2, 3, 5, 7):
        pages = [retrieval_page(project, retrieval, offset, size) for offset in range(0, retrieval.total, size)]
        assert [row for page in pages for row in page] == whole
    assert retrieval_page(project, retrieval, retrieval.total, 5) == []


def test_a_filtered_retrieval_reads_its_codings_in_chunks(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.services.coding import retrieve as service

    _pile_up(project)
    whole = retrieve(project, ["bond", "goals"], attribute_filter={"gender": "female"})
    monkeypatch.setattr(service, "IDS_PER_QUERY", 2)
    assert len(whole) > 4 and retrieve(project, ["bond", "goals"], attribute_filter={"gender": "female"}) == whole


def test_a_retrieval_counts_only_the_coder_and_participants_asked_for(project: Project) -> None:
    _pile_up(project)
    assert open_retrieval(project, ["bond"], coder="nobody").total == 0
    assert open_retrieval(project, []).total == 0
    female = open_retrieval(project, ["bond", "goals"], attribute_filter={"gender": "female"})
    assert female.coding_ids is not None and len(female.coding_ids) == female.total
    rows = retrieval_page(project, female, 0, female.total)
    assert {r.participant for r in rows} == {"P01"}
    everyone = retrieve(project, ["bond", "goals"])
    assert [r.coding_id for r in rows] == [r.coding_id for r in everyone if r.participant == "P01"]


def test_filter_pickers_list_attribute_values_and_kinds(project: Project) -> None:
    assert attribute_values(project) == {"gender": ["female", "male"], "role": ["doctor", "nurse"]}
    assert source_kinds(project) == ["focus-group", "interview"]


def test_context_is_cut_at_line_boundaries() -> None:
    text = "first line\n" + "x" * 200 + "\nthird line with the code in it\nfourth\n" + "y" * 300
    start = text.index("code")
    before, after = context_around(text, start, start + 4)
    assert before == "third line with the "  # the 200-character line is too far back
    assert after == " in it\nfourth"  # the 300-character line would overshoot
    long = "word " * 100
    before, after = context_around(long, 250, 254, width=20)
    assert before.startswith(ELLIPSIS) and len(before) <= 21 and after.endswith(ELLIPSIS)


@given(st.text(alphabet="ab \n", max_size=400), st.data())
def test_context_stays_near_the_segment(text: str, data: st.DataObject) -> None:
    if len(text) < 1:
        return
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    before, after = context_around(text, start, end, width=50)
    assert text[:start].endswith(before.removeprefix(ELLIPSIS))
    assert text[end:].startswith(after.removesuffix(ELLIPSIS))
    assert len(before) <= 51 and len(after) <= 51
