"""The Textual App: wires the screens, the global keys and the command palette, and nothing else.

``make_app(db, coder, blind)`` builds the App around an opened project
without running it (tests call it with a temporary project);
:mod:`workbench.tui.launch` runs it for ``workbench open``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, cast

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.filter import LineFilter
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.types import IgnoreReturnCallbackType
from textual.worker import Worker

from workbench.errors import ProjectError, WorkbenchError
from workbench.safety import mask_passwords
from workbench.services.coding.session import CodingSession
from workbench.services.text.documents import SourceDocument, load_document
from workbench.store.engine import Project
from workbench.tui import safe_display
from workbench.tui.context import WorkbenchContext
from workbench.tui.messages import Notice
from workbench.tui.screens.base import notify_worker_error
from workbench.tui.screens.help import BindingEntry, HelpScreen, collect_bindings
from workbench.tui.screens.sources import SourcesScreen

if TYPE_CHECKING:
    from workbench.tui.launch import SourcesRead

BLIND_CLOSED = {"review", "audit"}  # actions that would show another coder's work


class WorkbenchCommands(Provider):
    """Every key of the current screen (and the App's) as a command, generated from the bindings."""

    def _entries(self) -> list[BindingEntry]:
        blind = cast("WorkbenchApp", self.app).context.blind
        hidden = {"command_palette"} | (BLIND_CLOSED if blind else set())
        return [e for e in collect_bindings(self.screen) if e.binding.action not in hidden]

    def _run(self, entry: BindingEntry) -> IgnoreReturnCallbackType:
        return partial(self.app.run_action, entry.binding.action, entry.node)

    @staticmethod
    def _help(entry: BindingEntry) -> str:
        return f"{entry.keys} · {entry.scope} · {entry.binding.tooltip}"

    async def discover(self) -> Hits:
        for entry in self._entries():
            yield DiscoveryHit(entry.title, self._run(entry), help=self._help(entry))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for entry in self._entries():
            score = matcher.match(entry.title)
            if score > 0:
                yield Hit(score, matcher.highlight(entry.title), self._run(entry), help=self._help(entry))


class WorkbenchApp(App[int]):
    """Thematic Workbench."""

    CSS_PATH = "workbench.tcss"
    TITLE = "Thematic Workbench"
    COMMANDS = App.COMMANDS | {WorkbenchCommands}
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="app.help", tooltip="Every key of this screen, with what it does"),
        Binding("f2", "sources", "Sources", show=False, id="app.sources", tooltip="Back to the list of sources"),
        Binding("f3", "codebook", "Codebook", show=False, id="app.codebook", tooltip="Edit the codebook"),
        Binding("f4", "retrieve", "Retrieve", show=False, id="app.retrieve",
                tooltip="Retrieve coded segments (of the code highlighted in the codebook panel, on the Coding screen)"),
        Binding("f5", "themes", "Themes", show=False, id="app.themes",
                tooltip="Themes: facilitators and barriers, their codes, categories and exemplar quotes"),
        Binding("f6", "review", "Review", show=False, id="app.review",
                tooltip="Compare two coders and adjudicate their disagreements into a consensus layer"),
        Binding("f7", "audit", "Audit", show=False, id="app.audit",
                tooltip="Who changed what: the audit trail of the current source or code, or of the project"),
    ]

    def __init__(self, context: WorkbenchContext, coding: CodingSession,
                 start: Callable[[], Screen] | None = None) -> None:
        safe_display.install()
        super().__init__()
        self._control_filter = safe_display.ControlFilter()
        self.context = context
        self.coding = coding
        self.start_screen = start
        self.sub_title = self.coder_label
        self.unreachable: str | None = None  # why the project cannot be written, while it cannot
        context.project.observer = self._database_outcome

    @property
    def coder_label(self) -> str:
        return f"coder: {self.context.coder}" + (" (blind: only your codings)" if self.context.blind else "")

    def on_mount(self) -> None:
        self.screen_change_signal.subscribe(self, self._show_reachability)
        self.push_screen(SourcesScreen())
        if self.start_screen is not None:
            self.push_screen(self.start_screen())

    def on_app_focus(self) -> None:
        """Back in the terminal window: show what other coders did meanwhile (new codes, codings)."""
        from workbench.tui.screens.coding import CodingScreen  # imported when the first source opens

        if isinstance(self.screen, CodingScreen):
            self.screen.action_refresh()

    # Reachability -------------------------------------------------------------------------------
    class DatabaseOutcome(Message):
        """From any thread: the database refused a unit of work (``problem``), or a write succeeded (None)."""

        def __init__(self, problem: ProjectError | None) -> None:
            super().__init__()
            self.problem = problem

    def _database_outcome(self, problem: ProjectError | None) -> None:
        self.post_message(self.DatabaseOutcome(problem))

    def on_workbench_app_database_outcome(self, message: DatabaseOutcome) -> None:
        if message.problem is not None:
            # the screen that failed says what failed; the banner says it persists
            self.unreachable = message.problem.reason or str(message.problem)
        elif self.unreachable is not None:
            self.unreachable = None
            self.notify("The project is reachable again: changes are saved.", timeout=6)
        self._show_reachability(self.screen)

    def _show_reachability(self, screen: Screen) -> None:
        """Mount, update or remove the banner on ``screen`` (not on dialogs: the screen under them has it)."""
        from textual.screen import ModalScreen

        from workbench.tui.widgets.unreachable_banner import UnreachableBanner

        for banner in screen.query(UnreachableBanner):
            if self.unreachable is None:
                banner.remove()
            else:
                banner.update(UnreachableBanner.text_for(self.unreachable))
        if self.unreachable is not None and not screen.query(UnreachableBanner) and not isinstance(screen, ModalScreen):
            screen.mount(UnreachableBanner(UnreachableBanner.text_for(self.unreachable)))

    # Navigation --------------------------------------------------------------------------------
    def open_source_at(self, source_name: str, start: int | None = None, end: int | None = None) -> None:
        """Show a source on the Coding screen, with ``[start, end)`` selected when given.

        Reuses the Coding screen just under the current one when it shows that
        source (e.g. after Retrieve was opened from it). Otherwise the source is
        read in a worker first and the Coding screen pushed with it, so the
        screen paints once, with the text (reading and mounting at the same
        time only compete for the GIL); a slow read shows a loading indicator.
        """
        from workbench.tui.screens.coding import CodingScreen

        span = (start, end) if start is not None and end is not None else None
        stack = self.screen_stack
        below = stack[-2] if len(stack) >= 2 else None
        if isinstance(below, CodingScreen) and below.source_name == source_name and below.document is not None:
            self.pop_screen()
            if span is not None:
                below.view.select(*span)
            return
        origin = self.screen
        timer = self.set_timer(0.15, lambda: origin.set_loading(True))
        self._read_source(source_name, span, origin, timer)

    @work(thread=True, exclusive=True, group="open-source", exit_on_error=False)
    def _read_source(self, name: str, span: tuple[int, int] | None, origin: Screen, timer: Timer) -> None:
        try:
            document = load_document(self.context.project, name)
        except WorkbenchError as error:
            document = None
            self.post_message(Notice(str(error), "error"))
        self.post_message(self.SourceRead(document, span, origin, timer))

    class SourceRead(Message):
        def __init__(self, document: SourceDocument | None, span: tuple[int, int] | None, origin: Screen,
                     timer: Timer) -> None:
            super().__init__()
            self.document, self.span, self.origin, self.timer = document, span, origin, timer

    def on_workbench_app_source_read(self, message: SourceRead) -> None:
        from workbench.tui.screens.coding import CodingScreen

        message.timer.stop()
        message.origin.set_loading(False)
        if message.document is not None:
            self.push_screen(CodingScreen(message.document.name, message.span, document=message.document))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_sources(self) -> None:
        while len(self.screen_stack) > 2 and not isinstance(self.screen, SourcesScreen):
            self.pop_screen()

    def action_codebook(self) -> None:
        from workbench.tui.screens.codebook import CodebookScreen

        if not isinstance(self.screen, CodebookScreen):
            self.push_screen(CodebookScreen())

    def action_retrieve(self) -> None:
        from workbench.tui.screens.coding import CodingScreen
        from workbench.tui.screens.retrieve import RetrieveScreen

        if isinstance(self.screen, RetrieveScreen):
            return
        keys = None
        if isinstance(self.screen, CodingScreen) and self.screen.panel.highlighted is not None:
            keys = [self.screen.panel.highlighted.key]
        self.push_screen(RetrieveScreen(keys))

    def action_themes(self) -> None:
        from workbench.tui.screens.themes import ThemesScreen

        if not isinstance(self.screen, ThemesScreen):
            self.push_screen(ThemesScreen())

    async def action_review(self) -> None:
        """Pick the two coders (the consensus layer excluded), then open the Review screen."""
        from workbench.tui.screens.review import ReviewScreen
        from workbench.tui.widgets.code_picker import Picker

        if isinstance(self.screen, ReviewScreen) or self._closed_when_blind("the Review screen and its agreement figures"):
            return
        from workbench.services.project.coders import coders_by_codings

        counted = await asyncio.to_thread(coders_by_codings, self.context.project)  # a count over every coding
        coders = [(c.name, f"{c.name}  ({c.codings} codings)") for c in counted]
        if len(coders) < 2:
            self.notify("A review needs two coders with codings in this project.", severity="warning")
            return

        def second(first: str | None) -> None:
            if first is None:
                return
            others = [c for c in coders if c[0] != first]

            def review(other: str | None) -> None:
                if other:
                    self.push_screen(ReviewScreen(first, other))

            self.push_screen(Picker(f"Review {first} against…", others), review)

        self.push_screen(Picker("Review: the first coder", coders), second)

    def action_audit(self) -> None:
        from workbench.tui.screens.audit import AuditScreen
        from workbench.tui.screens.coding import CodingScreen

        if isinstance(self.screen, AuditScreen) or self._closed_when_blind("the audit trail"):
            return
        source = self.screen.source_name if isinstance(self.screen, CodingScreen) else None
        self.push_screen(AuditScreen(source=source))

    def _closed_when_blind(self, what: str) -> bool:
        """In blind mode, say in one line why ``what`` stays closed; True when it does."""
        if not self.context.blind:
            return False
        self.notify(f"Closed while you code blind: {what} would show the other coders' work "
                    f"('workbench --coder {self.context.coder} open --no-blind' lifts blind mode).",
                    severity="warning", markup=False)  # fmt: skip
        return True

    def get_line_filters(self) -> Sequence[LineFilter]:
        return [*super().get_line_filters(), self._control_filter]

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notification (screens' too: they call the App's): no database password in it, and shown as
        written, never read as markup (``markup`` is ignored): messages carry project names and file paths."""
        super().notify(mask_passwords(message), title=mask_passwords(title), severity=severity, timeout=timeout,
                       markup=False)

    # Messages from workers ---------------------------------------------------------------------
    def on_notice(self, message: Notice) -> None:
        self.notify(message.text, severity=message.severity)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        notify_worker_error(self, event)  # the App's own workers; screens' are WorkbenchScreen's


def make_app(
    db: str, coder: str, blind: bool = False, start: Callable[[], Screen] | None = None, upload_url: str | None = None,
    first_read: SourcesRead | None = None,
) -> WorkbenchApp:
    """Open the project (migrating it) and build the App, without running it.

    The coder codes blind when ``blind`` or when blind mode is remembered for
    them (``workbench open --blind``). ``start`` builds a screen to show above
    the Sources screen (e.g. ``workbench review``). ``first_read``: the Sources
    screen's first read, already under way (:mod:`workbench.tui.launch`, which
    runs the App).
    """
    from workbench.services.project.blind import remembered_blind

    project = Project.open(db, create=False)
    project.actor = coder  # the audit trail names the coder for every change made in the UI
    from workbench.services.handout.identity import handout_opens_blind

    blind = blind or remembered_blind(project, coder) or handout_opens_blind(project, coder)  # a handout opens blind
    context = WorkbenchContext(project, coder, blind, upload_url, first_read)
    return WorkbenchApp(context, CodingSession(project, coder, blind), start)
