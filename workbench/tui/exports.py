"""Exports started from a screen: ask where (and from which layer), write in a thread, say what was written.

Call these from an ``@work`` coroutine of the screen (they wait for modal
answers). Service errors become notifications (see :func:`call_service`).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.screen import Screen

from workbench.services.export.segments import SegmentQuery, export_segments
from workbench.services.export.word_themes import write_themes_docx
from workbench.services.themes.rollups import CONSENSUS_CODER, coders_with_codings
from workbench.tui.context import WorkbenchContext
from workbench.tui.service_calls import call_service
from workbench.tui.widgets.code_form import NamePrompt
from workbench.tui.widgets.code_picker import Picker


async def export_themes_docx(screen: Screen, context: WorkbenchContext) -> None:
    """The themes document (as ``workbench export themes``), from the consensus layer or the coder's codings."""
    path = await screen.app.push_screen_wait(NamePrompt("Write the themes to a Word file (.docx):", "themes.docx"))
    if not path:
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
    out = Path(path).expanduser().absolute()  # the notice then says exactly where the file went
    ok, summary = await call_service(
        screen, context.project, lambda p: write_themes_docx(p, out, coder=None if consensus else layer, consensus=consensus)
    )
    if ok:
        screen.notify(f"{summary.themes} themes with {summary.quotes} quotes ({summary.layer}) written to {summary.path}",
                      markup=False)


async def export_segments_file(screen: Screen, context: WorkbenchContext, query: SegmentQuery) -> None:
    """The segments a query retrieves, as a Word report, CSV or Excel (as ``workbench export segments``)."""
    path = await screen.app.push_screen_wait(
        NamePrompt("Write the segments shown to a file (.docx, .csv or .xlsx):", "coded-segments.docx")
    )
    if not path:
        return
    out = Path(path).expanduser().absolute()
    ok, summary = await call_service(screen, context.project, lambda p: export_segments(p, out, query))
    if ok:
        screen.notify(f"{summary.segments} coded segments of {summary.codes} codes written to {summary.path}", markup=False)


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
