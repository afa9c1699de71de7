"""Roll-up tables as CSV or Excel: ``themes`` (per-theme summary), ``matrix`` (theme × participant) or ``codes`` (code × theme).

CSV is UTF-8 with a header row and the index as the first column. Excel
(.xlsx, laid out by :mod:`workbench.services.export.sheets`) needs the optional ``openpyxl`` package; without it the export stops
with a message saying how to install it. Either way the file is written
through a temporary sibling, so a failure leaves nothing partial.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.errors import WorkbenchError
from workbench.services.export.sheets import frame_sheet, write_sheets
from workbench.services.export.word import check_output
from workbench.services.themes import rollups
from workbench.store.engine import Project

if TYPE_CHECKING:
    import pandas as pd

TABLES = ("themes", "matrix", "codes")
SHEET_NAMES = {"themes": "Themes", "matrix": "Theme x participant", "codes": "Code x theme"}


@dataclass(frozen=True)
class TableExport:
    path: Path
    what: str
    rows: int
    columns: int
    layer: str


def export_table(project: Project, path: Path, what: str = "themes", coder: str | None = None, consensus: bool = False,
                 *, bom: bool = False) -> TableExport:
    """Write one roll-up table to ``path`` (.csv or .xlsx; ``bom``: a CSV for Excel, with a byte-order mark)."""
    if what not in TABLES:
        raise WorkbenchError(f"--what must be one of {', '.join(TABLES)}, not {what!r}")
    check_output(path, (".csv", ".xlsx"))
    excel = path.suffix.lower() == ".xlsx"
    if excel and importlib.util.find_spec("openpyxl") is None:
        raise WorkbenchError(f"{path}: writing .xlsx needs openpyxl; install it (pip install openpyxl) or write .csv")
    data = rollups.collect(project, coder, consensus)
    if not data.themes:
        raise WorkbenchError("no themes in this project yet; create them in the Themes screen or run 'workbench themes load FILE'")
    frame = table(what, data)
    write_sheets(path, [frame_sheet(frame, SHEET_NAMES[what])], excel=bom)
    return TableExport(path, what, len(frame.index), len(frame.columns), data.layer.name)


def table(what: str, data: rollups.ThemeData) -> pd.DataFrame:
    """The DataFrame behind ``--what``."""
    if what == "themes":
        return rollups.theme_summary(None, data=data)
    if what == "matrix":
        return rollups.presence_matrix(None, data=data)
    return rollups.code_theme_matrix(None, data=data)
