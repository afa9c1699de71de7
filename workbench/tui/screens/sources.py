"""Sources: the project's transcripts, how far the current coder has got, a filter, Enter to code one,
``i`` to import more (a file or a folder, then its language, in a thread worker, file by file as
``workbench import``), ``L`` to put a source's language right,
``H`` / ``M`` to hand out a project file to a coder and merge one back (:mod:`.sources_exchange`).

The filter (``f``) takes words that must all match: ``kind:focus`` (kind
starts with), ``key=value`` (some participant of the source has that
attribute, its value starting so, e.g. ``site=east`` or ``role="service lead"``), anything else is looked for in the name
and the participant ids.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Input, Static

from workbench.domain.languages import DEFAULT_LANGUAGE, LANGUAGES, check_language, supported_languages
from workbench.errors import WorkbenchError
from workbench.services.project.language import set_source_language
from workbench.services.project.overview import coverage_by_source, sources_overview
from workbench.services.project.participants import ParticipantInfo
from workbench.services.project.sources import SourceSummary
from workbench.tui.messages import Notice, SourcesLoaded
from workbench.tui.screens.sources_exchange import ExchangeActions
from workbench.tui.widgets.key_footer import KeyFooter
from workbench.tui.widgets.name_prompt import NamePrompt
from workbench.tui.widgets.plain_table import PlainTable

if TYPE_CHECKING:  # the importer is imported when it is used: the Sources screen is the first to open
    from workbench.services.importing.batch import FileResult, ImportReport

COVERAGE_LIMIT = 20_000  # compute "% coded" only when the coder has at most this many codings


def matches(source: SourceSummary, query: str, attributes: dict[str, dict[str, str]]) -> bool:
    """Does a source pass the filter ``query`` (see the module docstring)?"""
    try:
        words = shlex.split(query.lower())
    except ValueError:  # an unclosed quote while typing
        words = query.lower().replace('"', " ").replace("'", " ").split()
    for word in words:
        if word.startswith("kind:"):
            if not source.kind.lower().startswith(word[5:]):
                return False
        elif "=" in word:
            key, _, value = word.partition("=")
            if not any(
                k.lower() == key and v.lower().startswith(value)
                for pid in source.participants
                for k, v in attributes.get(pid, {}).items()
            ):
                return False
        elif word.startswith("lang:"):
            if source.language != word[5:]:
                return False
        elif word not in source.name.lower() and not any(word in p.lower() for p in source.participants):
            return False
    return True


class SourceTable(PlainTable):
    """The sources table: rows move with ↓ ↑ j k and Home/End as well (a plain DataTable's Home/End scroll sideways)."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Open", id="sources.table-open", show=False,
                tooltip="Open the highlighted source in the Coding screen"),
        Binding("home", "scroll_top", "First", show=False, id="sources.first", tooltip="Go to the first source"),
        Binding("end", "scroll_bottom", "Last", show=False, id="sources.last", tooltip="Go to the last source"),
        Binding("j", "cursor_down", "Down", show=False, id="sources.down", tooltip="Next source"),
        Binding("k", "cursor_up", "Up", show=False, id="sources.up", tooltip="Previous source"),
    ]


class SourcesScreen(ExchangeActions):
    """The table of sources; the first screen."""

    AUTO_FOCUS = "#sources-table"

    BINDINGS = [
        # not a priority binding: Enter waits its turn behind keys already sent to the table (↓↓⏎ in a burst)
        Binding("enter", "open_source", "Open", id="sources.open",
                tooltip="Open the highlighted source in the Coding screen"),
        Binding("f", "filter", "Filter", id="sources.filter",
                tooltip="Filter by name, kind:interview, lang:da or a participant attribute such as site=Eastbrook"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="sources.clear-filter",
                tooltip="Clear the filter and show every source"),
        Binding("i", "import_files", "Import", id="sources.import",
                tooltip="Import transcripts: a file or a folder (.txt, .md, .docx, .vtt, .srt, REFI-QDA .qdpx/.qdc), "
                        "then their language"),
        Binding("L", "set_language", "Language", show=False, id="sources.language",
                tooltip="Set the highlighted source's language: it is segmented and its speakers read again"),
        Binding("x", "export", "Export", id="sources.export",
                tooltip="Export the codebook (Word, REFI-QDA, Taguette CSV), the project (.qdpx), the theme map, tables or agreement"),
        Binding("s", "saturation", "Saturation", id="sources.saturation",
                tooltip="Code saturation: new codes per source, base and runs (Guest, Namey & Chen 2020), a terminal plot"),
        Binding("ctrl+r", "reload", "Reload", show=False, id="sources.reload", tooltip="Read the sources again from the project"),
        Binding("q", "app.quit", "Quit", id="sources.quit", tooltip="Quit the workbench (every change is already saved)"),
    ]

    class CoverageLoaded(Message):
        def __init__(self, coverage: dict[str, float]) -> None:
            super().__init__()
            self.coverage = coverage

    class ImportProgress(Message):
        def __init__(self, result: FileResult, done: int) -> None:
            super().__init__()
            self.result, self.done = result, done

    class LanguageLoaded(Message):
        def __init__(self, language: str) -> None:
            super().__init__()
            self.language = language

    class ImportFinished(Message):
        def __init__(self, report: ImportReport) -> None:
            super().__init__()
            self.report = report

    def __init__(self) -> None:
        super().__init__()
        self.sources: list[SourceSummary] = []
        self.participants: list[ParticipantInfo] = []
        self.coverage: dict[str, float] = {}
        self.project_language = DEFAULT_LANGUAGE

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Filter: name, kind:focus, lang:da, attribute=value (Esc clears)", id="sources-filter")
        yield SourceTable(id="sources-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="sources-status", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Source", key="name")
        table.add_column("Kind", key="kind")
        table.add_column("Lang", key="language")
        table.add_column("Participants", key="participants")
        table.add_column("Words", key="words")
        table.add_column("Turns", key="turns")
        table.add_column("Codings", key="codings")
        table.add_column("Mine", key="mine")
        table.add_column("% mine", key="coverage")
        table.loading = True

    def on_screen_resume(self) -> None:
        self.action_reload()

    # Loading -------------------------------------------------------------------------------
    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="sources", exit_on_error=False)
    def _load(self) -> None:
        context = self.context
        try:
            overview = context.take_first_read() or sources_overview(context.project, context.coder)
            self.post_message(self.LanguageLoaded(overview.language))
            self.post_message(SourcesLoaded(overview.sources, overview.participants))
            if sum(s.coded_by_coder for s in overview.sources) <= COVERAGE_LIMIT:
                self.post_message(self.CoverageLoaded(coverage_by_source(context.project, context.coder, overview.sources)))
        except WorkbenchError as error:
            self.post_message(Notice(str(error), "error"))

    def on_sources_loaded(self, message: SourcesLoaded) -> None:
        self.sources, self.participants = message.sources, message.participants
        self._fill()

    def on_sources_screen_language_loaded(self, message: LanguageLoaded) -> None:
        self.project_language = message.language

    def on_sources_screen_coverage_loaded(self, message: CoverageLoaded) -> None:
        self.coverage = message.coverage
        self._fill()

    # Table ------------------------------------------------------------------------------------
    @property
    def filter_text(self) -> str:
        return self.query_one("#sources-filter", Input).value.strip()

    def shown_sources(self) -> list[SourceSummary]:
        attributes = {p.id: p.attributes for p in self.participants}
        return [s for s in self.sources if matches(s, self.filter_text, attributes)]

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        current = self.highlighted_name
        table.clear()
        shown = self.shown_sources()
        for s in shown:
            people = ", ".join(s.participants)
            people = people if len(people) <= 28 else people[:27] + "…"
            percent = f"{self.coverage[s.name]:.0f}%" if s.name in self.coverage else "—"
            everyone = "—" if self.context.blind else str(s.codings)
            table.add_row(s.name, s.kind, s.language, people, f"{s.words:,}", str(s.turns), everyone,
                          str(s.coded_by_coder), percent, key=s.name)
        table.loading = False
        if current is not None and any(s.name == current for s in shown):
            table.move_cursor(row=table.get_row_index(current))
        self._status(len(shown))

    def _status(self, shown: int) -> None:
        keys = sorted({k for p in self.participants for k in p.attributes})
        total = len(self.sources)
        text = f"{shown} of {total} sources" if self.filter_text else f"{total} sources"
        if self.filter_text:
            text += f" · filter: {self.filter_text}"
        if keys:
            text += f" · participant attributes: {', '.join(keys)}"
        if not total:
            text = "No sources yet: press i to import transcripts (or run 'workbench import PATH')."
        self.query_one("#sources-status", Static).update(text)

    @property
    def highlighted_name(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        try:
            return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        except Exception:  # noqa: BLE001 - no cursor row
            return None

    # Actions ------------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_source":  # Enter in the filter box submits the filter instead
            return self.is_mounted and not isinstance(self.focused, Input)
        return True

    def action_open_source(self) -> None:
        name = self.highlighted_name
        if name is not None:
            self.workbench_app.open_source_at(name)

    @on(DataTable.RowSelected, "#sources-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.workbench_app.open_source_at(str(event.row_key.value))

    def action_saturation(self) -> None:
        from workbench.tui.screens.saturation import SaturationScreen

        self.app.push_screen(SaturationScreen())

    def action_filter(self) -> None:
        box = self.query_one("#sources-filter", Input)
        box.add_class("-open")
        box.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#sources-filter", Input)
        box.value = ""
        box.remove_class("-open")
        self.query_one(DataTable).focus()
        self._fill()

    @on(Input.Changed, "#sources-filter")
    def _filter_changed(self) -> None:
        self._fill()

    @on(Input.Submitted, "#sources-filter")
    def _filter_done(self) -> None:
        self.query_one(DataTable).focus()

    @work(exit_on_error=False, group="sources-export")
    async def action_export(self) -> None:
        from workbench.tui.export_menu import export_menu

        await export_menu(self, self.context)

    # Language -----------------------------------------------------------------------------------
    @work(exit_on_error=False, group="sources-language-ask")
    async def action_set_language(self) -> None:
        name = self.highlighted_name
        if name is None:
            return
        current = next((s.language for s in self.sources if s.name == name), self.project_language)
        answer = await self.app.push_screen_wait(
            NamePrompt(f"Language of {name} (it is segmented and its speakers read again): {supported_languages()}", current)
        )
        if answer is None:
            return
        try:
            language = check_language(answer)
        except WorkbenchError as error:
            self.notify(str(error), title="Language not changed", severity="error", timeout=12, markup=False)
            return
        self.query_one("#sources-status", Static).update(f"Reading {name} again in {LANGUAGES[language].name} …")
        self._set_language(name, language)

    def _set_language(self, name: str, language: str) -> None:
        project = self.project
        self.writer.submit(  # then the table again, changed or not (workers start from the UI thread)
            lambda: set_source_language(project, name, language), title=self.ERROR_TITLE,
            done=lambda change: change.summary(), then=lambda _: self.call_later(self._load),
            failed=lambda: self.call_later(self._load),
        )  # fmt: skip

    # Importing ----------------------------------------------------------------------------------
    @work(exit_on_error=False, group="sources-import-ask")
    async def action_import_files(self) -> None:
        upload = self.context.upload_url
        if self.app.is_web and upload:  # a browser user has no path on the server: upload instead
            self.app.open_url(upload, new_tab=True)
            self.notify("Upload the files in the page that opened; press ctrl+r here afterwards to see them", markup=False)
            return
        path = await self.app.push_screen_wait(
            NamePrompt("Import a transcript or a folder of them (.txt .md .docx .vtt .srt .json .tsv, or .qdpx/.qdc):")
        )
        if not path:
            return
        answer = await self.app.push_screen_wait(
            NamePrompt(f"Language of these transcripts (ISO 639-1; Enter keeps the project's): {supported_languages()}",
                       self.project_language)
        )
        if answer is None:
            return
        try:
            language = check_language(answer)
        except WorkbenchError as error:
            self.notify(str(error), title="Not imported", severity="error", timeout=12, markup=False)
            return
        self.query_one("#sources-status", Static).update(f"Importing {path} ({LANGUAGES[language].name}) …")
        self._import(Path(path).expanduser(), language)

    @work(thread=True, exclusive=True, group="sources-import", exit_on_error=False)
    def _import(self, path: Path, language: str) -> None:
        from workbench.services.importing.batch import ImportOptions, import_paths

        done = 0

        def progress(result: FileResult) -> None:
            nonlocal done
            done += 1
            self.post_message(self.ImportProgress(result, done))

        try:  # one process: forking from inside the app's threads is not safe
            options = ImportOptions(processes=1, language=language)
            report = import_paths(self.project, [path], options, progress=progress)
        except WorkbenchError as error:
            self.post_message(Notice(str(error), "error"))
            self.app.call_from_thread(self._load)  # workers start from the UI thread
            return
        self.post_message(self.ImportFinished(report))

    def on_sources_screen_import_progress(self, message: ImportProgress) -> None:
        name = Path(message.result.path).name
        self.query_one("#sources-status", Static).update(f"Importing … {message.done} file(s) done, last {name}: {message.result.status}")

    def on_sources_screen_import_finished(self, message: ImportFinished) -> None:
        report = message.report
        summary = report.summary()
        if not report.results:
            summary = "No transcripts there (.txt .md .docx .vtt .srt .json .tsv .qdpx .qdc)" + (
                f"; {report.left_out()}" if report.unsupported else "")
        layouts = report.layouts()
        title = f"Import · {layouts}" if layouts else "Import"
        self.notify(summary, title=title, severity="error" if report.failed else "information", markup=False)
        for failure in report.failed[:3]:
            self.notify(failure.message, title="Not imported", severity="error", timeout=12, markup=False)
        if len(report.failed) > 3:
            self.notify(f"… and {len(report.failed) - 3} more; 'workbench import' lists them all", severity="error")
        self._load()
