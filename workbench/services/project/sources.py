"""Sources: listing, finding, reading."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, null, select
from sqlalchemy.orm import Session

from workbench.errors import NotFoundError
from workbench.store.models import Coder, Coding, Participant, Segment, Source, Turn


@dataclass(frozen=True)
class SourceSummary:
    id: int
    name: str
    kind: str
    participants: list[str]
    turns: int
    segments: int | None  # None: not counted (``list_sources(sizes=False)``)
    words: int
    characters: int | None  # likewise
    codings: int
    coded_by_coder: int  # codings of the coder asked about (0 when none asked)
    original_format: str
    language: str = "en"

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "kind": self.kind,
            "participants": self.participants,
            "turns": self.turns,
            "segments": self.segments,
            "words": self.words,
            "characters": self.characters,
            "codings": self.codings,
            "format": self.original_format,
            "language": self.language,
        }


def list_sources(session: Session, coder: str | None = None, *, sizes: bool = True) -> list[SourceSummary]:
    """Every source with its counts, by name. Each count is one grouped query over an index, so opening
    a project of a million codings reads each coding's index entry once. ``sizes=False`` leaves out the
    segments and characters of each source (which read every segment and every text), for the Sources
    screen, which shows neither."""
    turns = dict(session.execute(select(Turn.source_id, func.count()).group_by(Turn.source_id)).all())
    segments = dict(session.execute(select(Segment.source_id, func.count()).group_by(Segment.source_id)).all()) \
        if sizes else None
    coder_id = session.scalar(select(Coder.id).where(Coder.name == coder)) if coder else None
    codings: dict[int, int] = {}
    mine: dict[int, int] = {}
    # grouped as the index (source, coder, start) is ordered: everyone's and the coder's counts in one pass
    for source_id, by, count in session.execute(
        select(Coding.source_id, Coding.coder_id, func.count()).group_by(Coding.source_id, Coding.coder_id)
    ):
        codings[source_id] = codings.get(source_id, 0) + count
        if by == coder_id:
            mine[source_id] = count
    speakers: dict[int, list[str]] = {}
    for source_id, pid in session.execute(
        select(Turn.source_id, Participant.pid).join(Participant, Participant.id == Turn.participant_id).distinct()
    ):
        speakers.setdefault(source_id, []).append(pid)
    characters = func.length(Source.text) if sizes else null()
    rows = session.execute(
        select(Source.id, Source.name, Source.kind, Source.word_count, characters, Source.original_format, Source.language)
        .order_by(Source.name)
    ).all()
    return [
        SourceSummary(
            id=row[0],
            name=row[1],
            kind=row[2],
            participants=sorted(speakers.get(row[0], [])),
            turns=turns.get(row[0], 0),
            segments=segments.get(row[0], 0) if segments is not None else None,
            words=row[3],
            characters=(row[4] or 0) if sizes else None,
            codings=codings.get(row[0], 0),
            coded_by_coder=mine.get(row[0], 0),
            original_format=row[5],
            language=row[6],
        )
        for row in rows
    ]


def find_source(session: Session, name: str) -> Source | None:
    return session.scalar(select(Source).where(Source.name == name))


def require_source(session: Session, name: str) -> Source:
    source = find_source(session, name)
    if source is None:
        known = session.scalars(select(Source.name).order_by(Source.name).limit(6)).all()
        hint = f" (sources: {', '.join(known)}{', ...' if len(known) == 6 else ''})" if known else " (no sources yet)"
        raise NotFoundError(f"no source {name!r}{hint}")
    return source
