"""Publication styles, the agreement Word report's layout and numbers, spreadsheet exports."""

from __future__ import annotations

import re

import docx
import openpyxl
import pytest

from tests.paper.builders import SourceSpec, build
from workbench.cli import main
from workbench.services.agreement.compute import compute_agreement
from workbench.services.export import word
from workbench.services.export.agreement import export_agreement, source_texts
from workbench.services.export.agreement_word import coefficient
from workbench.services.export.segments import SegmentQuery, export_segments
from workbench.services.export.tables import export_table
from workbench.services.paper.styles import restyle


def xml_text(paragraph) -> str:
    return "".join(t.text or "" for t in paragraph._p.iter() if t.tag.endswith("}t"))


def test_coefficients_have_one_format():
    assert [coefficient(v) for v in (0.70749, -0.0004, 0.0, -0.125, None)] == ["0.707", "0.000", "0.000", "-0.125", "–"]
    assert coefficient(99.16, 1) == "99.2"


def test_agreement_word_report(demo, tmp_path):
    report = compute_agreement(demo, ["ana", "ben"], resamples=20)
    out = tmp_path / "a.docx"
    export_agreement(report, out, source_texts(demo, report.sources))
    document = docx.Document(str(out))
    body = document.element.body
    blocks = list(body.iterchildren())
    tables = [i for i, b in enumerate(blocks) if b.tag.endswith("}tbl")]
    assert len(tables) == 3  # per code, per code and source, unmatched codings
    paragraphs = {p._p: p for p in document.paragraphs}
    for index in tables:
        caption = paragraphs[blocks[index - 1]]
        assert re.match(r"Table \d+\. ", xml_text(caption)), xml_text(caption)
        assert paragraphs[blocks[index + 1]].text.startswith("Note. ")
    for table in document.tables:
        assert table.rows[0]._tr.trPr.find(word._qualified("w:tblHeader")) is not None
        assert all(row._tr.trPr.find(word._qualified("w:cantSplit")) is not None for row in table.rows)
    text = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells) + "\n".join(p.text for p in document.paragraphs)
    assert "−0.000" not in text and "-0.000" not in text
    per_code = document.tables[0]
    for row in per_code.rows[1:]:
        assert re.fullmatch(r"-?\d\.\d{3}|–", row.cells[1].text)  # κ to 3 decimals, as agreement.format writes it
        assert re.fullmatch(r"\[-?\d\.\d{3}, -?\d\.\d{3}\]|–", row.cells[2].text)
    unmatched = document.tables[2]
    first = next(u for c in report.codes for u in c.unmatched)
    texts = source_texts(demo, [first.source])
    expected = " ".join(texts[first.source][first.start : first.end].split())
    assert unmatched.rows[1].cells[5].text.strip("“”").startswith(expected[:60])
    assert document.sections[-1].page_width > document.sections[-1].page_height  # the wide tables: landscape


def test_restyle_keeps_inner_quote_marks():
    document = word.new_document("t")
    word.add_caption(document, "Things")
    quote = word.styled_paragraph(document, "Quote")
    quote.add_run("“She said “okay” and left”")
    quote.add_run(" (P01)")
    chosen = restyle(document, "bjpsych")
    assert quote.runs[0].text == "‘She said “okay” and left’" and quote.runs[0].italic
    assert xml_text(document.paragraphs[0]) == "Table 1 Things"
    assert chosen.paper == "A4" and round(document.sections[0].page_width.mm) == 210
    apa = word.new_document("t")
    word.add_caption(apa, "Things")
    restyle(apa, "apa")
    caption = apa.paragraphs[0]
    assert caption._p.xpath(".//w:br") and caption.runs[-1].italic and round(apa.sections[0].page_width.mm) == 216


def test_themes_export_in_a_style(demo, tmp_path):
    db = demo.engine.url.render_as_string(hide_password=False)
    assert main(["--db", db, "export", "themes", str(tmp_path / "t.docx"), "--coder", "ana", "--style", "bjpsych"]) == 0
    document = docx.Document(str(tmp_path / "t.docx"))
    quotes = [p for p in document.paragraphs if p.style.name == "Quote"]
    assert quotes and all(p.runs[0].text.startswith("‘") and p.runs[0].text.endswith("’") and p.runs[0].italic for p in quotes)
    assert any(xml_text(p).startswith("Table 1 ") for p in document.paragraphs)


def test_spreadsheets(project, tmp_path):
    build(project, [SourceSpec("I1", speakers=["P1"], codings={"ana": ["a", "b"]})])
    from workbench.services.themes.edit import create_theme, toggle_theme_code

    create_theme(project, "=HYPERLINK(\"http://evil\")", "facilitator")
    toggle_theme_code(project, "F1", "a")
    export_table(project, tmp_path / "t.xlsx", "themes", coder="ana")
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    header = [c.value for c in sheet[1]]
    assert all(c.font.bold for c in sheet[1]) and sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    row = dict(zip(header, (c for c in sheet[2])))
    assert row["codings"].value == 1 and row["codings"].data_type == "n"  # numbers stay numbers
    assert row["name"].value.startswith("=HYPERLINK") and row["name"].data_type == "s"  # never a formula
    assert sheet.column_dimensions["B"].width >= len('=HYPERLINK("http://evil")')
    export_table(project, tmp_path / "t.csv", "themes", coder="ana", bom=True)
    raw = (tmp_path / "t.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "'=HYPERLINK" in raw.decode("utf-8-sig")
    export_segments(project, tmp_path / "s.csv", SegmentQuery(coder="ana"))
    assert not (tmp_path / "s.csv").read_bytes().startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("argv, expected", [
    (["export", "table", "OUT.csv", "--coder", "ana", "--what", "themes"], "themes: 1 row × "),
])
def test_cli_counts_properly(project, tmp_path, capsys, argv, expected):
    build(project, [SourceSpec("I1", speakers=["P1"], codings={"ana": ["a"]})])
    from workbench.services.themes.edit import create_theme

    create_theme(project, "One", "facilitator")
    db = project.engine.url.render_as_string(hide_password=False)
    argv = [str(tmp_path / a) if a.startswith("OUT") else a for a in argv]
    assert main(["--db", db, *argv]) == 0
    assert expected in capsys.readouterr().out


def test_trim_marks_only_words_left_out_of_a_sentence():
    from workbench.services.export.word_themes import quote_text

    text = "P01: The messages at night. I trust them too, mostly when she answers. Then I sleep."
    whole = text.index("I trust")
    assert quote_text(text, whole, text.index(" Then"), True, True) == "I trust them too, mostly when she answers."
    middle = text.index("them too")
    assert quote_text(text, middle, text.index(", mostly"), True, True) == "[...] them too [...]"
    assert quote_text(text, 5, text.index(" I trust"), False, False) == "The messages at night."
    long = "P01: " + "This is a sentence that goes on. " * 30
    assert not quote_text(long, 5, len(long), limit=200).endswith("[...]")  # cut after a whole sentence
