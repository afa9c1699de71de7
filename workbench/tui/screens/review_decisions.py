"""The Review screen's writes: decisions, notes, undo, redo and refining a code's definition.

Every write goes to the App's :class:`~workbench.tui.writer.Writer`, so the
consensus layer receives them in the order the keys were pressed (a decision
typed right after ``z`` lands after the undo); each comes back as a message
that updates the tables.
"""

from __future__ import annotations

import dataclasses

from textual import on, work
from textual.message import Message
from textual.widgets import DataTable, Input

from workbench.errors import ConflictError
from workbench.services.agreement import review as service
from workbench.services.agreement.review import Disagreement, ReviewState
from workbench.services.codebook.codes import CodeInfo
from workbench.services.codebook.edit import get_code
from workbench.tui.screens.review_tables import Key, ReviewTables
from workbench.tui.widgets.disagreement_view import DisagreementView, RefineDefinitionScreen


class ReviewDecisions(ReviewTables):
    """Deciding, undoing, redoing and refining (see the module docstring)."""

    class Decided(Message):
        def __init__(self, disagreement: Disagreement) -> None:
            super().__init__()
            self.disagreement = disagreement

    class Reloaded(Message):
        def __init__(self, state: ReviewState, focus: Key | None, text: str, undone: service.Undone | None = None) -> None:
            super().__init__()
            self.state, self.focus, self.text, self.undone = state, focus, text, undone

    class CodeRead(Message):
        def __init__(self, code: CodeInfo, draft: tuple[str, str] | None = None, theirs: str | None = None) -> None:
            super().__init__()
            self.code, self.draft, self.theirs = code, draft, theirs

    # Deciding -------------------------------------------------------------------------------

    def action_decide(self, decision: str) -> None:
        d = self.current()
        if d is not None:
            self._redo.clear()
            self._adjudicate(d, decision, None, self.query_one("#review-note", Input).value)

    def action_edit(self) -> None:
        self.view.start_edit()

    @on(DisagreementView.Accepted)
    def _edit_accepted(self, message: DisagreementView.Accepted) -> None:
        self._redo.clear()
        self._adjudicate(message.disagreement, "edited", [message.span], self.query_one("#review-note", Input).value)
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

    def _adjudicate(self, d: Disagreement, decision: str, spans: list[tuple[int, int]] | None, note: str) -> None:
        context, coders = self.context, (self.first, self.second, self.consensus)
        self.writer.submit(
            lambda: service.adjudicate(context.project, coders, d, decision, spans=spans, note=note, actor=context.coder),
            title=self.ERROR_TITLE, then=lambda decided: self.post_message(self.Decided(decided)),
        )  # fmt: skip

    def on_review_decisions_decided(self, message: Decided) -> None:
        decided = message.disagreement
        assert self.state is not None
        updated = tuple(decided if d.key == decided.key else d for d in self.state.disagreements)
        self._set_state(dataclasses.replace(self.state, disagreements=updated))
        if self.code == decided.code:
            row = next((i for i, d in enumerate(self.items) if d.key == decided.key), 0)
            if not self._go_to_unresolved(row):
                self.notify(f"all {len(self.items)} disagreements of {decided.code_name} resolved; Esc for the codes")

    # Undo and redo ----------------------------------------------------------------------------

    def action_undo(self) -> None:
        context, first, second, consensus = self.context, self.first, self.second, self.consensus

        def undo() -> tuple[service.Undone | None, ReviewState]:
            undone = service.undo_last(context.project, first, second, consensus, actor=context.coder)
            return undone, service.list_disagreements(context.project, first, second, consensus)

        self.writer.submit(undo, title=self.ERROR_TITLE, then=self._undone)

    def _undone(self, result: tuple[service.Undone | None, ReviewState]) -> None:
        """In the writer's thread: what the undo took back, for the screen."""
        undone, state = result
        if undone is None:
            self.post_message(self.Reloaded(state, None, "nothing to undo"))
            return
        text = f"undid '{undone.decision}' on {undone.code} in {undone.source} {undone.start}–{undone.end}"
        self.post_message(self.Reloaded(state, (undone.source, undone.code, undone.start, undone.end), text, undone))

    def action_redo(self) -> None:
        if not self._redo:
            self.notify("nothing to redo", title="Review")
            return
        undone, context, coders = self._redo.pop(), self.context, (self.first, self.second, self.consensus)
        self.writer.submit(
            lambda: service.redo(context.project, *coders, undone, actor=context.coder),
            title=self.ERROR_TITLE, then=lambda decided: self.post_message(self.Decided(decided)),
        )  # fmt: skip

    def on_review_decisions_reloaded(self, message: Reloaded) -> None:
        if message.undone is not None:
            self._redo.append(message.undone)
            if message.undone.note and message.focus is not None:  # the note stays, ready for the next decision
                self._drafts[message.focus] = message.undone.note
        self._set_state(message.state)
        if message.focus is not None and message.focus[1] == self.code:
            self._fill_items(focus=message.focus)
        self.notify(message.text, title="Review", markup=False)

    # Refining the codebook ------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="review-read")
    def action_refine(self) -> None:
        if self.code is not None:
            self.post_message(self.CodeRead(get_code(self.project, self.code)))

    def on_review_decisions_code_read(self, message: CodeRead) -> None:
        code = message.code

        def refined(result: tuple[str, str] | None) -> None:
            if result is not None and (result[0].strip() != (code.definition or "") or message.draft is not None):
                self._refine(code, *result)

        self.app.push_screen(RefineDefinitionScreen(code, message.draft, message.theirs), refined)

    def _refine(self, code: CodeInfo, definition: str, note: str) -> None:
        context = self.context

        def refine() -> bool:
            try:
                service.refine_code(context.project, code.key, expected_version=code.version, note=note,
                                    actor=context.coder, definition=definition)  # fmt: skip
            except ConflictError:  # someone else saved first: the form again, with the user's text and theirs
                latest = get_code(context.project, code.key)
                self.post_message(self.CodeRead(latest, (definition, note), latest.definition or ""))
                return False
            return True

        self.writer.submit(refine, title=self.ERROR_TITLE,
                           done=lambda saved: f"definition of {code.name} updated" if saved else None)  # fmt: skip
