"""The codebook and what is coded with it: codebooks, codes (a tree), codings, keyword suggestions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workbench.domain.vocabulary import CodeOrigin, SuggestionStatus, sql_in, values
from workbench.store.models.base import Base, utcnow
from workbench.store.models.project import Coder
from workbench.store.models.sources import Source

CODE_ORIGINS = values(CodeOrigin)


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
