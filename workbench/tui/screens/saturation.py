"""Saturation: code saturation of the project (Guest, Namey & Chen 2020) as a table and a terminal plot.

Opened from the Sources screen with ``s``. The table lists the sources in order
with the codes first seen in each and the cumulative count; the plot draws the
cumulative codes as bars (``█`` codes seen before, ``▓`` new in the source) with
the base (``B``) and the first qualifying run (``R``) marked and the random-order
95% range as ``░``. ``l`` switches the layer (coders with codings and the
consensus; in blind mode only your own), ``o`` sets the order (``imported``,
``attribute:NAME`` or an order file), ``k`` the kind of source, ``i`` inductive
codes only, ``d`` the design (base, run, threshold),
``p`` writes the figure (.png/.svg).
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static

from workbench.domain.saturation import Design
from workbench.errors import WorkbenchError
from workbench.services.paper.saturation import (
    SaturationReport,
    compute_saturation,
    layer_names,
    parse_design,
    parse_order,
    summary_lines,
)
from workbench.tui.messages import Notice
from workbench.tui.screens.base import WorkbenchScreen
from workbench.tui.widgets.name_prompt import NamePrompt
from workbench.tui.widgets.plain_table import PlainTable

BAR = "█"
NEW = "▓"
BAND = "░"


def text_plot(report: SaturationReport, width: int = 40) -> list[str]:
    """The cumulative curve as horizontal bars, one line per source (plain text)."""
    a = report.assessment
    top = max([*a.cumulative, *(report.band.curve_high if report.band else ())], default=0) or 1
    scale = width / top
    lines = []
    names = max((len(n) for n in report.sources), default=0)
    qualifying = range(a.qualifying.start, a.qualifying.end + 1) if a.qualifying else range(0)
    for position, (name, new, total) in enumerate(zip(report.sources, a.new_codes, a.cumulative), 1):
        seen = round((total - new) * scale)
        bar = BAR * seen + NEW * (round(total * scale) - seen)
        if report.band is not None:  # how far the curve reaches in 97.5% of random orders
            bar += BAND * max(0, round(report.band.curve_high[position - 1] * scale) - len(bar))
        mark = "B" if position <= a.design.base else "R" if position in qualifying else " "
        lines.append(f"{position:>3} {name[:24]:<{min(names, 24)}} {mark} {bar:<{width}} {total} (+{new})")
    return lines


class SaturationScreen(WorkbenchScreen):
    """The saturation table, the terminal plot and the verdict."""

    ERROR_TITLE = "Saturation"

    DEFAULT_CSS = """
    SaturationScreen #saturation-heading { color: $text-muted; padding: 0 1; height: auto; }
    SaturationScreen #saturation-table { height: 1fr; }
    SaturationScreen #saturation-lower { height: 1fr; border-top: solid $primary; padding: 0 1; }
    """

    BINDINGS = [
        Binding("l", "layer", "Layer", id="saturation.layer", tooltip="Switch whose codings count: each coder, or the consensus"),
        Binding("o", "order", "Order", id="saturation.order",
                tooltip="Order the sources: imported, attribute:NAME (e.g. attribute:interview_date) or an order file"),
        Binding("k", "kind", "Kind", id="saturation.kind", tooltip="Every source, only interviews or only focus groups"),
        Binding("i", "inductive", "Inductive", show=False, id="saturation.inductive", tooltip="Count every code or only inductive codes"),
        Binding("d", "design", "Design", id="saturation.design",
                tooltip="Set the base, the run and the threshold, e.g. 4 2 0.05 (Guest, Namey & Chen's defaults)"),
        Binding("p", "plot", "Figure", id="saturation.plot", tooltip="Write the saturation figure to a .png or .svg file"),
        Binding("ctrl+r", "refresh", "Refresh", show=False, id="saturation.refresh", tooltip="Compute again from the project"),
        Binding("q,escape", "back", "Back", id="saturation.back", tooltip="Back to the previous screen"),
    ]

    class Computed(Message):
        def __init__(self, report: SaturationReport | None, layers: list[str]) -> None:
            super().__init__()
            self.report = report
            self.layers = layers

    def __init__(self) -> None:
        super().__init__()
        self.shown_layer: str | None = None
        self.layer_names: list[str] = []
        self.order: str | Path = "imported"
        self.design = Design()
        self.kind: str | None = None
        self.inductive_only = False
        self.report: SaturationReport | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Computing saturation…", id="saturation-heading", markup=False)
        yield PlainTable(id="saturation-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="saturation-lower"):
            yield Static(id="saturation-plot", markup=False)
            yield Static(id="saturation-summary", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Saturation"
        table = self.query_one(DataTable)
        table.add_columns("#", "Source", "New", "Cumulative", "Codes first seen")
        table.focus()
        self.action_refresh()

    def action_refresh(self) -> None:
        self._compute(self.shown_layer, self.order, self.design, self.kind, self.inductive_only)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _compute(self, layer: str | None, order: str | Path, design: Design, kind: str | None, inductive_only: bool) -> None:
        context = self.context
        report = None
        layers: list[str] = []
        try:
            layers = [context.coder] if context.blind else layer_names(context.project)
            if context.blind:
                layer = context.coder
            elif layer is None:
                preferred = ["consensus", context.coder, *layers]
                layer = next((name for name in preferred if name in layers), context.coder)
            report = compute_saturation(context.project, coder=layer, order=order, design=design, kind=kind,
                                        inductive_only=inductive_only)
        except WorkbenchError as error:
            self.post_message(Notice(str(error), "error"))
        self.post_message(self.Computed(report, layers))

    def on_saturation_screen_computed(self, message: Computed) -> None:
        self.layer_names = message.layers
        heading = self.query_one("#saturation-heading", Static)
        table = self.query_one(DataTable)
        if message.report is None:
            heading.update("No saturation to show: code some sources first (l: another layer, o: another order)")
            return
        report = self.report = message.report
        self.shown_layer = report.layer
        table.clear()
        for index, (name, fresh, total) in enumerate(zip(report.sources, report.first_seen, report.assessment.cumulative), 1):
            table.add_row(str(index), name, str(len(fresh)), str(total), ", ".join(fresh))
        a = report.assessment
        scope = (f" · {report.kind}s only" if report.kind else "") + (" · inductive codes only" if report.inductive_only else "")
        heading.update(
            f"Layer: {report.layer} · order: {report.order_by}{scope} · base {a.design.base}, run {a.design.run}, "
            f"≤{a.design.threshold * 100:g}% · {report.statement}"
        )
        width = max(10, min(60, self.size.width - 40))
        legend = f"{BAR} seen before {NEW} new {BAND} 97.5% of random orders · B base · R first run ≤{a.design.threshold * 100:g}%"
        self.query_one("#saturation-plot", Static).update("\n".join([legend, *text_plot(report, width)]))
        self.query_one("#saturation-summary", Static).update("\n".join(summary_lines(report)))

    def action_layer(self) -> None:
        if len(self.layer_names) < 2:
            self.notify("Only one layer to show" + (" (blind mode: your own codings)" if self.context.blind else ""))
            return
        current = self.layer_names.index(self.shown_layer) if self.shown_layer in self.layer_names else -1
        self.shown_layer = self.layer_names[(current + 1) % len(self.layer_names)]
        self.action_refresh()

    def action_order(self) -> None:
        def chosen(value: str | None) -> None:
            if value:
                self.order = parse_order(value)
                self.action_refresh()

        self.app.push_screen(NamePrompt("Order: imported, attribute:NAME, or an order file (one source per line)",
                                        str(self.order)), chosen)

    def action_kind(self) -> None:
        kinds = [None, "interview", "focus-group"]
        self.kind = kinds[(kinds.index(self.kind) + 1) % len(kinds)]
        self.action_refresh()

    def action_inductive(self) -> None:
        self.inductive_only = not self.inductive_only
        self.action_refresh()

    def action_design(self) -> None:
        def chosen(value: str | None) -> None:
            if not value:
                return
            try:
                self.design = parse_design(value)
            except WorkbenchError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            self.action_refresh()

        d = self.design
        self.app.push_screen(NamePrompt("Base, run and threshold (new information share):", f"{d.base} {d.run} {d.threshold:g}"), chosen)

    def action_plot(self) -> None:
        def chosen(path: str | None) -> None:
            if path and self.report is not None:
                self._plot(self.report, Path(path).expanduser().absolute())

        self.app.push_screen(NamePrompt("Write the saturation figure to (.png or .svg):", "saturation.png"), chosen)

    @work(thread=True, exit_on_error=False)
    def _plot(self, report: SaturationReport, path: Path) -> None:
        from workbench.services.paper.saturation_plot import write_saturation_plot

        try:
            write_saturation_plot(report, path)
            self.post_message(Notice(f"saturation figure written to {path}", "information"))
        except WorkbenchError as error:
            self.post_message(Notice(str(error), "error"))

    def action_back(self) -> None:
        self.app.pop_screen()
