"""Writing tables for spreadsheets: every CSV and Excel export goes through here.

CSV: each text cell (headers and row labels too) through
:func:`workbench.domain.cells.protect_cell`, so a value such as ``=HYPERLINK(…)``
arrives as text with a leading ``'``. Excel (.xlsx): every text cell is written as
a string cell, never a formula, whatever it starts with; control characters an
.xlsx cannot hold are written as their pictures (``␛``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from workbench.atomic import write_bytes, write_text
from workbench.domain.cells import protect_cell, protect_row
from workbench.safety import for_xml


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """UTF-8 CSV text (``\\n`` line ends) with every text cell protected."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(protect_row(header))
    writer.writerows(protect_row(row) for row in rows)
    return buffer.getvalue()


def write_frame(frame, path: Path, sheet: str, *, index: bool) -> None:  # type: ignore[no-untyped-def]
    """A pandas DataFrame as .csv or .xlsx (by the suffix of ``path``), written all or nothing."""
    if path.suffix.lower() == ".xlsx":
        write_bytes(path, frame_xlsx(frame, sheet, index=index))
    else:
        write_text(path, frame_csv(frame, index=index))


def frame_csv(frame, *, index: bool) -> str:  # type: ignore[no-untyped-def]
    def protect(value):  # type: ignore[no-untyped-def]
        return protect_cell(value) if isinstance(value, str) else value

    safe = frame.map(protect).rename(index=protect, columns=protect)
    if index and safe.index.name is not None:
        safe.index.name = protect(safe.index.name)
    return safe.to_csv(index=index, lineterminator="\n")


def frame_xlsx(frame, sheet: str, *, index: bool) -> bytes:  # type: ignore[no-untyped-def]
    """Excel: text cells are string cells; the control characters an .xlsx cannot hold (C0 but tab,
    newline and CR) are written as their pictures (ESC as ␛), as the terminal shows them."""
    import pandas as pd

    def storable(value):  # type: ignore[no-untyped-def]
        return for_xml(value) if isinstance(value, str) else value

    frame = frame.map(storable).rename(index=storable, columns=storable)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name=sheet, index=index)
        for row in writer.sheets[sheet].iter_rows():
            for cell in row:
                if cell.data_type == "f":  # openpyxl takes any text starting with "=" for a formula
                    cell.data_type = "s"
    return buffer.getvalue()
