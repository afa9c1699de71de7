"""The codebook as a Word table: code, definition, when to use, when not to use, example — grouped by dimension.

Each dimension (a top-level code) opens with a shaded row spanning the table;
its codes follow in codebook order, sub-codes indented, each with its id.
Inductive codes come last, under their own group; those without a definition
yet (no definition, no when-to-use, no example: just a name from coding) are
not given rows of "—" but listed together after the table. The table sits in
a landscape section, its header row repeats on every page, a caption and the
codebook's description come first, and a note under it explains its marks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from workbench.errors import WorkbenchError
from workbench.services.codebook.codes import CodeInfo, list_codes
from workbench.services.export import word
from workbench.store.engine import Project
from workbench.store.models import Codebook

HEADERS = ("Code", "Definition", "When to use", "When not to use", "Example")
WIDTHS = (2.7, 3.0, 3.0, 3.0, 3.0)
GROUP_FILL = "DBE5F1"
NOTE = ("Shaded rows are dimensions (top-level codes) and the inductive group; a code indented under another "
        "is its sub-code. Grey text is the code's id, which codings files and theme maps use. "
        "{empty} = not given in the codebook.")
LISTED_NOTE = " Inductive codes that have only a name so far are listed after the table, not given empty rows."


@dataclass(frozen=True)
class CodebookGroup:
    name: str
    codes: tuple[CodeInfo, ...]
    inductive: bool = False


@dataclass(frozen=True)
class CodebookExport:
    path: Path
    codes: int
    groups: int


def write_codebook_docx(project: Project, path: Path, style: str | None = None) -> CodebookExport:
    """Write the codebook table (in publication ``style``); nothing is written when anything fails."""
    word.check_output(path, (".docx",))
    with project.session() as session:
        codes = list_codes(session)
        book = session.scalars(select(Codebook).order_by(Codebook.id)).first()
        name, description = (book.name, book.description) if book else ("Codebook", None)
    if not codes:
        raise WorkbenchError("no codes yet; load a codebook with 'workbench codebook load FILE.yaml'")
    groups = group_by_dimension(codes)
    from workbench.services.paper.styles import resolve_style, restyle

    document = build_document(name, description, groups)
    restyle(document, resolve_style(project, style))
    word.save_docx(document, path)
    return CodebookExport(path, len(codes), len(groups))


def group_by_dimension(codes: list[CodeInfo]) -> list[CodebookGroup]:
    """Codes (in tree order) grouped under their top-level code; inductive groups last."""
    groups: list[tuple[str, list[CodeInfo], bool]] = []
    for code in codes:
        if code.depth == 0:
            inductive = code.origin == "inductive"
            groups.append((code.name if inductive else f"Dimension: {code.name}", [], inductive))
        groups[-1][1].append(code)
    ordered = [g for g in groups if not g[2]] + [g for g in groups if g[2]]
    return [CodebookGroup(name, tuple(members), inductive) for name, members, inductive in ordered]


def undefined(code: CodeInfo) -> bool:
    """A code with nothing written about it yet (only its name)."""
    return not any((code.definition, code.when_to_use, code.when_not_to_use, code.example))


def table_rows(group: CodebookGroup) -> list[CodeInfo]:
    """The codes of ``group`` that get a table row: in the inductive group only those with a definition."""
    return [code for code in group.codes if not (group.inductive and undefined(code))]


def build_document(name: str, description: str | None, groups: list[CodebookGroup]) -> Any:
    document = word.new_document(f"Codebook: {name}")
    section = document.sections[0]
    word.set_landscape(section, True)
    word.heading(document, f"Codebook: {name}", 1)
    if description:
        document.add_paragraph(description)
    total = sum(len(g.codes) for g in groups)
    word.add_caption(document, f"Codebook “{name}”: {total} codes in {len(groups)} groups, by dimension")
    table = word.add_table(document, HEADERS, WIDTHS, section)
    listed = [code for group in groups if group.inductive for code in group.codes if undefined(code) and code.depth]
    for group in groups:
        rows = table_rows(group)
        if not rows:
            continue
        row = word.add_row(table)
        merged = row.cells[0].merge(row.cells[-1])
        word.set_cell(merged, group.name, bold=True, size=10).paragraph_format.keep_with_next = True
        word.shade(merged, GROUP_FILL)
        for code in rows:
            row = word.add_row(table)
            cells = row.cells
            paragraph = cells[0].paragraphs[0]
            paragraph.paragraph_format.left_indent = word_indent(code.depth)
            word.pad(paragraph)
            word.add_run(paragraph, code.name, bold=code.depth == 0, size=word.BODY_FONT_PT)
            word.add_run(cells[0].add_paragraph(), code.key, grey=True, size=word.BODY_FONT_PT - 1).font.name = "Consolas"
            cells[0].paragraphs[1].paragraph_format.left_indent = word_indent(code.depth)
            for cell, value in zip(cells[1:], (code.definition, code.when_to_use, code.when_not_to_use, code.example)):
                word.set_cell(cell, value)
    note = document.add_paragraph()
    word.pad(note, 4)
    word.add_run(note, "Note. ", italic=True, size=9)
    word.add_run(note, NOTE.format(empty=word.EMPTY) + (LISTED_NOTE if listed else ""), size=9)
    if listed:
        title = document.add_paragraph()
        word.add_run(title, f"Inductive codes without a definition yet ({len(listed)})", bold=True)
        title.paragraph_format.keep_with_next = True
        for code in listed:
            item = document.add_paragraph(style="List Bullet")
            word.add_run(item, code.path.split(" / ", 1)[-1])  # without the "Inductive codes" folder
            word.add_run(item, f"  {code.key}", grey=True, size=word.BODY_FONT_PT - 1).font.name = "Consolas"
    return document


def word_indent(depth: int) -> Any:
    from docx.shared import Pt

    return Pt(8 * depth)
