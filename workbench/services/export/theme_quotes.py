"""Which quotes a theme document prints under each theme, all from the layer it counts.

* **Pinned** exemplars (starred in the Themes screen or listed in the theme
  map) come first, in their order, but only when the layer itself codes the
  passage: one of the layer's codings of the theme's codes contains it. An
  exemplar the layer does not code is left out and returned as
  :class:`LeftOut`, so the caller can say so; it is never printed as if it
  were the layer's.
* **Chosen** quotes fill up to N: the layer's codings of the theme's codes,
  never a passage the layer also codes under a theme of another type (a
  passage is not evidence for a facilitator and for the barrier beside it),
  preferring codings of the theme's own codes (codes no other theme uses),
  then passages of at least :data:`MIN_WORDS` words spoken by a participant,
  shortest first, one per participant before a second from anyone, and
  never overlapping a quote already taken for the theme.
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
    by_theme: dict[int, list[Pinned]] = defaultdict(list)
    for p in pinned:
        by_theme[p.theme_id].append(p)
    blocked = _other_type_spans(themes, groups)
    uses: dict[str, int] = defaultdict(int)
    for theme in themes:
        for key in theme.codes:
            uses[key] += 1
    for theme in themes:
        mine = groups.get(theme.id, [])
        chosen = picked[theme.id]
        for p in by_theme.get(theme.id, []):
            if not any(c.source_id == p.source_id and c.start <= p.start and p.end <= c.end for c in mine):
                left_out.append(LeftOut(theme.label, p.source_id, p.start, p.end))
            elif len(chosen) < quotes:
                chosen.append(Picked(p.source_id, p.start, p.end, participant_at(p.source_id, p.start), True,
                                     p.start > p.coding_start, p.end < p.coding_end))  # fmt: skip
        own = {key for key in theme.codes if uses[key] == 1}
        spans: dict[tuple[int, int, int], bool] = {}  # (source, start, end) → coded with an own code
        participants: dict[tuple[int, int, int], str | None] = {}
        for c in mine:
            if _blocked(blocked, theme.type, c.source_id, c.start, c.end):
                continue
            key = (c.source_id, c.start, c.end)
            spans[key] = spans.get(key, False) or c.code_key in own
            participants[key] = c.participant
        pool = sorted(
            spans,
            key=lambda k: (not spans[k], not meaningful(*k), participants[k] is None, k[2] - k[1], k[0], k[1]),
        )
        for pass_ in (1, 2):
            people = {q.participant for q in chosen}
            for key in pool:
                if len(chosen) >= quotes:
                    break
                source_id, start, end = key
                who = participants[key]
                if pass_ == 1 and who in people:
                    continue
                if any(q.source_id == source_id and overlaps((q.start, q.end), (start, end)) for q in chosen):
                    continue
                chosen.append(Picked(source_id, start, end, who, False))
                people.add(who)
    return picked, left_out


def _other_type_spans(themes: Sequence[ThemeInfo], groups: dict[int, list[ThemeCoding]]) -> dict[int, dict[str, list[Span]]]:
    """Source id → theme type → the merged spans the layer codes under themes of that type."""
    raw: dict[int, dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for theme in themes:
        for c in groups.get(theme.id, []):
            raw[c.source_id][theme.type].append((c.start, c.end))
    return {source: {kind: merge(spans) for kind, spans in kinds.items()} for source, kinds in raw.items()}


def _blocked(spans: dict[int, dict[str, list[Span]]], own_type: str, source_id: int, start: int, end: int) -> bool:
    """Whether the layer codes any part of ``[start, end)`` under a theme of another type."""
    for kind, merged in spans.get(source_id, {}).items():
        if kind == own_type:
            continue
        index = bisect_left(merged, Span(start, start))
        for span in merged[max(index - 1, 0) : index + 1]:
            if span.start < end and start < span.end:
                return True
    return False
