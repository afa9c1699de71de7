"""Table 1 against figures computed by hand; Word, CSV and Excel; declared types; hostile values."""

from __future__ import annotations

import pytest

from tests.paper.builders import SourceSpec, build
from workbench.errors import InputError, WorkbenchError
from workbench.services.paper.participants_export import export_participants
from workbench.services.paper.participants_table import participants_table
from workbench.services.project.participants import read_attributes_csv

# P1, P2 interview only; P3, P5 focus group only; P4 both; P6 listed but heard nowhere.
SOURCES = [
    SourceSpec("I1", "interview", ["P1"]), SourceSpec("I2", "interview", ["P2"]), SourceSpec("I4", "interview", ["P4"]),
    SourceSpec("FG1", "focus-group", ["P3", "P4", "P5"]),
]
ATTRIBUTES = {
    "P1": {"age": "30", "gender": "f"}, "P2": {"age": "40", "gender": "m"}, "P3": {"age": "50", "gender": "f"},
    "P4": {"age": "20", "site": "=HYPERLINK(\"http://x\")"}, "P5": {"gender": "m"}, "P6": {"age": "99", "gender": "f"},
}
# By hand. age: all 30, 40, 50, 20 → mean 35.0, SD √(500/3) = 12.9, range 20–50, 1 of 5 missing;
# interview only 30, 40 → 35.0 (7.1); focus group only 50 (P5 missing) → 50.0 (—); both 20 → 20.0 (—).
EXPECTED = {
    "Age, mean (SD)": ["35.0 (12.9)", "35.0 (7.1)", "50.0 (—)", "20.0 (—)"],
    "Range": ["20–50", "30–40", "50–50", "20–20"],
    "Missing, n (%)": ["1 (20.0)", "0 (0.0)", "1 (50.0)", "0 (0.0)"],
    "f": ["2 (40.0)", "1 (50.0)", "1 (50.0)", "0 (0.0)"],
    "m": ["2 (40.0)", "1 (50.0)", "1 (50.0)", "0 (0.0)"],
}


@pytest.fixture
def study(project):
    build(project, SOURCES, ATTRIBUTES)
    return project


def all_text(paragraph) -> str:
    """A paragraph's text with its fields (the caption's SEQ number)."""
    return "".join(t.text or "" for t in paragraph._p.iter() if t.tag.endswith("}t"))


def rows_of(table):
    return {(row.characteristic, row.label): list(row.cells) for row in table.rows}


def test_by_kind_against_the_hand_computed_table(study):
    table = participants_table(study)
    assert [c.header for c in table.columns] == [
        "All participants (N = 5)", "Interview only (N = 2)", "Focus group only (N = 2)", "Both (N = 1)",
    ]
    rows = rows_of(table)
    assert rows["age", "Age, mean (SD)"] == EXPECTED["Age, mean (SD)"]
    assert rows["age", "Range"] == EXPECTED["Range"] and rows["age", "Missing, n (%)"] == EXPECTED["Missing, n (%)"]
    assert rows["gender", "f"] == EXPECTED["f"] and rows["gender", "m"] == EXPECTED["m"]
    assert rows["gender", "(missing)"] == ["1 (20.0)", "0 (0.0)", "0 (0.0)", "1 (100.0)"]
    assert [r.label for r in table.rows if r.characteristic == "gender"] == ["Gender, n (%)", "f", "m", "(missing)"]
    assert table.left_out == ("P6",) and "P6" in table.note
    numbers = {r.label: r.values for r in table.rows if r.characteristic == "age"}
    assert numbers["Range"][0] == {"n": 4, "mean": 35.0, "sd": pytest.approx(12.90994, abs=1e-5), "min": 20.0, "max": 50.0}


def test_by_attribute_and_declared_types(study, tmp_path):
    table = participants_table(study, by="gender")
    assert [c.header for c in table.columns] == [
        "All participants (N = 5)", "Gender: f (N = 2)", "Gender: m (N = 2)", "Gender: (missing) (N = 1)",
    ]
    assert rows_of(table)["age", "Age, mean (SD)"] == ["35.0 (12.9)", "40.0 (14.1)", "40.0 (—)", "20.0 (—)"]
    assert not any(r.characteristic == "gender" for r in table.rows)
    types = tmp_path / "types.yaml"
    types.write_text("age:\n  type: categorical\n  label: Age (years)\n  levels: ['50', '20']\ngender: categorical\n", encoding="utf-8")
    declared = participants_table(study, types_file=types)
    age = [r.label for r in declared.rows if r.characteristic == "age"]
    assert age == ["Age (years), n (%)", "50", "20", "30", "40", "(missing)"]  # declared levels first, then by number
    assert declared.characteristics[0].key == "age"  # the file's order first
    with pytest.raises(WorkbenchError, match="--by 'colour'"):
        participants_table(study, by="colour")
    types.write_text("age: ordinal\n", encoding="utf-8")
    with pytest.raises(InputError, match="numeric or categorical"):
        participants_table(study, types_file=types)
    types.write_text("gender: numeric\n", encoding="utf-8")
    with pytest.raises(WorkbenchError, match="declared numeric but has the value 'f'"):
        participants_table(study, types_file=types)


def test_types_declared_in_the_attributes_csv_header(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("participant,age:categorical,years : numeric\nP1,30,4\n", encoding="utf-8")
    rows = read_attributes_csv(path)
    assert rows.rows == [("P01", {"age": "30", "years": "4"})] and rows.types == {"age": "categorical", "years": "numeric"}


def test_word_csv_and_excel(study, tmp_path):
    import docx
    import openpyxl

    summary = export_participants(study, tmp_path / "t1.docx")
    assert (summary.participants, summary.characteristics, summary.columns) == (5, 3, 4)
    document = docx.Document(str(tmp_path / "t1.docx"))
    (table,) = document.tables
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == ["Characteristic", "All participants\n(N = 5)", "Interview only\n(N = 2)",
                        "Focus group only\n(N = 2)", "Both\n(N = 1)"]
    assert ["Age, mean (SD)", *EXPECTED["Age, mean (SD)"]] in cells
    assert any(all_text(p) == "Table 1. Participant characteristics" for p in document.paragraphs)
    assert any(p.text.startswith("Note. Values are n (%)") for p in document.paragraphs)

    export_participants(study, tmp_path / "t1.csv", excel=True)
    raw = (tmp_path / "t1.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and '\'=HYPERLINK' in raw.decode("utf-8-sig")  # a formula stays text

    export_participants(study, tmp_path / "t1.xlsx")
    book = openpyxl.load_workbook(tmp_path / "t1.xlsx")
    sheet = book["Table 1"]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:F")
    formula = [c for row in sheet.iter_rows() for c in row if str(c.value).strip().startswith("=HYPERLINK")]
    assert formula and all(c.data_type == "s" for c in formula)
    values = book["Values"]
    header = [c.value for c in values[1]]
    ages = [dict(zip(header, (c.value for c in row))) for row in values.iter_rows(min_row=2)
            if row[0].value == "age" and row[2].value == "mean (SD)"]
    assert [(a["column"], a["N"], a["mean"]) for a in ages][:2] == [("All participants", 5, 35.0), ("Interview only", 2, 35.0)]


def test_nothing_heard_yet(project, tmp_path):
    with pytest.raises(WorkbenchError, match="no participants heard"):
        export_participants(project, tmp_path / "t1.docx")
    assert not (tmp_path / "t1.docx").exists()


def test_cli(study, tmp_path, capsys):
    from workbench.cli import main

    db = study.engine.url.render_as_string(hide_password=False)
    assert main(["--db", db, "export", "participants", str(tmp_path / "t1.csv"), "--by", "gender"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Table 1: 5 participants, 2 characteristics in 4 columns written to")
    assert main(["--db", db, "export", "participants", str(tmp_path / "t1.pdf")]) == 2
    assert "must end in .docx or .csv or .xlsx" in capsys.readouterr().err
    assert main(["--db", db, "style", "bjpsych"]) == 0 and "bjpsych" in capsys.readouterr().out
    assert main(["--db", db, "export", "participants", str(tmp_path / "t1.docx")]) == 0
    import docx

    document = docx.Document(str(tmp_path / "t1.docx"))
    assert any(all_text(p) == "Table 1 Participant characteristics" for p in document.paragraphs)  # the project's style
    assert round(document.sections[0].page_width.mm) == 210 and document.styles["Normal"].font.size.pt == 11


def test_terminal_escapes_in_attributes_do_not_break_word(project, tmp_path):
    import docx

    build(project, [SourceSpec("I1", "interview", ["P1"])], {"P1": {"site\x1b[2J": "North\x1b[31mgate\x07"}})
    export_participants(project, tmp_path / "t1.docx")
    cells = [c.text for t in docx.Document(str(tmp_path / "t1.docx")).tables for r in t.rows for c in r.cells]
    assert "Site[2J, n (%)" in cells and "North[31mgate" in cells


def test_types_file_must_be_a_small_file(study, tmp_path):
    with pytest.raises(InputError, match="no such file"):
        participants_table(study, types_file=tmp_path / "missing.yaml")
    with pytest.raises(InputError, match="is not a file"):
        participants_table(study, types_file=tmp_path)
    big = tmp_path / "big.yaml"
    big.write_text("a: numeric\n" * 200_000, encoding="utf-8")
    with pytest.raises(InputError, match="over 1,000 kB"):
        participants_table(study, types_file=big)
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text('a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n'
                    'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n', encoding="utf-8")
    with pytest.raises(InputError):
        participants_table(study, types_file=bomb)
