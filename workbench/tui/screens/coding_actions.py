"""The Coding screen's coding keys: 1-9 and ``c`` code (or uncode) the selection, ``x`` removes, undo and redo.

Each shows its result at once (:func:`~workbench.tui.widgets.transcript_model.preview_toggle`,
``preview_apply``) and queues the write (:meth:`CodingBase._submit`).
"""

from __future__ import annotations

from workbench.services.codebook.codes import CodeInfo
from workbench.services.coding.codings import CodingInfo
from workbench.tui.messages import CodesLoaded
from workbench.tui.screens.coding_base import CodingBase
from workbench.tui.widgets.code_picker import CREATE, CodePicker
from workbench.tui.widgets.transcript_model import PENDING_ID, preview_apply, preview_toggle


class CodingActions(CodingBase):
    """Coding, uncoding and removing codings; undo and redo."""

    def action_toggle_number(self, number: int) -> None:
        code = self.panel.code_for_number(number)
        if code is None:
            self.notify(f"No code {number} in the codebook panel", severity="warning")
            return
        self.toggle(code)

    def toggle(self, code: CodeInfo, only_apply: bool = False) -> None:
        """Code (or, toggling, uncode) the selection: shown at once, written by the writer."""
        ready = self._ready()
        if ready is None:
            return
        document, span = ready
        if only_apply:
            (removed, added), coded = preview_apply(self.view.codings, self.context.coder, code, document.name, span), True
        else:
            (removed, added), coded = preview_toggle(self.view.codings, self.context.coder, code, document.name, span)
        self.view.change_codings(removed, added)
        self._counts()
        write = self.coding.apply if only_apply else self.coding.toggle

        def job() -> None:
            write(document.id, code.key, *span)

        self._submit(job, f"{'coded' if coded else 'uncoded'} {code.name}")

    def action_pick_code(self) -> None:
        if self._ready() is not None:
            self.app.push_screen(CodePicker(self.codes), self._picked)

    def _picked(self, choice: tuple[str, str] | None) -> None:
        if choice is None:
            return
        kind, value = choice
        if kind != CREATE:
            self.toggle(next(c for c in self.codes if c.key == value), only_apply=True)
            return
        ready = self._ready()
        if ready is None:
            return
        document, span = ready

        def create() -> str:
            code = self.coding.create_code(value)
            self.coding.apply(document.id, code.key, *span)
            self.post_message(CodesLoaded(self.coding.codes()))
            return f"New inductive code “{code.name}” applied"

        self._submit(create, f"created {value}")

    def action_remove_coding(self) -> None:
        codings = self.view.codings_at()
        if not codings:
            self.notify("No coding at the cursor", severity="warning")
            return
        self._choose("Remove which coding?", codings, self._coding_label, self._remove)

    def _remove(self, coding: CodingInfo) -> None:
        if coding.id == PENDING_ID:
            self.notify("That coding is still being saved; try again", severity="warning")
            return
        self.view.change_codings([coding], [])
        self._counts()
        self._submit(lambda: self.coding.remove(coding.id), f"removed {coding.code_name}")

    def action_undo(self) -> None:
        self._submit(lambda: f"Undone: {d}" if (d := self.coding.undo()) else "Nothing to undo", "undo")

    def action_redo(self) -> None:
        self._submit(lambda: f"Redone: {d}" if (d := self.coding.redo()) else "Nothing to redo", "redo")
