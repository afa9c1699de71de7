"""The Sources screen's double-coding keys: ``H`` hands out a project file to a coder, ``M`` merges one back.

A mixin of :class:`~workbench.tui.screens.sources.SourcesScreen`. The handout
holds the sources shown (every source, or those the filter leaves); the merge
first runs dry and shows what it would do, then merges on ``y`` (``a`` also
adds sources the project lacks), then shows the result, whose conflicting
codes open in the Codebook screen. The service calls run in the App's writer.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.binding import Binding, BindingType
from textual.widgets import Static

from workbench.errors import WorkbenchError
from workbench.services.project.sources import SourceSummary
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.widgets.name_prompt import NamePrompt
from workbench.tui.writer import NOT_DONE

if TYPE_CHECKING:
    from workbench.services.handout.report import MergeReport

EXCHANGE_BINDINGS: list[BindingType] = [
    Binding("H", "handout", "Handout", id="sources.handout",
            tooltip="Hand out a project file to a coder: the sources shown, the codebook, only their codings (blind)"),
    Binding("M", "merge_file", "Merge", id="sources.merge",
            tooltip="Merge a coder's handout, a project copy or another tool's .qdpx back (preview first)"),
]


class ExchangeActions(WorkbenchScreen):
    """Handout and merge, for the Sources screen (which provides ``shown_sources``, ``filter_text`` and ``action_reload``)."""

    ERROR_TITLE = "Sources"

    BINDINGS = EXCHANGE_BINDINGS

    # Provided by SourcesScreen -------------------------------------------------------------------
    @property
    def filter_text(self) -> str:
        raise NotImplementedError

    def shown_sources(self) -> list[SourceSummary]:
        raise NotImplementedError

    def action_reload(self) -> None:
        raise NotImplementedError

    def _project_folder(self) -> Path:
        file = self.project.file
        return file.parent if file is not None else Path.cwd()

    def _say(self, text: str) -> None:
        self.query_one("#sources-status", Static).update(text)

    @work(exit_on_error=False, group="sources-handout")
    async def action_handout(self) -> None:
        context = self.context
        coder = await self.app.push_screen_wait(NamePrompt("Hand out to which coder? (the name they code under)"))
        if not coder:
            return
        filtered = bool(self.filter_text)
        names = [s.name for s in self.shown_sources()] if filtered else []
        if filtered and not names:
            self.notify("The filter shows no sources; clear it (Escape) to hand out every source.", severity="warning")
            return
        slug = re.sub(r"[^a-z0-9]+", "-", coder.lower()).strip("-") or "coder"
        what = f"the {len(names)} sources shown" if filtered else "every source"
        path = await self.app.push_screen_wait(
            NamePrompt(f"Write the handout for {coder} ({what}) to:", str(self._project_folder() / f"handout-{slug}.db"))
        )
        if not path:
            return
        self._say(f"Writing the handout for {coder} …")
        from workbench.services.handout.create import make_handout  # not at import: the Sources screen opens first

        report = await self.writer.run(lambda: make_handout(context.project, Path(path).expanduser(), coder, names),
                                       title=self.ERROR_TITLE)  # fmt: skip
        if report is not NOT_DONE:
            self.notify("\n".join(report.lines()), title="Handout written", timeout=12, markup=False)
        self.action_reload()

    @work(exit_on_error=False, group="sources-merge")
    async def action_merge_file(self) -> None:
        from workbench.tui.widgets.confirm import ConfirmScreen
        from workbench.tui.widgets.merge_summary import MergeSummary

        path_text = await self.app.push_screen_wait(
            NamePrompt("Merge which file? (a handout .db, a copy of the project, or a .qdpx from NVivo, ATLAS.ti, MAXQDA, QualCoder)")
        )
        if not path_text:
            return
        path = Path(path_text).expanduser()
        self._say(f"Reading {path.name} …")
        options: dict[str, bool] = {"force": False}
        preview = await self._merge(path, dry_run=True, **options)
        if preview is None:
            self.action_reload()
            return
        if isinstance(preview, str):  # another project's file: ask, then preview again
            if not await self.app.push_screen_wait(ConfirmScreen("A file from another project", preview, "Merge anyway", danger=False)):
                self.action_reload()
                return
            options["force"] = True
            preview = await self._merge(path, dry_run=True, **options)
            if preview is None or isinstance(preview, str):
                return
        choice = await self.app.push_screen_wait(MergeSummary(preview))
        if choice not in ("merge", "merge+sources"):
            self.action_reload()
            return
        self._say(f"Merging {path.name} …")
        report = await self._merge(path, dry_run=False, add_sources=choice == "merge+sources", **options)
        self.action_reload()
        if report is None or isinstance(report, str):
            return
        self.notify(f"{path.name}: {report.codings_added} codings merged", title="Merged", markup=False)
        choice = await self.app.push_screen_wait(MergeSummary(report))
        if choice and choice.startswith("code:"):
            from workbench.tui.screens.codebook import CodebookScreen

            self.app.push_screen(CodebookScreen(select=choice.removeprefix("code:")))

    async def _merge(self, path: Path, *, dry_run: bool, force: bool, add_sources: bool = False) -> MergeReport | str | None:
        """The report; or, for another project's file, the question to ask; or None (the error was shown)."""
        from workbench.services.handout.merge import merge_file  # not at import: the Sources screen opens first

        project = self.project
        try:
            report = await self.writer.run(
                lambda: merge_file(project, path, dry_run=dry_run, force=force, add_sources=add_sources),
                title=self.ERROR_TITLE, expect=(WorkbenchError,),
            )  # fmt: skip
            return None if report is NOT_DONE else report
        except WorkbenchError as error:
            if "--force" in str(error) and not force:
                return str(error).replace("with --force", "here")
            self.notify(str(error), title="Not merged", severity="error", timeout=10, markup=False)
            return None
