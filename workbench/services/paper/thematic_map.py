"""The thematic map figure: higher-order categories as boxes, each holding its themes by type.

As the founding paper's Fig. 2: one box per category (in the project's order;
themes without a category in a last box), inside it one column per theme type
of the typology (facilitators, barriers, …) with each theme as ``F1 Expansion
of time``, optionally with its participant count in the chosen layer
(``n = 7``, from :mod:`workbench.services.themes.rollups`), and a legend
(``F, facilitator; B, barrier``). The grid of boxes (as many across as fit a
page), their heights and the wrapping of long names are computed (:func:`layout`) for any number of
categories and themes. Types are told apart by fill and border (white/solid,
light grey/dashed, mid grey/dotted, …), not by colour, so the figure reads the
same printed in grey. Written as SVG (text kept as text), PNG or PDF.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError
from workbench.services.paper import figures
from workbench.services.themes import rollups
from workbench.services.themes.categories import categories_in_order, ensure_typology
from workbench.store.engine import Project

FILLS = ("white", "0.88", "0.74", "0.95", "0.8")
LINES = ("solid", "dashed", "dotted", "dashdot", (0, (5, 1, 1, 1)))
WRAP = 30  # characters of a theme's name per line
LINE_IN = 0.17  # inches per line of 8 pt text
COLUMN_IN = 2.3  # width of one type's column in a category box
GAP_IN = 0.25
TITLE_IN = 0.34
PAGE_IN = 7.5  # the widest figure a portrait page takes


@dataclass(frozen=True)
class MapTheme:
    label: str
    name: str
    type: str
    participants: int | None


@dataclass(frozen=True)
class MapCategory:
    name: str  # "Themes without a category" for those with none
    themes: tuple[MapTheme, ...]


@dataclass(frozen=True)
class ThematicMap:
    title: str
    types: tuple[tuple[str, str], ...]  # (name, prefix) of the types with themes, typology order
    categories: tuple[MapCategory, ...]
    layer: str | None  # whose codings the counts come from; None: no counts

    def legend(self) -> str:
        return "; ".join(f"{prefix}, {name}" for name, prefix in self.types)


@dataclass(frozen=True)
class Box:
    category: MapCategory
    x: float
    y: float  # top edge, inches from the top
    width: float
    height: float
    lines: tuple[tuple[tuple[str, ...], ...], ...]  # per type column: per theme its wrapped lines


def thematic_map(project: Project, coder: str | None = None, consensus: bool = False, counts: bool | None = None) -> ThematicMap:
    """The themes by category; with ``counts`` (default: when a layer is named) participants per theme."""
    with_counts = counts if counts is not None else bool(coder or consensus)
    with project.session() as session:
        typology = [(t.name, t.prefix) for t in ensure_typology(session)]
        order = [c.name for c in categories_in_order(session)]
        layer = rollups.resolve_layer(session, coder, consensus) if with_counts else None
        data = rollups.read_theme_data(session, layer) if layer else None
        from workbench.services.themes.queries import theme_infos

        themes = data.themes if data else theme_infos(session)
    if not themes:
        raise WorkbenchError("no themes in this project yet; create them in the Themes screen or run 'workbench themes load FILE'")
    people: dict[int, int] = {}
    if data is not None:
        people = {tid: len({c.participant for c in group if c.participant}) for tid, group in data.by_theme().items()}
    used = {t.type for t in themes}
    categories = []
    for name in [*order, None]:
        members = tuple(
            MapTheme(t.label, t.name, t.type, people.get(t.id) if data is not None else None) for t in themes if t.category == name
        )
        if members:
            categories.append(MapCategory(name or "Themes without a category", members))
    layer_name = None if layer is None else ("consensus" if layer.consensus else layer.name)
    return ThematicMap("Thematic map", tuple(t for t in typology if t[0] in used), tuple(categories), layer_name)


def theme_line(theme: MapTheme) -> str:
    count = f" (n\u00a0=\u00a0{theme.participants})" if theme.participants is not None else ""  # kept on one line
    return f"{theme.label} {theme.name}{count}"


def layout(the_map: ThematicMap) -> tuple[list[Box], float, float]:
    """Boxes on a grid (1, 2 or 3 across), each row as tall as its tallest box; returns boxes, width, height."""
    k = len(the_map.categories)
    types = [name for name, _ in the_map.types]
    box_width = max(1, len(types)) * COLUMN_IN + 0.2
    across = max(1, min(k, int(PAGE_IN // (box_width + GAP_IN))))  # as many boxes across as fit a page
    boxes: list[Box] = []
    y = 0.0
    for row in range(math.ceil(k / across)):
        members = the_map.categories[row * across : (row + 1) * across]
        wrapped = []
        for category in members:
            title_lines = len(textwrap.wrap(category.name, int(box_width * 11))) or 1
            columns = tuple(
                tuple(tuple(textwrap.wrap(theme_line(t), WRAP)) for t in category.themes if t.type == kind) for kind in types
            )
            body = max((sum(len(lines) * LINE_IN + 0.16 for lines in column) for column in columns), default=0)
            wrapped.append((category, columns, TITLE_IN + (title_lines - 1) * LINE_IN + body + 0.15))
        height = max(h for *_, h in wrapped)
        for index, (category, columns, _) in enumerate(wrapped):
            boxes.append(Box(category, index * (box_width + GAP_IN), y, box_width, height, columns))
        y += height + GAP_IN
    width = min(k, across) * (box_width + GAP_IN) - GAP_IN
    return boxes, width, y - GAP_IN


def write_map(the_map: ThematicMap, path: Path) -> Path:
    figures.check_figure_path(path)
    _draw(the_map, lambda figure: figures.save_figure(figure, path))
    return path


def _draw(the_map: ThematicMap, save: Callable[[Any], None]) -> None:
    from matplotlib.patches import FancyBboxPatch, Rectangle

    boxes, width, height = layout(the_map)
    legend_in = 0.5
    style = {name: (FILLS[i % len(FILLS)], LINES[i % len(LINES)]) for i, (name, _) in enumerate(the_map.types)}
    with figures.new_figure(width + 0.2, height + legend_in + 0.5) as figure:
        axes = figure.add_axes((0, 0, 1, 1))
        axes.set_xlim(-0.1, width + 0.1)
        axes.set_ylim(height + legend_in + 0.4, -0.4)
        axes.axis("off")
        axes.text(0, -0.2, the_map.title, fontsize=11, fontweight="bold", va="center")
        for box in boxes:
            axes.add_patch(Rectangle((box.x, box.y), box.width, box.height, facecolor="white", edgecolor="black", linewidth=1.2))
            title = textwrap.fill(box.category.name, int(box.width * 11))
            axes.text(box.x + box.width / 2, box.y + 0.1, title, fontsize=9, fontweight="bold", ha="center", va="top")
            top = box.y + TITLE_IN + (title.count("\n")) * LINE_IN
            for column, (kind, themes) in enumerate(zip(style, box.lines)):
                fill, line = style[kind]
                x = box.x + 0.1 + column * COLUMN_IN
                y = top
                for lines in themes:
                    h = len(lines) * LINE_IN + 0.06
                    axes.add_patch(FancyBboxPatch((x + 0.03, y), COLUMN_IN - 0.16, h, boxstyle="round,pad=0.02,rounding_size=0.05",
                                                  facecolor=fill, edgecolor="black", linestyle=line, linewidth=0.8))
                    label, _, rest = "\n".join(lines).partition(" ")
                    axes.text(x + 0.09, y + 0.04, label, fontsize=8, fontweight="bold", va="top")
                    axes.text(x + 0.09 + 0.09 * len(label) + 0.04, y + 0.04, rest, fontsize=8, va="top")
                    y += h + 0.1
        # legend: one sample box per type, then the key in words
        y = height + 0.25
        x = 0.0
        for name, prefix in the_map.types:
            fill, line = style[name]
            axes.add_patch(FancyBboxPatch((x, y), 0.3, 0.16, boxstyle="round,pad=0.02,rounding_size=0.04",
                                          facecolor=fill, edgecolor="black", linestyle=line, linewidth=0.8))
            axes.text(x + 0.4, y + 0.08, f"{prefix}, {name}", fontsize=8, va="center")
            x += 0.6 + 0.075 * len(f"{prefix}, {name}")
        if the_map.layer is not None:
            who = "the consensus layer" if the_map.layer == "consensus" else f"codings of {the_map.layer}"
            axes.text(x + 0.2, y + 0.08, f"n = participants ({who})", fontsize=8, va="center", color="0.25")
        save(figure)


def export_map(project: Project, path: Path, coder: str | None = None, consensus: bool = False,
               counts: bool | None = None) -> ThematicMap:
    figures.check_figure_path(path)
    the_map = thematic_map(project, coder, consensus, counts)
    write_map(the_map, path)
    return the_map


def map_png(the_map: ThematicMap) -> bytes:
    """The figure as PNG bytes (for embedding in a Word document)."""
    result: list[bytes] = []
    _draw(the_map, lambda figure: result.append(figures.figure_bytes(figure, ".png")))
    return result[0]


def add_map_figure(document: Any, project: Project, coder: str | None, consensus: bool, phrase: str) -> None:
    """Append the thematic map (counts from the same layer) to a Word document, with its caption."""
    import io

    from docx.enum.section import WD_SECTION
    from docx.shared import Emu

    from workbench.services.export import word

    the_map = thematic_map(project, None if consensus else coder, consensus, counts=True)
    section = document.add_section(WD_SECTION.NEW_PAGE)
    word.set_landscape(section, False)
    word.heading(document, "Thematic map", 1)
    width = word.text_width(section)
    document.add_picture(io.BytesIO(map_png(the_map)), width=Emu(width))
    caption = word.add_caption(document, f"Thematic map: themes by higher-order category ({phrase}); {the_map.legend()}; "
                                         "n = participants whose talk was coded to the theme", "Figure")
    caption.paragraph_format.keep_with_next = False
