"""A SelectionList whose boxes show their state by shape, not only by colour: ``[x]`` picked, ``[ ]`` not."""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets.option_list import OptionDoesNotExist
from textual.widgets.selection_list import SelectionType

PICKED, UNPICKED = "x", " "


class CheckList(SelectionList[SelectionType]):
    """Textual's SelectionList draws ``▐X▌`` for every option and tells picked from unpicked by colour alone."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        try:
            selection = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        segments = list(strip)
        if len(segments) < 3:
            return strip
        inner = segments[1]  # segments[0] and [2] are the ▐ ▌ halves of the box
        mark = PICKED if selection.value in self._selected else UNPICKED
        box = [Segment("[", inner.style), Segment(mark, inner.style), Segment("]", inner.style)]
        return Strip([*box, *segments[3:]], strip.cell_length)
