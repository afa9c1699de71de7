"""The transcript as the Coding screen lays it out (pure: no Textual here).

* :class:`Layout` wraps a :class:`SourceDocument` into display lines for one
  width: per turn a header line, the wrapped body lines, a blank line.
* :class:`SpanIndex` answers "which marks overlap this line" quickly (marks
  are bucketed by position, so a line looks at one or two buckets).
* :class:`Selection` and the ``extend_*`` functions move the selection by
  segment, word or character, like an editor: a fixed anchor and a moving head.
* :func:`preview_toggle` and friends compute what a coding action will show,
  so the screen updates at once while the database write runs in a worker.
* :class:`Palette` turns the theme's colours into the rows' Rich styles.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from typing import Generic, NamedTuple, Protocol, TypeVar

from rich.cells import cell_len
from rich.color import Color
from rich.style import Style

from workbench.domain.coding_plan import Plan, plan_apply, plan_toggle
from workbench.domain.spans import line_spans, strip_span
from workbench.services.codebook.codes import CodeInfo
from workbench.services.coding.codings import CodingInfo
from workbench.services.text.documents import SourceDocument
from workbench.tui.cells import terminal_text


class Spanned(Protocol):
    """Anything with a ``[start, end)`` span of the text: a coding, a suggestion, a search hit."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


T = TypeVar("T", bound=Spanned)

WORD = re.compile(r"\w+(?:['’]\w+)*")


class Line(NamedTuple):
    kind: str  # "header" | "text" | "blank"
    turn: int  # index into doc.turns (-1 for none)
    start: int  # source offsets of the characters on this line
    end: int


def wrap(text: str, start: int, end: int, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap of ``text[start:end]`` into spans of at most ``width`` cells."""
    width = max(1, width)
    spans: list[tuple[int, int]] = []
    fast = text[start:end].isascii()
    pos = start
    while pos < end:
        while pos < end and text[pos] in " \t":
            pos += 1
        if pos >= end:
            break
        limit = pos + width if fast else _cell_limit(text, pos, end, width)
        if limit >= end:
            spans.append((pos, end))
            break
        cut = max(text.rfind(" ", pos, limit + 1), text.rfind("\t", pos, limit + 1))
        if cut <= pos:
            spans.append((pos, max(limit, pos + 1)))
            pos = max(limit, pos + 1)
        else:
            stripped = strip_span(text, pos, cut)
            spans.append((stripped.start, stripped.end))
            pos = cut + 1
    return spans


def _cell_limit(text: str, pos: int, end: int, width: int) -> int:
    """The offset where ``width`` cells from ``pos`` are used up, measured on the text as it is drawn
    (:func:`~workbench.tui.cells.terminal_text`: every character alone, as every terminal measures it)."""
    used = 0
    for index, char in enumerate(terminal_text(text[pos:end]), pos):
        used += cell_len(char)
        if used > width:
            return index
    return end


class Layout:
    """Display lines of a document at one text width."""

    def __init__(self, doc: SourceDocument, width: int) -> None:
        self.width = width
        lines: list[Line] = []
        for index, turn in enumerate(doc.turns):
            lines.append(Line("header", index, turn.label_start, turn.start))
            for paragraph in line_spans(doc.text[turn.start : turn.end]):
                start, end = turn.start + paragraph.start, turn.start + paragraph.end
                wrapped = wrap(doc.text, start, end, width)
                if not wrapped:
                    lines.append(Line("blank", index, start, start))
                lines.extend(Line("text", index, s, e) for s, e in wrapped)
            lines.append(Line("blank", index, turn.end, turn.end))
        self.lines = lines
        self._text_rows = [row for row, line in enumerate(lines) if line.kind == "text"]
        self._text_starts = [lines[row].start for row in self._text_rows]

    def __len__(self) -> int:
        return len(self.lines)

    def row_of(self, offset: int) -> int:
        """The display row showing the character at ``offset`` (or the nearest text row before it)."""
        if not self._text_rows:
            return 0
        index = max(0, bisect_right(self._text_starts, offset) - 1)
        return self._text_rows[index]

    def label_row(self, text: str, start: int, end: int) -> int:
        """The row where a span's label goes: that of its first visible character (a span that starts
        on the whitespace before its segment is labelled on the segment's line, not the line before)."""
        visible = start
        while visible < end - 1 and text[visible].isspace():
            visible += 1
        return self.row_of(visible)

    def rows_of(self, start: int, end: int) -> range:
        first = self.row_of(start)
        last = self.row_of(max(start, end - 1))
        return range(first, last + 1)


class SpanIndex(Generic[T]):
    """Items with ``start``/``end``, found by the span they overlap; items can be added and removed."""

    BUCKET = 512

    def __init__(self, items: Iterable[T] = ()) -> None:
        self._items: dict[int, T] = {}
        self._buckets: dict[int, set[int]] = {}
        for item in items:
            self.add(item)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[T]:
        return iter(self._items.values())

    def _range(self, item: T) -> range:
        start, end = item.start, item.end
        return range(start // self.BUCKET, max(start, end - 1) // self.BUCKET + 1)

    def add(self, item: T) -> None:
        key = id(item)
        self._items[key] = item
        for bucket in self._range(item):
            self._buckets.setdefault(bucket, set()).add(key)

    def remove(self, item: T) -> None:
        key = id(item)
        if self._items.pop(key, None) is not None:
            for bucket in self._range(item):
                self._buckets[bucket].discard(key)

    def overlapping(self, start: int, end: int) -> list[T]:
        """Items sharing a character with ``[start, end)`` (an empty span asks about ``start``), by start."""
        end = max(end, start + 1)
        found: set[int] = set()
        for bucket in range(start // self.BUCKET, (end - 1) // self.BUCKET + 1):
            found.update(self._buckets.get(bucket, ()))
        items = [self._items[key] for key in found]
        hits = [i for i in items if i.start < end and i.end > start]
        return sorted(hits, key=lambda i: (i.start, i.end, getattr(i, "id", 0)))


# Selection -------------------------------------------------------------------------------


class Selection(NamedTuple):
    """``[start, end)`` with the head (the end that moves) at the end or at the start."""

    start: int
    end: int
    head_at_end: bool = True

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)

    @property
    def head(self) -> int:
        return self.end if self.head_at_end else self.start

    def swapped(self) -> Selection:
        return self._replace(head_at_end=not self.head_at_end)


def extend_by_segment(sel: Selection, segments: Sequence[tuple[int, int]], forward: bool) -> Selection:
    """Move the head to the next (previous) segment boundary; the selection stays whole segments."""
    starts = [s for s, _ in segments]
    ends = [e for _, e in segments]
    if forward:
        if sel.head_at_end:
            index = bisect_right(ends, sel.end)
            return sel._replace(end=ends[index]) if index < len(ends) else sel
        index = bisect_right(starts, sel.start)
        if index < len(starts) and starts[index] < sel.end:
            return sel._replace(start=starts[index])
        index = bisect_right(ends, sel.end)
        return Selection(sel.start, ends[index], True) if index < len(ends) else sel
    if not sel.head_at_end:
        index = bisect_left(starts, sel.start) - 1
        return sel._replace(start=starts[index]) if index >= 0 else sel
    index = bisect_left(ends, sel.end) - 1
    if index >= 0 and ends[index] > sel.start:
        return sel._replace(end=ends[index])
    index = bisect_left(starts, sel.start) - 1
    return Selection(starts[index], sel.end, False) if index >= 0 else sel


def extend_by_char(sel: Selection, forward: bool, length: int) -> Selection:
    """Move the head one character; the selection never becomes empty."""
    step = 1 if forward else -1
    if sel.head_at_end:
        return sel._replace(end=min(length, max(sel.start + 1, sel.end + step)))
    return sel._replace(start=max(0, min(sel.end - 1, sel.start + step)))


def extend_by_word(sel: Selection, text: str, forward: bool) -> Selection:
    """Move the head to the next word end (head at the end) or word start (head at the start)."""
    head = sel.head
    lo, hi = (head, min(len(text), head + 400)) if forward else (max(0, head - 400), head)
    words = [(m.start(), m.end()) for m in WORD.finditer(text, lo, hi)]
    if sel.head_at_end:
        ends = [e for _, e in words if (e > head if forward else sel.start < e < head)]
        target = (min(ends) if forward else max(ends)) if ends else None
        return sel._replace(end=target) if target is not None else sel
    starts = [s for s, _ in words if (head < s < sel.end if forward else s < head)]
    target = (min(starts) if forward else max(starts)) if starts else None
    return sel._replace(start=target) if target is not None else sel


# Previews of coding actions -----------------------------------------------------------------

PENDING_ID = -1


Change = tuple[list[CodingInfo], list[CodingInfo]]  # (removed, added)


def _mine(codings: Iterable[CodingInfo], coder: str, code: CodeInfo) -> list[CodingInfo]:
    return [c for c in codings if c.code_key == code.key and c.coder == coder]


def _shown(plan: Plan[CodingInfo], coder: str, code: CodeInfo, source: str) -> Change:
    """A plan as the view shows it until the write lands: pending codings in place of the removed ones."""
    added = [CodingInfo(PENDING_ID, source, code.key, code.name, code.colour, coder, p.start, p.end, p.memo)
             for p in plan.added]  # fmt: skip
    return list(plan.removed), added


def preview_toggle(codings: Iterable[CodingInfo], coder: str, code: CodeInfo, source: str,
                   span: tuple[int, int]) -> tuple[Change, bool]:
    """What :meth:`CodingSession.toggle` will change, and whether the span is then coded."""
    plan = plan_toggle(_mine(codings, coder, code), span)
    return _shown(plan, coder, code, source), plan.coded


def preview_apply(codings: Iterable[CodingInfo], coder: str, code: CodeInfo, source: str,
                  span: tuple[int, int]) -> Change:
    """What :meth:`CodingSession.apply` will change."""
    return _shown(plan_apply(_mine(codings, coder, code), span), coder, code, source)


# Styles ------------------------------------------------------------------------------------------

RGB = tuple[int, int, int]
MarginKey = tuple[str, str | None]  # ("cell" | "name" | "hint", colour)
TextKey = tuple[str, str | None, bool, str | None, bool, bool]  # ("text", coding colour, several, hint, hit, selected)
StyleKey = str | MarginKey | TextKey


def parse_hex(value: str) -> RGB:
    digits = value.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def blend(a: RGB, b: RGB, share: float) -> RGB:
    """``a`` moved ``share`` of the way towards ``b``."""
    return (round(a[0] + (b[0] - a[0]) * share), round(a[1] + (b[1] - a[1]) * share), round(a[2] + (b[2] - a[2]) * share))


class Palette:
    """Rich styles of the transcript's rows, derived from the theme's colours (so light and dark both read).

    Keys: ``"base"``, ``"rule"``, ``"gutter"``, ``"speaker"``, ``"interviewer"``;
    ``("cell" | "name" | "hint", colour)`` for the margin; and
    ``("text", coding colour, several codes, suggestion colour, search hit, selected)``
    for a run of text: codings tint the background, overlapping codes and
    suggestions underline, suggestions are dim italic, the selection is a band.
    """

    def __init__(self, background: RGB, foreground: RGB, accent: RGB, primary: RGB, warning: RGB, focused: bool) -> None:
        self.bg, self.fg, self.accent, self.primary, self.warning = background, foreground, accent, primary, warning
        self.focused = focused
        self._styles: dict[StyleKey, Style] = {}

    def __call__(self, key: StyleKey = "base") -> Style:
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = self._make(key)
        return style

    def _colour(self, value: str | None) -> RGB:
        return parse_hex(value) if value else blend(self.fg, self.bg, 0.5)

    @staticmethod
    def _style(colour: RGB, background: RGB, *, bold: bool | None = None, italic: bool | None = None,
               underline: bool | None = None) -> Style:
        return Style(color=Color.from_rgb(*colour), bgcolor=Color.from_rgb(*background), bold=bold, italic=italic,
                     underline=underline)

    def _make(self, key: StyleKey) -> Style:
        bg, fg = self.bg, self.fg
        if isinstance(key, str):
            if key in ("base", "rule"):
                return self._style(blend(fg, bg, 0.6) if key == "rule" else fg, bg)
            if key == "gutter":
                return self._style(self.accent if self.focused else blend(fg, bg, 0.55), bg)
            if key in ("speaker", "interviewer"):
                tint = self.primary if key == "speaker" else blend(fg, bg, 0.35)
                return self._style(blend(fg, tint, 0.7), bg, bold=True)
            raise KeyError(key)
        if len(key) == 2:
            kind, colour = key
            if kind == "hint":
                return self._style(blend(blend(fg, self._colour(colour), 0.5), bg, 0.3), bg, italic=True)
            return self._style(self._colour(colour), bg, bold=kind == "name")
        _, inner, several, hint, hit, selected = key
        back = blend(bg, fg, 0.16) if selected else bg
        text = fg
        if inner is not None:
            back = blend(back, self._colour(inner), 0.42)
        if hint is not None:
            text = blend(blend(fg, self._colour(hint), 0.45), bg, 0.15)
        if hit:
            back = self.warning
            text = (0, 0, 0) if 0.299 * back[0] + 0.587 * back[1] + 0.114 * back[2] > 140 else (255, 255, 255)
        return self._style(text, back, bold=selected or hit, underline=several or hint is not None,
                           italic=hint is not None)
