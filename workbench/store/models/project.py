"""Who works on the project and what it keeps beside the data: coders, memos, settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workbench.domain.vocabulary import MemoTarget, sql_in
from workbench.store.models.base import Base, utcnow


class Coder(Base):
    __tablename__ = "coder"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"Coder({self.name!r})"


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
