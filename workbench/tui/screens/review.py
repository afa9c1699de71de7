"""The Review screen: two coders' agreement per code, then each disagreement adjudicated into consensus.

Opening the screen copies the regions both coders coded identically into the
consensus layer (once; the user is told how many) and shows the per-code
agreement table, worst first. Enter opens a code's disagreements; the cursor
starts at the first unresolved one. Single keys decide (1 first, 2 second,
u union, i intersection, x neither, e edit the span), n writes a note for the
decision, z undoes the latest decision, d refines the code's definition.
Every write runs in a thread worker, one at a time; results come back as
messages. ``ReviewScreen(first, second, consensus="consensus")`` reads
``app.context`` (:class:`~workbench.tui.context.WorkbenchContext`).
"""

from __future__ import annotations

import dataclasses

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import ContentSwitcher, DataTable, Input, Static

from workbench.agreement import format as fmt
from workbench.domain.vocabulary import CONSENSUS_CODER
from workbench.errors import ConflictError
from workbench.services.agreement import review as service
from workbench.services.agreement.compute import AgreementReport, compute_agreement
from workbench.services.agreement.review import Disagreement, ReviewState
from workbench.services.codebook.codes import CodeInfo
from workbench.services.codebook.edit import get_code
from workbench.tui.cells import middle_cut
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.turns import InTurn
from workbench.tui.widgets.disagreement_view import DisagreementView, RefineDefinitionScreen
from workbench.tui.widgets.key_footer import KeyFooter

ITEMS_WIDTH = 38  # cells of the list of disagreements (see DEFAULT_CSS)



DECISION_KEYS = {"first": "1", "second": "2", "union": "u", "intersection": "i", "neither": "x"}


class ReviewScreen(WorkbenchScreen):
    """Agreement per code and adjudication of the disagreements of two coders."""

    ERROR_TITLE = "Review"

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

    class Decided(Message):
        def __init__(self, disagreement: Disagreement) -> None:
            super().__init__()
            self.disagreement = disagreement

    class Reloaded(Message):
        def __init__(self, state: ReviewState, focus: tuple[str, str, int, int] | None, text: str,
                     undone: service.Undone | None = None) -> None:
            super().__init__()
            self.state, self.focus, self.text, self.undone = state, focus, text, undone

    class CodeRead(Message):
        def __init__(self, code: CodeInfo, draft: tuple[str, str] | None = None, theirs: str | None = None) -> None:
            super().__init__()
            self.code, self.draft, self.theirs = code, draft, theirs

    def __init__(self, first: str, second: str, consensus: str = CONSENSUS_CODER) -> None:
        super().__init__()
        self.first, self.second, self.consensus = first, second, consensus
        self.state: ReviewState | None = None
        self.report: AgreementReport | None = None
        self.code: str | None = None  # the code whose disagreements are open
        self.items: list[Disagreement] = []
        self._redo: list[service.Undone] = []  # decisions z took back, latest last
        self._drafts: dict[tuple[str, str, int, int], str] = {}  # notes typed (or taken back) per disagreement
        self._turns = InTurn()  # writes run one at a time, in the order the keys were pressed

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

    @property
    def view(self) -> DisagreementView:
        return self.query_one(DisagreementView)

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
        self._load(self._turns.ticket())

    # Loading ------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="review-load")
    def _load(self, ticket: int) -> None:
        with self._turns.turn(ticket):
            context = self.context
            state = service.start_review(context.project, self.first, self.second, self.consensus, actor=context.coder)
        report = compute_agreement(context.project, [self.first, self.second], resamples=0)
        self.post_message(self.Loaded(state, report))

    def on_review_screen_loaded(self, message: Loaded) -> None:
        self.report = message.report
        self._set_state(message.state)
        self._cursor_to_first_open_code()
        if message.state.seeded:
            self.notify(f"{message.state.seeded} region(s) both coders coded alike were copied to "
                        f"the consensus layer {self.consensus!r}", title="Review", markup=False)  # fmt: skip

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

    def _fill_items(self, focus: tuple[str, str, int, int] | None = None) -> None:
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

    # Deciding -------------------------------------------------------------------------------

    def action_decide(self, decision: str) -> None:
        d = self.current()
        if d is not None:
            self._redo.clear()
            self._write(self._turns.ticket(), d, decision, None, self.query_one("#review-note", Input).value)

    def action_edit(self) -> None:
        self.view.start_edit()

    @on(DisagreementView.Accepted)
    def _edit_accepted(self, message: DisagreementView.Accepted) -> None:
        self._redo.clear()
        self._write(self._turns.ticket(), message.disagreement, "edited", [message.span],
                    self.query_one("#review-note", Input).value)
        self.query_one("#review-items", DataTable).focus()

    @on(DisagreementView.Cancelled)
    def _edit_cancelled(self) -> None:
        self.query_one("#review-items", DataTable).focus()

    def action_note(self) -> None:
        self.query_one("#review-note", Input).focus()

    @on(Input.Changed, "#review-note")
    def _note_typed(self, event: Input.Changed) -> None:
        d = self.current()
        if d is not None and event.value != (d.note or ""):
            self._drafts[d.key] = event.value

    @on(Input.Submitted, "#review-note")
    def _note_done(self) -> None:
        self.query_one("#review-items", DataTable).focus()

    @work(thread=True, exit_on_error=False, group="review-write")
    def _write(self, ticket: int, d: Disagreement, decision: str, spans: list | None, note: str) -> None:
        with self._turns.turn(ticket):
            context = self.context
            decided = service.adjudicate(context.project, (self.first, self.second, self.consensus), d, decision,
                                         spans=spans, note=note, actor=context.coder)  # fmt: skip
        self.post_message(self.Decided(decided))

    def on_review_screen_decided(self, message: Decided) -> None:
        decided = message.disagreement
        assert self.state is not None
        updated = tuple(decided if d.key == decided.key else d for d in self.state.disagreements)
        self._set_state(dataclasses.replace(self.state, disagreements=updated))
        if self.code == decided.code:
            row = next((i for i, d in enumerate(self.items) if d.key == decided.key), 0)
            if not self._go_to_unresolved(row):
                self.notify(f"all {len(self.items)} disagreements of {decided.code_name} resolved; Esc for the codes")

    def action_undo(self) -> None:
        self._undo(self._turns.ticket())

    @work(thread=True, exit_on_error=False, group="review-write")
    def _undo(self, ticket: int) -> None:
        with self._turns.turn(ticket):
            context = self.context
            undone = service.undo_last(context.project, self.first, self.second, self.consensus, actor=context.coder)
            state = service.list_disagreements(context.project, self.first, self.second, self.consensus)
        if undone is None:
            self.post_message(self.Reloaded(state, None, "nothing to undo"))
            return
        text = f"undid '{undone.decision}' on {undone.code} in {undone.source} {undone.start}–{undone.end}"
        self.post_message(self.Reloaded(state, (undone.source, undone.code, undone.start, undone.end), text, undone))

    def action_redo(self) -> None:
        if not self._redo:
            self.notify("nothing to redo", title="Review")
            return
        self._redo_write(self._turns.ticket(), self._redo.pop())

    @work(thread=True, exit_on_error=False, group="review-write")
    def _redo_write(self, ticket: int, undone: service.Undone) -> None:
        with self._turns.turn(ticket):
            context = self.context
            decided = service.redo(context.project, self.first, self.second, self.consensus, undone, actor=context.coder)
        self.post_message(self.Decided(decided))

    def on_review_screen_reloaded(self, message: Reloaded) -> None:
        if message.undone is not None:
            self._redo.append(message.undone)
            if message.undone.note:  # the note stays with the disagreement, ready for the next decision
                self._drafts[message.focus] = message.undone.note  # type: ignore[index]
        self._set_state(message.state)
        if message.focus is not None and message.focus[1] == self.code:
            self._fill_items(focus=message.focus)
        self.notify(message.text, title="Review", markup=False)

    # Refining the codebook ------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="review-read")
    def action_refine(self) -> None:
        if self.code is not None:
            self.post_message(self.CodeRead(get_code(self.project, self.code)))

    def on_review_screen_code_read(self, message: CodeRead) -> None:
        code = message.code

        def refined(result: tuple[str, str] | None) -> None:
            if result is not None and (result[0].strip() != (code.definition or "") or message.draft is not None):
                self._refine(self._turns.ticket(), code, *result)

        self.app.push_screen(RefineDefinitionScreen(code, message.draft, message.theirs), refined)

    @work(thread=True, exit_on_error=False, group="review-write")
    def _refine(self, ticket: int, code: CodeInfo, definition: str, note: str) -> None:
        with self._turns.turn(ticket):
            context = self.context
            try:
                service.refine_code(context.project, code.key, expected_version=code.version, note=note,
                                    actor=context.coder, definition=definition)  # fmt: skip
            except ConflictError:  # someone else saved first: the form again, with the user's text and theirs
                latest = get_code(context.project, code.key)
                self.post_message(self.CodeRead(latest, (definition, note), latest.definition or ""))
                return
        self.app.call_from_thread(self.notify, f"definition of {code.name} updated", title="Codebook")



def _num(value: float | None, digits: int = fmt.COEFFICIENT_DIGITS) -> Text:
    return Text(fmt.fixed(value, digits), justify="right")


def _mark(d: Disagreement) -> Text:
    return Text(f"✓ {d.decision}", style="green") if d.resolved else Text("• open", style="bold")
