"""``x`` on the Sources screen: every project export from inside the app (as ``workbench export …``).

The codebook (Word, REFI-QDA, Taguette CSV), the whole project (.qdpx), the theme map (YAML), the
roll-up tables (CSV or Excel, from the consensus layer or the coder's own codings) and the agreement
report of the coders who have coded (CSV or Word), Table 1, the thematic map figure and the methods
appendix (from the same layer choice as the tables). In a terminal the file goes where the user says;
in a browser (``workbench serve``) it arrives as a download (see :mod:`workbench.tui.exports`).
Blind coders are not offered the agreement report, the methods appendix or the consensus layer: they
show others' codings.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from workbench.domain.vocabulary import CONSENSUS_CODER
from workbench.services.project.coders import coders_by_codings
from workbench.store.engine import Project
from workbench.tui.context import WorkbenchContext
from workbench.tui.exports import ask_target, deliver
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.widgets.code_picker import Picker
from workbench.tui.writer import NOT_DONE

# value → (label, default file name)
CHOICES: dict[str, tuple[str, str]] = {
    "codebook.docx": ("Codebook as a Word table", "codebook.docx"),
    "codebook.qdc": ("Codebook as REFI-QDA (.qdc) for NVivo, ATLAS.ti, MAXQDA, QualCoder", "codebook.qdc"),
    "codebook.csv": ("Codebook as Taguette's CSV (tag, description)", "codebook.csv"),
    "project.qdpx": ("Whole project as REFI-QDA (.qdpx)", "project.qdpx"),
    "themes.yaml": ("Theme map (YAML)", "theme-map.yaml"),
    "table.themes": ("Table: themes × participants (.csv or .xlsx)", "themes-table.xlsx"),
    "table.matrix": ("Table: codes × participant attributes (.csv or .xlsx)", "matrix.xlsx"),
    "table.codes": ("Table: code counts (.csv or .xlsx)", "codes.xlsx"),
    "agreement": ("Agreement of the coders (.docx or .csv)", "agreement.docx"),
    "participants": ("Table 1: participant characteristics (.docx, .csv or .xlsx)", "table1.docx"),
    "map": ("Thematic map figure (.svg, .png or .pdf)", "thematic-map.svg"),
    "methods": ("Methods appendix with the COREQ checklist (.docx or .md)", "methods-appendix.docx"),
}
LAYERED = ("table.", "map", "methods")


async def export_menu(screen: WorkbenchScreen, context: WorkbenchContext) -> None:
    others = ("agreement", "methods", "project.qdpx")  # each carries every coder's codings (or agreement figures)
    choices = [(value, label) for value, (label, _) in CHOICES.items() if not (context.blind and value in others)]
    what = await screen.app.push_screen_wait(Picker("Export:", choices))
    if what is None:
        return
    write = await _writer(screen, context, what)
    if write is None:
        return
    out = await ask_target(screen, "Write it to a file:", CHOICES[what][1])
    if out is None:
        return
    message = await screen.writer.run(lambda: write(context.project, out), title=screen.ERROR_TITLE)
    if message is not NOT_DONE:
        screen.notify(f"{message} written to {deliver(screen.app, out)}", markup=False)


async def _writer(screen: WorkbenchScreen, context: WorkbenchContext, what: str) -> Callable[[Project, Path], str] | None:
    """The export to run (asking for its layer or coders first), returning a one-line summary."""
    if what == "codebook.docx":
        from workbench.services.export.word_codebook import write_codebook_docx

        return lambda p, out: f"{write_codebook_docx(p, out).codes} codes"
    if what == "codebook.qdc":
        from workbench.interop.qdc_export import export_codebook

        return lambda p, out: f"{export_codebook(p, out).codes} codes (REFI-QDA)"
    if what == "codebook.csv":
        from workbench.interop.taguette_csv import export_codebook_csv

        return lambda p, out: f"{export_codebook_csv(p, out).codes} codes (Taguette CSV)"
    if what == "project.qdpx":
        from workbench.interop.qdpx_export import export_project

        return lambda p, out: f"the project ({export_project(p, out).codings} codings)"
    if what == "themes.yaml":
        from workbench.services.themes.theme_map import export_theme_map

        return lambda p, out: f"{export_theme_map(p, out)} themes"
    if what == "participants":
        from workbench.services.paper.participants_export import export_participants

        return lambda p, out: f"Table 1 ({export_participants(p, out).participants} participants)"
    coders = {c.name for c in await asyncio.to_thread(coders_by_codings, context.project, consensus=True)}
    if what.startswith(LAYERED):
        layers = [(CONSENSUS_CODER, "the consensus layer (adjudicated)")] if CONSENSUS_CODER in coders and not context.blind else []
        layers += [(context.coder, f"your codings ({context.coder})")] if context.coder in coders else []
        if not layers:
            screen.notify(f"No codings of {context.coder} yet: code some transcripts first", severity="warning")
            return None
        layer = layers[0][0] if len(layers) == 1 else await screen.app.push_screen_wait(Picker("Count codings of:", layers))
        if layer is None:
            return None
        from workbench.services.export.tables import export_table

        consensus = layer == CONSENSUS_CODER
        coder = None if consensus else layer
        if what == "map":
            from workbench.services.paper.thematic_map import export_map

            def figure(p: Project, out: Path) -> str:
                the_map = export_map(p, out, coder, consensus, True)
                return f"the thematic map ({sum(len(c.themes) for c in the_map.categories)} themes)"

            return figure
        if what == "methods":
            from workbench.services.paper.methods_export import export_methods

            def methods(p: Project, out: Path) -> str:
                summary = export_methods(p, out, coder, consensus)
                return f"the methods appendix ({summary.filled} of {summary.items} COREQ items filled)"

            return methods

        def table(p: Project, out: Path) -> str:
            summary = export_table(p, out, what.split(".", 1)[1], coder=None if consensus else layer, consensus=consensus)
            return f"{summary.what}: {summary.rows} rows ({summary.layer})"

        return table
    people = sorted(c for c in coders if c != CONSENSUS_CODER)
    if len(people) < 2:
        screen.notify("Agreement needs codings of at least two coders", severity="warning")
        return None
    from workbench.services.agreement.compute import compute_agreement
    from workbench.services.export.agreement import check_format, export_agreement, source_texts

    def agreement(p: Project, out: Path) -> str:
        check_format(out)
        report = compute_agreement(p, people)
        export_agreement(report, out, source_texts(p, report.sources))
        return f"agreement of {', '.join(report.coders)} ({len(report.codes)} codes)"

    return agreement
