"""Review of the coding: adjudications of disagreements between two coders, and the audit trail of who changed what."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workbench.domain.vocabulary import AuditAction, Decision, sql_in
from workbench.store.models.base import Base, utcnow
from workbench.store.models.project import Coder


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
