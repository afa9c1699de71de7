"""Roll-ups: per-theme counts, by kind and attribute, presence and code matrices, dimension cross-tabs, per layer."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_themes import THEME_MAP, make_project

from workbench.errors import NotFoundError, WorkbenchError
from workbench.services.export.tables import export_table
from workbench.services.themes import rollups
from workbench.services.themes.theme_map import load_theme_map
from workbench.store.engine import Project


@pytest.fixture
def project(open_project, tmp_path: Path) -> Project:
    project = make_project(open_project(), tmp_path)
    (tmp_path / "themes.yaml").write_text(THEME_MAP, encoding="utf-8")
    load_theme_map(project, tmp_path / "themes.yaml")
    return project


def test_summary_counts_codings_sources_and_distinct_participants(project):
    frame = rollups.theme_summary(project, coder="ana")
    assert list(frame.index) == ["F1", "B1", "N1"]
    assert frame.loc["F1", ["codings", "sources", "participants"]].tolist() == [5, 3, 2]
    # P01 and Zoë speak in an interview and in the focus group: 2 + 2 by kind, but 2 in all
    assert frame.loc["F1", ["participants: interview", "participants: focus-group"]].tolist() == [2, 2]
    assert frame.loc["B1", ["codings", "sources", "participants"]].tolist() == [3, 3, 3]
    assert frame.loc["B1", "dimensions"] == "Usability; Task"
    assert frame.loc["N1", ["type", "category", "codes"]].tolist() == ["neutral", "", "task.homework"]


def test_layers_count_only_their_codings(project):
    assert rollups.theme_summary(project, coder="ben")["codings"].tolist() == [1, 1, 0]
    assert rollups.theme_summary(project, consensus=True)["codings"].tolist() == [1, 0, 0]
    assert rollups.theme_summary(project)["codings"].tolist() == [1, 0, 0]  # the consensus layer by default
    with pytest.raises(NotFoundError):
        rollups.theme_summary(project, coder="nobody")


def test_by_kind_and_by_attribute(project):
    kinds = rollups.theme_by_kind(project, coder="ana", measure="sources")
    assert kinds.loc["F1"].to_dict() == {"interview": 2, "focus-group": 1}
    attribute = rollups.theme_by_attribute(project, "role", coder="ana")
    assert list(attribute.columns) == ["supervisor", "therapist"]
    assert attribute.loc["B1"].tolist() == [1, 2] and attribute.loc["N1"].tolist() == [0, 1]
    with pytest.raises(NotFoundError, match="no participant attribute 'age'.*role"):
        rollups.theme_by_attribute(project, "age", coder="ana")
    with pytest.raises(WorkbenchError, match="measure"):
        rollups.theme_by_kind(project, coder="ana", measure="words")


def test_presence_matrix(project):
    presence = rollups.presence_matrix(project, coder="ana")
    assert list(presence.columns) == ["P01", "P02", "Zoë"]
    assert presence.values.tolist() == [[1, 0, 1], [1, 1, 1], [1, 0, 0]]
    assert rollups.presence_matrix(project, coder="ana", counts=True).loc["F1"].tolist() == [3, 0, 2]


def test_code_theme_matrix_marks_membership(project):
    matrix = rollups.code_theme_matrix(project, coder="ana")
    assert list(matrix.index) == ["bond.trust", "task.homework", "usability.access", "inductive.time"]
    assert matrix.loc["bond.trust", "F1"] == 3 and matrix.loc["inductive.time", "F1"] == 2
    assert pd.isna(matrix.loc["bond.trust", "B1"])
    assert rollups.code_theme_matrix(project, coder="ben").loc["task.homework", "N1"] == 0


def test_dimension_crosstabs(project):
    by_theme = rollups.dimension_theme_crosstab(project, coder="ana")
    assert list(by_theme.index) == ["Bond", "Task", "Usability"]
    assert by_theme.to_dict() == {"F1": {"Bond": 1, "Task": 0, "Usability": 0},
                                  "B1": {"Bond": 0, "Task": 1, "Usability": 1},
                                  "N1": {"Bond": 0, "Task": 1, "Usability": 0}}
    by_type = rollups.dimension_theme_crosstab(project, coder="ana", by="type")
    assert by_type.loc["Task"].to_dict() == {"facilitator": 0, "barrier": 1, "neutral": 1}


def test_tables_export_as_csv_and_excel(project, tmp_path):
    summary = export_table(project, tmp_path / "themes.csv", "themes", coder="ana")
    assert (summary.rows, summary.layer) == (3, "ana")
    lines = (tmp_path / "themes.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("label,name,type,category,dimensions,codes,codings,sources,participants")
    export_table(project, tmp_path / "matrix.csv", "matrix", coder="ana")
    assert (tmp_path / "matrix.csv").read_text(encoding="utf-8").splitlines()[0] == "theme,P01,P02,Zoë"
    pytest.importorskip("openpyxl")
    export_table(project, tmp_path / "codes.xlsx", "codes", coder="ana")
    sheet = pd.read_excel(tmp_path / "codes.xlsx", index_col=0)
    assert sheet.loc["bond.trust", "F1"] == 3 and pd.isna(sheet.loc["bond.trust", "B1"])


def test_table_errors_write_nothing(project, tmp_path):
    with pytest.raises(WorkbenchError, match="must end in .csv or .xlsx"):
        export_table(project, tmp_path / "t.txt", coder="ana")
    with pytest.raises(WorkbenchError, match="does not exist"):
        export_table(project, tmp_path / "missing" / "t.csv", coder="ana")
    with pytest.raises(NotFoundError):
        export_table(project, tmp_path / "t.csv", coder="zed")
    assert not list(tmp_path.glob("t.*")) and not list(tmp_path.glob(".t.*"))
