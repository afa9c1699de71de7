"""The saturation figure: cumulative codes over the sources, new codes per source as bars,
the base and the first qualifying run marked, the random-order band shaded (greyscale-readable)."""

from __future__ import annotations

from pathlib import Path

from workbench.domain import saturation as rule
from workbench.services.paper import figures
from workbench.services.paper.saturation import SaturationReport

PLOT_SUFFIXES = (".png", ".svg")


def write_saturation_plot(report: SaturationReport, path: Path) -> Path:
    figures.check_figure_path(path, PLOT_SUFFIXES)
    a = report.assessment
    n = len(report.sources)
    positions = list(range(1, n + 1))
    with figures.new_figure(max(5.5, min(11.0, 0.22 * n + 3)), 3.6) as figure:
        axes = figure.add_subplot()
        base_end = min(a.design.base, n)
        axes.axvspan(0.5, base_end + 0.5, facecolor="0.95", edgecolor="0.78", hatch="//", linewidth=0, zorder=0,
                     label=f"base: sources 1–{base_end} ({a.base_codes} codes)")
        if a.qualifying is not None:
            axes.axvspan(a.qualifying.start - 0.5, a.qualifying.end + 0.5, facecolor="white", edgecolor="0.6",
                         hatch="..", linewidth=0.6, zorder=0,
                         label=f"first run ≤{a.design.threshold * 100:g}%: {_sources(a.qualifying.start, a.qualifying.end)}")
        band = report.band
        if band is not None:
            axes.fill_between(positions, band.curve_low, band.curve_high, color="0.75", alpha=0.6, linewidth=0,
                              label=f"random orders: 95% range ({band.resamples:,})")
            axes.plot(positions, band.curve_median, color="0.35", linestyle="--", linewidth=1.2,
                      label="random orders: median")
        axes.bar(positions, a.new_codes, width=0.6, color="0.55", edgecolor="black", linewidth=0.5,
                 label="new codes in the source")
        axes.plot(positions, a.cumulative, color="black", marker="o", markersize=3, linewidth=1.6,
                  label="cumulative codes")
        if a.reached and a.at is not None:
            axes.axvline(a.at + 0.5, color="black", linestyle=":", linewidth=1.2)
            top = max(a.cumulative) if a.cumulative else 1
            axes.annotate(f"saturation\nn = {a.at}", (a.at + 0.5, top * 0.5), xytext=(4, 0),
                          textcoords="offset points", fontsize=8, va="center",
                          bbox={"boxstyle": "square,pad=0.2", "facecolor": "white", "edgecolor": "none"})
        axes.set_xlim(0.5, n + 0.5)
        axes.set_ylim(bottom=0)
        from matplotlib.ticker import MaxNLocator

        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        if n <= 30:
            axes.set_xticks(positions)
        axes.set_xlabel(f"Sources in {report.order_by}")
        axes.set_ylabel("Codes")
        layer = "consensus layer" if report.consensus else f"coded by {report.layer}"
        codes = "inductive codes" if report.inductive_only else "codes"
        axes.set_title(f"Code saturation ({codes}, {layer})\n{_short(rule.statement(a))}", fontsize=9)
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        figures.save_figure(figure, path)
    return path


def _short(statement: str) -> str:
    return statement.split(":")[0] if statement.startswith("saturation not reached") else statement


def _sources(start: int, end: int) -> str:
    return f"source {start}" if start == end else f"sources {start}–{end}"
