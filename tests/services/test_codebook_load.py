import pytest
from sqlalchemy import select

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
