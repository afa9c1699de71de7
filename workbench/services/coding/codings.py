"""Codings: applying and removing codes, and the CSV exchange format.

CSV columns (see :mod:`workbench.services.coding.csv_import` for the import): ``source,code,start,end,coder,memo`` — offsets are 0-based,
end-exclusive code points into the source's stored plain text (what
``workbench text SOURCE`` prints). ``code`` is a code id or name. A text cell
that a spreadsheet would run as a formula is exported with a leading ``'``
(:mod:`workbench.domain.cells`), which the import takes off again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.atomic import write_text
from workbench.domain.spans import check_span
from workbench.errors import NotFoundError, WorkbenchError
from workbench.services.codebook.codes import require_codable
from workbench.services.coding.csv_import import CSV_COLUMNS, CsvImportReport, import_codings_csv  # noqa: F401 - streamed there
from workbench.services.export.sheets import csv_text
from workbench.store.engine import Project
from workbench.store.integrity import require_intact_codings
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


def export_codings_csv(project: Project, path: Path, coder: str | None = None) -> int:
    with project.session() as session:
        require_intact_codings(session)
        query = (
            select(Source.name, Code.key, Coding.start, Coding.end, Coder.name, Coding.memo)
            .join(Source, Source.id == Coding.source_id)
            .join(Code, Code.id == Coding.code_id)
            .join(Coder, Coder.id == Coding.coder_id)
            .order_by(Source.name, Coding.start, Coding.end, Code.key, Coder.name)
        )
        if coder is not None:
            if session.scalar(select(func.count()).select_from(Coder).where(Coder.name == coder)) == 0:
                raise NotFoundError(f"no coder {coder!r} in this project")
            query = query.where(Coder.name == coder)
        rows = session.execute(query).all()
    write_text(path, csv_text(CSV_COLUMNS, ([*row[:5], row[5] or ""] for row in rows)))
    return len(rows)
