"""The Retrieve screen: every segment coded with the picked codes, filtered, with its context.

Picking codes (space in the list, narrowed by typing in the filter box),
participant attributes or source kinds reruns the query in a thread worker;
results arrive as :class:`RetrieveScreen.Results`, and a result older than the
latest request is dropped. Enter (or ``o``) on a row posts
:class:`RetrieveScreen.JumpTo` and calls ``app.open_source_at(source, start,
end)`` when the app has it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.fuzzy import FuzzySearch
from textual.message import Message
from textual.widgets import DataTable, Input, SelectionList, Static
from textual.widgets.selection_list import Selection
from textual.worker import Worker, WorkerState, get_current_worker

from workbench.services.codebook import edit
from workbench.services.codebook.codes import CodeInfo
from workbench.services.coding import retrieve as service
from workbench.services.coding.retrieve import RetrievedSegment
from workbench.services.export.segments import SegmentQuery
from workbench.tui.exports import export_segments_file
from workbench.tui.render import excerpt, segment_context
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.widgets.check_list import CheckList
from workbench.tui.widgets.code_form import fuzzy_highlight
from workbench.tui.widgets.key_footer import KeyFooter

EXCERPT_CHARS = 70
CODE_CHARS = 18


@dataclass(frozen=True)
class _Request:
    codes: tuple[str, ...]
    include_children: bool
    coder: str | None
    attributes: tuple[tuple[str, str], ...]
    kinds: tuple[str, ...]

    def attribute_filter(self) -> dict[str, list[str]]:
        wanted: dict[str, list[str]] = {}
        for key, value in self.attributes:
            wanted.setdefault(key, []).append(value)
        return wanted


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
    RetrieveScreen #retrieve-table {
        border-left: blank;
    }
    RetrieveScreen #retrieve-table:focus {
        border-left: thick $accent;
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
    RetrieveScreen #retrieve-table {
        height: 1fr;
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
        def __init__(self, serial: int, request: _Request, rows: list[RetrievedSegment]) -> None:
            super().__init__()
            self.serial = serial
            self.request = request
            self.rows = rows

    def __init__(self, code_keys: list[str] | None = None) -> None:
        super().__init__()
        self._chosen: set[str] = set(code_keys or ())
        self._codes: dict[str, CodeInfo] = {}
        self._include_children = True
        self._serial = 0
        self._last: _Request | None = None
        self._ready = False
        self.rows: list[RetrievedSegment] = []
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
                yield DataTable(id="retrieve-table", cursor_type="row", zebra_stripes=True)
                with VerticalScroll(id="retrieve-context"):
                    yield Static(id="retrieve-context-text")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#retrieve-codes").border_title = "Codes (space picks)"
        self.query_one("#retrieve-attributes").border_title = "Participants"
        self.query_one("#retrieve-kinds").border_title = "Sources"
        table = self.query_one(DataTable)
        # The quote comes third so it shows at 80 columns; the context pane has the rest.
        table.add_column("Participant", key="participant")
        table.add_column("Code", key="code")
        table.add_column("Text", key="text")
        table.add_column("Source", key="source")
        table.add_column("Speaker", key="speaker")
        table.add_column("Coder", key="coder")
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
        shown = []
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
        request = _Request(
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
            self._show(request, [])
            return
        self.query_one(DataTable).loading = True
        self._query(self._serial, request)

    @work(thread=True, exclusive=True, exit_on_error=False, group="retrieve-query")
    def _query(self, serial: int, request: _Request) -> None:
        rows = service.retrieve(
            self.project,
            request.codes,
            include_children=request.include_children,
            coder=request.coder,
            attribute_filter=request.attribute_filter(),
            source_kinds=request.kinds or None,
        )
        if not get_current_worker().is_cancelled:
            self.post_message(self.Results(serial, request, rows))

    def on_retrieve_screen_results(self, message: Results) -> None:
        if message.serial == self._serial:
            self._show(message.request, message.rows)

    def _show(self, request: _Request, rows: list[RetrievedSegment]) -> None:
        self.rows = rows
        table = self.query_one(DataTable)
        table.loading = False
        table.clear()
        for index, row in enumerate(rows):
            table.add_row(
                Text(row.participant or "—"),
                Text.assemble(("■ ", row.colour or "grey50"), excerpt(row.code_name, CODE_CHARS)),
                Text(excerpt(row.text, EXCERPT_CHARS)),
                Text(row.source),
                Text(row.speaker or "—"),
                Text(row.coder),
                key=str(index),
            )
        self.query_one("#retrieve-status", Static).update(_status(request, rows))
        self._show_context(rows[0] if rows else None)

    @on(DataTable.RowHighlighted)
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_context(self._row_at(event.cursor_row))

    def _show_context(self, row: RetrievedSegment | None) -> None:
        self.query_one("#retrieve-context-text", Static).update(segment_context(row) if row else "")

    def _row_at(self, index: int) -> RetrievedSegment | None:
        return self.rows[index] if 0 <= index < len(self.rows) else None

    # Jumping to the source ------------------------------------------------------

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self._jump(self._row_at(event.cursor_row))

    def action_open_segment(self) -> None:
        self._jump(self._row_at(self.query_one(DataTable).cursor_row))

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
        query = SegmentQuery(
            codes=request.codes, include_children=request.include_children, coder=request.coder,
            attribute_filter=request.attribute_filter() or None, source_kinds=request.kinds or None,
        )
        await export_segments_file(self, self.context, query)

    def action_back(self) -> None:
        search = self.query_one("#retrieve-filter", Input)
        if search.has_focus and search.value:
            search.value = ""
            return
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:  # the base class says what failed; the table stops waiting
            self.query_one(DataTable).loading = False


def _refill(selection_list: SelectionList, options: list[tuple[Content, object]]) -> None:
    """Replace a picker's options, keeping what was picked (and still exists)."""
    picked = set(selection_list.selected)
    selection_list.clear_options()
    selection_list.add_options(Selection(prompt, value, value in picked) for prompt, value in options)
    selection_list.highlighted = 0 if options else None


def _status(request: _Request, rows: list[RetrievedSegment]) -> str:
    if not request.codes:
        return "Pick codes on the left (space) to see their coded segments"
    sources = len({row.source for row in rows})
    parts = [f"{len(rows)} segment(s) · {sources} source(s)", "with sub-codes" if request.include_children else "no sub-codes"]
    if request.attributes:
        parts.append(", ".join(f"{key}={value}" for key, value in request.attributes))
    if request.coder:
        parts.append(f"{request.coder}'s codings only")
    return " · ".join(parts)
