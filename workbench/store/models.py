"""The project's data model (SQLAlchemy 2.x typed ORM).

Positions (``start``/``end``) are 0-based, end-exclusive code-point offsets into
``Source.text``; :mod:`workbench.domain.spans` owns their arithmetic.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from workbench.domain.vocabulary import (
    AuditAction,
    CodeOrigin,
    Decision,
    MemoTarget,
    SourceKind,
    SpeakerRole,
    SuggestionStatus,
    sql_in,
    values,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SOURCE_KINDS = values(SourceKind)
SPEAKER_ROLES = values(SpeakerRole)
CODE_ORIGINS = values(CodeOrigin)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Coder(Base):
    __tablename__ = "coder"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"Coder({self.name!r})"


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


class Codebook(Base):
    __tablename__ = "codebook"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    loaded_from: Mapped[str | None] = mapped_column(String(1024))
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"Codebook({self.name!r})"


class Code(Base):
    __tablename__ = "code"
    __table_args__ = (CheckConstraint(sql_in("origin", CodeOrigin), name="origin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    codebook_id: Mapped[int | None] = mapped_column(ForeignKey("codebook.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("code.id"), index=True)
    origin: Mapped[CodeOrigin] = mapped_column(String(20), default=CodeOrigin.DEDUCTIVE)
    definition: Mapped[str | None] = mapped_column(Text)
    when_to_use: Mapped[str | None] = mapped_column(Text)
    when_not_to_use: Mapped[str | None] = mapped_column(Text)
    example: Mapped[str | None] = mapped_column(Text)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    colour: Mapped[str | None] = mapped_column(String(7))
    # False: a folder that only groups codes (REFI-QDA isCodable="false"); codings cannot use it
    codable: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    position: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("coder.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    parent: Mapped[Code | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Code]] = relationship(back_populates="parent", order_by="Code.position")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"Code({self.key!r}, {self.name!r})"


class Coding(Base):
    """One coder's application of one code to a span of one source."""

    __tablename__ = "coding"
    __table_args__ = (
        CheckConstraint("start >= 0 AND \"end\" > start", name="span"),
        Index("ix_coding_source_coder", "source_id", "coder_id", "start"),
        # Retrieve: counts of some codes per source, and where they start, from the index alone (migration 0007)
        Index("ix_coding_code_source", "code_id", "source_id", "coder_id", "start", "end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("code.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    memo: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    code: Mapped[Code] = relationship()
    source: Mapped[Source] = relationship()
    coder: Mapped[Coder] = relationship()

    def __repr__(self) -> str:
        return f"Coding({self.code_id}, {self.source_id}, {self.start}-{self.end})"


class Memo(Base):
    """A memo about the project, a source, a code or a participant."""

    __tablename__ = "memo"
    __table_args__ = (
        CheckConstraint(sql_in("target_kind", MemoTarget), name="target_kind"),
        Index("ix_memo_target", "target_kind", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target_kind: Mapped[MemoTarget] = mapped_column(String(20))
    target_id: Mapped[int | None] = mapped_column(Integer)
    coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"Memo({self.target_kind}:{self.target_id})"


class Setting(Base):
    """Project-wide settings (interviewer labels, spaCy pipeline, ...)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"Setting({self.key!r}={self.value!r})"


class Suggestion(Base):
    """A code suggested for a segment from the codebook's keywords; not a coding until accepted."""

    __tablename__ = "suggestion"
    __table_args__ = (
        CheckConstraint(sql_in("status", SuggestionStatus), name="status"),
        UniqueConstraint("source_id", "code_id", "coder_id", "start", "end"),
        Index("ix_suggestion_source_coder", "source_id", "coder_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("code.id", ondelete="CASCADE"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    matched: Mapped[str] = mapped_column(Text)
    status: Mapped[SuggestionStatus] = mapped_column(String(20), default=SuggestionStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"Suggestion({self.code_id}, {self.start}-{self.end}, {self.status})"


class ThemeType(Base):
    """A kind of theme in the project's typology (facilitator, barrier, neutral, ...)."""

    __tablename__ = "theme_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    prefix: Mapped[str] = mapped_column(String(10))  # "F", "B": theme labels are prefix + number
    position: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"ThemeType({self.name!r})"


class ThemeCategory(Base):
    """A higher-order category pairing themes, e.g. "Experience of time"."""

    __tablename__ = "theme_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"ThemeCategory({self.name!r})"


class ThemeCode(Base):
    """A code that makes up a theme (a code may serve several themes)."""

    __tablename__ = "theme_code"

    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("code.id", ondelete="CASCADE"), primary_key=True)

    def __repr__(self) -> str:
        return f"ThemeCode({self.theme_id}, {self.code_id})"


class Theme(Base):
    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    type_id: Mapped[int] = mapped_column(ForeignKey("theme_type.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("theme_category.id", ondelete="SET NULL"))
    description: Mapped[str | None] = mapped_column(Text)
    dimensions: Mapped[list[str] | None] = mapped_column(JSON)  # override; None = derived from the codes
    position: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    theme_type: Mapped[ThemeType] = relationship()
    category: Mapped[ThemeCategory | None] = relationship()
    codes: Mapped[list[Code]] = relationship(secondary="theme_code", order_by="Code.position")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"Theme({self.label!r}, {self.name!r})"


class Exemplar(Base):
    """A quote starred as an exemplar of a theme: a coding, optionally trimmed."""

    __tablename__ = "exemplar"
    __table_args__ = (UniqueConstraint("theme_id", "coding_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"))
    coding_id: Mapped[int] = mapped_column(ForeignKey("coding.id", ondelete="CASCADE"))
    start: Mapped[int | None] = mapped_column(Integer)  # trimmed quote inside the coding, if any
    end: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"Exemplar({self.theme_id}, {self.coding_id})"


class Adjudication(Base):
    """A decision on one disagreement between two coders, written to a consensus layer."""

    __tablename__ = "adjudication"
    __table_args__ = (
        CheckConstraint(sql_in("decision", Decision), name="decision"),
        Index("ix_adjudication_review", "first_coder_id", "second_coder_id", "consensus_coder_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("code.id", ondelete="CASCADE"))
    first_coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id"))
    second_coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id"))
    consensus_coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id"))
    start: Mapped[int] = mapped_column(Integer)  # the disagreement region
    end: Mapped[int] = mapped_column(Integer)
    decision: Mapped[Decision] = mapped_column(String(20))
    result: Mapped[list[list[int]]] = mapped_column(JSON, default=list)  # consensus spans written
    note: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("coder.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"Adjudication({self.code_id}, {self.start}-{self.end}, {self.decision})"


class AuditEntry(Base):
    """Who changed what, when, with the before and after (append-only)."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entity", "entity_kind", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coder.id"))
    action: Mapped[AuditAction] = mapped_column(String(40))
    entity_kind: Mapped[str] = mapped_column(String(40))  # coding / code / theme / adjudication
    entity_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    coder: Mapped[Coder | None] = relationship()

    def __repr__(self) -> str:
        return f"AuditEntry({self.action} {self.entity_kind}:{self.entity_id})"
