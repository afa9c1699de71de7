"""A DataTable that shows project text as it is.

Textual's DataTable reads a plain ``str`` cell as Rich markup: a source named "Interview [draft]" would show
as "Interview ", "[bold]P01" in bold, and "[link=…]" would make a terminal hyperlink out of project data.
Every table of project data is a :class:`PlainTable`, which turns each ``str`` cell into a Rich ``Text``
first (shown as written; control characters as their pictures, as everywhere: :mod:`.safe_display`). It
is also quicker: the markup parser no longer reads every cell (3,600 of them on a 400-source project).
"""

from __future__ import annotations

from rich.text import Text, TextType
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey


class PlainTable(DataTable):
    def add_row(self, *cells: object, height: int | None = 1, key: str | None = None,
                label: TextType | None = None) -> RowKey:
        return super().add_row(*(Text(cell, end="") if isinstance(cell, str) else cell for cell in cells),
                               height=height, key=key, label=label)
