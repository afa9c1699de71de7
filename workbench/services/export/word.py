"""Word (python-docx) building blocks shared by the theme and codebook exports, and safe writing.

Tables use Word's own table styles (so a journal template restyles them),
header rows repeat on every page (``w:tblHeader``), rows do not split across
pages (``w:cantSplit``), wide tables sit in a landscape section, and captions
carry a ``SEQ Table`` field so Word numbers and lists them. The document is
built in memory and written through a temporary sibling, so a failure leaves
nothing partial behind. python-docx is imported inside the functions.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workbench.atomic import write_bytes
from workbench.errors import WorkbenchError
from workbench.safety import for_xml

TABLE_STYLE = "Light List Accent 1"
BODY_FONT_PT = 9
EMPTY = "—"  # shown where there is no data, so no cell is blank by accident


def check_output(path: Path, suffixes: Sequence[str]) -> None:
    """Refuse, before any work is done, an output path that is not writable or has the wrong suffix."""
    if path.suffix.lower() not in suffixes:
        raise WorkbenchError(f"{path}: the output must end in {' or '.join(suffixes)}")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise WorkbenchError(f"{path}: the folder {folder} does not exist; create it or choose another path")
    if path.is_dir():
        raise WorkbenchError(f"{path}: is a folder; give a file name")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise WorkbenchError(f"{path}: cannot write here (permission denied); choose another path")


def save_docx(document: Any, path: Path) -> None:
    buffer = io.BytesIO()
    document.save(buffer)
    write_bytes(path, buffer.getvalue())


def blank_document() -> Any:
    """A python-docx Document whose text runs take any project text (see :func:`_xml_safe_runs`)."""
    from docx import Document

    _xml_safe_runs()
    return Document()


def _xml_safe_runs() -> None:
    """Every run of text python-docx writes passes ``CT_R.add_t``: route it through
    :func:`workbench.safety.for_xml`, so a transcript holding ESC or NUL is exported with those
    characters shown (``␛``) instead of python-docx refusing the whole document."""
    from docx.oxml.text.run import CT_R

    original = CT_R.add_t
    if getattr(original, "xml_safe", False):
        return

    def add_t(self: CT_R, text: str) -> Any:
        return original(self, for_xml(text))

    add_t.xml_safe = True  # type: ignore[attr-defined]  # a mark on the function: python-docx is patched once
    CT_R.add_t = add_t  # type: ignore[method-assign]  # python-docx patched on purpose (see the docstring)


def new_document(title: str) -> Any:
    from docx.shared import Pt

    document = blank_document()
    document.core_properties.title = for_xml(title)
    document.core_properties.author = "Thematic Workbench"
    document.styles["Normal"].font.size = Pt(10)
    document.styles["Caption"].font.size = Pt(10)
    return document


def styled_paragraph(document: Any, style_name: str, text: str | None = None) -> Any:
    """A new paragraph in a named style; sets the style id directly, as python-docx's by-name lookup
    is slow on long documents."""
    ids = document.__dict__.setdefault("_workbench_style_ids", {})
    if style_name not in ids:
        ids[style_name] = document.styles[style_name].style_id
    paragraph = document.add_paragraph(clean(text or ""))
    paragraph._p.style = ids[style_name]
    return paragraph


def heading(document: Any, text: str, level: int) -> Any:
    return styled_paragraph(document, f"Heading {level}", text)


def set_landscape(section: Any, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT

    width, height = section.page_width, section.page_height
    if (width > height) != landscape:
        section.page_width, section.page_height = height, width
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT


def text_width(section: Any) -> int:
    """The width between the margins, in EMU."""
    return int(section.page_width - section.left_margin - section.right_margin)


def add_caption(document: Any, text: str, label: str = "Table", form: str = "period") -> Any:
    """``Table N. text`` in Word's Caption style, N a SEQ field (Word renumbers it).

    ``form``: ``period`` (``Table 1. Title``), ``space`` (``Table 1 Title``) or ``apa``
    (``Table 1`` in bold, then the title in italics on the next line)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    number = len(document.element.body.xpath(f'.//w:fldSimple[contains(@w:instr, "SEQ {label} ")]')) + 1
    paragraph = styled_paragraph(document, "Caption")
    paragraph.add_run(f"{label} ").bold = True
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" SEQ {label} \\* ARABIC ")
    run = OxmlElement("w:r")
    bold = OxmlElement("w:rPr")
    bold.append(OxmlElement("w:b"))
    run.append(bold)
    value = OxmlElement("w:t")
    value.text = str(number)
    run.append(value)
    field.append(run)
    paragraph._p.append(field)
    if form == "apa":
        paragraph.add_run().add_break()
        paragraph.add_run(text).italic = True
    else:
        paragraph.add_run(". " if form == "period" else " ").bold = True
        paragraph.add_run(text)
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def add_table(document: Any, headers: Sequence[str], widths: Sequence[float], section: Any) -> Any:
    """A table in Word's style with a repeating header row; ``widths`` are fractions of the text width."""
    from docx.shared import Emu

    table = document.add_table(rows=1, cols=len(headers))
    table.style = document.styles[TABLE_STYLE]
    table.autofit = False
    total = text_width(section)
    emus = [Emu(int(total * w / sum(widths))) for w in widths]
    for column, width in zip(table.columns, emus):
        column.width = width
    for cell, header, width in zip(table.rows[0].cells, headers, emus):
        cell.width = width
        set_cell(cell, header, bold=True)
    mark_header(table.rows[0])
    return table


def add_row(table: Any) -> Any:
    row = table.add_row()
    for cell, column in zip(row.cells, table.columns):
        cell.width = column.width
    keep_together(row)
    return row


def mark_header(row: Any) -> None:
    """Repeat this row at the top of every page the table runs onto."""
    _row_property(row, "w:tblHeader")
    keep_together(row)


def keep_together(row: Any) -> None:
    _row_property(row, "w:cantSplit")


def set_cell(cell: Any, text: str | None, *, bold: bool = False, italic: bool = False, size: float | None = BODY_FONT_PT) -> Any:
    """Put ``text`` (or the no-data mark) in a cell's first paragraph; returns the paragraph."""
    paragraph = cell.paragraphs[0]
    add_run(paragraph, text if text not in (None, "") else EMPTY, bold=bold, italic=italic, size=size)
    pad(paragraph)
    return paragraph


def pad(paragraph: Any, points: float = 2) -> None:
    """A little air above and below a cell's text."""
    from docx.shared import Pt

    paragraph.paragraph_format.space_before = Pt(points)
    paragraph.paragraph_format.space_after = Pt(points)


def clean(text: str) -> str:
    """Project text made fit for Word's XML: control characters shown as their pictures (``␛``), as
    on a terminal (every run passes :func:`_xml_safe_runs` as well; this serves text set otherwise)."""
    return for_xml(text)


def add_run(paragraph: Any, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None,
            grey: bool = False) -> Any:
    from docx.shared import Pt, RGBColor

    run = paragraph.add_run(clean(text))
    run.bold = bold or None
    run.italic = italic or None
    if size:
        run.font.size = Pt(size)
    if grey:
        run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    return run


def shade(cell: Any, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _row_property(row: Any, tag: str) -> None:
    from docx.oxml import OxmlElement

    properties = row._tr.get_or_add_trPr()
    if properties.find(_qualified(tag)) is None:
        properties.append(OxmlElement(tag))


def _qualified(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def plain_first_column(table: Any) -> None:
    """Switch off the table style's bold first column (row labels that are not headings)."""
    from docx.oxml import OxmlElement

    properties = table._tbl.tblPr
    look = properties.find(_qualified("w:tblLook"))
    if look is None:
        look = OxmlElement("w:tblLook")
        properties.append(look)
    for name, value in (("w:val", "0420"), ("w:firstRow", "1"), ("w:lastRow", "0"), ("w:firstColumn", "0"),
                        ("w:lastColumn", "0"), ("w:noHBand", "0"), ("w:noVBand", "1")):
        look.set(_qualified(name), value)
