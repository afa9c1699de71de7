"""Tables as CSV or Excel, written the way spreadsheet users expect.

Every CSV and Excel export goes through here. Excel (.xlsx, needs openpyxl): a bold
header row frozen in place with an autofilter, column widths from the content (capped,
long text wrapped), numbers stored as numbers and text as string cells — a value such as
``=HYPERLINK(...)`` from a transcript stays text and never becomes a formula; control
characters an .xlsx cannot hold are written as their pictures (``␛``), as the terminal
shows them. CSV: UTF-8 (``excel=True``: with a byte-order mark, so Excel reads curly
quotes and accents correctly); every text cell (headers and row labels too) through
:func:`workbench.domain.cells.protect_cell`, so text a spreadsheet would run as a formula
gets a leading apostrophe (which ``codings import`` takes off again). Both go through a
temporary sibling, so a failure leaves nothing partial.
"""

from __future__ import annotations

import csv
import importlib.util
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.atomic import write_bytes
from workbench.domain.cells import protect_row
from workbench.errors import WorkbenchError
from workbench.safety import for_xml

MAX_WIDTH = 60
BOM = "\ufeff"


@dataclass(frozen=True)
class Sheet:
    name: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]


def require_openpyxl(path: Path) -> None:
    if importlib.util.find_spec("openpyxl") is None:
        raise WorkbenchError(f"{path}: writing .xlsx needs openpyxl; install it (pip install openpyxl) or write .csv")


def write_sheets(path: Path, sheets: Sequence[Sheet], *, excel: bool = False) -> None:
    """``.xlsx``: every sheet; ``.csv``: the first."""
    if path.suffix.lower() == ".xlsx":
        require_openpyxl(path)
        write_bytes(path, xlsx_bytes(sheets))
    else:
        write_bytes(path, csv_text(sheets[0].headers, sheets[0].rows, excel=excel).encode("utf-8"))


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, excel: bool = False) -> str:
    """CSV text (``\n`` line ends) with every text cell protected; None as an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(protect_row(headers))
    writer.writerows(protect_row(["" if v is None else v for v in row]) for row in rows)
    return (BOM if excel else "") + buffer.getvalue()


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(_sheet_title(sheet.name))
        widths = [len(str(h)) for h in sheet.headers]
        for column, header in enumerate(sheet.headers, 1):
            cell = ws.cell(row=1, column=column)
            _set(cell, str(header))
            cell.font = Font(bold=True)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        for r, row in enumerate(sheet.rows, 2):
            for column, value in enumerate(row, 1):
                cell = ws.cell(row=r, column=column)
                _set(cell, value)
                text = "" if value is None else str(value)
                if column <= len(widths):
                    widths[column - 1] = max(widths[column - 1], min(len(text), MAX_WIDTH))
                if len(text) > MAX_WIDTH or "\n" in text:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        for column, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(column)].width = max(6, width + 2)
        ws.freeze_panes = "A2"
        if sheet.headers:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.headers))}{max(1, len(sheet.rows) + 1)}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _set(cell: Any, value: Any) -> None:
    """Numbers as numbers; every string as a string (never a formula)."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        cell.value = for_xml(str(value))
        cell.data_type = "s"
    else:
        cell.value = value


def _sheet_title(name: str) -> str:
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)
    return cleaned[:31] or "Sheet"


def frame_sheet(frame: Any, name: str, *, index: bool = True) -> Sheet:
    """A pandas DataFrame as a :class:`Sheet`: the index as the first column, missing values empty,
    numpy numbers as Python numbers (so Excel stores them as numbers)."""
    import pandas as pd

    def plain(value: Any) -> Any:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return None
        return value.item() if hasattr(value, "item") else value

    headers = ([frame.index.name or ""] if index else []) + [str(c) for c in frame.columns]
    rows = [([plain(i)] if index else []) + [plain(v) for v in values]
            for i, values in zip(frame.index, frame.itertuples(index=False, name=None))]
    return Sheet(name, headers, rows)
