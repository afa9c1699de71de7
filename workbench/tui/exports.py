"""Exports started from a screen: ask where (and from which layer), write in a thread, say what was written.

Call these from an ``@work`` coroutine of the screen (they wait for modal
answers). Service errors become notifications (see :func:`call_service`).
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
from workbench.services.themes.rollups import CONSENSUS_CODER, coders_with_codings
from workbench.tui.context import WorkbenchContext
from workbench.tui.service_calls import call_service
from workbench.tui.widgets.code_form import NamePrompt
from workbench.tui.widgets.code_picker import Picker


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


async def export_themes_docx(screen: Screen, context: WorkbenchContext) -> None:
    """The themes document (as ``workbench export themes``), from the consensus layer or the coder's codings."""
    out = await ask_target(screen, "Write the themes to a Word file (.docx):", "themes.docx")
    if out is None:
        return
    layers = await asyncio.to_thread(_layer_choices, context)
    if not layers:
        screen.notify(f"No codings of {context.coder} yet: code some transcripts first", severity="warning")
        return
    layer = layers[0][0] if len(layers) == 1 else await screen.app.push_screen_wait(
        Picker("Counts and quotes from:", layers)
    )
    if layer is None:
        return
    consensus = layer == CONSENSUS_CODER
    ok, summary = await call_service(
        screen, context.project, lambda p: write_themes_docx(p, out, coder=None if consensus else layer, consensus=consensus)
    )
    if ok:
        where = deliver(screen.app, out)
        screen.notify(f"{summary.themes} themes with {summary.quotes} quotes ({summary.layer}) written to {where}",
                      markup=False)


async def export_segments_file(screen: Screen, context: WorkbenchContext, query: SegmentQuery) -> None:
    """The segments a query retrieves, as a Word report, CSV or Excel (as ``workbench export segments``)."""
    out = await ask_target(screen, "Write the segments shown to a file (.docx, .csv or .xlsx):", "coded-segments.docx")
    if out is None:
        return
    ok, summary = await call_service(screen, context.project, lambda p: export_segments(p, out, query))
    if ok:
        where = deliver(screen.app, out)
        screen.notify(f"{summary.segments} coded segments of {summary.codes} codes written to {where}", markup=False)


def _layer_choices(context: WorkbenchContext) -> list[tuple[str, str]]:
    """The consensus layer (unless coding blind) and the coder's own codings, where they exist."""
    with context.project.session() as session:
        names = coders_with_codings(session)
    choices = []
    if CONSENSUS_CODER in names and not context.blind:
        choices.append((CONSENSUS_CODER, "the consensus layer (adjudicated)"))
    if context.coder in names:
        choices.append((context.coder, f"your codings ({context.coder})"))
    return choices
