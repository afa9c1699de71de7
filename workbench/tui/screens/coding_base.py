"""What every part of the Coding screen shares: the source shown, its widgets, the status line, and writing.

A coding action changes the transcript at once (a preview computed with the
same span rules as the service, see :mod:`workbench.tui.widgets.transcript_model`)
and hands the write to the App's :class:`~workbench.tui.writer.Writer`
(:meth:`CodingBase._submit`). Keys may come faster than the database answers:
the writer runs the writes in order, and when its queue has drained it reloads
the source's codings once (:meth:`CodingBase._reload_after_writes`), so the
transcript then shows what the database holds, however many keys were pressed.
The parts of the screen (``coding_actions``, ``coding_suggestions``,
``coding_memos``) subclass :class:`CodingBase`; ``coding.CodingScreen`` joins them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

from rich.text import Text
from textual.message import Message
from textual.widgets import LoadingIndicator, Static

from workbench.services.codebook.codes import CodeInfo
from workbench.services.coding.codings import CodingInfo
from workbench.services.coding.session import CodingSession
from workbench.services.text.documents import SourceDocument
from workbench.tui.messages import CodingsLoaded, Notice
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.widgets.code_picker import Picker, coding_choice
from workbench.tui.widgets.codebook_panel import CodebookPanel
from workbench.tui.widgets.transcript_view import TranscriptView
from workbench.tui.writer import failure_text

Job = Callable[[], str | None]  # a write; what it returns (if anything) is shown as a notification
Item = TypeVar("Item", bound=Hashable)


class CodingBase(WorkbenchScreen):
    """The Coding screen's state, widgets, status line and write path (see the module docstring)."""

    ERROR_TITLE = "Coding"

    def __init__(self) -> None:
        super().__init__()
        self.document: SourceDocument | None = None
        self.codes: list[CodeInfo] = []
        self.suggestions_on = False
        self._seq = 0  # writes asked for so far; a reload answers the writes up to its seq
        self._written = 0  # writes the writer has run (set in its thread)
        self._writing = False  # writes asked for that the reload has not answered yet
        self._confirmed: tuple[CodingInfo, ...] = ()  # the codings as the database last reported them
        self._last_action = ""

    @property
    def coding(self) -> CodingSession:
        return self.workbench_app.coding

    @property
    def view(self) -> TranscriptView:
        return self.query_one(TranscriptView)

    @property
    def panel(self) -> CodebookPanel:
        return self.query_one(CodebookPanel)

    # Writing ------------------------------------------------------------------------------------
    def _submit(self, job: Job, description: str = "") -> None:
        """Hand ``job`` to the writer; ``description`` goes on the status line (with "(not saved)" if it fails)."""
        self._seq += 1
        seq = self._seq
        self._last_action = description
        self._writing = True
        self._status()
        self.call_after_refresh(self._show_busy)  # not in the preview's frame: showing it lays the status bar out

        def write() -> str | None:
            try:
                return job()
            finally:
                self._written = seq

        self.writer.submit(write, title=self.ERROR_TITLE, done=lambda note: note,
                           failed=lambda: self.post_message(self.NotSaved()),
                           drained=self._reload_after_writes)  # one bound method: one reload per batch  # fmt: skip

    def _reload_after_writes(self) -> None:
        """In the writer's thread, once its queue has drained: the codings as the database now holds them."""
        seq = self._written
        self.post_message(self.Written(seq))
        if self.document is None:
            return
        source_id = self.document.id
        try:
            codings = self.coding.codings(source_id)
        except Exception as error:  # noqa: BLE001 - the database is gone too: show what it last said
            self.post_message(Notice(f"Could not reload the codings: {failure_text(error)}", "error"))
            codings = list(self._confirmed)
        self.post_message(CodingsLoaded(source_id, codings, seq))

    class Written(Message):
        """The writer has run the writes up to ``seq`` (the reload of the codings follows)."""

        def __init__(self, seq: int) -> None:
            super().__init__()
            self.seq = seq

    def on_coding_base_written(self, message: Written) -> None:
        if message.seq == self._seq:
            self._writing = False
            self._show_busy()

    class NotSaved(Message):
        """An action failed: the status line must not say it was done."""

    def on_coding_base_not_saved(self, _message: NotSaved) -> None:
        if self._last_action and not self._last_action.endswith("(not saved)"):
            self._last_action += " (not saved)"
            self._status()

    def on_codings_loaded(self, message: CodingsLoaded) -> None:
        if self.document is None or message.source_id != self.document.id or message.seq != self._seq:
            return  # a newer action is queued; its reload will follow
        self._confirmed = tuple(message.codings)
        self.view.set_codings(message.codings)
        self._counts()
        self._status()

    def _show_busy(self) -> None:
        """The busy indicator: while a write waits for its reload or a worker of the screen reads."""
        reading = any(w.is_running for w in self.app.workers if w.node is self and w.group != "memo-read")
        self.query_one("#busy", LoadingIndicator).display = self._writing or reading

    # Shared by the actions ----------------------------------------------------------------------
    def _ready(self) -> tuple[SourceDocument, tuple[int, int]] | None:
        if self.document is None or not self.document.segments:
            self.notify("Nothing to code here yet", severity="warning")
            return None
        return self.document, self.view.selection.span

    def _counts(self) -> None:
        counts: dict[str, int] = {}
        for coding in self.view.codings:
            counts[coding.code_key] = counts.get(coding.code_key, 0) + 1
        self.panel.set_counts(counts)

    def _choose(self, title: str, items: Sequence[Item], label: Callable[[Item], Text],
                then: Callable[[Item], object], extra: Sequence[tuple[Item, Text]] = ()) -> None:  # fmt: skip
        """Run ``then`` on the only item, or let the user pick one when there are several (``extra`` after them)."""
        choices = [(item, label(item)) for item in items] + list(extra)
        if not choices:
            return
        if len(choices) == 1:
            then(choices[0][0])
        else:
            def picked(chosen: Item | None) -> None:
                if chosen is not None:
                    then(chosen)

            self.app.push_screen(Picker(title, choices), picked)

    def _coding_label(self, coding: CodingInfo) -> Text:
        assert self.document is not None
        return coding_choice(coding, self.document.text)

    # The status line ----------------------------------------------------------------------------
    def _status(self) -> None:
        view = self.view
        if self.document is None or not self.document.segments:
            return
        segment = self.document.segments[view.cursor]
        start, end = view.selection.span
        parts = [f"turn {segment.turn_ordinal + 1}/{len(self.document.turns)}",
                 f"seg {view.cursor + 1}/{len(self.document.segments)}", f"{start}–{end}"]
        here = {f"{c.code_name}·{c.coder}" for c in view.codings_at()}
        if here:
            parts.append("here: " + ", ".join(sorted(here)))
        if self.suggestions_on:
            hints = view.suggestions_at()
            parts.append(f"suggested: {', '.join('?' + s.code_name for s in hints)} (a/r)" if hints
                         else f"{len(view.suggestions)} suggestions")
        if view.hits:
            hit = view.hits[view.hit] if 0 <= view.hit < len(view.hits) else None
            on_hit = hit is not None and hit.start < end and start < hit.end
            # "hit 3/8" only while the cursor is on that hit; elsewhere the count and how to get back
            parts.append(f"hit {view.hit + 1}/{len(view.hits)}" if on_hit else f"{len(view.hits)} hits (n/N)")
        if self._last_action:
            parts.append(self._last_action)
        self.query_one("#status", Static).update(" · ".join(parts))
