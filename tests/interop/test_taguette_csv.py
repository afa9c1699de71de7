"""Codebooks as Taguette's CSV: `export codebook OUT.csv [--flat]` and `codebook load FILE.csv`."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from workbench.cli.main import main
from workbench.errors import InputError, WorkbenchError
from workbench.interop.taguette_csv import export_codebook_csv, load_codebook_csv
from workbench.services.codebook.codes import list_codes
from workbench.services.codebook.files import load_codebook
from workbench.store.engine import Project
from workbench.store.models import Code

# What Taguette 1.4's "Export codebook → CSV" writes (its four columns, CRLF), with hierarchy in the names.
TAGUETTE_EXPORT = (
    "tag,description,number of highlights,number of documents\r\n"
    "interview/emotions,Feelings the client names,12,3\r\n"
    "interview/emotions/fear,,4,2\r\n"
    "logistics,\"Scheduling, reminders\",0,0\r\n"
)


def rows(path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def codes(project: Project) -> dict[str, tuple]:
    with project.session() as session:
        return {c.key: (c.name, c.parent_key, c.codable, c.definition, c.when_to_use, c.keywords) for c in list_codes(session)}


def test_export_writes_tag_and_description_with_paths_and_leaves_folders_to_the_paths(project, codebook_file, tmp_path):
    load_codebook(project, codebook_file)
    with project.session() as session:
        session.scalars(select(Code).where(Code.key == "bond")).one().codable = False  # a folder now
        session.scalars(select(Code).where(Code.key == "task")).one().when_to_use = "Any homework talk."
    summary = export_codebook_csv(project, tmp_path / "book.csv")
    table = rows(tmp_path / "book.csv")
    assert table[0] == ["tag", "description"]
    tags = {tag: description for tag, description in table[1:]}
    assert set(tags) == {"Bond/Presence", "Task", "Inductive codes"} and (summary.codes, summary.folders) == (3, 1)
    assert tags["Task"] == "Agreement on the work of therapy.\n\nWhen to use: Any homework talk.\nKeywords: homework; module"
    export_codebook_csv(project, tmp_path / "flat.csv", flat=True)
    assert [r[0] for r in rows(tmp_path / "flat.csv")[1:]] == ["Presence", "Task", "Inductive codes"]


def test_taguettes_own_export_loads_with_its_hierarchy(project, tmp_path):
    source = tmp_path / "taguette.csv"
    source.write_bytes(TAGUETTE_EXPORT.encode("utf-8"))
    report = load_codebook(project, source)
    assert len(report.added) == 4
    loaded = codes(project)
    assert loaded["interview"][:3] == ("interview", None, False)  # named only in paths: a folder
    assert loaded["interview.emotions"][:4] == ("emotions", "interview", True, "Feelings the client names")
    assert loaded["interview.emotions.fear"][:3] == ("fear", "interview.emotions", True)
    assert loaded["logistics"][3] == "Scheduling, reminders"


def test_round_trip_through_the_csv_and_back_onto_the_same_codes(open_project, project, codebook_file, tmp_path):
    load_codebook(project, codebook_file)
    before = codes(project)
    for flat in (False, True):
        out = tmp_path / f"book-{flat}.csv"
        export_codebook_csv(project, out, flat=flat)
        report = load_codebook_csv(project, out)
        assert (report.added, report.updated) == ([], []) and codes(project) == before, flat
    fresh = open_project("fresh")
    load_codebook(fresh, tmp_path / "book-False.csv")
    export_codebook_csv(fresh, tmp_path / "again.csv")
    assert (tmp_path / "again.csv").read_bytes() == (tmp_path / "book-False.csv").read_bytes()
    assert codes(fresh)["bond.presence"][:4] == before["bond.presence"][:4]


def test_an_empty_description_keeps_the_codes_text_and_a_new_one_replaces_it(project, codebook_file, tmp_path):
    load_codebook(project, codebook_file)
    source = tmp_path / "book.csv"
    source.write_text('tag,description\nTask,\nBond/Presence,"Being there.\nKeywords: there"\n', encoding="utf-8")
    load_codebook(project, source)
    loaded = codes(project)
    assert loaded["task"][3] == "Agreement on the work of therapy."
    assert loaded["bond.presence"][3:] == ("Being there.", None, ("there",))


def test_formula_cells_are_neutralised_both_ways(project, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("tag,description\n'=HYPERLINK(1),'+danger\n", encoding="utf-8")
    load_codebook(project, source)
    assert [c[0] for c in codes(project).values()] == ["=HYPERLINK(1)"]
    export_codebook_csv(project, tmp_path / "out.csv")
    assert rows(tmp_path / "out.csv")[1] == ["'=HYPERLINK(1)", "'+danger"]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("code,description\nA,b\n", "no 'tag', 'name' or 'path' column", 1),
        ("tag,name\nA,b\n", "more than one tag column", 1),
        ("tag,description\nA,x\n,y\n", "empty tag name", 3),
        ("tag,description\nA//B,x\n", "empty tag name", 2),
        ("tag,description\nA,x\na,y\n", r"appears twice \(first on line 2\)", 3),
        ("tag,description\n", "no tags", 2),
    ],
)
def test_bad_codebook_csvs_name_the_line_and_change_nothing(project, tmp_path, text, message, line):
    source = tmp_path / "bad.csv"
    source.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as error:
        load_codebook(project, source)
    assert f"bad.csv:{line}:" in str(error.value)
    assert codes(project) == {}


def test_the_cli_exports_and_loads_and_refuses_an_ambiguous_flat_export(project, codebook_file, tmp_path, capsys):
    db = ["--db", project.url]
    assert main([*db, "codebook", "load", str(codebook_file)]) == 0
    assert main([*db, "export", "codebook", str(tmp_path / "out.csv")]) == 0
    assert "4 codes written as Taguette's codebook CSV" in capsys.readouterr().out
    with project.session() as session:
        session.scalars(select(Code).where(Code.key == "task")).one().name = "Presence"
    assert main([*db, "export", "codebook", str(tmp_path / "flat.csv"), "--flat"]) == 2
    assert "two codes would both be written as 'Presence'" in capsys.readouterr().err
    with project.session() as session:
        session.scalars(select(Code).where(Code.key == "task")).one().name = "Task/Work"
    with pytest.raises(WorkbenchError, match="contains the path separator"):
        export_codebook_csv(project, tmp_path / "x.csv")
    assert main([*db, "export", "codebook", str(tmp_path / "semi.csv"), "--separator", "::"]) == 0
    assert "Bond::Presence" in (tmp_path / "semi.csv").read_text(encoding="utf-8")
    assert main([*db, "codebook", "load", str(tmp_path / "semi.csv"), "--separator", "::"]) == 0
    assert "0 added, 0 updated, 4 unchanged" in capsys.readouterr().out
