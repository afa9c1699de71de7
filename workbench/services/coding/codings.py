"""Codings: applying and removing codes, and the CSV exchange format.

CSV columns: ``source,code,start,end,coder,memo`` — offsets are 0-based,
end-exclusive code points into the source's stored plain text (what
``workbench text SOURCE`` prints). ``code`` is a code id or name. A text cell
that a spreadsheet would run as a formula is exported with a leading ``'``
(:mod:`workbench.domain.cells`), which the import takes off again.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.atomic import write_text
from workbench.domain.cells import unprotect_cell
from workbench.domain.spans import check_span
from workbench.errors import InputError, NotFoundError, WorkbenchError
from workbench.services.codebook.codes import create_inductive_code, find_code, require_codable
from workbench.services.export.sheets import csv_text
from workbench.services.project.coders import check_coder_name, get_or_create_coder
from workbench.store.engine import Project
from workbench.store.integrity import require_intact_codings
from workbench.store.models import Code, Coder, Coding, Source

CSV_COLUMNS = ("source", "code", "start", "end", "coder", "memo")
MAX_ERRORS_LISTED = 20


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
    return [CodingInfo(*row) for row in session.execute(query)]


@dataclass(frozen=True)
class CsvImportReport:
    imported: int
    duplicates: int
    created_codes: list[str]
    coders: list[str]


@dataclass(frozen=True)
class _Row:
    line: int
    source: str
    code: str
    start: int
    end: int
    coder: str
    memo: str | None


def read_codings_csv(path: Path, default_coder: str) -> list[_Row]:
    """Parse and check the shape of a codings CSV; every problem names its line."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot read the codings file ({error.strerror})") from None
    from workbench.services.importing.readers import decode_text

    if not raw.strip():
        raise InputError(path, "the codings file is empty; it needs the header source,code,start,end", 1)
    text, _ = decode_text(path, raw)
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader)]
    missing = [c for c in ("source", "code", "start", "end") if c not in header]
    if missing:
        raise InputError(path, f"missing column(s) {', '.join(missing)}; the header must be {','.join(CSV_COLUMNS)}", 1)
    index = {name: header.index(name) for name in CSV_COLUMNS if name in header}
    rows: list[_Row] = []
    errors: list[tuple[int, str]] = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < len(header):
            cells = cells + [""] * (len(header) - len(cells))

        def cell(name: str) -> str:  # a leading ' that protect_cell added on export comes off again
            return unprotect_cell(cells[index[name]].strip()) if name in index else ""

        try:
            start, end = int(cell("start")), int(cell("end"))
        except ValueError:
            errors.append((number, f"start and end must be whole numbers (got {cell('start')!r}, {cell('end')!r})"))
            continue
        coder = cell("coder") or default_coder
        try:
            check_coder_name(coder)
        except WorkbenchError as error:
            errors.append((number, str(error)))
            continue
        if not cell("source") or not cell("code"):
            errors.append((number, "source and code must not be empty"))
            continue
        rows.append(_Row(number, cell("source"), cell("code"), start, end, coder, cell("memo") or None))
    if errors:
        raise _bad_rows(path, errors)
    return rows


def _bad_rows(path: Path, errors: list[tuple[int, str]]) -> InputError:
    """One line for all bad rows: the first in full, the others by line number."""
    line, message = errors[0]
    if len(errors) > 1:
        others = ", ".join(str(n) for n, _ in errors[1:MAX_ERRORS_LISTED])
        cut = ", ..." if len(errors) > MAX_ERRORS_LISTED else ""
        message += f" (and {len(errors) - 1} more bad rows, lines {others}{cut})"
    return InputError(path, f"{message}; nothing was imported", line)


def import_codings_csv(project: Project, path: Path, default_coder: str, create_missing: bool = False) -> CsvImportReport:
    rows = read_codings_csv(path, default_coder)
    with project.session() as session:
        sources = {s.name: s for s in session.scalars(select(Source).where(Source.name.in_({r.source for r in rows})))}
        codes: dict[str, Code | None] = {}
        errors: list[tuple[int, str]] = []
        created: list[str] = []
        for row in rows:
            source = sources.get(row.source)
            if source is None:
                errors.append((row.line, f"no source {row.source!r} in the project"))
                continue
            if row.code not in codes:
                codes[row.code] = find_code(session, row.code)
                if codes[row.code] is None and create_missing:
                    codes[row.code] = create_inductive_code(session, row.code)
                    created.append(codes[row.code].key)  # type: ignore[union-attr]
            if codes[row.code] is None:
                errors.append((row.line, f"no code {row.code!r} (use --create-missing-codes to create it)"))
                continue
            if not codes[row.code].codable:  # type: ignore[union-attr]
                errors.append((row.line, f"code {row.code!r} is a folder that only groups codes; use one of its sub-codes"))
                continue
            problem = check_span(row.start, row.end, len(source.text))
            if problem:
                errors.append((row.line, f"{problem} of source {row.source!r}"))
        if errors:
            raise _bad_rows(path, errors)
        coders = {name: get_or_create_coder(session, name) for name in sorted({r.coder for r in rows})}
        existing = set(
            session.execute(
                select(Coding.source_id, Coding.code_id, Coding.coder_id, Coding.start, Coding.end).where(
                    Coding.coder_id.in_([c.id for c in coders.values()])
                )
            ).all()
        )
        imported = duplicates = 0
        new_rows = []
        for row in rows:
            key = (sources[row.source].id, codes[row.code].id, coders[row.coder].id, row.start, row.end)  # type: ignore[union-attr]
            if key in existing:
                duplicates += 1
                continue
            existing.add(key)
            new_rows.append(
                Coding(source_id=key[0], code_id=key[1], coder_id=key[2], start=row.start, end=row.end, memo=row.memo)
            )
            imported += 1
        session.add_all(new_rows)
    return CsvImportReport(imported, duplicates, created, sorted(coders))


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
