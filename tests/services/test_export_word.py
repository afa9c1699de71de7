"""Word exports, opened again with python-docx: the paired theme table, theme parts with quotes, the codebook table."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from sqlalchemy import select
from test_themes import THEME_MAP, make_project

from workbench.cli import main
from workbench.errors import NotFoundError, WorkbenchError
from workbench.services.coding.codings import add_coding
from workbench.services.export import word as export_word
from workbench.services.export.word_codebook import write_codebook_docx
from workbench.services.export.word_themes import MAX_QUOTE_CHARS, write_themes_docx
from workbench.services.importing.batch import ImportOptions, import_paths
from workbench.services.project.coders import get_or_create_coder
from workbench.services.themes import edit as themes
from workbench.services.themes import rollups
from workbench.services.themes.theme_map import load_theme_map
from workbench.store.engine import Project
from workbench.store.models import Code, Source


@pytest.fixture
def project(open_project, tmp_path: Path) -> Project:
    project = make_project(open_project(), tmp_path)
    (tmp_path / "themes.yaml").write_text(THEME_MAP, encoding="utf-8")
    load_theme_map(project, tmp_path / "themes.yaml")
    return project


def texts(row) -> list[str]:  # type: ignore[no-untyped-def]
    return [cell.text for cell in row.cells]


def is_header(row) -> bool:  # type: ignore[no-untyped-def]
    properties = row._tr.trPr
    return properties is not None and properties.find(qn("w:tblHeader")) is not None


def quotes_after(document, heading: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The Quote paragraphs of the theme part that starts with ``heading``."""
    paragraphs = document.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text == heading and p.style.name.startswith("Heading"))
    result = []
    for paragraph in paragraphs[start + 1 :]:
        if paragraph.style.name.startswith("Heading"):
            break
        if paragraph.style.name == "Quote":
            result.append(paragraph.text)
    return result


def test_summary_table_pairs_the_themes_of_each_category(project, tmp_path):
    out = tmp_path / "themes.docx"
    summary = write_themes_docx(project, out, coder="ana")
    assert (summary.themes, summary.layer) == (3, "ana")
    document = Document(str(out))
    table = document.tables[0]
    assert table.style.name == export_word.TABLE_STYLE
    assert texts(table.rows[0]) == ["Category", "Facilitator", "Dimensions", "n", "Barrier", "Dimensions", "n",
                                    "Neutral", "Dimensions", "n"]
    assert is_header(table.rows[0]) and not is_header(table.rows[1])
    counts = rollups.theme_summary(project, coder="ana")["participants"]
    assert texts(table.rows[1]) == ["Contact", "F1 Feeling held", "Bond", str(counts["F1"]), "—", "", "", "—", "", ""]
    assert texts(table.rows[2]) == ["Technology", "—", "", "", "B1 Locked out", "Usability, Task", str(counts["B1"]), "—", "", ""]
    assert texts(table.rows[3])[0] == "(no category)" and texts(table.rows[3])[7:] == ["N1 Homework at night", "Task", "1"]
    assert len(table.rows) == 4
    assert document.sections[0].orientation == WD_ORIENT.LANDSCAPE
    assert document.sections[0].page_width > document.sections[0].page_height
    assert document.sections[1].orientation == WD_ORIENT.PORTRAIT
    caption = next(p for p in document.paragraphs if p.style.name == "Caption")
    assert caption.text == "Table . Facilitators, barriers and neutrals by category (coded by ana)"  # the number is a field
    assert "SEQ Table" in caption._p.xml and "<w:t>1</w:t>" in caption._p.xml
    note = next(p.text for p in document.paragraphs if p.text.startswith("Note."))
    assert "3 themes from 3 sources (2 interviews, 1 focus group) with 3 participants, coded by ana" in note
    assert "the codebook “Alliance — test” (8 codes)" in note


def test_theme_parts_describe_the_theme_and_quote_starred_exemplars_first(project, tmp_path):
    out = tmp_path / "themes.docx"
    write_themes_docx(project, out, coder="ana", quotes=3)
    document = Document(str(out))
    body = [p.text for p in document.paragraphs]
    start = body.index("F1 Feeling held")
    assert body[start + 1] == "Facilitator · Contact"
    assert body[start + 2] == "Someone is there between sessions."
    assert body[start + 3] == "Codes: Trust (bond.trust); Time between sessions (inductive.time)"
    assert body[start + 4] == "Dimensions: Bond"
    assert body[start + 5] == "Participants: 2 of 3 · Sources: 3 of 3 · Codings: 5"
    assert quotes_after(document, "F1 Feeling held") == [
        "“It’s “like she’s always there”, even at night.” (P01) †",  # starred, whole coding
        "“I trust them too.” (Zoë) †",  # starred, trimmed at the start to a whole sentence: no [...]
        "“Knowing someone reads the diary. I trust that.” (P01)",  # filled: shortest meaningful
    ]
    assert "Dimensions: Usability, Task (set by the analyst)" in body
    assert quotes_after(document, "B1 Locked out")[0] == "“The password rules were absurd; I was locked out for a week.” (Zoë)"


def test_the_number_of_quotes_and_the_layer_are_chosen(project, tmp_path):
    write_themes_docx(project, tmp_path / "one.docx", coder="ana", quotes=1)
    assert len(quotes_after(Document(str(tmp_path / "one.docx")), "F1 Feeling held")) == 1
    write_themes_docx(project, tmp_path / "none.docx", coder="ana", quotes=0)
    assert quotes_after(Document(str(tmp_path / "none.docx")), "F1 Feeling held") == []
    write_themes_docx(project, tmp_path / "all.docx", coder="ana", quotes=10)
    quotes = quotes_after(Document(str(tmp_path / "all.docx")), "F1 Feeling held")
    assert len(quotes) == 5  # 2 starred + 3 more codings that do not overlap them
    long = next(q for q in quotes if "Renée" in q)
    # cut after a whole sentence: [...] marks only words left out of a sentence, so none here
    assert long.endswith("instead.” (Zoë)") and "[...]" not in long and len(long) < MAX_QUOTE_CHARS + 20
    write_themes_docx(project, tmp_path / "consensus.docx", consensus=True)
    document = Document(str(tmp_path / "consensus.docx"))
    assert "(consensus layer)" in next(p.text for p in document.paragraphs if p.style.name == "Caption")
    assert document.tables[0].rows[2].cells[6].text == "0"  # B1: nobody in the consensus layer
    assert quotes_after(document, "N1 Homework at night") == ["No coded segments for this theme (consensus layer)."] or \
        [p.text for p in document.paragraphs if p.text.startswith("No coded segments")]


def test_long_quotes_with_curly_quotes_and_non_ascii_names_run_across_pages(open_project, tmp_path):
    project = make_project(open_project(), tmp_path)
    people = ["Zoë", "Mikołaj", "Renée", "José", "Siobhán", "Ærin"]  # (a label starting with Ł is not yet read as a speaker)
    turns = []
    for n in range(36):
        who = people[n % len(people)]
        turns.append(f"{who}: " + " ".join(
            f"In week {n}, {who} said “it’s the café again” — and ‘the app’ kept asking — so we talked it through." for _ in range(9)
        ))
    (tmp_path / "long-group.txt").write_text("Moderator: Tell me more.\n" + "\n".join(turns) + "\n", encoding="utf-8")
    import_paths(project, [tmp_path / "long-group.txt"], ImportOptions(kind="focus-group"))
    with project.session() as session:
        source = session.scalar(select(Source).where(Source.name == "long-group"))
        code = session.scalar(select(Code).where(Code.key == "bond.trust"))
        ana = get_or_create_coder(session, "ana")
        for turn in turns:
            start = source.text.index(turn) + turn.index(": ") + 2
            add_coding(session, source=source, code=code, coder=ana, start=start, end=start + len(turn) - turn.index(": ") - 2)
    themes.create_theme(project, "Talking it through", codes=["bond.trust"])
    out = tmp_path / "long.docx"
    write_themes_docx(project, out, coder="ana", quotes=40)
    document = Document(str(out))
    quotes = quotes_after(document, "F1 Talking it through")
    assert len(quotes) == 39  # 3 codings of the small project + 36 long turns
    for who in people:
        assert any(q.endswith(f" ({who})") and "“it’s the café again” — and ‘the app’" in q for q in quotes)
    assert sum(len(q) > 400 for q in quotes) == 36  # every turn is long: the section runs over several pages
    if shutil.which("soffice") and os.environ.get("WORKBENCH_RENDER_TESTS"):
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                       check=True, capture_output=True, timeout=180)
        assert (tmp_path / "long.pdf").stat().st_size > 0


def test_codebook_table_is_grouped_by_dimension(project, tmp_path):
    out = tmp_path / "codebook.docx"
    summary = write_codebook_docx(project, out)
    assert (summary.codes, summary.groups) == (8, 4)
    document = Document(str(out))
    table = document.tables[0]
    assert texts(table.rows[0]) == ["Code", "Definition", "When to use", "When not to use", "Example"]
    assert is_header(table.rows[0])
    groups = [row.cells[0].text for row in table.rows[1:] if len({id(c._tc) for c in row.cells}) == 1]
    # The inductive code has only a name: no row of "—" but a list after the table (the folder is not a code)
    assert groups == ["Dimension: Bond", "Dimension: Task", "Dimension: Usability"]
    rows = {row.cells[0].text.split("\n")[1]: texts(row) for row in table.rows[1:] if "\n" in row.cells[0].text}
    assert list(rows) == ["bond", "bond.trust", "task", "task.homework", "usability", "usability.access"]
    paragraphs = [p.text for p in document.paragraphs]
    listed = paragraphs.index("Inductive codes without a definition yet (1)")
    assert [p.style.name for p in document.paragraphs[listed + 1:]] == ["List Bullet"]
    assert paragraphs[listed + 1].endswith("  inductive.time")
    note = next(p for p in paragraphs if p.startswith("Note. "))
    assert "Shaded rows are dimensions" in note and "— = not given in the codebook" in note
    assert "listed after the table" in note
    assert rows["bond"][1:] == ["The affective bond.", "Warmth, trust, closeness.", "—", "—"]
    assert rows["bond.trust"][4] == "“I trust her with anything.”"
    assert document.sections[0].orientation == WD_ORIENT.LANDSCAPE
    assert "Alliance — test" in next(p.text for p in document.paragraphs if p.style.name == "Caption")


def test_bad_input_writes_nothing(project, tmp_path, monkeypatch):
    out = tmp_path / "themes.docx"
    out.write_bytes(b"the previous export")
    with pytest.raises(NotFoundError, match="no coder 'zed'"):
        write_themes_docx(project, out, coder="zed")
    with pytest.raises(WorkbenchError, match="does not exist"):
        write_themes_docx(project, out / "inside.docx", coder="ana")
    with pytest.raises(WorkbenchError, match="must end in .docx"):
        write_codebook_docx(project, tmp_path / "codebook.pdf")
    with pytest.raises(WorkbenchError, match="--quotes must be 0 or more"):
        write_themes_docx(project, out, coder="ana", quotes=-1)

    def refuse(*_args):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export_word.os, "replace", refuse)
    with pytest.raises(WorkbenchError, match="cannot write"):
        write_themes_docx(project, out, coder="ana")
    assert out.read_bytes() == b"the previous export"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_project_without_themes_says_what_to_do(open_project, tmp_path):
    project = make_project(open_project(), tmp_path)
    with pytest.raises(WorkbenchError, match="no themes in this project yet"):
        write_themes_docx(project, tmp_path / "t.docx", coder="ana")
    assert not (tmp_path / "t.docx").exists()


def test_the_cli_exports_and_reports_errors_in_one_line(project, tmp_path, capsys):
    db = project.url
    assert main(["--db", db, "export", "themes", str(tmp_path / "t.docx"), "--coder", "ben", "--quotes", "2"]) == 0
    assert "3 themes with" in capsys.readouterr().out
    assert main(["--db", db, "export", "codebook", str(tmp_path / "c.docx")]) == 0
    assert main(["--db", db, "export", "table", str(tmp_path / "m.csv"), "--what", "matrix", "--consensus"]) == 0
    assert main(["--db", db, "themes", "export", str(tmp_path / "map.yaml")]) == 0
    assert main(["--db", db, "themes", "load", str(tmp_path / "map.yaml")]) == 0
    capsys.readouterr()
    assert main(["--db", db, "export", "themes", str(tmp_path / "x.docx"), "--coder", "zed"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("workbench: no coder 'zed'") and error.count("\n") == 1
    assert not (tmp_path / "x.docx").exists()
    assert main(["--db", db, "export", "themes", str(tmp_path / "x.docx"), "--coder", "ana", "--consensus"]) == 2


def test_the_demo_project_exports_its_theme_map(open_project, tmp_path):
    from workbench.services.project.demo import build_demo

    project = open_project("demo")
    build_demo(project)
    out = tmp_path / "demo.docx"
    summary = write_themes_docx(project, out, coder="ana", quotes=2)
    assert summary.themes == 10
    document = Document(str(out))
    table = document.tables[0]
    assert [row.cells[0].text for row in table.rows[1:]] == [
        "Experience of time", "Contact", "Structure", "Autonomy", "Technology"]
    assert [row.cells[1].text.split()[0] for row in table.rows[1:]] == ["F1", "F2", "F3", "F4", "F5"]
    assert [row.cells[4].text.split()[0] for row in table.rows[1:]] == ["B1", "B2", "B3", "B4", "B5"]
    assert all(cell.text.strip() for row in table.rows for cell in row.cells)  # no empty cells
    quotes = quotes_after(document, "F1 Expansion of time")
    assert quotes[0] == "“So the time between sessions kind of expands; there’s more therapy happening in it.” (P01) †"
    write_codebook_docx(project, tmp_path / "codebook.docx")


def test_demo_quotes_come_from_the_layer_named_and_fit_their_theme(open_project, tmp_path):
    """Issue 10: on the demo, --coder ana --quotes 10 prints only ana's passages, none under a facilitator and a barrier."""
    from workbench.services.export.word_themes import themes_report
    from workbench.services.project.demo import build_demo
    from workbench.store.models import Coder, Coding, ThemeCode

    project = open_project("demo")
    build_demo(project)
    report = themes_report(project, coder="ana", quotes=10)
    with project.session() as session:
        ana = dict(session.execute(select(Coder.name, Coder.id)).all())["ana"]
        names = dict(session.execute(select(Source.name, Source.id)).all())
        coded = session.execute(
            select(ThemeCode.theme_id, Coding.source_id, Coding.start, Coding.end)
            .join(Coding, Coding.code_id == ThemeCode.code_id).where(Coding.coder_id == ana)
        ).all()  # fmt: skip
    assert any(w.startswith("pinned exemplar of B1") and w.endswith("not coded by ana") for w in report.warnings)
    placed: dict[str, list[tuple[int, int, int]]] = {}
    for item in report.themes:
        assert item.quotes, item.theme.label
        for quote in item.quotes:
            source = names[quote.source]
            assert any(t == item.theme.id and s == source and a <= quote.start and quote.end <= b for t, s, a, b in coded), quote
            placed.setdefault(item.theme.type, []).append((source, quote.start, quote.end))
    both = [(f, b) for f in placed["facilitator"] for b in placed["barrier"]
            if f[0] == b[0] and f[1] < b[2] and b[1] < f[2]]  # fmt: skip
    assert both == []
    assert "left out" in report.methods and "†" in report.methods
    consensus_free = themes_report(project, coder="ben", quotes=0)
    assert all(t.quotes == () for t in consensus_free.themes) and consensus_free.warnings == ()
    out = tmp_path / "none.docx"
    write_themes_docx(project, out, coder="ana", quotes=0)
    assert not [p.text for p in Document(str(out)).paragraphs if p.text.startswith("No coded segments")]
