"""The Retrieve screen's table of coded segments, filled a page at a time.

A retrieval may match hundreds of thousands of segments; building a row for each at once would
keep the screen waiting for seconds. The screen gives the table the first page and says whether
more exist (:attr:`SegmentTable.more`); when the cursor or the scroll position comes within
:data:`MARGIN` rows of the last one loaded, the table posts :class:`SegmentTable.NeedMore` (once
per page) and the screen appends the next page with :meth:`SegmentTable.append_segments`.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable

from workbench.services.coding.retrieve import RetrievedSegment
from workbench.tui.render import excerpt

EXCERPT_CHARS = 70
CODE_CHARS = 18
MARGIN = 40  # rows left below the cursor or the view when the next page is asked for


class SegmentTable(DataTable[Text]):
    """Participant, code, quote, source, speaker and coder of each segment; more rows on scroll."""

    DEFAULT_CSS = """
    SegmentTable {
        height: 1fr;
        border-left: blank;
    }
    SegmentTable:focus {
        border-left: thick $accent;
    }
    """

    class NeedMore(Message):
        """The user is near the last row loaded and more segments exist."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.more = False  # the screen sets it: segments exist beyond the rows loaded
        self._asked_at = -1  # the row count when NeedMore was last posted
        self._appending = False

    def on_mount(self) -> None:
        # The quote comes third so it shows at 80 columns; the context pane has the rest.
        for label, key in (("Participant", "participant"), ("Code", "code"), ("Text", "text"), ("Source", "source"),
                           ("Speaker", "speaker"), ("Coder", "coder")):
            self.add_column(label, key=key)

    def show_segments(self, rows: Sequence[RetrievedSegment], more: bool) -> None:
        """Replace the rows (the cursor goes back to the first)."""
        self.more = False
        self.clear()
        self._asked_at = -1
        self.append_segments(rows, more)

    def append_segments(self, rows: Sequence[RetrievedSegment], more: bool) -> None:
        self._appending = True  # adding rows moves no cursor: check once, after
        try:
            self.add_rows(_cells(row) for row in rows)
        finally:
            self._appending = False
        self.more = more and bool(rows)
        self.call_after_refresh(self._check_end)  # the cursor may already be near the new last row (laid out first)

    def watch_cursor_coordinate(self, old_coordinate: Coordinate, new_coordinate: Coordinate) -> None:
        super().watch_cursor_coordinate(old_coordinate, new_coordinate)
        self._check_end()

    def on_resize(self, event: events.Resize) -> None:
        self._check_end()  # laid out (or resized) taller than the rows loaded: the next page, whenever that happens

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._check_end()

    def _check_end(self) -> None:
        if not self.more or self._appending or self._asked_at == self.row_count:
            return
        seen = max(self.cursor_row, round(self.scroll_y) + self.scrollable_content_region.height)
        if self.row_count - seen <= MARGIN:
            self._asked_at = self.row_count
            self.post_message(self.NeedMore())


def _cells(row: RetrievedSegment) -> tuple[Text, ...]:
    return (
        Text(row.participant or "—"),
        Text.assemble(("■ ", row.colour or "grey50"), excerpt(row.code_name, CODE_CHARS)),
        Text(excerpt(row.text, EXCERPT_CHARS)),
        Text(row.source),
        Text(row.speaker or "—"),
        Text(row.coder),
    )
