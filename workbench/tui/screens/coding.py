"""Coding: one transcript, the codebook beside it, and the keys to code it.

Everything that touches the database runs in a thread worker. Coding actions
are queued and run in order by one worker at a time (under the App's coding
lock); the transcript shows the expected result at once (a preview computed
with the same span rules as the service) and is replaced by what the
database holds when the queue is drained. See ``bindings`` below, or press
``?``, for the keys.
"""

from __future__ import annotations

import queue
from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Header, LoadingIndicator, Static, Tree
from textual.worker import Worker

from workbench.errors import WorkbenchError
from workbench.services.codebook.codes import CodeInfo
from workbench.services.coding.codings import CodingInfo
from workbench.services.coding.session import CodingSession
from workbench.services.coding.suggestions import SuggestionView, compute_suggestions, pending_suggestions
from workbench.services.text.documents import SourceDocument, load_document
from workbench.tui.messages import (
    CodesLoaded,
    CodingsLoaded,
    DocumentLoaded,
    MemoLoaded,
    Notice,
    SearchFinished,
    SuggestionsLoaded,
)
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.widgets.code_picker import CREATE, CodePicker, Picker, coding_choice, suggestion_choice
from workbench.tui.widgets.codebook_panel import CodebookPanel
from workbench.tui.widgets.key_footer import KeyFooter
from workbench.tui.widgets.memo_editor import MemoEditor
from workbench.tui.widgets.search_bar import SearchBar
from workbench.tui.widgets.transcript_model import PENDING_ID, preview_apply, preview_toggle
from workbench.tui.widgets.transcript_view import TranscriptView

Job = Callable[[], str | None]


def _failure(error: Exception) -> str:
    return str(error) if isinstance(error, WorkbenchError) else f"unexpected {type(error).__name__}"


def _b(key: str, action: str, description: str, id: str, tooltip: str, show: bool = True, **kw: object) -> Binding:
    return Binding(key, action, description, show=show, id=f"coding.{id}", tooltip=tooltip, **kw)  # type: ignore[arg-type]


class CodingScreen(WorkbenchScreen):
    """Code one source."""

    ERROR_TITLE = "Coding"

    AUTO_FOCUS = "#transcript"
    BINDINGS = [
        *(_b(str(n), f"toggle_number({n})", "Code" if n == 1 else f"Code {n}", f"toggle-{n}",
             f"Code the selection with code {n} of the codebook panel, or uncode it if already coded",
             show=n == 1, key_display="1-9" if n == 1 else None) for n in range(1, 10)),
        _b("c", "pick_code", "Find code", "pick-code", "Find a code by name and apply it; a new name creates an inductive code"),
        _b("x", "remove_coding", "Remove", "remove", "Remove a coding at the cursor (choose one when there are several)"),
        _b("m", "memo", "Memo", "memo", "Memo of the coding at the cursor, else of the source (of the code when the codebook has focus)"),
        _b("slash", "search", "Search", "search", "Search the transcript; 'frustrate' also finds 'frustrating'", show=False),
        _b("n", "next_hit(1)", "Next hit", "next-hit", "Move to the next search hit", show=False),
        _b("N", "next_hit(-1)", "Previous hit", "previous-hit", "Move to the previous search hit", show=False),
        _b("s", "toggle_suggestions", "Suggest", "suggestions", "Show or hide code suggestions from the codebook's keywords"),
        _b("a,enter", "accept_suggestion", "Accept", "accept", "Accept the suggestion at the cursor: it becomes your coding", show=False),
        _b("r", "reject_suggestion", "Reject", "reject", "Reject the suggestion at the cursor: it is not offered again", show=False),
        _b("ctrl+z", "undo", "Undo", "undo", "Undo your last coding action", show=False),
        _b("ctrl+y", "redo", "Redo", "redo", "Redo the action you undid", show=False),
        _b("d", "definition", "Definition", "definition", "Show or hide the definition of the code highlighted in the codebook", show=False),
        _b("tab", "app.focus_next", "Next panel", "next-panel", "Move between the transcript, the codebook and the memo", show=False),
        _b("shift+tab", "app.focus_previous", "Previous panel", "previous-panel", "Move to the previous panel", show=False),
        _b("escape", "clear", "Clear", "clear", "Close the search bar, then clear the search hits", show=False),
        _b("ctrl+r", "refresh", "Refresh", "refresh",
           "Read codes and codings again: shows other coders' new codes and codings (also when the terminal regains focus)",
           show=False),
        _b("q", "back", "Back", "back", "Back to the sources (every change is already saved)"),
    ]

    def __init__(self, source: str, span: tuple[int, int] | None = None, document: SourceDocument | None = None) -> None:
        super().__init__()
        self.source_name = source
        self.span = span
        self.preloaded = document
        self.document: SourceDocument | None = None
        self.codes: list[CodeInfo] = []
        self.suggestions_on = False
        self._seq = 0
        self._jobs: queue.Queue[tuple[int, Job]] = queue.Queue()
        self._confirmed: tuple[CodingInfo, ...] = ()  # the codings as the database last reported them
        self._last_action = ""

    @property
    def coding(self) -> CodingSession:
        return self.workbench_app.coding

    def compose(self) -> ComposeResult:
        if self.preloaded is None:
            self._load()  # start reading the source while the widgets mount
        yield Header()
        with Horizontal(id="coding-body"):
            with Vertical(id="transcript-pane"):
                yield TranscriptView(id="transcript")
                yield SearchBar(id="search-bar")
                yield MemoEditor(id="memo-editor")
            yield CodebookPanel(id="codebook-panel")
        with Horizontal(id="status-bar"):
            yield Static(id="status")
            yield LoadingIndicator(id="busy")
        yield KeyFooter()

    @property
    def view(self) -> TranscriptView:
        return self.query_one(TranscriptView)

    @property
    def panel(self) -> CodebookPanel:
        return self.query_one(CodebookPanel)

    def on_mount(self) -> None:
        self.sub_title = f"{self.source_name} · {self.workbench_app.coder_label}"
        if self.preloaded is not None:
            self.on_document_loaded(DocumentLoaded(self.preloaded))
        else:
            self.set_timer(0.15, self._show_loading)  # only for a slow load: no flicker on a quick one
        self.view.focus()

    def _show_loading(self) -> None:
        if self.document is None:
            self.view.loading = True

    # Loading -----------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="coding-load", exit_on_error=False)
    def _load(self) -> None:
        try:
            self.post_message(DocumentLoaded(load_document(self.context.project, self.source_name)))
        except WorkbenchError as error:
            self.post_message(Notice(str(error), "error"))
            self.post_message(DocumentLoaded(None))  # type: ignore[arg-type]

    @work(thread=True, exclusive=True, group="coding-load", exit_on_error=False)
    def _load_codings(self, source_id: int, seq: int = 0) -> None:
        self.post_message(CodesLoaded(self.coding.codes()))
        self.post_message(CodingsLoaded(source_id, self.coding.codings(source_id), seq))

    def on_document_loaded(self, message: DocumentLoaded) -> None:
        message.stop()
        if message.document is None:
            self.app.pop_screen()
            return
        self.document = message.document
        self.view.set_document(message.document)
        bar = self.query_one(SearchBar)
        bar.text_to_search, bar.language = message.document.text, message.document.language
        self.view.loading = False
        if self.span is not None:
            self.view.select(*self.span)
        # Paint the text first, then load the codings (the ORM work would slow the first paint down).
        self.call_after_refresh(self._load_codings, message.document.id)

    def on_screen_suspend(self) -> None:
        self._covered_by_modal = isinstance(self.app.screen, ModalScreen)

    def on_screen_resume(self) -> None:
        """Back from another screen (the codebook, retrieval): codes or codings may have changed."""
        if self.document is not None and not getattr(self, "_covered_by_modal", True):
            self._load_codings(self.document.id, self._seq)

    def action_refresh(self) -> None:
        if self.document is not None:
            self._load_codings(self.document.id, self._seq)

    def on_codes_loaded(self, message: CodesLoaded) -> None:
        self.codes = message.codes
        self.panel.set_codes(message.codes)
        self.view.code_order = {code.key: index for index, code in enumerate(message.codes)}
        self._counts()

    def on_codings_loaded(self, message: CodingsLoaded) -> None:
        if self.document is None or message.source_id != self.document.id or message.seq != self._seq:
            return  # a newer action is queued; its reload will follow
        self._confirmed = tuple(message.codings)
        self.view.set_codings(message.codings)
        self._counts()
        self._status()

    def _counts(self) -> None:
        counts: dict[str, int] = {}
        for coding in self.view.codings:
            counts[coding.code_key] = counts.get(coding.code_key, 0) + 1
        self.panel.set_counts(counts)

    # The action queue ---------------------------------------------------------------------------
    def _submit(self, job: Job, description: str = "") -> None:
        self._seq += 1
        self._last_action = description
        self._jobs.put((self._seq, job))
        self._status()
        self.call_after_refresh(self._run_jobs)  # paint the preview before the worker competes for the GIL

    @work(thread=True, group="coding-write", exit_on_error=False)
    def _run_jobs(self) -> None:
        source_id = self.document.id if self.document else None
        with self.workbench_app.coding_lock:
            last = None
            while True:
                try:
                    seq, job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                last = seq
                try:
                    note = job()
                except Exception as error:  # noqa: BLE001 - the preview must be undone whatever failed
                    self.post_message(Notice(_failure(error), "error"))
                    self.post_message(self.NotSaved())
                else:
                    if note:
                        self.post_message(Notice(note))
            if last is None or source_id is None:
                return
            try:
                codings = self.coding.codings(source_id)
            except Exception as error:  # noqa: BLE001 - the database is gone too: show what it last said
                self.post_message(Notice(f"Could not reload the codings: {_failure(error)}", "error"))
                codings = list(self._confirmed)
        self.post_message(CodingsLoaded(source_id, codings, last))

    class NotSaved(Message):
        """An action failed: the status line must not say it was done."""

    def on_coding_screen_not_saved(self, _message: NotSaved) -> None:
        if self._last_action and not self._last_action.endswith("(not saved)"):
            self._last_action += " (not saved)"
            self._status()

    def _ready(self) -> tuple[SourceDocument, tuple[int, int]] | None:
        if self.document is None or not self.document.segments:
            self.notify("Nothing to code here yet", severity="warning")
            return None
        return self.document, self.view.selection.span

    # Coding -------------------------------------------------------------------------------------
    def action_toggle_number(self, number: int) -> None:
        code = self.panel.code_for_number(number)
        if code is None:
            self.notify(f"No code {number} in the codebook panel", severity="warning")
            return
        self.toggle(code)

    def toggle(self, code: CodeInfo, only_apply: bool = False) -> None:
        """Code (or, toggling, uncode) the selection: shown at once, written in the worker."""
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

    def _choose(self, title: str, items: list, label: Callable, then: Callable, extra: list | None = None) -> None:  # type: ignore[type-arg]
        """Run ``then`` on the only item, or let the user pick one when there are several."""
        choices = [(item, label(item)) for item in items] + (extra or [])
        if not choices:
            return
        if len(choices) == 1:
            then(choices[0][0])
        else:
            self.app.push_screen(Picker(title, choices), lambda chosen: chosen is not None and then(chosen))

    def _coding_label(self, coding: CodingInfo) -> Text:
        assert self.document is not None
        return coding_choice(coding, self.document.text)

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

    # Memos ---------------------------------------------------------------------------------------
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
            self._choose("Memo of which coding?", codings, self._coding_label, self._memo_chosen, [source])

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

    # Search -------------------------------------------------------------------------------------
    def action_search(self) -> None:
        self.query_one(SearchBar).open()

    def on_search_finished(self, message: SearchFinished) -> None:
        self.query_one(SearchBar).close()
        self.view.set_hits(message.hits)
        self.view.focus()
        if not message.hits:
            self.notify(f"No matches for “{message.query}”", severity="warning")

    def action_next_hit(self, step: int) -> None:
        self.view.next_hit(step)

    def action_clear(self) -> None:
        bar = self.query_one(SearchBar)
        if bar.is_open:
            bar.close()
            self.view.focus()
        elif self.view.hits:
            self.view.set_hits([])
            self._status()

    # Suggestions -------------------------------------------------------------------------------
    def action_toggle_suggestions(self) -> None:
        if self.document is None:
            return
        self.suggestions_on = not self.suggestions_on
        if self.suggestions_on:
            self._suggest(self.document.name, self.document.id)
        else:
            self.view.set_suggestions([], False)
        self._status()

    @work(thread=True, exclusive=True, group="suggest", exit_on_error=False)
    def _suggest(self, name: str, source_id: int) -> None:
        context = self.context
        try:
            compute_suggestions(context.project, context.coder, [name])
            self.post_message(SuggestionsLoaded(source_id, pending_suggestions(context.project, context.coder, source_id)))
        except WorkbenchError as error:
            self.post_message(Notice(str(error), "error"))

    def on_suggestions_loaded(self, message: SuggestionsLoaded) -> None:
        if self.suggestions_on:
            self.view.set_suggestions(message.suggestions, True)
            self.notify(f"{len(message.suggestions)} suggestions on this source")
            self._status()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("accept_suggestion", "reject_suggestion"):
            return self.suggestions_on
        return True

    def _suggestions_here(self) -> list[SuggestionView]:
        """The suggestions at the cursor; when there are none, say so instead of doing nothing."""
        here = self.view.suggestions_at()
        if not here:
            total = len(self.view.suggestions)
            self.notify(f"No suggestion at the cursor ({total} on this source; the margin marks them ┆).",
                        severity="warning")
        return here

    def action_accept_suggestion(self) -> None:
        self._choose("Accept which suggestion?", self._suggestions_here(), suggestion_choice, self._accept)

    def action_reject_suggestion(self) -> None:
        self._choose("Reject which suggestion?", self._suggestions_here(), suggestion_choice, self._reject)

    def _accept(self, suggestion: SuggestionView) -> None:
        code = next((c for c in self.codes if c.key == suggestion.code_key), None)
        self._drop_suggestion(suggestion)
        if code is not None and self.document is not None:
            span = (suggestion.start, suggestion.end)
            self.view.change_codings(*preview_apply(self.view.codings, self.context.coder, code, self.document.name, span))
        def job() -> None:
            self.coding.accept_suggestion(suggestion.id)

        self._submit(job, f"accepted {suggestion.code_name}")

    def _reject(self, suggestion: SuggestionView) -> None:
        self._drop_suggestion(suggestion)
        self._submit(lambda: self.coding.reject_suggestion(suggestion.id), f"rejected {suggestion.code_name}")

    def _drop_suggestion(self, suggestion: SuggestionView) -> None:
        self.view.set_suggestions([s for s in self.view.suggestions if s.id != suggestion.id], True)
        self.refresh_bindings()

    # Panels, status, leaving --------------------------------------------------------------------
    def action_definition(self) -> None:
        self.panel.toggle_definition()

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(TranscriptView.SelectionChanged)
    def _selection_changed(self) -> None:
        self._status()
        self.refresh_bindings()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        busy = any(w.is_running for w in self.app.workers if w.node is self and w.group != "memo-read")
        self.query_one("#busy", LoadingIndicator).display = busy

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
