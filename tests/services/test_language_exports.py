"""Word exports print quotes in the quote marks of each source's language, unless told otherwise."""

from __future__ import annotations

import docx
import pytest
from sqlalchemy import select

from tests.conftest import CODEBOOK_YAML
from workbench.errors import WorkbenchError
from workbench.services.codebook.files import load_codebook
from workbench.services.coding.codings_csv import import_codings_csv
from workbench.services.export.segments import export_segments
from workbench.services.export.word_themes import write_themes_docx
from workbench.services.importing.batch import ImportOptions, import_paths
from workbench.store.models import Source

TEXTS = {
    "da": ("samtale-da", "Deltager 1: Tilliden voksede langsomt, men den voksede hele tiden.\n"),
    "de": ("gespraech-de", "Teilnehmer 2: Das Vertrauen wuchs langsam, aber es wuchs die ganze Zeit.\n"),
    "en": ("P03-interview", "P03: The trust grew slowly, but it kept growing all the time.\n"),
}


@pytest.fixture
def coded(project, tmp_path):
    book = tmp_path / "book.yaml"
    book.write_text(CODEBOOK_YAML, encoding="utf-8")
    load_codebook(project, book)
    rows = ["source,code,start,end,coder"]
    for language, (name, text) in TEXTS.items():
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        import_paths(project, [path], ImportOptions(language=language))
        start = text.index(":") + 2
        rows.append(f"{name},bond,{start},{len(text) - 1},ana")
    (tmp_path / "c.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    import_codings_csv(project, tmp_path / "c.csv", "ana")
    return project


def quotes(path) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.text for p in docx.Document(str(path)).paragraphs if p.style.name == "Quote"]


def test_coded_segments_quote_each_source_in_its_languages_marks(coded, tmp_path):
    out = tmp_path / "segments.docx"
    export_segments(coded, out)
    found = {q.split("(")[-1].split(" · ")[1].rstrip(")"): q.split(" (")[0] for q in quotes(out)}
    assert found == {
        "gespraech-de": "„Das Vertrauen wuchs langsam, aber es wuchs die ganze Zeit.“",
        "samtale-da": "»Tilliden voksede langsomt, men den voksede hele tiden.«",
        "P03-interview": "“The trust grew slowly, but it kept growing all the time.”",
    }
    export_segments(coded, out, quote_marks="sv")  # a style sets one kind of mark for all
    assert all(q.startswith("”") and q.split(" (")[0].endswith("”") for q in quotes(out))


def test_theme_quotes_follow_the_source_language_and_a_style_overrides(coded, tmp_path):
    from workbench.services.themes.theme_map import load_theme_map

    themes = tmp_path / "themes.yaml"
    themes.write_text(
        "typology:\n  - {name: facilitator, prefix: F}\nthemes:\n"
        "  - {label: F1, name: Trust grows, type: facilitator, codes: [bond]}\n", encoding="utf-8",
    )
    load_theme_map(coded, themes)
    out = tmp_path / "themes.docx"
    write_themes_docx(coded, out, coder="ana", quotes=3)
    marks = sorted(q[0] for q in quotes(out))
    assert marks == sorted(["»", "„", "“"])
    write_themes_docx(coded, out, coder="ana", quotes=3, quote_marks="da")
    assert sorted(q[0] for q in quotes(out)) == ["»", "»", "»"]
    with pytest.raises(WorkbenchError, match="unknown language 'xx'"):
        write_themes_docx(coded, out, coder="ana", quote_marks="xx")
    with coded.session() as session:
        assert set(session.scalars(select(Source.language))) == {"da", "de", "en"}


def test_a_chosen_publication_style_puts_its_marks_over_the_languages_and_quote_marks_over_both(coded, tmp_path):
    from workbench.services.paper.styles import set_project_style

    out = tmp_path / "segments.docx"
    export_segments(coded, out, style="bjpsych")  # single quotes, italic
    assert all(q.startswith("‘") and q.split(" (")[0].endswith("’") for q in quotes(out))
    export_segments(coded, out, style="bjpsych", quote_marks="de")
    assert all(q.startswith("„") and q.split(" (")[0].endswith("“") for q in quotes(out))
    with coded.session() as session:
        set_project_style(session, "apa")
    export_segments(coded, out)  # the project's style is a choice too
    assert all(q.startswith("“") for q in quotes(out))
