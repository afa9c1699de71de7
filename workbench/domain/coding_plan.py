"""What a coding action does to a coder's existing codings of one code: the one rule, used by the
coding session (which writes it) and by the transcript view (which shows it before the write lands).

Semantics follow NVivo's coding references: **applying** a code to a span that overlaps or touches
the coder's own codings of that code merges them into one coding (their memos joined);
**uncoding** removes the span from them (shrinking or splitting each, keeping its memo);
**toggling** uncodes when the coder's codings already cover the whole span, else applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from workbench.domain.spans import merge, overlaps, subtract


class CodedSpan(Protocol):
    """Anything with a span and a memo: a stored coding, or the frozen view of one."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def memo(self) -> str | None: ...


C = TypeVar("C", bound=CodedSpan)


@dataclass(frozen=True)
class Piece:
    """A coding to write: its span and memo."""

    start: int
    end: int
    memo: str | None


@dataclass(frozen=True)
class Plan(Generic[C]):
    """The codings that go (the caller's own objects) and the pieces that replace them."""

    removed: tuple[C, ...]
    added: tuple[Piece, ...]
    coded: bool  # whether the span is coded afterwards

    @property
    def changes(self) -> bool:
        return bool(self.removed or self.added)


def _joined(memos: Iterable[str | None]) -> str | None:
    return "\n".join(dict.fromkeys(m for m in memos if m)) or None


def plan_apply(mine: Sequence[C], span: tuple[int, int], memo: str | None = None) -> Plan[C]:
    """Code ``span``: it and the coder's touching codings of the code become one coding."""
    start, end = span
    touching = tuple(c for c in mine if c.start <= end and c.end >= start)
    merged = merge([span, *((c.start, c.end) for c in touching)])[0]
    memos = [*(c.memo for c in touching), memo]
    return Plan(touching, (Piece(merged.start, merged.end, _joined(memos)),), True)


def plan_uncode(mine: Sequence[C], span: tuple[int, int]) -> Plan[C]:
    """Remove ``span`` from the coder's codings of the code (each keeps its memo)."""
    hit = tuple(c for c in mine if overlaps((c.start, c.end), span))
    pieces = tuple(Piece(p.start, p.end, c.memo) for c in hit for p in subtract([(c.start, c.end)], [span]))
    return Plan(hit, pieces, False)


def plan_toggle(mine: Sequence[C], span: tuple[int, int]) -> Plan[C]:
    """Uncode when the coder's codings of the code cover all of ``span``, else apply."""
    if not subtract([span], [(c.start, c.end) for c in mine]):
        return plan_uncode(mine, span)
    return plan_apply(mine, span)
