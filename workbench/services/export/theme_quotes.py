"""Which quotes a theme document prints under each theme, all from the layer it counts.

* **Pinned** exemplars (starred in the Themes screen or listed in the theme
  map) come first, in their order, but only when the layer itself codes the
  passage: one of the layer's codings of the theme's codes contains it. An
  exemplar the layer does not code is left out and returned as
  :class:`LeftOut`, so the caller can say so; it is never printed as if it
  were the layer's.
* **Chosen** quotes fill up to N: the layer's codings of the theme's codes,
  never a passage the same document prints under a theme of another type
  (a passage is not evidence for a facilitator and for the barrier beside
  it), and never one the layer codes as evidence for a theme of another type
  (with a code this theme does not have); preferring codings of the theme's
  own codes (codes no other theme uses), then passages of at least
  :data:`MIN_WORDS` words spoken by a participant, shortest first, one per
  participant before a second from anyone, never overlapping a quote
  already taken for the theme. Themes are filled in document order.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from workbench.domain.spans import Span, merge, overlaps
from workbench.services.themes.queries import ThemeInfo
from workbench.services.themes.rollups import ThemeCoding

MIN_WORDS = 6


@dataclass(frozen=True)
class Pinned:
    """A starred exemplar: the quoted part of one coding."""

    theme_id: int
    source_id: int
    start: int
    end: int
    coding_start: int
    coding_end: int


@dataclass(frozen=True)
class Picked:
    """A passage to print: pinned by the analyst or chosen here."""

    source_id: int
    start: int
    end: int
    participant: str | None
    pinned: bool
    trimmed_start: bool = False
    trimmed_end: bool = False


@dataclass(frozen=True)
class LeftOut:
    """A pinned exemplar the layer does not code."""

    theme: str  # label
    source_id: int
    start: int
    end: int


def pick_quotes(
    themes: Sequence[ThemeInfo],
    groups: dict[int, list[ThemeCoding]],
    pinned: Sequence[Pinned],
    quotes: int,
    meaningful: Callable[[int, int, int], bool],
    participant_at: Callable[[int, int], str | None],
) -> tuple[dict[int, list[Picked]], list[LeftOut]]:
    """Per theme id, up to ``quotes`` passages; and the pinned exemplars left out.

    ``groups`` are the layer's codings by theme; ``meaningful(source_id, start,
    end)`` says whether a passage is long enough to quote on its own;
    ``participant_at(source_id, position)`` names who speaks there.
    """
    picked: dict[int, list[Picked]] = {t.id: [] for t in themes}
    left_out: list[LeftOut] = []
    if quotes <= 0:
        return picked, left_out
    printed: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)  # (type, source) → passages printed
    by_theme: dict[int, list[Pinned]] = defaultdict(list)
    for p in pinned:
        by_theme[p.theme_id].append(p)
    for theme in themes:  # the analyst's pinned quotes first, everywhere
        chosen = picked[theme.id]
        coded: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for c in groups.get(theme.id, []):
            coded[c.source_id].append((c.start, c.end))
        for p in by_theme.get(theme.id, []):
            if not any(start <= p.start and p.end <= end for start, end in coded.get(p.source_id, ())):
                left_out.append(LeftOut(theme.label, p.source_id, p.start, p.end))
            elif len(chosen) < quotes:
                chosen.append(Picked(p.source_id, p.start, p.end, participant_at(p.source_id, p.start), True,
                                     p.start > p.coding_start, p.end < p.coding_end))  # fmt: skip
                printed[theme.type, p.source_id].append((p.start, p.end))
    uses: dict[str, int] = defaultdict(int)
    for theme in themes:
        for key in theme.codes:
            uses[key] += 1
    for theme in themes:
        chosen = picked[theme.id]
        if len(chosen) >= quotes:
            continue
        foreign = _foreign_spans(theme, themes, groups)
        own = {key for key in theme.codes if uses[key] == 1}
        spans: dict[tuple[int, int, int], bool] = {}  # (source, start, end) → coded with an own code
        participants: dict[tuple[int, int, int], str | None] = {}
        for c in groups.get(theme.id, []):
            if _overlaps_any(foreign.get(c.source_id, []), c.start, c.end):
                continue  # the layer codes this passage as evidence for a theme of another type
            passage = (c.source_id, c.start, c.end)
            spans[passage] = spans.get(passage, False) or c.code_key in own
            participants[passage] = c.participant
        pool = sorted(
            spans,
            key=lambda k: (not spans[k], not meaningful(*k), participants[k] is None, k[2] - k[1], k[0], k[1]),
        )
        for pass_ in (1, 2):
            people = {q.participant for q in chosen}
            for passage in pool:
                if len(chosen) >= quotes:
                    break
                source_id, start, end = passage
                who = participants[passage]
                if pass_ == 1 and who in people:
                    continue
                if any(q.source_id == source_id and overlaps((q.start, q.end), (start, end)) for q in chosen):
                    continue
                if any(kind != theme.type and any(overlaps(span, (start, end)) for span in printed[kind, source_id])
                       for kind in {t.type for t in themes}):  # fmt: skip
                    continue  # already printed under a theme of another type (a code both themes share)
                chosen.append(Picked(source_id, start, end, who, False))
                printed[theme.type, source_id].append((start, end))
                people.add(who)
    return picked, left_out


def _foreign_spans(theme: ThemeInfo, themes: Sequence[ThemeInfo], groups: dict[int, list[ThemeCoding]]) -> dict[int, list[Span]]:
    """Source id → merged spans the layer codes under themes of another type with codes this theme does not have."""
    mine = set(theme.codes)
    raw: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for other in themes:
        if other.type == theme.type:
            continue
        for c in groups.get(other.id, []):
            if c.code_key not in mine:
                raw[c.source_id].append((c.start, c.end))
    return {source: merge(spans) for source, spans in raw.items()}


def _overlaps_any(merged: list[Span], start: int, end: int) -> bool:
    """Whether any of the sorted, disjoint ``merged`` spans shares a character with ``[start, end)``."""
    index = bisect_left(merged, Span(start, start))
    return any(span.start < end and start < span.end for span in merged[max(index - 1, 0) : index + 1])
