import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.conftest import table_counts
from workbench.errors import InputError
from workbench.services.codebook.codes import list_codes
from workbench.services.codebook.files import load_codebook
from workbench.store.models import Code


def test_load_builds_the_tree_and_reload_merges(project, codebook_file):
    report = load_codebook(project, codebook_file)
    assert report.added == ["bond", "bond.presence", "task", "inductive"]
    with project.session() as session:
        codes = list_codes(session)
    assert [(c.key, c.depth) for c in codes] == [("bond", 0), ("bond.presence", 1), ("task", 0), ("inductive", 0)]
    assert codes[1].path == "Bond / Presence" and codes[0].colour == "#1F77B4"
    codebook_file.write_text(codebook_file.read_text().replace("Trust and warmth", "Trust, warmth"), encoding="utf-8")
    again = load_codebook(project, codebook_file)
    assert again.updated == ["bond"] and again.added == []
    with project.session() as session:
        assert session.scalar(select(Code.definition).where(Code.key == "bond")).startswith("Trust, warmth")


def test_invalid_codebook_changes_nothing(project, codebook_file, tmp_path):
    load_codebook(project, codebook_file)
    before = table_counts(project)
    bad = tmp_path / "bad.yaml"
    bad.write_text("codebook: X\ncodes:\n  - id: a\n    name: A\n    parent: ghost\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.yaml:3: code 'a' names unknown parent 'ghost'"):
        load_codebook(project, bad)
    assert table_counts(project) == before


FIRST = """codebook: Alliance
codes:
  - id: bond
    name: Bond
    colour: "#1f77b4"
    children:
      - {id: bond.presence, name: Presence, keywords: [present]}
      - id: bond.x
        name: X
        codable: false
        children:
          - {id: bond.x.y, name: Y, example: eg}
  - {id: task, name: Task, when_to_use: always}
"""
SECOND = """codebook: Alliance
codes:
  - id: task
    name: Task renamed
    when_to_use: always
    children:
      - {id: bond.presence, name: Presence, keywords: [present]}
  - id: newtop
    name: New top
    colour: "#abc"
    children:
      - id: bond.x
        name: X
        children:
          - {id: bond.x.y, name: Y, example: eg}
      - {id: newtop.b, name: B, keywords: [k1, k2]}
  - id: bond
    name: Bond
"""


@pytest.mark.parametrize("bulk", [10_000, 2])
def test_a_reload_that_renames_moves_and_adds(project, tmp_path, monkeypatch, bulk):
    """Issue 12: codes compared as rows and added in bulk (in slices of ``bulk``) give the report, tree,
    versions and audit trail that changing each code through the ORM gave."""
    from workbench.services.codebook import codes
    from workbench.store.models import AuditEntry

    monkeypatch.setattr(codes, "_BULK", bulk)

    path = tmp_path / "book.yaml"
    path.write_text(FIRST, encoding="utf-8")
    first = load_codebook(project, path)
    assert first.added == ["bond", "bond.presence", "bond.x", "bond.x.y", "task"]
    path.write_text(SECOND, encoding="utf-8")
    project.actor = "ana"
    report = load_codebook(project, path)
    assert report.added == ["newtop", "newtop.b"]
    # values changed first, in file order; then the codes that only moved
    assert report.updated == ["task", "bond.x", "bond.x.y", "bond", "bond.presence"] and report.unchanged == []
    with project.session() as session:
        rows = session.execute(select(Code.id, Code.key, Code.parent_id, Code.position, Code.colour, Code.codable,
                                      Code.version).order_by(Code.id)).all()
        audit = session.execute(select(AuditEntry.action, AuditEntry.entity_id, AuditEntry.before, AuditEntry.after,
                                       AuditEntry.coder_id).order_by(AuditEntry.id)).all()
    key_of = {row.id: row.key for row in rows}
    assert [(r.key, key_of.get(r.parent_id), r.position, r.colour, r.codable, r.version) for r in rows] == [
        ("bond", None, 6, "#1F77B4", True, 2),
        ("task", None, 0, "#59A14F", True, 2),
        ("bond.presence", "task", 1, "#F28E2B", True, 2),
        ("bond.x", "newtop", 3, "#E15759", True, 3),  # values changed, then moved under a new code
        ("bond.x.y", "bond.x", 4, "#76B7B2", True, 2),
        ("newtop", None, 2, "#AABBCC", True, 1),
        ("newtop.b", "newtop", 5, "#EDC948", True, 1),
    ]
    ids = {key: code_id for code_id, key in key_of.items()}
    assert ids["newtop"] < ids["newtop.b"]  # numbered a level at a time, parents first
    created = {entity: after for action, entity, _, after, _ in audit if action == "create"}
    assert set(created) == set(ids.values())
    assert created[ids["newtop.b"]] == {
        "id": ids["newtop.b"], "key": "newtop.b", "name": "B", "codebook_id": 1, "parent_id": ids["newtop"],
        "origin": "deductive", "definition": None, "when_to_use": None, "when_not_to_use": None, "example": None,
        "keywords": ["k1", "k2"], "colour": "#EDC948", "codable": True, "position": 5, "created_by_id": None,
    }
    updates = [(key_of[entity], before, after) for action, entity, before, after, coder in audit if action == "update"]
    assert ("bond.x", {"parent_id": ids["bond"]}, {"parent_id": ids["newtop"]}) in updates
    assert ("task", {"name": "Task", "position": 4}, {"name": "Task renamed", "position": 0}) in updates
    # a move under a code the project already held is audited too, though nothing else of it changed
    assert ("bond.presence", {"parent_id": ids["bond"]}, {"parent_id": ids["task"]}) in updates
    second = audit[len(first.added):]
    assert len({entry.coder_id for entry in second}) == 1 and second[0].coder_id is not None  # all under ana


def test_every_move_of_a_reload_is_audited_under_its_author(project, tmp_path):
    """A reload that moves codes (under another existing parent, to the top level, under a new code)
    writes one update per moved code with its parent before and after, under the acting coder, and
    raises each moved code's version once."""
    from workbench.store.models import AuditEntry, Coder

    path = tmp_path / "book.yaml"
    path.write_text("codebook: B\ncodes:\n  - id: a\n    name: A\n    children:\n      - {id: a.one, name: One}\n"
                    "      - {id: a.two, name: Two}\n  - id: b\n    name: B\n    children:\n"
                    "      - {id: b.three, name: Three}\n", encoding="utf-8")
    load_codebook(project, path)
    with project.session() as session:
        ids = dict(session.execute(select(Code.key, Code.id)).all())
        first = session.scalar(select(func.max(AuditEntry.id)))
    path.write_text("codebook: B\ncodes:\n  - id: a\n    name: A\n  - id: b\n    name: B\n    children:\n"
                    "      - {id: a.one, name: One}\n  - {id: a.two, name: Two}\n  - id: c\n    name: C\n    children:\n"
                    "      - id: b.three\n        name: Three\n        children:\n          - {id: b.three.x, name: X}\n",
                    encoding="utf-8")
    project.actor = "ben"
    report = load_codebook(project, path)
    assert report.added == ["c", "b.three.x"] and set(report.updated) == {"a.one", "a.two", "b", "b.three"}
    with project.session() as session:
        ben = session.scalar(select(Coder.id).where(Coder.name == "ben"))
        updates = session.execute(select(AuditEntry.entity_id, AuditEntry.before, AuditEntry.after, AuditEntry.coder_id)
                                  .where(AuditEntry.id > first, AuditEntry.action == "update")).all()
        versions = dict(session.execute(select(Code.key, Code.version)).all())
        ids["c"] = session.scalar(select(Code.id).where(Code.key == "c"))
    parents = {entity: (before["parent_id"], after["parent_id"]) for entity, before, after, _ in updates
               if "parent_id" in after}
    assert parents == {ids["a.one"]: (ids["a"], ids["b"]), ids["a.two"]: (ids["a"], None),
                       ids["b.three"]: (ids["b"], ids["c"])}
    assert {coder for *_, coder in updates} == {ben}
    assert versions["a.one"] == versions["a.two"] == 2 and versions["a"] == 1


@pytest.mark.parametrize("bulk", [10_000, 1])
def test_of_two_refused_values_the_first_in_the_file_is_named(project, tmp_path, monkeypatch, bulk):
    from workbench.services.codebook import codes

    monkeypatch.setattr(codes, "_BULK", bulk)  # 1: the first code is inserted before the second is refused
    path = tmp_path / "book.yaml"
    path.write_text('codebook: X\ncodes:\n  - {id: ok, name: OK}\n  - {id: a, name: A, definition: "nul \\0 here"}\n'
                    '  - {id: b, name: ' + "N" * 300 + "}\n", encoding="utf-8")
    before = table_counts(project)
    with pytest.raises(InputError, match=r"book\.yaml: code definition holds a NUL character at position 4"):
        load_codebook(project, path)
    assert table_counts(project) == before


@given(st.lists(st.integers(min_value=-1, max_value=30), min_size=1, max_size=30), st.randoms(use_true_random=False))
def test_new_codes_are_numbered_a_level_at_a_time_in_file_order(parent_picks, rng):
    """Issue 12: add_codes numbers new codes parents first, level by level, in file order within a level,
    whether every parent comes before its children in the file (depths in one pass) or not."""
    from workbench.services.codebook.codes import _parents_first

    keys = [f"c{i}" for i in range(len(parent_picks))]
    known = {"held"}
    parents: dict[str, str | None] = {}
    for i, pick in enumerate(parent_picks):  # a forest: each code's parent is an earlier code, a held one or none
        parents[keys[i]] = None if pick < 0 or i == 0 else ("held" if pick == 0 else keys[pick % i])
    order = list(keys)
    rng.shuffle(order)  # some parents now come after their children
    for rows in ([(k,) for k in keys], [(k,) for k in order]):
        got = [key for key, _ in _parents_first(rows, parents, known)]
        expected, placed, pending = [], set(known), [row[0] for row in rows]
        while pending:  # the level-by-level rule, spelled out
            level = [k for k in pending if parents[k] is None or parents[k] in placed]
            expected += level
            placed |= set(level)
            pending = [k for k in pending if k not in placed]
        assert got == expected
