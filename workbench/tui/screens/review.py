"""The Review screen: two coders' agreement per code, then each disagreement adjudicated into consensus.

Opening the screen copies the regions both coders coded identically into the
consensus layer (once; the user is told how many) and shows the per-code
agreement table, worst first. Enter opens a code's disagreements; the cursor
starts at the first unresolved one. Single keys decide (1 first, 2 second,
u union, i intersection, x neither, e edit the span), n writes a note for the
decision, z undoes the latest decision, d refines the code's definition.
Every write goes through the App's writer, in the order the keys were pressed
(``review_decisions``); the tables are filled in ``review_tables``; here are
the keys, the layout, loading and moving around.
``ReviewScreen(first, second, consensus="consensus")`` reads ``app.context``
(:class:`~workbench.tui.context.WorkbenchContext`).
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import ContentSwitcher, DataTable, Input, Static

from workbench.services.agreement import review as service
from workbench.services.agreement.compute import AgreementReport, compute_agreement
from workbench.services.agreement.review import ReviewState
from workbench.tui.screens.review_decisions import ReviewDecisions
from workbench.tui.widgets.disagreement_view import DisagreementView
from workbench.tui.widgets.key_footer import KeyFooter


class ReviewScreen(ReviewDecisions):
    """Agreement per code and adjudication of the disagreements of two coders."""

    DEFAULT_CSS = """
    ReviewScreen #review-status { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    ReviewScreen ContentSwitcher, ReviewScreen #review-pane { height: 1fr; }
    ReviewScreen #review-codes, ReviewScreen #review-items { height: 1fr; }
    ReviewScreen #review-items { width: 38; }  /* ITEMS_WIDTH */
    ReviewScreen #review-detail { width: 1fr; }
    ReviewScreen #review-note { margin: 0 1; }
    """
    BINDINGS = [
        Binding("1", "decide('first')", "Keep first", id="review.first", tooltip="Keep the first coder's coding"),
        Binding("2", "decide('second')", "Keep second", id="review.second", tooltip="Keep the second coder's coding"),
        Binding("u", "decide('union')", "Union", id="review.union", tooltip="Keep what either coder coded"),
        Binding("i", "decide('intersection')", "Intersection", id="review.intersection",
                tooltip="Keep only what both coders coded"),
        Binding("x", "decide('neither')", "Neither", id="review.neither", tooltip="Code nothing here in the consensus"),
        Binding("e", "edit", "Edit span", id="review.edit", tooltip="Set the consensus span yourself, by char or word"),
        Binding("n", "note", "Note", id="review.note", tooltip="Write the discussion note for this decision"),
        Binding("d", "refine", "Definition", id="review.refine",
                tooltip="Refine the code's definition (recorded in the audit trail with a note)"),
        Binding("z", "undo", "Undo", id="review.undo", tooltip="Take back the latest decision"),
        Binding("y", "redo", "Redo", id="review.redo", tooltip="Decide again what z took back, with its note"),
        Binding("right_square_bracket", "next_unresolved", "Next open", id="review.next",
                tooltip="Go to the next unresolved disagreement"),
        Binding("o", "open_code", "Open code", id="review.open",
                tooltip="Open the disagreements of the highlighted code (or Enter)"),
        Binding("escape", "back", "Codes", id="review.back", tooltip="Back to the agreement table of the codes"),
        Binding("q", "leave", "Leave", id="review.leave", tooltip="Leave the Review screen"),
    ]

    class Loaded(Message):
        def __init__(self, state: ReviewState, report: AgreementReport) -> None:
            super().__init__()
            self.state, self.report = state, report

    def compose(self) -> ComposeResult:
        yield Static("Loading the review…", id="review-status", markup=False)
        with ContentSwitcher(initial="review-codes"):
            yield DataTable(id="review-codes", cursor_type="row", zebra_stripes=True)
            with Horizontal(id="review-pane"):
                yield DataTable(id="review-items", cursor_type="row")
                with Vertical(id="review-detail"):
                    yield DisagreementView(self.first, self.second, id="review-view")
                    yield Input(placeholder="n: note for the decision (Enter keeps it)", id="review-note", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        codes = self.query_one("#review-codes", DataTable)
        for label, key in (("Code", "code"), ("Kappa", "kappa"), ("Agree %", "percent"), ("Alpha", "alpha"),
                           ("Matched %", "matched"), ("Resolved", "resolved")):  # fmt: skip
            codes.add_column(label, key=key)
        items = self.query_one("#review-items", DataTable)
        items.add_column("", key="status")
        items.add_column("Source", key="source")
        items.add_column("Where", key="where")
        codes.focus()
        context, first, second, consensus = self.context, self.first, self.second, self.consensus
        self.writer.submit(  # a write: the agreed regions are copied into the consensus layer (once)
            lambda: service.start_review(context.project, first, second, consensus, actor=context.coder),
            title=self.ERROR_TITLE, then=lambda state: self.call_later(self._read_agreement, state),
        )  # fmt: skip

    # Loading ------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="review-load")
    def _read_agreement(self, state: ReviewState) -> None:
        report = compute_agreement(self.project, [self.first, self.second], resamples=0)
        self.post_message(self.Loaded(state, report))

    def on_review_screen_loaded(self, message: Loaded) -> None:
        self.report = message.report
        self._set_state(message.state)
        self._cursor_to_first_open_code()
        if message.state.seeded:
            self.notify(f"{message.state.seeded} region(s) both coders coded alike were copied to "
                        f"the consensus layer {self.consensus!r}", title="Review", markup=False)  # fmt: skip

    # Moving around --------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#review-codes")
    def _code_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self._open_code(str(event.row_key.value))

    def action_open_code(self) -> None:
        table = self.query_one("#review-codes", DataTable)
        if table.row_count:
            self._open_code(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    def _open_code(self, code: str) -> None:
        if self.state is None:
            return
        if not self.state.progress(code)[1]:
            self.notify(f"{self.first} and {self.second} coded {code} alike everywhere: nothing to review")
            return
        self.code = code
        self.query_one(ContentSwitcher).current = "review-pane"
        self.query_one("#review-items", DataTable).move_cursor(row=0)
        self._fill_items()
        self._go_to_unresolved(from_row=0)
        self.query_one("#review-items", DataTable).focus()
        self._show_status()

    @on(DataTable.RowHighlighted, "#review-items")
    def _item_highlighted(self) -> None:
        self._show_current()

    def action_next_unresolved(self) -> None:
        if self.code is not None and not self._go_to_unresolved(self.query_one("#review-items", DataTable).cursor_row + 1):
            self.notify(f"every disagreement of {self.code} is resolved")

    def action_back(self) -> None:
        if self.code is None:
            self.action_leave()
            return
        self.code = None
        self.query_one(ContentSwitcher).current = "review-codes"
        self.query_one("#review-codes", DataTable).focus()
        self._show_status()

    def action_leave(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"decide", "edit", "note", "refine", "next_unresolved"}:
            return self.code is not None and not self.view.editing
        if action == "open_code":
            return self.code is None
        return not self.view.editing
