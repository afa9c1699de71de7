"""Codings: adding one, and reading a source's codings (the codings CSV is :mod:`workbench.services.coding.codings_csv`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workbench.domain.spans import check_span
from workbench.errors import WorkbenchError
from workbench.services.codebook.codes import require_codable
from workbench.store.models import Code, Coder, Coding, Source


@dataclass(frozen=True)
class CodingInfo:
    id: int
    source: str
    code_key: str
    code_name: str
    colour: str | None
    coder: str
    start: int
    end: int
    memo: str | None
    created_at: datetime | None = None


def add_coding(
    session: Session, *, source: Source, code: Code, coder: Coder, start: int, end: int, memo: str | None = None
) -> Coding:
    problem = check_span(start, end, len(source.text))
    if problem:
        raise WorkbenchError(f"cannot code {source.name} {start}-{end}: {problem}")
    require_codable(code)
    coding = Coding(source_id=source.id, code_id=code.id, coder_id=coder.id, start=start, end=end, memo=memo)
    session.add(coding)
    session.flush()
    return coding


def codings_for_source(session: Session, source_id: int, coder: str | None = None) -> list[CodingInfo]:
    """A source's codings in text order (one coder's, or everyone's).

    One Core query over columns, not ORM objects: the Coding screen reloads
    this after every action, and a focus group may hold thousands of codings.
    """
    query = (
        select(Coding.id, Source.name, Code.key, Code.name, Code.colour, Coder.name, Coding.start, Coding.end,
               Coding.memo, Coding.created_at)
        .join(Source, Source.id == Coding.source_id)
        .join(Code, Code.id == Coding.code_id)
        .join(Coder, Coder.id == Coding.coder_id)
        .where(Coding.source_id == source_id)
        .order_by(Coding.start, Coding.end, Coding.id)
    )
    if coder is not None:
        query = query.where(Coder.name == coder)
    # unpacked by name: SQLAlchemy types a select of ten columns as "ten or more"
    return [
        CodingInfo(id_, source, key, name, colour, coder_name, start, end, memo, created_at)
        for id_, source, key, name, colour, coder_name, start, end, memo, created_at in session.execute(query)
    ]
