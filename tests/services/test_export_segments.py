"""Coded segments as a Word report, CSV or Excel: content against the project, filters, bad input."""

from __future__ import annotations

import csv
from pathlib import Path

import docx
import openpyxl
import pytest
from sqlalchemy import select

from tests.services.test_retrieve import code, project  # noqa: F401  (the fixture: 3 sources, 6 codings, 2 coders)
from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.services.coding.retrieve import retrieve
from workbench.services.export.segments import COLUMNS, SegmentQuery, export_segments
from workbench.services.importing.batch import import_paths
from workbench.store.models import Coding, Source

VTT = """WEBVTT

00:01:05.000 --> 00:01:09.000
<v P02>I trusted the app more than my notes.
"""


def quotes(document) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.text for p in document.paragraphs if p.style.name == "Quote"]


def test_word_report_groups_segments_by_code_in_codebook_order(project, tmp_path: Path) -> None:  # noqa: F811
    with project.session() as session:
        coding = session.scalar(select(Coding).join(Source).where(Source.name == "P02"))
        coding.memo = "Distrust of the app, not the therapist."
    out = tmp_path / "segments.docx"
    summary = export_segments(project, out)
    assert (summary.segments, summary.codes, summary.sources, summary.participants) == (6, 3, 3, 2)

    document = docx.Document(str(out))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Bond  bond", "Bond / Trust  bond.trust", "Goals  goals"]
    methods = document.paragraphs[1].text
    assert methods.startswith("6 coded segments from 3 sources and 2 participants; every code; coded by ana, ben")
    assert quotes(document) == [
        "“I did not trust the app” (P02 · P02 · coded by ben)",
        "“I trusted the group.” (P02 · group · coded by ana)",
        "“I trusted my therapist” (P01 · P01 · coded by ana)",
        "“We agreed on goals together.” (P01 · group · coded by ana)",
        "“And the goals?” (Interviewer · P01 · coded by ben)",
        "“The goals were clear” (P01 · P01 · coded by ana)",
    ]
    texts = [p.text for p in document.paragraphs]
    assert texts[texts.index(quotes(document)[0]) + 1] == "Memo: Distrust of the app, not the therapist."
    assert "2 segments · 2 sources · 2 participants" in texts  # Bond / Trust


def test_one_coder_with_filters_and_times_drops_the_coder_from_the_attribution(project, tmp_path: Path) -> None:  # noqa: F811
    (tmp_path / "FG2.vtt").write_text(VTT, encoding="utf-8")
    import_paths(project, [tmp_path / "FG2.vtt"])
    code("FG2", "bond.trust", "I trusted the app", "ana", project)
    out = tmp_path / "trust.docx"
    query = SegmentQuery(codes=["bond"], coder="ana", attribute_filter={"gender": "male"})
    assert export_segments(project, out, query).segments == 2
    document = docx.Document(str(out))
    assert quotes(document) == [
        "“I trusted the app” (P02 · FG2 · 00:01:05)",
        "“I trusted the group.” (P02 · group)",
    ]
    assert "codes: Bond (with their sub-codes); coded by ana; participants and sources where gender = male" in (
        document.paragraphs[1].text
    )


def test_csv_and_excel_hold_one_row_per_segment(project, tmp_path: Path) -> None:  # noqa: F811
    expected = retrieve(project, ["goals"], source_kinds=["interview"])
    query = SegmentQuery(codes=["goals"], source_kinds=["interview"])
    export_segments(project, tmp_path / "goals.csv", query)
    with (tmp_path / "goals.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == COLUMNS
    assert [(r["source"], int(r["start"]), int(r["end"]), r["coder"], r["text"]) for r in rows] == [
        (s.source, s.start, s.end, s.coder, s.text) for s in expected
    ]
    export_segments(project, tmp_path / "goals.xlsx", query)
    sheet = openpyxl.load_workbook(tmp_path / "goals.xlsx")["Coded segments"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == COLUMNS and [row[10] for row in values[1:]] == [s.text for s in expected]


@pytest.mark.parametrize(
    ("name", "query", "message"),
    [
        ("a.docx", SegmentQuery(codes=["nope"]), "no code 'nope'"),
        ("a.docx", SegmentQuery(coder="zed"), "no coder 'zed' in this project"),
        ("a.docx", SegmentQuery(attribute_filter={"site": "North"}), "no participant attribute 'site'"),
        ("a.docx", SegmentQuery(attribute_filter={"gender": "other"}), "no coded segments match"),
        ("a.pdf", SegmentQuery(), "the output must end in .docx or .csv or .xlsx"),
        ("missing/a.docx", SegmentQuery(), "does not exist"),
    ],
)
def test_bad_requests_are_refused_and_write_nothing(project, tmp_path: Path, name, query, message) -> None:  # noqa: F811
    with pytest.raises(WorkbenchError, match=message):
        export_segments(project, tmp_path / name, query)
    assert not (tmp_path / name).exists()


def test_cli_export_segments(project, tmp_path: Path, capsys) -> None:  # noqa: F811
    db = project.url
    out = tmp_path / "nurses.csv"
    code_ = main(["--db", db, "export", "segments", str(out), "--code", "goals", "--where", "role=nurse", "--kind", "interview"])
    assert code_ == 0
    assert "1 coded segment of 1 code from 1 source (1 participant) written to" in capsys.readouterr().out
    assert [row["text"] for row in csv.DictReader(out.open(encoding="utf-8"))] == ["The goals were clear"]
    assert main(["--db", db, "export", "segments", str(tmp_path / "x.csv"), "--where", "role"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "workbench: --where 'role': write ATTRIBUTE=VALUE, e.g. --where role=therapist"
    assert not (tmp_path / "x.csv").exists()


def test_a_passage_coded_alike_by_several_coders_is_printed_once_with_its_coders(project, tmp_path: Path) -> None:  # noqa: F811
    # "The goals were clear" is ana's; ben and the consensus layer code exactly the same span, ben with a memo
    code("P01", "goals", "The goals were clear", "ben", project)
    code("P01", "goals", "The goals were clear", "consensus", project)
    with project.session() as session:
        ben = session.scalars(select(Coding).join(Source).where(Source.name == "P01")).all()
        next(c for c in ben if c.coder.name == "ben" and c.end - c.start == len("The goals were clear")).memo = "Clear to him too."
    out = tmp_path / "goals.docx"
    summary = export_segments(project, out, SegmentQuery(codes=["goals"]))
    assert summary.segments == 5  # codings: one per coder
    assert docx.Document(str(out)).paragraphs[1].text.startswith("3 coded segments (5 codings) from 2 sources")
    document = docx.Document(str(out))
    assert quotes(document) == [
        "“We agreed on goals together.” (P01 · group · coded by ana)",
        "“And the goals?” (Interviewer · P01 · coded by ben)",
        "“The goals were clear” (P01 · P01 · coded by ana, ben, consensus)",
    ]
    texts = [p.text for p in document.paragraphs]
    assert "3 segments (5 codings) · 2 sources · 1 participant" in texts
    assert texts[texts.index(quotes(document)[-1]) + 1] == "Memo (ben): Clear to him too."
    # The spreadsheet keeps one row per coding, so each coder's layer can still be counted
    export_segments(project, tmp_path / "goals.csv", SegmentQuery(codes=["goals"]))
    rows = list(csv.DictReader((tmp_path / "goals.csv").open(encoding="utf-8")))
    assert sorted(r["coder"] for r in rows if r["text"] == "The goals were clear") == ["ana", "ben", "consensus"]
