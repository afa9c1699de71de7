"""The transcripts and the people in them: participants (with attributes), sources, speaker turns and
sentence segments.

Positions (``start``/``end``) are 0-based, end-exclusive code-point offsets into ``Source.text``;
:mod:`workbench.domain.spans` owns their arithmetic.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workbench.domain.vocabulary import SourceKind, SpeakerRole, sql_in, values
from workbench.store.models.base import Base, utcnow

SOURCE_KINDS = values(SourceKind)
SPEAKER_ROLES = values(SpeakerRole)


class Participant(Base):
    """A person who speaks in one or more sources; one row however many sources."""

    __tablename__ = "participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    pid: Mapped[str] = mapped_column(String(100), unique=True)
    attributes: Mapped[list[ParticipantAttribute]] = relationship(
        back_populates="participant", cascade="all, delete-orphan", order_by="ParticipantAttribute.key"
    )

    def __repr__(self) -> str:
        return f"Participant({self.pid!r})"


class ParticipantAttribute(Base):
    __tablename__ = "participant_attribute"
    __table_args__ = (UniqueConstraint("participant_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(Text)
    participant: Mapped[Participant] = relationship(back_populates="attributes")

    def __repr__(self) -> str:
        return f"ParticipantAttribute({self.key!r}={self.value!r})"


class Source(Base):
    """A transcript: its stored plain text and where it came from."""

    __tablename__ = "source"
    __table_args__ = (CheckConstraint(sql_in("kind", SourceKind), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[SourceKind] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    original_filename: Mapped[str] = mapped_column(String(1024))
    original_format: Mapped[str] = mapped_column(String(20))
    encoding: Mapped[str | None] = mapped_column(String(40))
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    # ISO 639-1: segments, lemma search, suggestions and speaker words follow it
    language: Mapped[str] = mapped_column(String(12), default="en", server_default="en")
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    turns: Mapped[list[Turn]] = relationship(
        back_populates="source", cascade="all, delete-orphan", order_by="Turn.ordinal", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"Source({self.name!r}, {self.kind})"


class Turn(Base):
    """A speaker turn. ``start``/``end`` cover what was said (after the label)."""

    __tablename__ = "turn"
    __table_args__ = (
        UniqueConstraint("source_id", "ordinal"),
        CheckConstraint("start >= 0 AND \"end\" >= start", name="span"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    speaker_label: Mapped[str | None] = mapped_column(String(100))
    speaker_role: Mapped[SpeakerRole | None] = mapped_column(String(20))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), index=True)
    label_start: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    time_start_ms: Mapped[int | None] = mapped_column(Integer)
    time_end_ms: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[Source] = relationship(back_populates="turns")
    participant: Mapped[Participant | None] = relationship()

    def __repr__(self) -> str:
        return f"Turn({self.speaker_label!r}, {self.start}-{self.end})"


class Segment(Base):
    """A sentence unit inside a turn (spaCy)."""

    __tablename__ = "segment"
    __table_args__ = (
        UniqueConstraint("source_id", "ordinal"),
        CheckConstraint("start >= 0 AND \"end\" > start", name="span"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"))
    turn_id: Mapped[int] = mapped_column(ForeignKey("turn.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"Segment({self.start}-{self.end})"
