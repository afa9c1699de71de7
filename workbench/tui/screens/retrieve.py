"""The Retrieve screen: every segment coded with the picked codes, filtered, with its context.

Picking codes (space in the list, narrowed by typing in the filter box),
participant attributes or source kinds reruns the query in a thread worker: it
counts the segments and reads the first page (:func:`open_retrieval`); results
arrive as :class:`RetrieveScreen.Results`, and a result older than the latest
request is dropped. The table (:class:`SegmentTable`) asks for the next page as
the user scrolls near the last row loaded, read in a worker too. Enter (or ``o``) on a row posts
:class:`RetrieveScreen.JumpTo` and calls ``app.open_source_at(source, start,
end)`` when the app has it.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.fuzzy import FuzzySearch
from textual.message import Message
from textual.widgets import Input, SelectionList, Static
from textual.widgets.selection_list import Selection
from textual.worker import Worker, WorkerState, get_current_worker

from workbench.services.codebook import edit
from workbench.services.codebook.codes import CodeInfo
from workbench.services.coding import retrieve as service
from workbench.services.coding.retrieve import Retrieval, RetrievedSegment
from workbench.tui.exports import export_segments_file
from workbench.tui.render import segment_context
from workbench.tui.retrieve_request import RetrieveRequest
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.widgets.check_list import CheckList
from workbench.tui.widgets.code_form import fuzzy_highlight
from workbench.tui.widgets.key_footer import KeyFooter
from workbench.tui.widgets.segment_table import SegmentTable


class RetrieveScreen(WorkbenchScreen):
    """Coded segments by code, participant attribute and kind of source."""

    ERROR_TITLE = "Retrieve"

    DEFAULT_CSS = """
    RetrieveScreen #retrieve-sidebar {
        width: 30;
        height: 1fr;
    }
    RetrieveScreen #retrieve-filter {
        margin: 0 0 0 1;
    }
    RetrieveScreen SelectionList {
        border: round $primary 40%;
        border-title-color: $text-muted;
        padding: 0;
    }
    RetrieveScreen SelectionList:focus {
        border: heavy $accent;
        border-title-color: $accent;
        border-title-style: bold;
    }
    RetrieveScreen #retrieve-codes {
        height: 1fr;
        min-height: 5;
    }
    RetrieveScreen #retrieve-attributes {
        height: auto;
        max-height: 8;
    }
    RetrieveScreen #retrieve-kinds {
        height: auto;
        max-height: 5;
    }
    RetrieveScreen #retrieve-main {
        width: 1fr;
    }
    RetrieveScreen #retrieve-status {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
    }
    RetrieveScreen #retrieve-context {
        height: 9;
        border-top: hkey $border-blurred;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("slash", "find_code", "Find code", id="retrieve.find", tooltip="Type to narrow the list of codes"),
        Binding("c", "toggle_children", "Sub-codes", id="retrieve.children", tooltip="Include or leave out sub-codes"),
        Binding("x", "clear_filters", "Clear", id="retrieve.clear", tooltip="Unpick every code and filter"),
        Binding("o", "open_segment", "Open", id="retrieve.open", tooltip="Open the highlighted segment in its source (or Enter)"),
        Binding("e", "export", "Export", id="retrieve.export",
                tooltip="Write the segments shown to a Word report, CSV or Excel file"),
        Binding("ctrl+r", "refresh", "Refresh", show=False, id="retrieve.refresh", tooltip="Run the query again"),
        Binding("q,escape", "back", "Back", id="retrieve.back", tooltip="Leave the retrieval screen"),
    ]

    class JumpTo(Message):
        """The user asked to see a segment in its source."""

        def __init__(self, source_name: str, start: int, end: int) -> None:
            super().__init__()
            self.source_name = source_name
            self.start = start
            self.end = end

    class ChoicesLoaded(Message):
        def __init__(self, codes: list[CodeInfo], attributes: dict[str, list[str]], kinds: list[str]) -> None:
            super().__init__()
            self.codes = codes
            self.attributes = attributes
            self.kinds = kinds

    class Results(Message):
        def __init__(self, serial: int, request: RetrieveRequest, retrieval: Retrieval, rows: list[RetrievedSegment]) -> None:
            super().__init__()
            self.serial = serial
            self.request = request
            self.retrieval = retrieval
            self.rows = rows

    class Page(Message):
        """The next page of the current retrieval, read from ``offset``."""

        def __init__(self, serial: int, offset: int, rows: list[RetrievedSegment]) -> None:
            super().__init__()
            self.serial = serial
            self.offset = offset
            self.rows = rows

    def __init__(self, code_keys: list[str] | None = None) -> None:
        super().__init__()
        self._chosen: set[str] = set(code_keys or ())
        self._codes: dict[str, CodeInfo] = {}
        self._include_children = True
        self._serial = 0
        self._last: RetrieveRequest | None = None
        self._ready = False
        self._retrieval = Retrieval(total=0)
        self._reading = False  # a next page is being read
        self.rows: list[RetrievedSegment] = []  # the segments loaded (the first pages of the retrieval)
        self._search = FuzzySearch()

    def compose(self) -> ComposeResult:
        with Horizontal():
            with Vertical(id="retrieve-sidebar"):
                yield Input(placeholder="/ filter codes", id="retrieve-filter", compact=True)
                yield CheckList(id="retrieve-codes")
                yield CheckList(id="retrieve-attributes")
                yield CheckList(id="retrieve-kinds")
            with Vertical(id="retrieve-main"):
                yield Static("Loading…", id="retrieve-status", markup=False)
                yield SegmentTable(id="retrieve-table")
                with VerticalScroll(id="retrieve-context"):
                    yield Static(id="retrieve-context-text", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#retrieve-codes").border_title = "Codes (space picks)"
        self.query_one("#retrieve-attributes").border_title = "Participants"
        self.query_one("#retrieve-kinds").border_title = "Sources"
        self.query_one("#retrieve-codes").focus()
        self._load_choices()

    # Loading the pickers ------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="retrieve-choices")
    def _load_choices(self) -> None:
        context = self.context
        codes = edit.all_codes(context.project, coder=context.visible_coder)
        self.post_message(
            self.ChoicesLoaded(codes, service.attribute_values(context.project), service.source_kinds(context.project))
        )

    def on_retrieve_screen_choices_loaded(self, message: ChoicesLoaded) -> None:
        self._codes = {code.key: code for code in message.codes}
        unknown = sorted(self._chosen - set(self._codes))
        if unknown:
            self.notify(f"No code {', '.join(unknown)} in this project", severity="warning", markup=False)
        self._chosen &= set(self._codes)
        attributes = self.query_one("#retrieve-attributes", SelectionList)
        pairs = [(key, value) for key, values in message.attributes.items() for value in values]
        _refill(attributes, [(Content(f"{key}: {value}"), (key, value)) for key, value in pairs])
        attributes.display = bool(pairs)
        kinds = self.query_one("#retrieve-kinds", SelectionList)
        _refill(kinds, [(Content(kind), kind) for kind in message.kinds])
        kinds.display = len(message.kinds) > 1 or bool(kinds.selected)
        self._fill_codes(self.query_one("#retrieve-filter", Input).value.strip())
        self._ready = True
        self._request(force=True)

    def on_screen_resume(self) -> None:
        """Back from another screen: codes, attributes and codings may have changed."""
        if self._ready:
            self._load_choices()

    def _fill_codes(self, query: str) -> None:
        """Show the codes matching the filter, keeping what is picked."""
        codes = self.query_one("#retrieve-codes", SelectionList)
        codes.clear_options()
        shown: list[tuple[float, int, Selection[str]]] = []
        for code in self._codes.values():
            score, label = fuzzy_highlight(query, code.path if query else code.name, self._search)
            if score > 0:
                indent = "" if query else "  " * code.depth
                count = (f" {code.codings}", "dim") if code.codings else ""
                prompt = Content.assemble(indent, ("■ ", code.colour or "grey50"), label, count)
                shown.append((score, len(shown), Selection(prompt, code.key, code.key in self._chosen)))
        if query:
            shown.sort(key=lambda item: (-item[0], item[1]))
        codes.add_options(selection for _, _, selection in shown)
        if shown:
            codes.highlighted = 0

    @on(Input.Changed, "#retrieve-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._fill_codes(event.value.strip())

    @on(Input.Submitted, "#retrieve-filter")
    def _filter_submitted(self) -> None:
        self.query_one("#retrieve-codes").focus()

    @on(SelectionList.SelectedChanged)
    def _selection_changed(self, event: SelectionList.SelectedChanged) -> None:
        if event.selection_list.id == "retrieve-codes":
            visible = {event.selection_list.get_option_at_index(i).value for i in range(event.selection_list.option_count)}
            self._chosen = (self._chosen - visible) | set(event.selection_list.selected)
        self._request()

    # Querying ----------------------------------------------------------------

    def _request(self, force: bool = False) -> None:
        if not self._ready:
            return
        context = self.context
        request = RetrieveRequest(
            codes=tuple(key for key in self._codes if key in self._chosen),
            include_children=self._include_children,
            coder=context.visible_coder,
            attributes=tuple(self.query_one("#retrieve-attributes", SelectionList).selected),
            kinds=tuple(self.query_one("#retrieve-kinds", SelectionList).selected),
        )
        if request == self._last and not force:
            return
        self._last = request
        self._serial += 1
        if not request.codes:
            self._show(request, Retrieval(total=0), [])
            return
        self.query_one(SegmentTable).loading = True
        self._query(self._serial, request)

    @work(thread=True, exclusive=True, exit_on_error=False, group="retrieve-query")
    def _query(self, serial: int, request: RetrieveRequest) -> None:
        retrieval = service.open_retrieval(
            self.project,
            request.codes,
            include_children=request.include_children,
            coder=request.coder,
            attribute_filter=request.attribute_filter(),
            source_kinds=request.kinds or None,
        )
        rows = service.retrieval_page(self.project, retrieval, 0, service.PAGE_SIZE)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Results(serial, request, retrieval, rows))

    def on_retrieve_screen_results(self, message: Results) -> None:
        if message.serial == self._serial:
            self._show(message.request, message.retrieval, message.rows)

    def _show(self, request: RetrieveRequest, retrieval: Retrieval, rows: list[RetrievedSegment]) -> None:
        self.rows, self._retrieval, self._reading = list(rows), retrieval, False
        table = self.query_one(SegmentTable)
        table.loading = False
        table.show_segments(rows, more=len(rows) < retrieval.total)
        self._show_status()
        self._show_context(rows[0] if rows else None)

    @property
    def total(self) -> int:
        """How many segments the retrieval shown matches (the table holds the first :attr:`rows` of them)."""
        return self._retrieval.total

    def _show_status(self) -> None:
        status = self._last.describe(self._retrieval, len(self.rows), self._reading) if self._last else ""
        self.query_one("#retrieve-status", Static).update(status)

    # The next page --------------------------------------------------------------

    @on(SegmentTable.NeedMore)
    def _need_more(self) -> None:
        if not self._reading and len(self.rows) < self._retrieval.total:
            self._reading = True
            self._show_status()
            self._read_page(self._serial, self._retrieval, len(self.rows))

    @work(thread=True, exclusive=True, exit_on_error=False, group="retrieve-page")
    def _read_page(self, serial: int, retrieval: Retrieval, offset: int) -> None:
        rows = service.retrieval_page(self.project, retrieval, offset, service.PAGE_SIZE)
        self.post_message(self.Page(serial, offset, rows))

    def on_retrieve_screen_page(self, message: Page) -> None:
        if message.serial != self._serial or message.offset != len(self.rows):
            return  # a page of an older retrieval
        self._reading = False
        self.rows.extend(message.rows)
        self.query_one(SegmentTable).append_segments(message.rows, more=len(self.rows) < self._retrieval.total)
        self._show_status()

    @on(SegmentTable.RowHighlighted)
    def _row_highlighted(self, event: SegmentTable.RowHighlighted) -> None:
        self._show_context(self._row_at(event.cursor_row))

    def _show_context(self, row: RetrievedSegment | None) -> None:
        self.query_one("#retrieve-context-text", Static).update(segment_context(row) if row else "")

    def _row_at(self, index: int) -> RetrievedSegment | None:
        return self.rows[index] if 0 <= index < len(self.rows) else None

    # Jumping to the source ------------------------------------------------------

    @on(SegmentTable.RowSelected)
    def _row_selected(self, event: SegmentTable.RowSelected) -> None:
        self._jump(self._row_at(event.cursor_row))

    def action_open_segment(self) -> None:
        self._jump(self._row_at(self.query_one(SegmentTable).cursor_row))

    def _jump(self, row: RetrievedSegment | None) -> None:
        if row is None:
            return
        self.post_message(self.JumpTo(row.source, row.start, row.end))
        open_source_at = getattr(self.app, "open_source_at", None)
        if callable(open_source_at):
            open_source_at(row.source, row.start, row.end)

    # Other actions -------------------------------------------------------------

    def action_find_code(self) -> None:
        self.query_one("#retrieve-filter", Input).focus()

    def action_toggle_children(self) -> None:
        self._include_children = not self._include_children
        self._request()

    def action_clear_filters(self) -> None:
        self._chosen.clear()
        for selection_list in self.query(SelectionList):
            selection_list.deselect_all()
        self._request()

    def action_refresh(self) -> None:
        self._request(force=True)

    @work(exit_on_error=False, group="retrieve-export")
    async def action_export(self) -> None:
        request = self._last
        if request is None or not self.rows:
            self.notify("Nothing to export: pick codes with coded segments first", severity="warning")
            return
        await export_segments_file(self, self.context, request.segment_query())

    def action_back(self) -> None:
        search = self.query_one("#retrieve-filter", Input)
        if search.has_focus and search.value:
            search.value = ""
            return
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:  # the base class says what failed; the table stops waiting
            self.query_one(SegmentTable).loading = False
            self._reading = False


def _refill(selection_list: SelectionList, options: list[tuple[Content, object]]) -> None:
    """Replace a picker's options, keeping what was picked (and still exists)."""
    picked = set(selection_list.selected)
    selection_list.clear_options()
    selection_list.add_options(Selection(prompt, value, value in picked) for prompt, value in options)
    selection_list.highlighted = 0 if options else None
