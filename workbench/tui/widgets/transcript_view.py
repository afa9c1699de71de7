"""The transcript on the Coding screen: a Line API widget over pre-wrapped lines.

Each display row is rendered on demand by :meth:`TranscriptView.render_line`
from a :class:`~workbench.tui.widgets.transcript_model.Layout` cached per
width; the codings, suggestions and search hits on a row are looked up in
bucketed span indexes, and rendered rows are cached until something on them
changes. So a 40,000-word focus group costs no more to draw than a short
interview: only the rows on screen are ever built.

This module holds the widget's state, its keys (cursor, selection) and the
mouse; how a row looks is :mod:`~workbench.tui.widgets.transcript_render`'s.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.color import Color
from textual.events import MouseDown, MouseMove, MouseUp
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from workbench.services.coding.codings import CodingInfo
from workbench.services.coding.suggestions import SuggestionView
from workbench.services.text.documents import SourceDocument
from workbench.services.text.search import Hit
from workbench.tui.widgets.transcript_model import (
    Layout,
    Palette,
    Selection,
    SpanIndex,
    extend_by_char,
    extend_by_segment,
    extend_by_word,
)
from workbench.tui.widgets.transcript_render import GUTTER, Marks, RowPainter, geometry, offset_at


def _b(key: str, action: str, description: str, id: str, tooltip: str, show: bool = False) -> Binding:
    return Binding(key, action, description, show=show, id=f"transcript.{id}", tooltip=tooltip)


class TranscriptView(ScrollView, can_focus=True):
    """A source's text with speaker turns, codings in the text and in a margin, and a segment cursor."""

    BINDINGS = [
        _b("down,j", "cursor(1)", "Next segment", "next-segment", "Move the cursor to the next sentence"),
        _b("up,k", "cursor(-1)", "Previous segment", "previous-segment", "Move the cursor to the previous sentence"),
        _b("pagedown", "page(1)", "Page down", "page-down", "Move the cursor a screen down"),
        _b("pageup", "page(-1)", "Page up", "page-up", "Move the cursor a screen up"),
        _b("right_square_bracket", "turn(1)", "Next turn", "next-turn", "Move to the first sentence of the next turn"),
        _b("left_square_bracket", "turn(-1)", "Previous turn", "previous-turn", "Move to the first sentence of the previous turn"),
        _b("home,g", "edge(0)", "First segment", "first-segment", "Move to the start of the transcript"),
        _b("end,G", "edge(1)", "Last segment", "last-segment", "Move to the end of the transcript"),
        _b("shift+down", "extend_segment(1)", "Extend by segment", "extend-segment-down", "Extend the selection by the next sentence"),
        _b("shift+up", "extend_segment(0)", "Extend back by segment", "extend-segment-up", "Extend the selection by the previous sentence"),
        _b("shift+right", "extend_char(1)", "Extend by character", "extend-char-right", "Move the selection's moving end one character right"),
        _b("shift+left", "extend_char(0)", "Shrink by character", "extend-char-left", "Move the selection's moving end one character left"),
        _b("ctrl+shift+right,W", "extend_word(1)", "Extend by word", "extend-word-right", "Move the selection's moving end to the next word end (also W)"),
        _b("ctrl+shift+left,B", "extend_word(0)", "Shrink by word", "extend-word-left", "Move the selection's moving end to the previous word (also B)"),
        _b("o", "swap_head", "Other end", "swap-head", "Make the other end of the selection the one that moves (as in vim's visual mode)"),
    ]

    class SelectionChanged(Message):
        """The cursor or the selection moved."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.document: SourceDocument | None = None
        self.suggestions: list[SuggestionView] = []
        self.hits: list[Hit] = []
        self.hit = -1
        self.show_suggestions = False
        self.code_order: dict[str, int] = {}
        self.cursor = 0
        self.selection = Selection(0, 0)
        self.painted = False
        self.paint_count = 0
        self._segments: list[tuple[int, int]] = []
        self._layouts: dict[int, Layout] = {}
        self._rows: dict[int, Strip] = {}
        self._marks = Marks()
        self._style = Palette((0, 0, 0), (255, 255, 255), (255, 166, 43), (1, 120, 212), (255, 166, 43), False)
        self._colours: tuple[object, ...] | None = None
        self._drag_from: int | None = None

    # Data ---------------------------------------------------------------------------------
    def set_document(self, document: SourceDocument) -> None:
        self.document = document
        self._segments = [(s.start, s.end) for s in document.segments]
        self._layouts.clear()
        self.cursor = 0
        self.selection = Selection(*self._segments[0]) if self._segments else Selection(0, 0)
        self._relayout()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.post_message(self.SelectionChanged())

    @property
    def codings(self) -> list[CodingInfo]:
        return list(self._marks.codings)

    def set_codings(self, codings: list[CodingInfo]) -> None:
        """Show these codings (all rows repainted)."""
        self._marks.codings = SpanIndex(codings)
        self._invalidate()

    def change_codings(self, removed: list[CodingInfo], added: list[CodingInfo]) -> None:
        """Show a change at once: only the rows of the changed codings are repainted."""
        for coding in removed:
            self._marks.codings.remove(coding)
        for coding in added:
            self._marks.codings.add(coding)
        changed = removed + added
        if changed:
            self._invalidate((min(c.start for c in changed), max(c.end for c in changed)))

    def set_suggestions(self, suggestions: list[SuggestionView], shown: bool) -> None:
        self.suggestions, self.show_suggestions = suggestions, shown
        self._marks.suggestions = SpanIndex(suggestions if shown else [])
        self._invalidate()

    def set_hits(self, hits: list[Hit]) -> None:
        """Highlight search hits and move to the first one at or after the selection."""
        self.hits = hits
        self._marks.hits = SpanIndex(hits)
        self._invalidate()
        self.hit = next((i for i, h in enumerate(hits) if h.start >= self.selection.start), 0) if hits else -1
        self.next_hit(0)

    def next_hit(self, step: int) -> None:
        """Move the cursor to the sentence of the next (``step`` 1) or previous (-1) search hit."""
        if self.hits:
            self.hit = (self.hit + step) % len(self.hits)
            self.move_to_offset(self.hits[self.hit].start)

    def codings_at(self, span: tuple[int, int] | None = None) -> list[CodingInfo]:
        start, end = span or self.selection.span
        return self._marks.codings.overlapping(start, end)

    def suggestions_at(self, span: tuple[int, int] | None = None) -> list[SuggestionView]:
        start, end = span or self.selection.span
        return self._marks.suggestions.overlapping(start, end)

    # Cursor and selection -----------------------------------------------------------------
    def select(self, start: int, end: int) -> None:
        """Select a span and move the cursor to its first segment."""
        if self.document is None:
            return
        index = self.document.segment_index_at(start)
        self.cursor = index or 0
        self._set_selection(Selection(start, max(end, start + 1)))

    def move_to_segment(self, index: int) -> None:
        if not self._segments:
            return
        self.cursor = max(0, min(len(self._segments) - 1, index))
        self._set_selection(Selection(*self._segments[self.cursor]))

    def move_to_offset(self, offset: int) -> None:
        if self.document is not None and self._segments:
            self.move_to_segment(self.document.segment_index_at(offset) or 0)

    def _set_selection(self, selection: Selection) -> None:
        old = self.selection
        self.selection = selection
        if self.document is not None:
            head = selection.end - 1 if selection.head_at_end else selection.start
            self.cursor = self.document.segment_index_at(head) or 0
        self._invalidate((min(old.start, selection.start), max(old.end, selection.end)) if old.end else None)
        self._scroll_to_selection()
        self.post_message(self.SelectionChanged())

    def _scroll_to_selection(self) -> None:
        layout = self._layout()
        if layout is None or not len(layout):
            return
        selection = self.selection
        rows = layout.rows_of(selection.start, selection.end)
        if len(rows) < self.scrollable_content_region.height - 1:
            region = Region(0, max(0, rows.start - 1), 1, len(rows) + 1)
        else:
            region = Region(0, layout.row_of(selection.head - (1 if selection.head_at_end else 0)), 1, 1)
        self.scroll_to_region(region, animate=False, immediate=True)

    def action_cursor(self, delta: int) -> None:
        self.move_to_segment(self.cursor + delta)

    def action_page(self, delta: int) -> None:
        layout = self._layout()
        if layout is None or not self._segments:
            return
        height = max(1, self.scrollable_content_region.height - 2)
        row = layout.row_of(self._segments[self.cursor][0]) + delta * height
        row = max(0, min(len(layout) - 1, row))
        self.scroll_to(y=self.scroll_offset.y + delta * height, animate=False, immediate=True)
        self.move_to_offset(layout.lines[row].start)

    def action_turn(self, delta: int) -> None:
        if self.document is None or not self._segments:
            return
        segments = self.document.segments
        turn = segments[self.cursor].turn_ordinal
        if delta > 0:
            target = next((i for i in range(self.cursor, len(segments)) if segments[i].turn_ordinal > turn), None)
        else:
            previous = next((s.turn_ordinal for s in reversed(segments[: self.cursor]) if s.turn_ordinal < turn), None)
            target = next((i for i, s in enumerate(segments) if s.turn_ordinal == previous), None)
        if target is not None:
            self.move_to_segment(target)

    def action_edge(self, end: int) -> None:
        self.move_to_segment(len(self._segments) - 1 if end else 0)

    def action_extend_segment(self, forward: int) -> None:
        self._set_selection(extend_by_segment(self.selection, self._segments, bool(forward)))

    def action_extend_char(self, forward: int) -> None:
        if self.document is not None:
            self._set_selection(extend_by_char(self.selection, bool(forward), len(self.document.text)))

    def action_extend_word(self, forward: int) -> None:
        if self.document is not None:
            self._set_selection(extend_by_word(self.selection, self.document.text, bool(forward)))

    def action_swap_head(self) -> None:
        self._set_selection(self.selection.swapped())

    # Mouse -----------------------------------------------------------------------------------
    def _offset_at(self, event: MouseDown | MouseMove | MouseUp) -> int | None:
        layout = self._layout()
        position = event.get_content_offset_capture(self)
        if layout is None or self.document is None or not len(layout):
            return None
        row = max(0, min(len(layout) - 1, position.y + self.scroll_offset.y))
        return offset_at(self.document, layout.lines[row], max(0, position.x - GUTTER))

    def on_mouse_down(self, event: MouseDown) -> None:
        offset = self._offset_at(event)
        if offset is None or event.button != 1:
            return
        self._drag_from = offset
        self.capture_mouse()
        self.move_to_offset(offset)

    def on_mouse_move(self, event: MouseMove) -> None:
        if self._drag_from is None or self.document is None:
            return
        offset = self._offset_at(event)
        if offset is None or offset == self._drag_from:
            return
        low, high = sorted((offset, self._drag_from))
        self._set_selection(Selection(low, min(len(self.document.text), high + 1), offset > self._drag_from))

    def on_mouse_up(self, event: MouseUp) -> None:
        if self._drag_from is not None:
            self._drag_from = None
            self.release_mouse()

    # Layout and rendering ----------------------------------------------------------------------
    def _layout(self) -> Layout | None:
        if self.document is None or not self.size.width:
            return None
        width = geometry(self.scrollable_content_region.width)[0]
        layout = self._layouts.get(width)
        if layout is None:
            if len(self._layouts) > 2:
                self._layouts.clear()
            layout = self._layouts[width] = Layout(self.document, width)
        return layout

    def _relayout(self) -> None:
        self._rows.clear()
        layout = self._layout()
        self.virtual_size = Size(self.scrollable_content_region.width, len(layout) if layout else 0)
        self.refresh()

    def on_resize(self) -> None:
        self._relayout()
        self._scroll_to_selection()

    def _invalidate(self, span: tuple[int, int] | None = None) -> None:
        """Forget the rendered rows of ``span`` (all when None) and repaint those on screen."""
        layout = self._layout()
        if span is None or layout is None:
            self._rows.clear()
            self.refresh()
            return
        rows = layout.rows_of(*span)
        for row in rows:
            self._rows.pop(row, None)
        top = self.scroll_offset.y
        first, last = max(rows.start, top), min(rows.stop, top + self.size.height)
        if first < last:
            self.refresh(Region(0, first - top, self.size.width, last - first))

    def on_focus(self) -> None:
        self._colours = None
        self._invalidate()

    def on_blur(self) -> None:
        self.on_focus()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._colours = None
        self._rows.clear()

    def render_lines(self, crop: Region) -> list[Strip]:
        _, _, background, foreground = self.colors
        colours = (background, foreground, self.has_focus, self.app.theme)
        if colours != self._colours:
            theme = self.app.theme_variables
            self._colours, self._style = colours, Palette(
                background.rgb, foreground.rgb, Color.parse(theme.get("accent", "#ffa62b")).rgb,
                Color.parse(theme.get("primary", "#0178d4")).rgb, Color.parse(theme.get("warning", "#ffa62b")).rgb,
                self.has_focus)
            self._rows.clear()
        strips = super().render_lines(crop)
        self.paint_count += 1
        self.painted = self.painted or self.document is not None
        return strips

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        layout = self._layout()
        row = self.scroll_offset.y + y
        if layout is None or self.document is None or row >= len(layout):
            return Strip.blank(width, self._style())
        strip = self._rows.get(row)
        if strip is None:
            painter = RowPainter(self.document, self._marks, self.selection, self._style, self.code_order)
            strip = self._rows[row] = painter.row(layout, row, width)
        return strip
