"""Themes: typology, labels, codes, dimensions, exemplars, and the YAML theme map (load, errors, round trip).

:func:`make_project` fills the small project the roll-up and Word export tests use too
(on SQLite, and on PostgreSQL with ``$WORKBENCH_TEST_PG_URL``: tests/conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from sqlalchemy import func, select

from workbench.errors import ConflictError, InputError, NotFoundError, WorkbenchError
from workbench.services.codebook.files import load_codebook
from workbench.services.coding.codings import add_coding
from workbench.services.importing.batch import ImportOptions, import_paths
from workbench.services.project.coders import get_or_create_coder
from workbench.services.themes import categories as theme_categories
from workbench.services.themes import edit as themes
from workbench.services.themes.rollups import resolve_layer, theme_segments
from workbench.services.themes.theme_map import export_theme_map, find_quote, load_theme_map
from workbench.store.engine import Project
from workbench.store.models import Base, Code, Coding, Exemplar, Source, Theme

CODEBOOK = """\
codebook: Alliance — test
description: A tiny codebook for the theme tests.
codes:
  - id: bond
    name: Bond
    definition: The affective bond.
    when_to_use: Warmth, trust, closeness.
    children:
      - id: bond.trust
        name: Trust
        example: “I trust her with anything.”
  - id: task
    name: Task
    children:
      - id: task.homework
        name: Homework
  - id: usability
    name: Usability
    children:
      - id: usability.access
        name: Access
  - id: inductive
    name: Inductive codes
    origin: inductive
    children:
      - id: inductive.time
        name: Time between sessions
"""

P01 = """\
Interviewer: How was it?
P01: I trust my therapist completely. It’s “like she’s always there”, even at night.
Interviewer: And the homework?
P01: The homework fits my week; I do it at night when the house is quiet.
Interviewer: Anything else?
P01: The log-in never worked on my phone, so I gave up on the app for a while.
"""

LONG = " ".join(
    f"Renée told me about week {n}, when the “thought record” felt like a chore and the café was shut, "
    f"so she wrote it on the bus instead."
    for n in range(1, 13)
)

ZOE = f"""\
Interviewer: Tell me about the time between sessions.
Zoë: Honestly, between sessions I felt held — José’s messages made “the gap” feel shorter. {LONG}
Interviewer: And logging in?
Zoë: The password rules were absurd; I was locked out for a week.
"""

GROUP = """\
Moderator: What helped?
P01: Knowing someone reads the diary. I trust that.
Zoë: The messages at night. I trust them too.
P02: Nothing, the app kept logging me out and I never got back in.
"""

ATTRIBUTES = "participant,role\nP01,therapist\nZoë,supervisor\nP02,therapist\n"

# (source, code, phrase, coder)
CODINGS = [
    ("P01-interview", "bond.trust", "I trust my therapist completely.", "ana"),
    ("P01-interview", "inductive.time", "It’s “like she’s always there”, even at night.", "ana"),
    ("P01-interview", "task.homework", "The homework fits my week; I do it at night when the house is quiet.", "ana"),
    ("P01-interview", "usability.access", "The log-in never worked on my phone, so I gave up on the app for a while.", "ana"),
    ("Zoë-interview", "inductive.time", f"Honestly, between sessions I felt held — José’s messages made “the gap” feel shorter. {LONG}", "ana"),
    ("Zoë-interview", "usability.access", "The password rules were absurd; I was locked out for a week.", "ana"),
    ("group", "bond.trust", "Knowing someone reads the diary. I trust that.", "ana"),
    ("group", "bond.trust", "The messages at night. I trust them too.", "ana"),
    ("group", "usability.access", "Nothing, the app kept logging me out and I never got back in.", "ana"),
    ("P01-interview", "bond.trust", "I trust my therapist completely.", "ben"),
    ("group", "usability.access", "Nothing, the app kept logging me out and I never got back in.", "ben"),
    ("P01-interview", "bond.trust", "I trust my therapist completely.", "consensus"),
]


def make_project(project: Project, folder: Path) -> Project:
    """Three sources (two interviews, one focus group), three participants, codings of ana, ben and consensus."""
    (folder / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    load_codebook(project, folder / "codebook.yaml")
    for name, text in (("P01-interview", P01), ("Zoë-interview", ZOE), ("group", GROUP)):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / "people.csv").write_text(ATTRIBUTES, encoding="utf-8")
    import_paths(project, [folder / "P01-interview.txt", folder / "Zoë-interview.txt"], ImportOptions(kind="interview"), folder / "people.csv")
    import_paths(project, [folder / "group.txt"], ImportOptions(kind="focus-group"))
    with project.session() as session:
        for source_name, key, phrase, coder in CODINGS:
            source = session.scalar(select(Source).where(Source.name == source_name))
            start = source.text.index(phrase)
            add_coding(session, source=source, code=session.scalar(select(Code).where(Code.key == key)),
                       coder=get_or_create_coder(session, coder), start=start, end=start + len(phrase))
    return project


THEME_MAP = """\
theme_map: Test themes
coder: ana
typology:
  - {name: facilitator, prefix: F}
  - {name: barrier, prefix: B}
  - {name: neutral, prefix: N}
categories:
  - name: Contact
    description: Presence and its limits.
  - name: Technology
themes:
  - label: F1
    name: Feeling held
    type: facilitator
    category: Contact
    description: Someone is there between sessions.
    codes: [bond.trust, inductive.time]
    exemplars:
      - source: P01-interview
        quote: "It's \\"like she's always there\\", even  at night."
      - source: group
        quote: I trust them too.
  - label: B1
    name: Locked out
    type: barrier
    category: Technology
    codes: [usability.access]
    dimensions: [usability, task]
  - label: N1
    name: Homework at night
    type: N
    codes: [task.homework]
"""


@pytest.fixture
def project(open_project, tmp_path: Path) -> Project:
    return make_project(open_project(), tmp_path)


def counts(project: Project) -> dict[str, int]:
    with project.session() as session:
        return {name: session.scalar(select(func.count()).select_from(table)) or 0 for name, table in Base.metadata.tables.items()}


def write(tmp_path: Path, text: str, name: str = "themes.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# The service ------------------------------------------------------------------------------------


def test_labels_follow_the_typology_and_a_type_change_relabels(project):
    assert [t.name for t in theme_categories.list_types(project)] == ["facilitator", "barrier"]
    first = themes.create_theme(project, "Feeling held", codes=["bond.trust"])
    second = themes.create_theme(project, "Locked out", "barrier")
    third = themes.create_theme(project, "Night work", "facilitator")
    assert (first.label, second.label, third.label) == ("F1", "B1", "F2")
    moved = themes.set_theme_type(project, "F2", "barrier")
    assert moved.label == "B2" and moved.type == "barrier"
    theme_categories.add_type(project, "neutral", "N")
    assert themes.create_theme(project, "Mixed", "neutral").label == "N1"
    with pytest.raises(WorkbenchError, match="prefix 'N' is taken"):
        theme_categories.add_type(project, "other", "N")


def test_dimensions_derive_from_top_level_codes_and_can_be_overridden(project):
    theme = themes.create_theme(project, "Held", codes=["inductive.time", "bond.trust", "task.homework"])
    assert theme.derived_dimensions == ("bond", "task")  # codebook order; the inductive code gives none
    assert theme.codes == ("bond.trust", "task.homework", "inductive.time")
    overridden = themes.update_theme(project, "F1", dimensions=["Usability"], expected_version=theme.version)
    assert overridden.dimensions == ("usability",) and overridden.overridden
    reset = themes.update_theme(project, "F1", dimensions=None)
    assert reset.dimensions == ("bond", "task") and not reset.overridden
    with pytest.raises(WorkbenchError, match="not a dimension"):
        themes.update_theme(project, "F1", dimensions=["inductive"])


def test_a_stale_version_is_refused(project):
    theme = themes.create_theme(project, "Held")
    themes.update_theme(project, "F1", name="Held between sessions", expected_version=theme.version)
    with pytest.raises(ConflictError):
        themes.update_theme(project, "F1", description="late edit", expected_version=theme.version)


def test_codes_toggle_and_one_code_serves_several_themes(project):
    themes.create_theme(project, "A", codes=["bond.trust"])
    themes.create_theme(project, "B", "barrier", codes=["bond.trust"])
    assert themes.toggle_theme_code(project, "F1", "usability.access") is True
    assert themes.toggle_theme_code(project, "F1", "bond.trust") is False
    listed = {t.label: t.codes for t in themes.list_themes(project)}
    assert listed == {"F1": ("usability.access",), "B1": ("bond.trust",)}
    with pytest.raises(NotFoundError):
        themes.toggle_theme_code(project, "F1", "bond.missing")


def test_categories_order_and_pair_themes(project):
    theme_categories.create_category(project, "Contact")
    theme_categories.create_category(project, "Technology")
    themes.create_theme(project, "Locked out", "barrier", category="Technology")
    themes.create_theme(project, "Held", category="Contact")
    themes.create_theme(project, "Distance", "barrier", category="Contact")
    themes.create_theme(project, "Loose")
    assert [(t.label, t.category) for t in themes.list_themes(project)] == [
        ("F1", "Contact"), ("B2", "Contact"), ("B1", "Technology"), ("F2", None)]
    themes.move_theme(project, "B2", -1)
    theme_categories.move_category(project, "Technology", -1)
    assert [t.label for t in themes.list_themes(project)] == ["B1", "B2", "F1", "F2"]
    theme_categories.delete_category(project, "Technology")
    assert themes.get_theme(project, "B1").category is None


def test_exemplars_star_and_unstar_and_delete_keeps_codings(project):
    themes.create_theme(project, "Held", codes=["bond.trust"])
    segments = theme_segments(project, "F1", coder="ana")
    assert [(s.source, s.participant) for s in segments] == [("group", "P01"), ("group", "Zoë"), ("P01-interview", "P01")]
    assert themes.toggle_exemplar(project, "F1", segments[1].coding_id) is True
    assert [s.starred for s in theme_segments(project, "F1", coder="ana")] == [False, True, False]
    assert themes.toggle_exemplar(project, "F1", segments[1].coding_id) is False
    themes.toggle_exemplar(project, "F1", segments[0].coding_id)
    before = counts(project)["coding"]
    themes.delete_theme(project, "F1")
    after = counts(project)
    assert after["coding"] == before and after["theme"] == 0 and after["exemplar"] == 0


def test_layers_resolve_to_a_coder_or_the_consensus(project):
    with project.session() as session:
        assert resolve_layer(session).name == "consensus"  # there is a consensus layer: it is the default
        assert resolve_layer(session, "ben").name == "ben"
        assert resolve_layer(session, consensus=True).consensus
        with pytest.raises(NotFoundError, match="no coder 'zed'.*ana, ben, consensus"):
            resolve_layer(session, "zed")
        with pytest.raises(WorkbenchError, match="either --coder NAME or --consensus"):
            resolve_layer(session, "ana", consensus=True)
        session.query(Coding).filter(Coding.coder_id == resolve_layer(session, consensus=True).coder_id).delete()
        with pytest.raises(WorkbenchError, match=r"several coders \(ana, ben\)"):
            resolve_layer(session)


# The theme map ---------------------------------------------------------------------------------


def test_find_quote_ignores_quote_styles_dashes_and_spacing():
    text = "She said “it’s fine” — then,\n  nothing."
    assert find_quote(text, "said \"it's fine\" - then, nothing.") == [(4, len(text))]
    assert find_quote(text, "absent") == []


@given(st.text(alphabet="ab ’'“\"—-\n", min_size=1, max_size=40), st.data())
def test_every_quote_is_found_where_it_stands(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = text[start:end]
    assume(quote.strip())
    typed = quote.translate({ord("’"): "'", ord("“"): '"', ord("—"): "-"})  # as someone types it in YAML
    expected = (start + len(quote) - len(quote.lstrip()), end - (len(quote) - len(quote.rstrip())))
    assert expected in find_quote(text, typed)


def test_load_applies_typology_categories_themes_codes_and_exemplars(project, tmp_path):
    report = load_theme_map(project, write(tmp_path, THEME_MAP))
    assert report.added == ["F1", "B1", "N1"] and report.exemplars == 2 and report.categories == 2
    listed = {t.label: t for t in themes.list_themes(project)}
    assert [t.name for t in theme_categories.list_types(project)] == ["facilitator", "barrier", "neutral"]
    assert listed["F1"].category == "Contact" and listed["F1"].codes == ("bond.trust", "inductive.time")
    assert listed["B1"].dimensions == ("usability", "task") and listed["B1"].overridden
    assert listed["N1"].type == "neutral" and listed["N1"].category is None
    with project.session() as session:
        rows = session.execute(
            select(Exemplar.start, Exemplar.end, Coding.start, Coding.end, Source.text)
            .join(Coding, Coding.id == Exemplar.coding_id).join(Source, Source.id == Coding.source_id)
            .order_by(Exemplar.position)
        ).all()
    assert rows[0][0] is None  # the whole coding: not trimmed
    start, end, _, coding_end, text = rows[1]
    assert text[start:end] == "I trust them too." and end == coding_end  # trimmed at the start only


def test_export_round_trips_into_a_fresh_project(project, open_project, tmp_path):
    load_theme_map(project, write(tmp_path, THEME_MAP))
    themes.toggle_exemplar(project, "B1", theme_segments(project, "B1", coder="ben")[0].coding_id)
    out = tmp_path / "out" / "map.yaml"
    out.parent.mkdir()
    assert export_theme_map(project, out) == 3
    fresh_folder = tmp_path / "fresh"
    fresh_folder.mkdir()
    fresh = make_project(open_project("fresh"), fresh_folder)
    report = load_theme_map(fresh, out)
    assert report.added == ["F1", "B1", "N1"] and report.exemplars == 3

    def snapshot(p: Project):
        return [(t.label, t.name, t.type, t.category, t.codes, t.dimensions, t.overridden, t.exemplars) for t in themes.list_themes(p)]

    assert snapshot(fresh) == snapshot(project)
    assert [s.text for s in theme_segments(fresh, "B1") if s.starred] == [s.text for s in theme_segments(project, "B1") if s.starred]
    again = load_theme_map(project, out)
    assert again.added == [] and again.updated == []


def test_a_missing_code_names_its_line_and_changes_nothing(project, tmp_path):
    load_theme_map(project, write(tmp_path, THEME_MAP))
    before = counts(project)
    broken = THEME_MAP.replace("codes: [usability.access]", "codes: [usability.acces]").replace("name: Feeling held", "name: Renamed")
    with pytest.raises(InputError) as caught:
        load_theme_map(project, write(tmp_path, broken, "broken.yaml"))
    line = broken.splitlines().index("    codes: [usability.acces]") + 1
    assert caught.value.line == line
    assert "theme B1 names code 'usability.acces'" in str(caught.value) and "nothing was loaded" in str(caught.value)
    assert str(caught.value).startswith(f"{tmp_path / 'broken.yaml'}:{line}: ")
    assert counts(project) == before
    assert themes.get_theme(project, "F1").name == "Feeling held"


@pytest.mark.parametrize(
    "change, message",
    [
        (("    type: N\n", "    type: mystery\n"), "type 'mystery', not in the typology"),
        (("category: Technology\n", "category: Nowhere\n"), "names category 'Nowhere'"),
        (("quote: I trust them too.", "quote: Words nobody said."), "quote not found in group"),
        (("source: group", "source: P02-interview"), "no source 'P02-interview'"),
        (("coder: ana\n", "coder: zed\n"), "no coder 'zed'"),
        (("dimensions: [usability, task]", "dimensions: [usability, inductive]"), "'inductive' is not a dimension"),
        (("  - label: N1", "  - label: F1"), "theme 'F1' is given twice"),
        (("    name: Locked out\n", "    nmae: Locked out\n"), "unknown key 'nmae' in a theme"),
        (("    codes: [task.homework]\n", "    codes: [task.homework\n"), "YAML syntax error"),
    ],
)
def test_bad_theme_maps_are_refused_with_a_line(project, tmp_path, change, message):
    before = counts(project)
    with pytest.raises(InputError, match=message) as caught:
        load_theme_map(project, write(tmp_path, THEME_MAP.replace(*change)))
    assert caught.value.line is not None
    assert counts(project) == before


def test_a_quote_outside_the_themes_codes_is_refused(project, tmp_path):
    text = THEME_MAP.replace("quote: I trust them too.", "quote: Nothing, the app kept logging me out")
    with pytest.raises(InputError, match="no coding of ana with a code of theme F1 contains the quote"):
        load_theme_map(project, write(tmp_path, text))


def test_replace_removes_what_the_file_does_not_have(project, tmp_path):
    load_theme_map(project, write(tmp_path, THEME_MAP))
    themes.create_theme(project, "Extra", category="Contact")
    theme_categories.create_category(project, "Leftover")
    report = load_theme_map(project, write(tmp_path, THEME_MAP), replace=True)
    assert report.removed == ["F2"]
    assert [c.name for c in theme_categories.list_categories(project)] == ["Contact", "Technology"]
    with project.session() as session:
        assert session.scalar(select(func.count()).select_from(Theme)) == 3


def test_a_flat_codebook_gives_no_dimensions(open_project, tmp_path):
    """Issue 10: a code with no parent contributes no dimension (it used to be its own)."""
    flat = open_project("flat")
    (tmp_path / "flat.yaml").write_text(
        "codebook: Flat\ncodes:\n  - id: time\n    name: Time\n  - id: contact\n    name: Contact\n"
        "  - id: bond\n    name: Bond\n    children:\n      - id: bond.trust\n        name: Trust\n",
        encoding="utf-8",
    )
    load_codebook(flat, tmp_path / "flat.yaml")
    theme = themes.create_theme(flat, "Time", codes=["time", "contact"])
    assert theme.dimensions == () and theme.derived_dimensions == ()
    assert [d.key for d in themes.list_dimensions(flat)] == ["bond"]
    mixed = themes.create_theme(flat, "Held", codes=["bond", "bond.trust", "time"])
    assert mixed.dimensions == ("bond",)  # from bond.trust; bond itself, at the top, gives none
    with pytest.raises(WorkbenchError, match="not a dimension"):
        themes.update_theme(flat, "F1", dimensions=["time"])
    flat.close()
