"""What the Review screen shows: the agreement table of the codes, a code's disagreements, the one at the cursor.

:class:`ReviewTables` holds the review's state (the coders, the disagreements
as last read or decided, the open code, the notes typed) and fills the two
tables and the status line from it; ``review_decisions`` changes the state and
``review.ReviewScreen`` adds the keys and the layout.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable, Input, Static

from workbench.agreement import format as fmt
from workbench.domain.vocabulary import CONSENSUS_CODER
from workbench.services.agreement import review as service
from workbench.services.agreement.compute import AgreementReport
from workbench.services.agreement.review import Disagreement, ReviewState
from workbench.tui.cells import middle_cut
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.widgets.disagreement_view import DisagreementView

ITEMS_WIDTH = 38  # cells of the list of disagreements (see ReviewScreen.DEFAULT_CSS)

Key = tuple[str, str, int, int]  # a disagreement's (source, code, start, end)


class ReviewTables(WorkbenchScreen):
    """The review's state and the tables that show it (see the module docstring)."""

    ERROR_TITLE = "Review"

    def __init__(self, first: str, second: str, consensus: str = CONSENSUS_CODER) -> None:
        super().__init__()
        self.first, self.second, self.consensus = first, second, consensus
        self.state: ReviewState | None = None
        self.report: AgreementReport | None = None
        self.code: str | None = None  # the code whose disagreements are open
        self.items: list[Disagreement] = []
        self._redo: list[service.Undone] = []  # decisions z took back, latest last
        self._drafts: dict[Key, str] = {}  # notes typed (or taken back) per disagreement

    @property
    def view(self) -> DisagreementView:
        return self.query_one(DisagreementView)

    def _set_state(self, state: ReviewState) -> None:
        self.state = state
        self._fill_codes()
        if self.code is not None:
            self._fill_items()
        self._show_status()

    def _fill_codes(self) -> None:
        table = self.query_one("#review-codes", DataTable)
        row = table.cursor_row
        table.clear()
        assert self.report is not None and self.state is not None
        for code in self.report.codes:
            done, total = self.state.progress(code.code)
            table.add_row(
                Text(f"{code.name} ({code.code})"), _num(code.kappa), _num(code.percent, 1), _num(code.alpha),
                _num(code.matched_percent, 1), Text(f"{done} of {total}" if total else "agreed"), key=code.code,
            )  # fmt: skip
        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1))

    def _cursor_to_first_open_code(self) -> None:
        """Open the table at the first code that still has unresolved disagreements."""
        assert self.report is not None and self.state is not None
        for row, code in enumerate(self.report.codes):
            done, total = self.state.progress(code.code)
            if done < total:
                self.query_one("#review-codes", DataTable).move_cursor(row=row)
                return

    def _fill_items(self, focus: Key | None = None) -> None:
        assert self.state is not None
        self.items = [d for d in self.state.disagreements if d.code == self.code]
        table = self.query_one("#review-items", DataTable)
        row = table.cursor_row
        table.clear()
        wheres = [f"{d.start}–{d.end}" for d in self.items]
        # The list is ITEMS_WIDTH cells: the status and the offsets keep their width, the source name the rest
        room = max(8, ITEMS_WIDTH - 6 - max(map(len, wheres), default=0) - 3 * 2 - 1)
        for d, where in zip(self.items, wheres):
            table.add_row(_mark(d), Text(middle_cut(d.source, room)), Text(where), key=f"{d.source}:{d.start}:{d.end}")
        keys = [d.key for d in self.items]
        if focus in keys:
            row = keys.index(focus)
        if self.items:
            table.move_cursor(row=min(max(row, 0), len(self.items) - 1))
        self._show_current()

    def _show_status(self) -> None:
        if self.state is None:
            return
        done, total = self.state.progress()
        text = f"{self.first} vs {self.second} → {self.consensus} · {done} of {total} disagreements resolved"
        if self.code is not None:
            code_done, code_total = self.state.progress(self.code)
            text += f" · {self.code}: {code_done} of {code_total}"
        self.query_one("#review-status", Static).update(text)

    def current(self) -> Disagreement | None:
        row = self.query_one("#review-items", DataTable).cursor_row
        return self.items[row] if self.code is not None and 0 <= row < len(self.items) else None

    def _show_current(self) -> None:
        d = self.current()
        self.view.show(d)
        self.query_one("#review-note", Input).value = (d.note or self._drafts.get(d.key, "")) if d else ""

    def _go_to_unresolved(self, from_row: int) -> bool:
        order = list(range(from_row, len(self.items))) + list(range(0, from_row))
        for row in order:
            if not self.items[row].resolved:
                self.query_one("#review-items", DataTable).move_cursor(row=row)
                self._show_current()
                return True
        return False


def _num(value: float | None, digits: int = fmt.COEFFICIENT_DIGITS) -> Text:
    return Text(fmt.fixed(value, digits), justify="right")


def _mark(d: Disagreement) -> Text:
    return Text(f"✓ {d.decision}", style="green") if d.resolved else Text("• open", style="bold")
