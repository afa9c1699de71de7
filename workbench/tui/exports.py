"""Exports started from a screen: ask where (and from which layer), write in a thread, say what was written.

Call these from an ``@work`` coroutine of the screen (they wait for modal
answers). The export runs in the App's writer (:class:`~workbench.tui.writer.Writer`),
which turns a service error into a notification.
In a browser (``workbench serve``) the user names only the file: it is
written to a private temporary folder and sent to the browser as a
download (:func:`ask_target`, :func:`deliver`), never left on the server.
"""

from __future__ import annotations

import asyncio
import io
import shutil
import tempfile
from pathlib import Path, PurePosixPath, PureWindowsPath

from textual.app import App
from textual.screen import Screen

from workbench.services.export.segments import SegmentQuery, export_segments
from workbench.services.export.word_themes import write_themes_docx
from workbench.services.themes.rollups import CONSENSUS_CODER
from workbench.tui.context import WorkbenchContext
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.widgets.code_picker import Picker
from workbench.tui.widgets.confirm import ConfirmScreen
from workbench.tui.widgets.name_prompt import NamePrompt
from workbench.tui.writer import NOT_DONE


async def ask_target(screen: Screen, prompt: str, default: str) -> Path | None:
    """Where to write: a path on this machine, or in a browser only a file name (see :func:`deliver`)."""
    web = screen.app.is_web
    answer = await screen.app.push_screen_wait(
        NamePrompt(prompt.replace("Write", "Download") if web else prompt, default)
    )
    if not answer:
        return None
    if web:
        name = PureWindowsPath(PurePosixPath(answer.strip()).name).name.lstrip(".") or default
        return Path(tempfile.mkdtemp(prefix="workbench-export-")) / name
    return Path(answer).expanduser().absolute()  # the notice then says exactly where the file went


def deliver(app: App, out: Path) -> str:
    """In a browser, send the written file as a download and remove it here; where it went, for the notice."""
    if not app.is_web:
        return str(out)
    data = out.read_bytes()
    shutil.rmtree(out.parent, ignore_errors=True)
    app.deliver_binary(io.BytesIO(data), save_filename=out.name)
    return f"your browser's downloads ({out.name})"


async def export_themes_docx(screen: WorkbenchScreen, context: WorkbenchContext) -> None:
    """The themes document, as ``workbench export themes``: counts and quotes from one layer the user picks
    (any coder's codings or the consensus layer; only your own when coding blind); asks before overwriting."""
    out = await ask_target(screen, "Write the themes to a Word file (.docx):", "themes.docx")
    if out is None:
        return
    if out.exists() and not await screen.app.push_screen_wait(
        ConfirmScreen("Replace the file?", f"{out} exists. Write the themes over it?", "Replace")
    ):
        return
    layers = await asyncio.to_thread(layer_choices, context)
    if not layers:
        whose = f"of {context.coder} " if context.blind else ""
        screen.notify(f"No codings {whose}yet: code some transcripts first", severity="warning")
        return
    layer = layers[0][0] if len(layers) == 1 else await screen.app.push_screen_wait(
        Picker("Count codings and take quotes from:", layers)
    )
    if layer is None:
        return
    consensus = layer == CONSENSUS_CODER
    summary = await screen.writer.run(
        lambda: write_themes_docx(context.project, out, coder=None if consensus else layer, consensus=consensus),
        title=screen.ERROR_TITLE,
    )
    if summary is not NOT_DONE:
        where = deliver(screen.app, out)
        screen.notify(f"{summary.themes} themes with {summary.quotes} quotes ({summary.layer}) written to {where}",
                      markup=False)
        for warning in summary.warnings:
            screen.notify(warning, severity="warning", timeout=10, markup=False)


async def export_segments_file(screen: WorkbenchScreen, context: WorkbenchContext, query: SegmentQuery) -> None:
    """The segments a query retrieves, as a Word report, CSV or Excel (as ``workbench export segments``)."""
    out = await ask_target(screen, "Write the segments shown to a file (.docx, .csv or .xlsx):", "coded-segments.docx")
    if out is None:
        return
    summary = await screen.writer.run(lambda: export_segments(context.project, out, query), title=screen.ERROR_TITLE)
    if summary is not NOT_DONE:
        where = deliver(screen.app, out)
        screen.notify(f"{summary.segments} coded segments of {summary.codes} codes written to {where}", markup=False)
        for warning in summary.warnings:  # an unfinished consensus layer among the codings written
            screen.notify(warning, severity="warning", timeout=10, markup=False)


def layer_choices(context: WorkbenchContext) -> list[tuple[str, str]]:
    """The layers a theme document can count: the consensus layer, then every coder with codings (most first).

    Coding blind, only the coder's own codings: the others' would show their work.
    """
    from workbench.services.project.coders import coders_by_codings

    choices: list[tuple[str, str]] = []
    for name, count in ((c.name, c.codings) for c in coders_by_codings(context.project, consensus=True)):
        if context.blind and name != context.coder:
            continue
        if name == CONSENSUS_CODER:
            choices.insert(0, (name, f"the consensus layer ({count} codings)"))
        else:
            choices.append((name, f"{name} ({count} codings{', you' if name == context.coder else ''})"))
    return choices
