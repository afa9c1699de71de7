"""Writing Table 1 (participant characteristics) as Word, CSV or Excel.

Word: the journal layout of the theme table — a caption (``Table 1.
Participant characteristics``), a real Word table in the house table style
with the header row repeated, attribute rows in bold with their levels
indented under them, and a note. CSV: the same grid as text, the levels in a column of their own. Excel: that grid
on a first sheet and the numbers behind it (n, %, mean, SD, min, max per
column) on a second, as numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.services.export import word
from workbench.services.export.sheets import Sheet, write_sheets
from workbench.services.paper.participants_table import ParticipantsTable, participants_table
from workbench.services.paper.styles import Style, apply_style, caption
from workbench.store.engine import Project

SUFFIXES = (".docx", ".csv", ".xlsx")
CAPTION = "Participant characteristics"


@dataclass(frozen=True)
class ParticipantsExport:
    path: Path
    participants: int
    characteristics: int
    columns: int


def export_participants(project: Project, path: Path, by: str = "kind", types_file: Path | None = None,
                        *, excel: bool = False, style: str | None = None) -> ParticipantsExport:
    word.check_output(path, SUFFIXES)
    table = participants_table(project, by, types_file)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        from workbench.services.paper.styles import resolve_style

        word.save_docx(build_document(table, resolve_style(project, style)), path)
    else:
        write_sheets(path, sheets(table), excel=excel)
    return ParticipantsExport(path, len(table.columns[0].members), len(table.characteristics), len(table.columns))


def grid(table: ParticipantsTable) -> tuple[list[str], list[list[str]]]:
    headers = ["Characteristic", "Level", *(c.header for c in table.columns)]
    rows = [[row.label, "", *row.cells] if row.heading else ["", row.label, *row.cells] for row in table.rows]
    return headers, rows


def sheets(table: ParticipantsTable) -> list[Sheet]:
    headers, rows = grid(table)
    numbers = []
    for row in table.rows:
        for column, values in zip(table.columns, row.values):
            if values:
                numbers.append([row.characteristic, row.label.strip(), row.statistic, column.name, len(column.members),
                                values.get("n"), values.get("percent"), values.get("mean"), values.get("sd"),
                                values.get("min"), values.get("max")])
    return [
        Sheet("Table 1", headers, rows),
        Sheet("Values", ["characteristic", "row", "statistic", "column", "N", "n", "percent", "mean", "sd", "min", "max"], numbers),
    ]


def build_document(table: ParticipantsTable, style: Style | str | None = None) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = word.new_document(CAPTION)
    settings = apply_style(document, style)
    section = document.sections[0]
    word.set_landscape(section, len(table.columns) > 5)
    caption(document, CAPTION, settings)
    headers = ["Characteristic", *(f"{c.name}\n(N = {len(c.members)})" for c in table.columns)]
    out = word.add_table(document, headers, [2.6] + [1.75] * len(table.columns), section)
    word.plain_first_column(out)
    for row in table.rows:
        cells = word.add_row(out).cells
        paragraph = word.set_cell(cells[0], row.label, bold=row.heading)
        if not row.heading:
            paragraph.paragraph_format.left_indent = Pt(10)
        for cell, text in zip(cells[1:], row.cells):
            centred = word.set_cell(cell, text or " ")
            centred.alignment = WD_ALIGN_PARAGRAPH.CENTER
    note = document.add_paragraph()
    word.pad(note, 4)
    word.add_run(note, "Note. ", italic=True, size=9)
    word.add_run(note, table.note, size=9)
    return document
