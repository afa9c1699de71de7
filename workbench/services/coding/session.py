"""Coding actions for one coder, as the TUI performs them, with undo and redo.

Every action is one short transaction, written at once: quitting or a crash
loses nothing already shown as coded. The undo history lives in memory for
the session; undoing re-applies the inverse change, also at once.

What an action does to the coder's existing codings is planned by
:mod:`workbench.domain.coding_plan` (NVivo's coding references: applying merges
with own touching codings of the code, uncoding shrinks or splits them), the
same plan the transcript view previews.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.domain.coding_plan import plan_apply, plan_toggle, plan_uncode
from workbench.domain.spans import check_span
from workbench.errors import WorkbenchError
from workbench.services.codebook.codes import CodeInfo, create_inductive_code, list_codes, require_codable, require_code
from workbench.services.coding.codings import CodingInfo, codings_for_source
from workbench.services.project.coders import get_or_create_coder
from workbench.store.engine import Project
from workbench.store.models import Code, Coding, Memo, Source

UNDO_LIMIT = 500


@dataclass(frozen=True)
class _Row:
    """A coding as it was, enough to put it back."""

    id: int
    code_id: int
    source_id: int
    coder_id: int
    start: int
    end: int
    memo: str | None


@dataclass
class _Change:
    description: str
    removed: list[_Row] = field(default_factory=list)
    added: list[_Row] = field(default_factory=list)


@dataclass(frozen=True)
class _Done:
    ids: tuple[int, ...]  # the codings written
    removed: tuple[Coding, ...]
    coded: bool


def _row(coding: Coding) -> _Row:
    return _Row(coding.id, coding.code_id, coding.source_id, coding.coder_id, coding.start, coding.end, coding.memo)


class CodingSession:
    """One coder's coding actions on a project."""

    def __init__(self, project: Project, coder: str, blind: bool = False) -> None:
        self.project = project
        self.coder = coder
        self.blind = blind
        with project.session() as session:
            self.coder_id = get_or_create_coder(session, coder).id
        self._undo: list[_Change] = []
        self._redo: list[_Change] = []

    # Reading -----------------------------------------------------------------
    def codings(self, source_id: int) -> list[CodingInfo]:
        """The codings shown: everyone's, or only this coder's in blind mode."""
        with self.project.session(actor=self.coder) as session:
            return codings_for_source(session, source_id, self.coder if self.blind else None)

    def codes(self) -> list[CodeInfo]:
        with self.project.session(actor=self.coder) as session:
            return list_codes(session)

    # Coding --------------------------------------------------------------------
    def apply(self, source_id: int, code_key: str, start: int, end: int, memo: str | None = None) -> int:
        """Code ``[start, end)``; merge with own overlapping codings of the same code. Returns the coding id."""
        return self._act(source_id, code_key, (start, end), "apply", memo).ids[0]

    def uncode(self, source_id: int, code_key: str, start: int, end: int) -> int:
        """Remove ``[start, end)`` from this coder's codings of a code; returns how many codings changed."""
        return len(self._act(source_id, code_key, (start, end), "uncode").removed)

    def toggle(self, source_id: int, code_key: str, start: int, end: int) -> bool:
        """Uncode the span if this coder's codings of the code already cover all of it, else code it.

        Returns True when the span is now coded.
        """
        return self._act(source_id, code_key, (start, end), "toggle").coded

    def _act(self, source_id: int, code_key: str, span: tuple[int, int], action: Literal["apply", "uncode", "toggle"],
             memo: str | None = None) -> _Done:
        """One coding action in one transaction: plan it (:mod:`workbench.domain.coding_plan`) over this
        coder's touching codings of the code, write it, and remember it for undo."""
        with self.project.session(actor=self.coder) as session:
            source, code = self._source_code(session, source_id, code_key, *span)
            mine = self._own(session, source.id, code.id, *span)
            # plan is a Plan[Coding], inferred: mypy cannot check a spelt-out Plan[Coding] (it compares Coding
            # with CodedSpan before it understands SQLAlchemy's Mapped attributes, and remembers the failure)
            if action == "apply":
                plan = plan_apply(mine, span, memo)
            elif action == "uncode":
                plan = plan_uncode(mine, span)
            else:
                plan = plan_toggle(mine, span)
            if plan.coded:
                require_codable(code)
            change = _Change(f"{'code' if plan.coded else 'uncode'} {code.name}")
            for coding in plan.removed:
                change.removed.append(_row(coding))
                session.delete(coding)
            added = [Coding(source_id=source.id, code_id=code.id, coder_id=self.coder_id, start=piece.start,
                            end=piece.end, memo=piece.memo) for piece in plan.added]  # fmt: skip
            session.add_all(added)
            session.flush()
            change.added.extend(_row(coding) for coding in added)
        if plan.changes:
            self._record(change)
        return _Done(tuple(c.id for c in added), plan.removed, plan.coded)

    def remove(self, coding_id: int) -> None:
        """Delete one coding (anyone's, unless blind: then only one's own)."""
        with self.project.session(actor=self.coder) as session:
            coding = session.get(Coding, coding_id)
            if coding is None:
                raise WorkbenchError("that coding no longer exists (removed elsewhere?)")
            if self.blind and coding.coder_id != self.coder_id:
                raise WorkbenchError("in blind mode you can remove only your own codings")
            change = _Change(f"remove {coding.code.name}", removed=[_row(coding)])
            session.delete(coding)
        self._record(change)

    def set_coding_memo(self, coding_id: int, text: str) -> None:
        with self.project.session(actor=self.coder) as session:
            coding = session.get(Coding, coding_id)
            if coding is None:
                raise WorkbenchError("that coding no longer exists (removed elsewhere?)")
            before = _row(coding)
            coding.memo = text.strip() or None
            session.flush()
            change = _Change("edit memo", removed=[before], added=[_row(coding)])
        self._record(change)

    def create_code(self, name: str, parent_key: str | None = None) -> CodeInfo:
        """A new inductive code (under the inductive root unless a parent is given)."""
        with self.project.session(actor=self.coder) as session:
            parent = require_code(session, parent_key) if parent_key else None
            code = create_inductive_code(session, name, parent, coder_id=self.coder_id)
            key = code.key
        return next(c for c in self.codes() if c.key == key)

    # Suggestions -------------------------------------------------------------------
    def accept_suggestion(self, suggestion_id: int) -> int:
        """Turn a suggestion into this coder's coding (undoable); returns the coding id."""
        from workbench.services.coding.suggestions import decide

        suggestion = decide(self.project, suggestion_id, "accepted")
        return self.apply(suggestion.source_id, suggestion.code_key, suggestion.start, suggestion.end)

    def reject_suggestion(self, suggestion_id: int) -> None:
        """Reject a suggestion: it is not offered again to this coder."""
        from workbench.services.coding.suggestions import decide

        decide(self.project, suggestion_id, "rejected")

    # Memos on sources and codes -------------------------------------------------------
    def memo(self, target_kind: str, target_id: int) -> str:
        with self.project.session(actor=self.coder) as session:
            memo = self._memo(session, target_kind, target_id)
            return memo.text if memo else ""

    def set_memo(self, target_kind: str, target_id: int, text: str) -> None:
        with self.project.session(actor=self.coder) as session:
            memo = self._memo(session, target_kind, target_id)
            if memo is None:
                if text.strip():
                    session.add(Memo(target_kind=target_kind, target_id=target_id, coder_id=self.coder_id, text=text))
            elif text.strip():
                memo.text = text
            else:
                session.delete(memo)

    def _memo(self, session: Session, target_kind: str, target_id: int) -> Memo | None:
        return session.scalar(
            select(Memo).where(Memo.target_kind == target_kind, Memo.target_id == target_id, Memo.coder_id == self.coder_id)
        )

    # Undo / redo -----------------------------------------------------------------
    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo(self) -> str | None:
        """Revert the last action; returns its description, or None when there is nothing to undo."""
        if not self._undo:
            return None
        change = self._undo.pop()
        self._swap(change.added, change.removed)
        self._redo.append(change)
        return change.description

    def redo(self) -> str | None:
        if not self._redo:
            return None
        change = self._redo.pop()
        self._swap(change.removed, change.added)
        self._undo.append(change)
        return change.description

    def _swap(self, take_out: list[_Row], put_back: list[_Row]) -> None:
        with self.project.session(actor=self.coder) as session:
            for row in take_out:
                coding = session.get(Coding, row.id)
                if coding is not None:
                    session.delete(coding)
            session.flush()
            for row in put_back:
                coding = session.get(Coding, row.id)
                if coding is None:
                    session.add(Coding(id=row.id, code_id=row.code_id, source_id=row.source_id, coder_id=row.coder_id,
                                       start=row.start, end=row.end, memo=row.memo))
                else:
                    coding.memo = row.memo

    def _record(self, change: _Change) -> None:
        self._undo.append(change)
        del self._undo[:-UNDO_LIMIT]
        self._redo.clear()

    # Helpers ---------------------------------------------------------------------------
    def _source_code(self, session: Session, source_id: int, code_key: str, start: int, end: int) -> tuple[Source, Code]:
        source = session.get(Source, source_id)
        if source is None:
            raise WorkbenchError("that source no longer exists")
        problem = check_span(start, end, len(source.text))
        if problem:
            raise WorkbenchError(f"cannot code {start}-{end}: {problem}")
        return source, require_code(session, code_key)

    def _own(self, session: Session, source_id: int, code_id: int, start: int, end: int) -> list[Coding]:
        """This coder's codings of a code that overlap or touch ``[start, end)``."""
        return list(
            session.scalars(
                select(Coding).where(
                    Coding.source_id == source_id,
                    Coding.coder_id == self.coder_id,
                    Coding.code_id == code_id,
                    Coding.start <= end,
                    Coding.end >= start,
                )
            )
        )
