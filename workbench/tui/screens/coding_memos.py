"""The Coding screen's memos: ``m`` opens the memo of the coding at the cursor, the source, or the code.

The memo is read in a worker and edited in the :class:`MemoEditor` under the
transcript; saving it is a write like any coding action.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.widgets import Tree

from workbench.services.coding.codings import CodingInfo
from workbench.tui.messages import MemoLoaded
from workbench.tui.screens.coding_base import CodingBase
from workbench.tui.widgets.memo_editor import MemoEditor
from workbench.tui.widgets.transcript_model import PENDING_ID


class CodingMemos(CodingBase):
    """Reading and writing memos of codings, sources and codes."""

    def action_memo(self) -> None:
        if self.document is None:
            return
        if self.focused is not None and isinstance(self.focused, Tree):
            code = self.panel.highlighted
            if code is not None:
                self._read_memo("code", code.id, f"code {code.path}")
            return
        source = ("source", Text(f"Memo of the source {self.document.name}", style="italic"))
        codings = [c for c in self.view.codings_at() if c.id != PENDING_ID]
        if not codings:
            self._read_memo("source", self.document.id, f"source {self.document.name}")
            return
        if len(codings) == 1:
            self._memo_chosen(codings[0])
        else:
            choices: list[CodingInfo | str] = list(codings)
            self._choose("Memo of which coding?", choices, self._memo_label, self._memo_chosen, [source])

    def _memo_label(self, chosen: CodingInfo | str) -> Text:
        assert isinstance(chosen, CodingInfo)  # the source is an extra choice, with its own label
        return self._coding_label(chosen)

    def _memo_chosen(self, chosen: CodingInfo | str) -> None:
        assert self.document is not None
        if chosen == "source":
            self._read_memo("source", self.document.id, f"source {self.document.name}")
        elif isinstance(chosen, CodingInfo):
            title = f"coding {chosen.code_name} by {chosen.coder} ({chosen.start}–{chosen.end})"
            self.query_one(MemoEditor).open("coding", chosen.id, title, chosen.memo or "")

    @work(thread=True, group="memo-read", exit_on_error=False)
    def _read_memo(self, kind: str, target_id: int, title: str) -> None:
        self.post_message(MemoLoaded(kind, target_id, title, self.coding.memo(kind, target_id)))

    def on_memo_loaded(self, message: MemoLoaded) -> None:
        self.query_one(MemoEditor).open(message.kind, message.target_id, message.title, message.text)

    @on(MemoEditor.Saved)
    def _memo_saved(self, event: MemoEditor.Saved) -> None:
        def job() -> str:
            if event.kind == "coding":
                self.coding.set_coding_memo(event.target_id, event.text)
            else:
                self.coding.set_memo(event.kind, event.target_id, event.text)
            return "Memo saved"

        self._submit(job, "memo")

    @on(MemoEditor.Closed)
    def _memo_closed(self) -> None:
        self.view.focus()
