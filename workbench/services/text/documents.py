"""A source as the coding screen needs it: text, turns, segments (frozen)."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from sqlalchemy import select

from workbench.errors import NotFoundError
from workbench.store.engine import Project
from workbench.store.models import Participant, Segment, Source, Turn


@dataclass(frozen=True)
class TurnView:
    id: int
    ordinal: int
    speaker_label: str | None
    speaker_role: str | None
    participant: str | None
    label_start: int
    start: int
    end: int
    time_start_ms: int | None


@dataclass(frozen=True)
class SegmentView:
    id: int
    ordinal: int
    turn_ordinal: int
    start: int
    end: int


@dataclass(frozen=True)
class SourceDocument:
    id: int
    name: str
    kind: str
    text: str
    turns: tuple[TurnView, ...]
    segments: tuple[SegmentView, ...]
    language: str = "en"  # ISO 639-1: search and suggestions in this source use it

    def turn_at(self, position: int) -> TurnView | None:
        """The turn whose label or body contains ``position`` (or the last one before it)."""
        starts = [t.label_start for t in self.turns]
        index = bisect_right(starts, position) - 1
        return self.turns[index] if index >= 0 else None

    def segment_index_at(self, position: int) -> int | None:
        starts = [s.start for s in self.segments]
        index = bisect_right(starts, position) - 1
        return index if index >= 0 else (0 if self.segments else None)


def load_document(project: Project, source: str | int) -> SourceDocument:
    with project.session() as session:
        query = select(Source).where(Source.id == source if isinstance(source, int) else Source.name == source)
        row = session.scalar(query)
        if row is None:
            raise NotFoundError(f"no source {source!r}")
        turns = session.execute(
            select(Turn, Participant.pid)
            .outerjoin(Participant, Participant.id == Turn.participant_id)
            .where(Turn.source_id == row.id)
            .order_by(Turn.ordinal)
        ).all()
        ordinal_of = {t.id: t.ordinal for t, _ in turns}
        segments = session.scalars(select(Segment).where(Segment.source_id == row.id).order_by(Segment.ordinal)).all()
        return SourceDocument(
            id=row.id,
            name=row.name,
            kind=row.kind,
            text=row.text,
            turns=tuple(
                TurnView(t.id, t.ordinal, t.speaker_label, t.speaker_role, pid, t.label_start, t.start, t.end, t.time_start_ms)
                for t, pid in turns
            ),
            segments=tuple(SegmentView(s.id, s.ordinal, ordinal_of[s.turn_id], s.start, s.end) for s in segments),
            language=row.language,
        )
