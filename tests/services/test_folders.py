"""Folders: codes that only group codes (YAML ``codable: false``, REFI-QDA ``isCodable="false"``).

No new coding can use a folder — not from the Coding screen, a codings CSV,
a suggestion or a merge — while codings it already has (from an imported
project) stay.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import table_counts
from workbench.errors import InputError, WorkbenchError
from workbench.services.codebook import edit
from workbench.services.codebook.codes import list_codes
from workbench.services.codebook.files import load_codebook
from workbench.services.coding.codings_csv import import_codings_csv
from workbench.services.coding.session import CodingSession
from workbench.services.coding.suggestions import compute_suggestions, pending_suggestions
from workbench.services.importing.batch import import_paths
from workbench.services.project.sources import list_sources

CODEBOOK = """\
codebook: Alliance
codes:
  - id: alliance
    name: Working alliance
    codable: false
    keywords: [session]
    children:
      - id: alliance.bond
        name: Bond
        keywords: [trust]
"""


def codes(project) -> dict:  # type: ignore[no-untyped-def]
    with project.session() as session:
        return {code.key: code for code in list_codes(session)}


@pytest.fixture
def folder_project(project, tmp_path: Path):
    (tmp_path / "book.yaml").write_text(CODEBOOK, encoding="utf-8")
    load_codebook(project, tmp_path / "book.yaml")
    (tmp_path / "P01.txt").write_text("P01: I trust her. The session was long.\n", encoding="utf-8")
    import_paths(project, [tmp_path / "P01.txt"])
    return project


def test_the_yaml_flag_makes_a_folder_and_a_bad_value_is_a_line_error(folder_project, tmp_path: Path) -> None:
    codable = {key: code.codable for key, code in codes(folder_project).items()}
    assert codable == {"alliance": False, "alliance.bond": True}
    (tmp_path / "bad.yaml").write_text(CODEBOOK.replace("codable: false", "codable: maybe"), encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.yaml:5: codable must be true or false, not 'maybe'"):
        load_codebook(folder_project, tmp_path / "bad.yaml")


def test_no_coding_uses_a_folder_but_its_sub_codes_work(folder_project) -> None:
    session = CodingSession(folder_project, "ana")
    with folder_project.session() as s:
        (source,) = list_sources(s, "ana")
    before = table_counts(folder_project)
    with pytest.raises(WorkbenchError, match="'Working alliance' is a folder that only groups codes"):
        session.apply(source.id, "alliance", 5, 17)
    with pytest.raises(WorkbenchError, match="is a folder"):
        session.toggle(source.id, "alliance", 5, 17)
    assert table_counts(folder_project) == before
    session.apply(source.id, "alliance.bond", 5, 17)
    assert table_counts(folder_project)["coding"] == before["coding"] + 1


def test_a_codings_csv_naming_a_folder_is_refused_by_line(folder_project, tmp_path: Path) -> None:
    csv = tmp_path / "codings.csv"
    csv.write_text("source,code,start,end,coder\nP01,alliance.bond,5,17,ana\nP01,alliance,18,40,ana\n", encoding="utf-8")
    before = table_counts(folder_project)
    with pytest.raises(InputError, match=r"codings.csv:3: code 'alliance' is a folder"):
        import_codings_csv(folder_project, csv, "ana")
    assert table_counts(folder_project) == before


def test_suggestions_come_only_from_codable_codes(folder_project) -> None:
    compute_suggestions(folder_project, "ana")
    with folder_project.session() as s:
        (source,) = list_sources(s, "ana")
    assert {s.code_key for s in pending_suggestions(folder_project, "ana", source.id)} == {"alliance.bond"}


def test_making_a_code_a_folder_keeps_its_codings_and_merging_codings_into_a_folder_is_refused(folder_project) -> None:
    session = CodingSession(folder_project, "ana")
    with folder_project.session() as s:
        (source,) = list_sources(s, "ana")
    session.apply(source.id, "alliance.bond", 5, 17)
    bond = codes(folder_project)["alliance.bond"]
    edit.update_code(folder_project, "alliance.bond", expected_version=bond.version, codable=False)
    assert table_counts(folder_project)["coding"] == 1
    other = edit.create_code(folder_project, "Other", None)
    with pytest.raises(WorkbenchError, match="is a folder"):
        CodingSession(folder_project, "ana").apply(source.id, "alliance.bond", 18, 30)
    CodingSession(folder_project, "ana").apply(source.id, other.key, 18, 30)
    with pytest.raises(WorkbenchError, match="'Working alliance' is a folder that only groups codes; its codings"):
        edit.merge_codes(folder_project, other.key, "alliance")
