"""Coding: one transcript, the codebook beside it, and the keys to code it.

Everything that touches the database runs in a thread worker, and every
change goes through the App's writer, in the order the keys were pressed:
the transcript shows the expected result at once and is replaced by what the
database holds when the writer's queue has drained (see
:mod:`~workbench.tui.screens.coding_base`). The screen is joined from its
parts: ``coding_actions`` (the coding keys), ``coding_suggestions`` and
``coding_memos``; here are its keys, its widgets, loading the source,
search and leaving. See ``BINDINGS`` below, or press ``?``, for the keys.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Header, LoadingIndicator, Static
from textual.worker import Worker

from workbench.errors import WorkbenchError
from workbench.services.text.documents import SourceDocument, load_document
from workbench.tui.messages import CodesLoaded, CodingsLoaded, DocumentLoaded, Notice, SearchFinished
from workbench.tui.screens.coding_actions import CodingActions
from workbench.tui.screens.coding_memos import CodingMemos
from workbench.tui.screens.coding_suggestions import CodingSuggestions
from workbench.tui.widgets.codebook_panel import CodebookPanel
from workbench.tui.widgets.key_footer import KeyFooter
from workbench.tui.widgets.memo_editor import MemoEditor
from workbench.tui.widgets.search_bar import SearchBar
from workbench.tui.widgets.transcript_view import TranscriptView


def _b(key: str, action: str, description: str, id: str, tooltip: str, show: bool = True, **kw: object) -> Binding:
    return Binding(key, action, description, show=show, id=f"coding.{id}", tooltip=tooltip, **kw)  # type: ignore[arg-type]


class CodingScreen(CodingActions, CodingSuggestions, CodingMemos):
    """Code one source."""

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
        self._covered_by_modal = True  # until first suspended: a resume before that reloads nothing

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
            yield Static(id="status", markup=False)
            yield LoadingIndicator(id="busy")
        yield KeyFooter()

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
        if self.document is not None and not self._covered_by_modal:
            self._load_codings(self.document.id, self._seq)

    def action_refresh(self) -> None:
        if self.document is not None:
            self._load_codings(self.document.id, self._seq)

    def on_codes_loaded(self, message: CodesLoaded) -> None:
        self.codes = message.codes
        self.panel.set_codes(message.codes)
        self.view.code_order = {code.key: index for index, code in enumerate(message.codes)}
        self._counts()

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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("accept_suggestion", "reject_suggestion"):
            return self.suggestions_on
        return True

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
        self._show_busy()
