"""Figures with matplotlib (the Agg renderer, no display): shared setup and safe writing.

matplotlib is imported inside the functions (``workbench --help`` stays fast)
and never through ``pyplot``, so no global backend is chosen and nothing
depends on a display. SVG keeps its text as text (``svg.fonttype: none``), so
a journal can edit labels and tests can read them. Figures are drawn in black,
greys and hatching so they read the same printed in greyscale.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.atomic import write_bytes
from workbench.errors import WorkbenchError
from workbench.services.export.word import check_output

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

FIGURE_SUFFIXES = (".png", ".svg", ".pdf")
STYLE: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "text.parse_math": False,  # project text such as "$5 app" is text, never TeX
    "text.usetex": False,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": "black",
    "axes.labelcolor": "black",
    "xtick.color": "black",
    "ytick.color": "black",
    "savefig.dpi": 200,
}


def check_figure_path(path: Path, suffixes: tuple[str, ...] = FIGURE_SUFFIXES) -> None:
    check_output(path, suffixes)


def require_matplotlib() -> None:
    import importlib.util

    if importlib.util.find_spec("matplotlib") is None:
        raise WorkbenchError("figures need matplotlib; install it (pip install matplotlib)")


@contextmanager
def new_figure(width_in: float, height_in: float) -> Iterator[Any]:
    """A matplotlib Figure on the Agg canvas, inside the house style."""
    require_matplotlib()
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(width_in, height_in))
        FigureCanvasAgg(figure)
        yield figure


def figure_bytes(figure: Any, suffix: str) -> bytes:
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context(STYLE):
        figure.savefig(buffer, format=suffix.lstrip(".").lower(), bbox_inches="tight", metadata=_metadata(suffix))
    return buffer.getvalue()


def save_figure(figure: Any, path: Path) -> None:
    write_bytes(path, figure_bytes(figure, path.suffix))


def _metadata(suffix: str) -> dict[str, Any]:
    # no creation dates, so the same project gives the same file
    if suffix.lower() == ".svg":
        return {"Date": None, "Creator": "Thematic Workbench"}
    if suffix.lower() == ".pdf":
        return {"CreationDate": None, "Creator": "Thematic Workbench"}
    return {"Software": "Thematic Workbench"}
