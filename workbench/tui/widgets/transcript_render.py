"""How one display row of the transcript is drawn: the widget's state goes in, a :class:`Strip` comes out.

Row layout: a two-cell gutter (a bar on the selected rows), the wrapped text
(codings as a background in the code's colour, underlined where codes
overlap; suggestions dim, italic and underlined; search hits inverted), then
a margin: one coloured cell per code on the row, and the names of the codes
whose codings start on it (``?name`` for suggestions).

:class:`Marks` holds what is highlighted over the text (codings, suggestions,
search hits) in span indexes, so a row looks up only the marks it shows;
:class:`RowPainter` draws a row from them; :func:`offset_at` is the way back,
from a cell on screen to the character drawn there (for the mouse).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from workbench.domain.transcript import format_timestamp
from workbench.safety import for_terminal
from workbench.services.coding.codings import CodingInfo
from workbench.services.coding.suggestions import SuggestionView
from workbench.services.text.documents import SourceDocument
from workbench.services.text.search import Hit
from workbench.tui.cells import display_line, has_rtl, in_display_order, paragraph_direction, terminal_text
from workbench.tui.widgets.transcript_model import Layout, Line, Palette, Selection, SpanIndex, Spanned

GUTTER = 2


def geometry(total: int) -> tuple[int, int]:
    """(text width, margin width) for a content region ``total`` cells wide (no margin below 40)."""
    margin = 0 if total < 40 else max(10, min(30, total // 4))
    return max(10, total - GUTTER - margin - (2 if margin else 0)), margin


def direction(text: str, start: int, end: int) -> int:
    """The writing direction of the paragraph holding ``[start, end)`` (wrapped lines share it)."""
    if not has_rtl(text[start:end]):
        return 0
    return paragraph_direction(text[text.rfind("\n", 0, start) + 1 : max(end, text.find("\n", end) % (len(text) + 1))])


def offset_at(document: SourceDocument, line: Line, column: int) -> int:
    """The offset of the character drawn at ``column`` of the text area on ``line`` (the gutter excluded);
    a header or blank line answers its turn's start or the character before it."""
    if line.kind != "text":
        turn = document.turns[line.turn]
        return turn.start if line.kind == "header" else max(turn.start, line.start - 1)
    text = terminal_text(document.text[line.start : line.end])
    # right-to-left runs are drawn reversed: map the column back
    shown, order = display_line(text, direction(document.text, line.start, line.end))
    for index, char in enumerate(shown):
        if column < cell_len(char):
            return line.start + order[index]
        column -= cell_len(char)
    return line.end - 1


@dataclass
class Marks:
    """What is highlighted over the text: codings, the suggestions shown and search hits, each by span."""

    codings: SpanIndex[CodingInfo] = field(default_factory=SpanIndex)
    suggestions: SpanIndex[SuggestionView] = field(default_factory=SpanIndex)
    hits: SpanIndex[Hit] = field(default_factory=SpanIndex)


class RowPainter:
    """Draws rows of one document with the marks, selection, palette and code order of the moment."""

    def __init__(self, document: SourceDocument, marks: Marks, selection: Selection, palette: Palette,
                 code_order: dict[str, int]) -> None:
        self.document, self.marks, self.selection = document, marks, selection
        self.style, self.code_order = palette, code_order

    def row(self, layout: Layout, row: int, width: int) -> Strip:
        """Display row ``row`` of ``layout``, exactly ``width`` cells wide."""
        line = layout.lines[row]
        text_width, margin = geometry(width)
        if line.kind == "header":
            segments = self._header(line.turn)
        elif line.kind == "text":
            segments = self._text(line.start, line.end)
        else:
            segments = []
        strip = Strip(segments).extend_cell_length(GUTTER + text_width, self.style()).crop(0, GUTTER + text_width)
        if margin:
            strip = Strip.join([strip, Strip([Segment(" ", self.style())]), Strip(self._margin(layout, row, margin))])
        return strip.extend_cell_length(width, self.style()).crop(0, width)

    def _header(self, turn_index: int) -> list[Segment]:
        turn = self.document.turns[turn_index]
        parts = [turn.speaker_label or "(no speaker)"]
        if turn.participant and turn.participant != turn.speaker_label:
            parts.append(turn.participant)
        if turn.time_start_ms is not None:
            parts.append(format_timestamp(turn.time_start_ms))
        role = "interviewer" if turn.speaker_role == "interviewer" else "speaker"
        return [Segment(" " * GUTTER, self.style()), Segment(for_terminal(" · ".join(parts)), self.style(role))]

    def _text(self, start: int, end: int) -> list[Segment]:
        text = self.document.text
        codings = self.marks.codings.overlapping(start, end)
        suggestions = self.marks.suggestions.overlapping(start, end)
        hits = self.marks.hits.overlapping(start, end)
        sel_start, sel_end = self.selection.span
        selected_row = sel_start < end and sel_end > start
        points = {start, end}
        marks: list[Spanned] = [*codings, *suggestions, *hits]
        for mark in marks:
            points.update((max(start, mark.start), min(end, mark.end)))
        if selected_row:
            points.update((max(start, sel_start), min(end, sel_end)))
        cuts = sorted(points)
        segments = [Segment("▌ " if selected_row else "  ", self.style("gutter"))]
        styled: list[tuple[str, Style]] = []  # (logical chunk, style), then put in display order
        for a, b in zip(cuts, cuts[1:]):
            here = [c for c in codings if c.start <= a < c.end]
            inner = min(here, key=lambda c: c.end - c.start).colour if here else None
            several = len({c.code_key for c in here}) > 1
            hint = next((s.colour for s in suggestions if s.start <= a < s.end), None)
            hit = any(h.start <= a < h.end for h in hits)
            chunk = terminal_text(text[a:b].replace("\t", " "))  # one visible character per stored one
            styled.append((chunk, self.style(("text", inner, several, hint, hit, sel_start <= a < sel_end))))
        if not has_rtl(text[start:end]):
            return segments + [Segment(chunk, style) for chunk, style in styled]
        return segments + in_display_order(styled, direction(text, start, end))

    def _margin(self, layout: Layout, row: int, width: int) -> list[Segment]:
        line = layout.lines[row]
        segments = [Segment("│", self.style("rule"))]
        if line.kind != "text":
            return segments
        order = self.code_order
        codings = sorted(self.marks.codings.overlapping(line.start, line.end),
                         key=lambda c: (order.get(c.code_key, 1_000_000), c.start))
        suggestions = self.marks.suggestions.overlapping(line.start, line.end)
        colours = dict.fromkeys((c.code_key, c.colour) for c in codings)
        cells = list(colours)[: max(0, width - 3)]
        for _, colour in cells:
            segments.append(Segment("▌", self.style(("cell", colour))))
        for suggestion in suggestions[: max(0, width - 3 - len(cells))]:
            segments.append(Segment("┆", self.style(("cell", suggestion.colour))))
        text = self.document.text
        names = {c.code_name: c.colour for c in codings if layout.label_row(text, c.start, c.end) == row}
        hints = {f"?{s.code_name}": s.colour for s in suggestions if layout.label_row(text, s.start, s.end) == row}
        room = width - 1 - len(cells) - min(len(suggestions), max(0, width - 3 - len(cells)))
        for label, colour, kind in [*((n, c, "name") for n, c in names.items()),
                                    *((n, c, "hint") for n, c in hints.items())]:
            if room < 3:
                break
            label = for_terminal(label)
            label = label if cell_len(label) < room else label[: room - 2] + "…"
            segments.append(Segment(" " + label, self.style((kind, colour))))
            room -= cell_len(label) + 1
        return segments
