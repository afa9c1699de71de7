"""Span arithmetic: the one module that owns positions in a source.

A position is a 0-based, end-exclusive Unicode code-point offset into the
stored plain text of a source (the REFI-QDA convention). A span is a pair
``(start, end)`` with ``0 <= start <= end``. Every other module goes through
these helpers rather than doing offset arithmetic of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

BOM = "\ufeff"


def without_leading_bom(text: str) -> str:
    """A text as it is stored: no leading U+FEFF (byte-order marks, however many), since position 0 is
    the first real character. Every tool reading a REFI-QDA source file drops a leading BOM, so a stored
    text that kept one would have every position read one character early after an exchange."""
    return text.lstrip(BOM)


class Span(NamedTuple):
    """A half-open range ``[start, end)`` of code points."""

    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start

    def __contains__(self, position: object) -> bool:
        return isinstance(position, int) and self.start <= position < self.end


def check_span(start: int, end: int, text_length: int) -> str | None:
    """Return why ``(start, end)`` is not a valid span of a text, or None if it is."""
    if start < 0:
        return f"start {start} is negative"
    if end < start:
        return f"end {end} is before start {start}"
    if end > text_length:
        return f"end {end} is past the end of the text ({text_length} characters)"
    if end == start:
        return f"span {start}-{end} is empty"
    return None


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Number of code points shared by two spans."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """True when two spans share at least one code point."""
    return overlap(a, b) > 0


def intersection(a: tuple[int, int], b: tuple[int, int]) -> Span | None:
    """The shared part of two spans, or None when they do not overlap."""
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return Span(start, end) if start < end else None


def merge(spans: Iterable[tuple[int, int]]) -> list[Span]:
    """Union of spans as sorted, disjoint, non-touching spans (empty spans dropped).

    Touching spans (one ends where the next starts) merge: as sets of
    characters they cannot be told apart from one span covering both.
    """
    result: list[Span] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if result and start <= result[-1].end:
            if end > result[-1].end:
                result[-1] = Span(result[-1].start, end)
        else:
            result.append(Span(start, end))
    return result


def covered_length(spans: Iterable[tuple[int, int]]) -> int:
    """Number of code points covered by at least one span."""
    return sum(s.length for s in merge(spans))


def intersect_all(a: Iterable[tuple[int, int]], b: Iterable[tuple[int, int]]) -> list[Span]:
    """Intersection of two span sets, by a linear sweep over their merged forms."""
    left, right = merge(a), merge(b)
    i = j = 0
    result: list[Span] = []
    while i < len(left) and j < len(right):
        start = max(left[i].start, right[j].start)
        end = min(left[i].end, right[j].end)
        if start < end:
            result.append(Span(start, end))
        if left[i].end < right[j].end:
            i += 1
        else:
            j += 1
    return result


def subtract(a: Iterable[tuple[int, int]], b: Iterable[tuple[int, int]]) -> list[Span]:
    """The parts of span set ``a`` not covered by span set ``b``."""
    result: list[Span] = []
    cutters = merge(b)
    j = 0
    for start, end in merge(a):
        while j < len(cutters) and cutters[j].end <= start:
            j += 1
        k = j
        cursor = start
        while k < len(cutters) and cutters[k].start < end:
            if cutters[k].start > cursor:
                result.append(Span(cursor, cutters[k].start))
            cursor = max(cursor, cutters[k].end)
            k += 1
        if cursor < end:
            result.append(Span(cursor, end))
    return result


def snap_to_units(span: tuple[int, int], units: Sequence[tuple[int, int]]) -> Span:
    """Widen a span to the boundaries of the units (sentences, turns) it touches.

    ``units`` must be sorted by start. A span that touches no unit is returned unchanged.
    """
    touched = [u for u in units if overlaps(u, span)]
    if not touched:
        return Span(span[0], span[1])
    return Span(min(span[0], touched[0][0]), max(span[1], touched[-1][1]))


def shift(span: tuple[int, int], offset: int) -> Span:
    """Move a span by ``offset`` code points (e.g. from a line to its source)."""
    return Span(span[0] + offset, span[1] + offset)


def strip_span(text: str, start: int, end: int) -> Span:
    """Shrink ``[start, end)`` of ``text`` so it neither begins nor ends with white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


def line_spans(text: str) -> list[Span]:
    """Spans of each line of ``text`` (without the ``\\n``), including empty lines."""
    spans: list[Span] = []
    start = 0
    while True:
        newline = text.find("\n", start)
        if newline < 0:
            spans.append(Span(start, len(text)))
            return spans
        spans.append(Span(start, newline))
        start = newline + 1


def utf16_to_code_points(text: str, position: int) -> int:
    """Convert a UTF-16 code-unit offset into ``text`` to a code-point offset."""
    units = 0
    for index, char in enumerate(text):
        if units >= position:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(text)


def code_points_to_utf16(text: str, position: int) -> int:
    """Convert a code-point offset into ``text`` to a UTF-16 code-unit offset."""
    return position + sum(1 for char in text[:position] if ord(char) > 0xFFFF)


def astral_utf16_starts(text: str) -> list[int]:
    """UTF-16 offsets at which the characters outside the BMP (two code units each) begin, ascending."""
    starts: list[int] = []
    for index, char in enumerate(text):
        if ord(char) > 0xFFFF:
            starts.append(index + len(starts))
    return starts


def utf16_offsets_to_code_points(text: str, positions: Iterable[int], starts: Sequence[int] | None = None) -> list[int]:
    """Many UTF-16 offsets → code-point offsets at once (``starts`` from :func:`astral_utf16_starts`).

    An offset between the two halves of a surrogate pair falls back to the
    start of that character; offsets past the end are not clamped.
    """
    from bisect import bisect_left

    starts = astral_utf16_starts(text) if starts is None else starts
    return [position - bisect_left(starts, position) for position in positions]


def utf16_splits_pair(starts: Sequence[int], position: int) -> bool:
    """True when a UTF-16 offset falls inside a surrogate pair (``starts`` from :func:`astral_utf16_starts`)."""
    from bisect import bisect_left

    index = bisect_left(starts, position - 1)
    return index < len(starts) and starts[index] == position - 1


def crlf_offsets_to_lf(text: str, positions: Iterable[int]) -> list[int]:
    """Offsets counted on ``text`` with CRLF line ends → offsets once each CRLF is one ``\\n``.

    An offset between ``\\r`` and ``\\n`` lands on the ``\\n``. Lone ``\\r``
    characters count one either way, so they shift nothing.
    """
    from bisect import bisect_left

    returns: list[int] = []
    at = text.find("\r\n")
    while at >= 0:
        returns.append(at)
        at = text.find("\r\n", at + 2)
    return [position - bisect_left(returns, position) for position in positions]


# --- moving a boundary (reviewing and editing spans) ---------------------------------------------

_WORD = re.compile(r"\w+(?:['’]\w+)*")


def next_word(text: str, position: int, direction: int, edge: str = "start") -> int:
    """The nearest word start (or end, ``edge="end"``) strictly after (direction +1) or before (-1) ``position``.

    The text's end or start when there is none.
    """
    side = 0 if edge == "start" else 1
    if direction > 0:
        return next((m.span()[side] for m in _WORD.finditer(text, position) if m.span()[side] > position), len(text))
    bounds = [m.span()[side] for m in _WORD.finditer(text, 0, position)]
    return next((b for b in reversed(bounds) if b < position), 0)


def move_boundary(text: str, span: tuple[int, int], which: str, step: int, by: str = "char") -> Span:
    """Shift the start or end of ``span`` by a character or to the next word start/end (``step`` ±1).

    The span stays non-empty and inside ``text``.
    """
    start, end = span
    position = start if which == "start" else end
    moved = position + step if by == "char" else next_word(text, position, step, which if which == "start" else "end")
    moved = max(0, min(len(text), moved))
    if which == "start":
        return Span(min(moved, end - 1), end)
    return Span(start, max(moved, start + 1))
