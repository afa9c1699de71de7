"""Codebook exchange (.qdc): import with merging, export, round trip."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from tests.conftest import table_counts
from tests.interop.builders import DATA
from tests.interop.refi_checks import check_qdc
from workbench.errors import InputError, WorkbenchError
from workbench.interop import import_refi
from workbench.interop.qdc_export import export_codebook
from workbench.services.codebook.codes import list_codes
from workbench.services.codebook.files import load_codebook
from workbench.store.models import Code, Theme


def _codes(project):
    with project.session() as session:
        return {c.path: c for c in list_codes(session)}


def test_hierarchy_colours_folders_and_tolerated_variants(project):
    report = import_refi(project, DATA / "codebook_variants.qdc")
    codes = _codes(project)
    assert set(codes) == {"Feelings", "Feelings / Joy", "Feelings / Anger", "Places"}
    assert codes["Feelings / Joy"].colour == "#FF00AA"  # #RGB expanded
    assert codes["Feelings / Anger"].colour == "#CC0000"
    assert codes["Feelings / Joy"].definition == "Happiness, delight"
    assert codes["Feelings / Joy"].key == "feelings.joy"
    assert report.folders == 1 and len(report.codes_added) == 4
    assert any("rgb(1,2,3)" in w for w in report.warnings)  # a bad colour is replaced, and said so
    assert codes["Places"].colour and codes["Places"].colour.startswith("#")


def test_reimport_matches_by_guid_and_a_renamed_code_is_renamed(project, tmp_path):
    import_refi(project, DATA / "codebook_variants.qdc")
    again = import_refi(project, DATA / "codebook_variants.qdc")
    assert again.codes_added == () and len(again.codes_matched) == 4
    assert all("(by GUID)" in m for m in again.codes_matched)
    edited = tmp_path / "edited.qdc"
    edited.write_text((DATA / "codebook_variants.qdc").read_text().replace('name="Joy"', 'name="Delight"'))
    report = import_refi(project, edited)
    assert report.codes_renamed == ("'Joy' → 'Delight' (same GUID)",)
    assert "Feelings / Delight" in _codes(project)


def test_merge_by_name_into_an_existing_codebook(project, codebook_file):
    load_codebook(project, codebook_file)  # YAML: Bond, Bond / Presence, Task, Inductive codes
    before = _codes(project)
    qdc = codebook_file.with_name("other-tool.qdc")
    qdc.write_text(
        (DATA / "codebook_sets.qdc").read_text().replace('name="Trust"', 'name="task"').replace(
            'name="Joy" color="#46AA00"', 'name="Joy"'
        )
    )
    report = import_refi(project, qdc)
    assert report.codes_added == ("Joy",)
    assert report.codes_matched == ("Task (by name)",)  # case-insensitive, same (root) parent
    after = _codes(project)
    assert after["Task"].key == before["Task"].key and after["Task"].name == "Task"  # kept: key, name, place
    assert after["Task"].definition == before["Task"].definition  # a name match only fills gaps
    again = import_refi(project, qdc)  # the added code's GUID was remembered; the name match stays one
    assert again.codes_matched == ("Joy (by GUID)", "Task (by name)") and again.codes_renamed == ()


def test_sets_become_themes_and_match_again(project):
    report = import_refi(project, DATA / "codebook_sets.qdc")
    assert len(report.themes_added) == 1
    with project.session() as session:
        theme = session.scalars(select(Theme)).one()
        assert theme.name == "Positive" and sorted(c.name for c in theme.codes) == ["Joy", "Trust"]
        assert theme.theme_type.name == "code group"
    again = import_refi(project, DATA / "codebook_sets.qdc")
    assert again.themes_added == () and len(again.themes_matched) == 1


def test_dangling_set_member_is_refused_and_nothing_changes(project):
    before = table_counts(project)
    with pytest.raises(InputError, match=r"dangling_member\.qdc:7: .*dangling GUID"):
        import_refi(project, DATA / "dangling_member.qdc")
    assert table_counts(project) == before


@pytest.mark.parametrize("name", ["xxe.qdc", "billion_laughs.qdc"])
def test_entity_tricks_are_refused_and_nothing_changes(project, name):
    before = table_counts(project)
    with pytest.raises(InputError, match="refused"):
        import_refi(project, DATA / name)
    assert table_counts(project) == before


def test_not_a_codebook(project, tmp_path):
    wrong = tmp_path / "wrong.qdc"
    shutil.copy(DATA / "full_project.qde", wrong)
    with pytest.raises(InputError, match="not a REFI-QDA codebook.*<Project>"):
        import_refi(project, wrong)


def test_export_is_strict_and_round_trips_our_fields(open_project, project, codebook_file, tmp_path):
    load_codebook(project, codebook_file)
    import_refi(project, DATA / "codebook_variants.qdc")  # adds a folder
    out = tmp_path / "book.qdc"
    report = export_codebook(project, out)
    assert report.codes == 8
    assert check_qdc(out) == []
    text = out.read_text(encoding="utf-8")
    assert 'isCodable="false"' in text and "urn:QDA-XML:codebook:1.0" in text
    assert export_codebook(project, tmp_path / "again.qdc") and (tmp_path / "again.qdc").read_bytes() == out.read_bytes()

    fresh = open_project("fresh")
    import_refi(fresh, out)
    mine, theirs = _codes(project), _codes(fresh)
    fields = ("key", "name", "parent_key", "definition", "when_to_use", "when_not_to_use", "example", "keywords", "colour")
    assert {p: tuple(getattr(c, f) for f in fields) for p, c in mine.items()} == {
        p: tuple(getattr(c, f) for f in fields) for p, c in theirs.items()
    }
    again = import_refi(fresh, out)  # the same file twice: everything matches, nothing renamed
    assert again.codes_added == () and again.codes_renamed == ()


def test_export_refuses_an_empty_codebook_and_a_wrong_suffix(project, tmp_path):
    with pytest.raises(WorkbenchError, match="no codes"):
        export_codebook(project, tmp_path / "empty.qdc")
    with pytest.raises(WorkbenchError, match="must end in .qdc"):
        export_codebook(project, tmp_path / "book.xml")
    with project.session() as session:
        assert session.scalars(select(Code)).first() is None
