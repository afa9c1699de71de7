"""The codings CSV: exporting a layer's codings, and importing them streamed (any size in bounded memory,
still all-or-nothing).

Columns: ``source,code,start,end,coder,memo``. Offsets are 0-based, end-exclusive code points into the
source's stored plain text (what ``workbench text SOURCE`` prints); ``code`` is a code id or name. A text
cell that a spreadsheet would run as a formula is exported with a leading ``'``
(:mod:`workbench.domain.cells`), which the import takes off again.

The file is read in chunks of :data:`CHUNK_ROWS` rows inside one
transaction. Each chunk is checked (shape, source, code, span), checked
against what is already in the project (duplicates are skipped), inserted
with one ``executemany`` and audited like any other new coding. A bad row
anywhere stops the inserting but not the checking, so the error names every
bad line (up to :data:`MAX_ERRORS_LISTED`); then the transaction rolls back
and nothing was imported.

Memory holds one chunk, the project's source names and lengths (never the
texts), the codes and coders met, and one packed integer per coding of the
coders involved (for duplicates).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workbench.atomic import write_text
from workbench.domain.cells import unprotect_cell
from workbench.domain.spans import check_span
from workbench.errors import InputError, NotFoundError, WorkbenchError
from workbench.services.codebook.codes import create_inductive_code, find_code
from workbench.services.export.sheets import csv_text
from workbench.services.importing.readers import stream_encoding
from workbench.services.project.coders import check_coder_name, get_or_create_coder
from workbench.store.audit import record_bulk_creates
from workbench.store.bulk import bind_value, insert_rows, reserve_ids
from workbench.store.engine import Project
from workbench.store.integrity import require_intact_codings
from workbench.store.models import Code, Coder, Coding, Source, utcnow
from workbench.store.values import from_file

CSV_COLUMNS = ("source", "code", "start", "end", "coder", "memo")
MAX_ERRORS_LISTED = 20
CHUNK_ROWS = 20_000
INSERT_COLUMNS = ("id", "source_id", "code_id", "coder_id", "start", "end", "memo", "created_at", "updated_at")
_ID_BITS, _OFFSET_BITS = 24, 32  # a coding key packed into one int; wider values fall back to tuples


@dataclass(frozen=True)
class CsvImportReport:
    imported: int
    duplicates: int
    created_codes: list[str]
    coders: list[str]


class _Row(NamedTuple):  # a tuple: a million of them are made, and a frozen dataclass is slow to build
    line: int
    source: str
    code: str
    start: int
    end: int
    coder: str
    memo: str | None


class _Errors:
    """Bad rows: the first in full, then line numbers; counted past what is listed."""

    def __init__(self) -> None:
        self.first: tuple[int, str] | None = None
        self.lines: list[int] = []
        self.count = 0

    def add(self, line: int, message: str) -> None:
        self.count += 1
        if self.first is None:
            self.first = (line, message)
        elif len(self.lines) < MAX_ERRORS_LISTED - 1:
            self.lines.append(line)

    def error(self, path: Path) -> InputError:
        assert self.first is not None
        line, message = self.first
        if self.count > 1:
            cut = ", ..." if self.count - 1 > len(self.lines) else ""
            message += f" (and {self.count - 1} more bad rows, lines {', '.join(map(str, self.lines))}{cut})"
        return InputError(path, f"{message}; nothing was imported", line)


def read_rows(path: Path, default_coder: str, errors: _Errors) -> Iterator[_Row]:
    """The file's rows, shape-checked, one at a time (bad ones go to ``errors``); every problem names its line."""
    encoding = stream_encoding(path)
    try:
        with path.open(encoding=encoding, newline="") as handle:
            reader = csv.reader(handle)
            try:
                header = [h.strip().lower() for h in next(reader)]
            except StopIteration:
                header = []
            if not any(header):
                raise InputError(path, "the codings file is empty; it needs the header source,code,start,end", 1)
            missing = [c for c in ("source", "code", "start", "end") if c not in header]
            if missing:
                raise InputError(path, f"missing column(s) {', '.join(missing)}; the header must be {','.join(CSV_COLUMNS)}", 1)
            columns = tuple(header.index(name) if name in header else -1 for name in CSV_COLUMNS)
            width = len(header)
            coders_seen: set[str] = set()
            while True:
                line = reader.line_num + 1
                cells = next(reader, None)
                if cells is None:
                    return
                row = _parse(cells, columns, width, line, default_coder, errors, coders_seen)
                if row is not None:
                    yield row
    except UnicodeDecodeError as error:
        raise InputError(path, f"cannot decode byte {error.object[error.start]:#04x} as UTF-8 or Windows-1252; "
                         "save the file as UTF-8") from None
    except csv.Error as error:
        raise InputError(path, f"is not a readable CSV file ({error})") from None


def _parse(cells: list[str], columns: tuple[int, ...], width: int, line: int, default_coder: str, errors: _Errors,
           coders_seen: set[str]) -> _Row | None:
    """One record → a row; ``columns`` are the indexes of source, code, start, end, coder, memo (-1: absent)."""
    if len(cells) < width:
        if not any(c.strip() for c in cells):
            return None
        cells = cells + [""] * (width - len(cells))
    # a leading ' that protect_cell added on export (against spreadsheet formulas) comes off again
    source, code = unprotect_cell(cells[columns[0]].strip()), unprotect_cell(cells[columns[1]].strip())
    start_text, end_text = unprotect_cell(cells[columns[2]].strip()), unprotect_cell(cells[columns[3]].strip())
    coder = unprotect_cell(cells[columns[4]].strip()) if columns[4] >= 0 else ""
    memo = unprotect_cell(cells[columns[5]].strip()) if columns[5] >= 0 else ""
    try:
        start, end = int(start_text), int(end_text)  # int() ignores surrounding blanks
    except ValueError:
        if not any(c.strip() for c in cells):
            return None
        errors.add(line, f"start and end must be whole numbers (got {start_text.strip()!r}, {end_text.strip()!r})")
        return None
    coder = coder or default_coder
    if coder not in coders_seen:
        try:
            check_coder_name(coder)
        except WorkbenchError as error:
            errors.add(line, str(error))
            return None
        coders_seen.add(coder)
    if not source or not code:
        errors.add(line, "source and code must not be empty")
        return None
    if "\r" in memo:
        memo = memo.replace("\r\n", "\n").replace("\r", "\n")
    return _Row(line, source, code, start, end, coder, memo or None)


def _chunks(rows: Iterator[_Row]) -> Iterator[list[_Row]]:
    chunk: list[_Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _pack(key: tuple[int, int, int, int, int]) -> int | tuple[int, int, int, int, int]:
    """The key as one int (about half the memory of the tuple); a tuple when a value does not fit."""
    source_id, code_id, coder_id, start, end = key
    if (source_id | code_id | coder_id) >> _ID_BITS or (start | end) >> _OFFSET_BITS or start < 0:
        return key
    return ((((source_id << _ID_BITS | code_id) << _ID_BITS | coder_id) << _OFFSET_BITS | start) << _OFFSET_BITS) | end


class _Importer:
    def __init__(self, session: Session, path: Path, create_missing: bool) -> None:
        self.session, self.path, self.create_missing = session, path, create_missing
        self.sources = {name: (sid, length) for name, sid, length in
                        session.execute(select(Source.name, Source.id, func.length(Source.text)))}
        self.codes: dict[str, tuple[int, bool] | None] = {}  # reference → (code id, codable)
        self.coders: dict[str, int] = {}
        self.created: list[str] = []
        self.existing: set[int | tuple[int, int, int, int, int]] = set()
        self.imported = self.duplicates = 0

    def code(self, reference: str) -> tuple[int, bool] | None:
        if reference not in self.codes:
            code = find_code(self.session, reference)
            if code is None and self.create_missing:
                code = create_inductive_code(self.session, reference)
                self.created.append(code.key)
            self.codes[reference] = (code.id, code.codable) if code is not None else None
        return self.codes[reference]

    def coder(self, name: str) -> int:
        if name not in self.coders:
            coder_id = get_or_create_coder(self.session, name).id
            self.coders[name] = coder_id
            rows = self.session.execute(
                select(Coding.source_id, Coding.code_id, Coding.coder_id, Coding.start, Coding.end)
                .where(Coding.coder_id == coder_id).execution_options(yield_per=50_000)
            )
            self.existing.update(_pack((source, code, coder, start, end)) for source, code, coder, start, end in rows)
        return self.coders[name]

    def check(self, chunk: list[_Row], errors: _Errors) -> list[tuple[_Row, tuple[int, int, int, int, int]]]:
        keyed = []
        sources, codes, coders = self.sources, self.codes, self.coders
        for row in chunk:
            source = sources.get(row.source)
            if source is None:
                errors.add(row.line, f"no source {row.source!r} in the project")
                continue
            code = codes[row.code] if row.code in codes else self.code(row.code)
            if code is None:
                errors.add(row.line, f"no code {row.code!r} (use --create-missing-codes to create it)")
                continue
            if not code[1]:
                errors.add(row.line, f"code {row.code!r} is a folder that only groups codes; use one of its sub-codes")
                continue
            if not 0 <= row.start < row.end <= source[1]:
                errors.add(row.line, f"{check_span(row.start, row.end, source[1])} of source {row.source!r}")
                continue
            coder_id = coders[row.coder] if row.coder in coders else self.coder(row.coder)
            keyed.append((row, (source[0], code[0], coder_id, row.start, row.end)))
        return keyed

    def insert(self, keyed: list[tuple[_Row, tuple[int, int, int, int, int]]]) -> None:
        fresh = []
        for row, key in keyed:
            packed = _pack(key)
            if packed in self.existing:
                self.duplicates += 1
                continue
            self.existing.add(packed)
            fresh.append((row, key))
        if not fresh:
            return
        connection = self.session.connection()
        ids = reserve_ids(connection, Coding.__table__, len(fresh))
        now = bind_value(connection, Coding.__table__, "created_at", utcnow())
        insert_rows(connection, Coding.__table__, INSERT_COLUMNS,
                    [(coding_id, *key, row.memo, now, now) for coding_id, (row, key) in zip(ids, fresh)],
                    converted=("created_at", "updated_at"))
        snapshots = [  # as the audit trail snapshots a Coding (store/audit.py), column order included
            {"id": coding_id, "code_id": key[1], "source_id": key[0], "coder_id": key[2], "start": key[3], "end": key[4],
             "memo": row.memo}
            for coding_id, (row, key) in zip(ids, fresh)
        ]
        record_bulk_creates(self.session, Coding, snapshots)
        self.imported += len(fresh)


def import_codings_csv(project: Project, path: Path, default_coder: str, create_missing: bool = False) -> CsvImportReport:
    """Import a codings CSV in one transaction, streamed in chunks (see the module docstring)."""
    errors = _Errors()
    with from_file(path), project.session() as session:
        importer = _Importer(session, path, create_missing)
        for chunk in _chunks(read_rows(path, default_coder, errors)):
            keyed = importer.check(chunk, errors)
            if not errors.count:
                importer.insert(keyed)
        if errors.count:
            raise errors.error(path)
    return CsvImportReport(importer.imported, importer.duplicates, importer.created, sorted(importer.coders))


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
