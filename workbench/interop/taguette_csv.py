"""Codebooks as Taguette's CSV: columns ``tag`` and ``description`` (what Taguette imports and exports).

Taguette has no code hierarchy, no colours and no folders, and imports codebooks only as CSV. Writing:
one row per codable code, ``tag`` is the path of names (``Bond/Trust``; ``--flat``: the name alone) and
``description`` the definition followed by our labelled lines ("When to use:", "When not to use:",
"Example:", "Keywords:"). Folders are not rows: they live on in the paths of their codes.

Reading (``workbench codebook load FILE.csv``) takes this layout and Taguette's own export (``tag``,
``description``, ``number of highlights``, ``number of documents``) or any CSV with one ``tag``, ``name``
or ``path`` column and an optional ``description``; other columns are ignored. A path is matched against
the project's codes by names (case-insensitive), and a one-part path also by a name found only once in
the codebook (a flat export comes back onto the same codes); what matches keeps its key, origin and
colour, and an empty description leaves its text as it is. Anything else is added, with a key made
from its path; parents named only in a path are added as folders.

Cells that a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``, tab or CR) are
written with a leading apostrophe, which reading removes again (:mod:`workbench.domain.cells`, the rule
every CSV export follows).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from workbench.atomic import write_text
from workbench.domain.cells import unprotect_cell
from workbench.domain.codebook import CodeSpec, slugify
from workbench.errors import InputError, WorkbenchError
from workbench.interop.model import CodeText, join_code_description, split_code_description
from workbench.services.codebook.codes import CodeInfo, LoadReport, apply_codebook, list_codes
from workbench.services.export.sheets import csv_text
from workbench.store.engine import Project

HEADER = ("tag", "description")
PATH_COLUMNS = ("tag", "name", "path")
MAX_NAME = 255


@dataclass(frozen=True)
class CsvCodebookExport:
    path: str
    codes: int
    folders: int  # folders written only as parts of paths (or, flat, left out)
    flat: bool

    def line(self) -> str:
        how = "flat names" if self.flat else "parent/child paths"
        folders = f"; {self.folders} folders only as path parts" if self.folders and not self.flat else (
            f"; {self.folders} folders left out" if self.folders else "")
        return f"{self.path}: {self.codes} codes written as Taguette's codebook CSV ({how}{folders})"


@dataclass(frozen=True)
class CsvTag:
    parts: tuple[str, ...]
    description: str
    line: int


def codebook_rows(codes: list[CodeInfo], *, flat: bool = False, separator: str = "/") -> tuple[list[tuple[str, str]], int]:
    """(tag, description) rows for the codable codes, in tree order, and how many folders were not rows."""
    by_key = {c.key: c for c in codes}
    if not flat:
        clashing = [c.name for c in codes if separator in c.name]
        if clashing:
            raise WorkbenchError(
                f"code name {clashing[0]!r} contains the path separator {separator!r}; choose another with --separator"
            )
    rows: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for code in codes:
        if not code.codable:
            continue
        names = [code.name]
        parent = code.parent_key
        while parent is not None and not flat:
            names.insert(0, by_key[parent].name)
            parent = by_key[parent].parent_key
        tag = separator.join(names)
        if tag.lower() in seen:
            raise WorkbenchError(
                f"two codes would both be written as {tag!r} ({seen[tag.lower()]} and {code.key}); export without --flat"
            )
        seen[tag.lower()] = code.key
        description = join_code_description(
            code.definition, code.when_to_use, code.when_not_to_use, code.example, code.keywords, None
        )
        rows.append((tag, description))
    return rows, sum(1 for c in codes if not c.codable)


def export_codebook_csv(project: Project, out: Path, *, flat: bool = False, separator: str = "/") -> CsvCodebookExport:
    if out.suffix.lower() != ".csv":
        raise WorkbenchError(f"{out}: a Taguette codebook must end in .csv")
    if not separator:
        raise WorkbenchError("--separator must not be empty")
    with project.session() as session:
        codes = list_codes(session)
    if not codes:
        raise WorkbenchError("the project has no codes; load or create a codebook before exporting it")
    rows, folders = codebook_rows(codes, flat=flat, separator=separator)
    write_text(out, csv_text(HEADER, rows))
    return CsvCodebookExport(str(out), len(rows), folders, flat)


# --- reading -----------------------------------------------------------------------------------


def _decode(path: Path, data: bytes) -> str:
    if b"\x00" in data:
        raise InputError(path, "is not a CSV text file; export the codebook as CSV")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_codebook_csv(text: str, path: str | Path, separator: str = "/") -> list[CsvTag]:
    """Rows of a codebook CSV; every problem names its line. ``separator`` "" reads every tag as one name."""
    reader = csv.reader(io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n")))
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except StopIteration:
        raise InputError(path, "the codebook CSV is empty; it needs a header with a 'tag' column", 1) from None
    except csv.Error as error:
        raise InputError(path, f"is not valid CSV ({error})", 1) from None
    found = [name for name in PATH_COLUMNS if name in header]
    if len(found) != 1:
        problem = "no 'tag', 'name' or 'path' column" if not found else f"more than one tag column ({', '.join(found)})"
        raise InputError(path, f"{problem}; the header must be tag,description", 1)
    column = header.index(found[0])
    described = header.index("description") if "description" in header else None
    tags: list[CsvTag] = []
    first: dict[tuple[str, ...], int] = {}
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) <= max(column, described or 0):
                raise InputError(path, f"too few columns (the header has {len(header)})", number)
            tag = unprotect_cell(cells[column].strip())
            parts = tuple(p.strip() for p in tag.split(separator)) if separator else (tag,)
            if not tag or not all(parts):
                raise InputError(path, f"empty tag name in {tag!r}; give every code (and every path part) a name", number)
            if any(len(p) > MAX_NAME for p in parts):
                raise InputError(path, f"a tag name is longer than {MAX_NAME} characters", number)
            key = tuple(p.lower() for p in parts)
            if key in first:
                raise InputError(path, f"tag {tag!r} appears twice (first on line {first[key]})", number)
            first[key] = number
            description = unprotect_cell(cells[described].strip()) if described is not None else ""
            tags.append(CsvTag(parts, description, number))
    except csv.Error as error:
        raise InputError(path, f"is not valid CSV ({error})", reader.line_num) from None
    if not tags:
        raise InputError(path, "the codebook CSV has a header but no tags", 2)
    return tags


def codebook_specs(session: Session, tags: list[CsvTag]) -> list[CodeSpec]:
    """Match tags to the project's codes by path (see the module docstring) and build the specs to merge."""
    codes = list_codes(session)
    by_key = {c.key: c for c in codes}
    by_path: dict[tuple[str, ...], CodeInfo] = {}
    by_name: dict[str, list[CodeInfo]] = {}
    for code in codes:
        by_path[_name_path(code, by_key)] = code
        by_name.setdefault(code.name.lower(), []).append(code)
    keys = set(by_key)
    resolved: dict[tuple[str, ...], tuple[str, str]] = {}  # lower path → (key, origin)
    specs: dict[str, CodeSpec] = {}

    def resolve(parts: tuple[str, ...], line: int) -> tuple[str, str]:
        lower = tuple(p.lower() for p in parts)
        if lower in resolved:
            return resolved[lower]
        match = by_path.get(lower)
        if match is None and len(parts) == 1 and len(by_name.get(lower[0], [])) == 1:
            match = by_name[lower[0]][0]
        if match is not None:
            resolved[lower] = (match.key, match.origin)
            return resolved[lower]
        parent_key, origin = resolve(parts[:-1], line) if len(parts) > 1 else (None, "deductive")
        base = f"{parent_key}.{slugify(parts[-1])}" if parent_key else slugify(parts[-1])
        key, number = base, 2
        while key in keys:
            key, number = f"{base}_{number}", number + 1
        keys.add(key)
        specs[key] = CodeSpec(key=key, name=parts[-1], parent=parent_key, origin=origin, codable=False, line=line)
        resolved[lower] = (key, origin)
        return resolved[lower]

    ordered: list[str] = []
    for tag in tags:
        key, origin = resolve(tag.parts, tag.line)
        existing = by_key.get(key)
        text: CodeText | CodeInfo  # the description fields: the file's, else the code's in the project, else none
        if tag.description.strip():
            text = split_code_description(tag.description, strict=False)
        elif existing is not None:
            text = existing
        else:
            text = CodeText(None)
        parent = existing.parent_key if existing is not None else specs[key].parent
        specs[key] = CodeSpec(key=key, name=existing.name if existing else tag.parts[-1], parent=parent, origin=origin,
                              colour=existing.colour if existing else None, codable=True, line=tag.line,
                              definition=text.definition, when_to_use=text.when_to_use,
                              when_not_to_use=text.when_not_to_use, example=text.example, keywords=text.keywords)
        ordered.append(key)
    folders = [k for k in specs if k not in ordered]
    return [specs[k] for k in folders + ordered]


def _name_path(code: CodeInfo, by_key: dict[str, CodeInfo]) -> tuple[str, ...]:
    names = [code.name.lower()]
    parent = code.parent_key
    while parent is not None:
        names.insert(0, by_key[parent].name.lower())
        parent = by_key[parent].parent_key
    return tuple(names)


def load_codebook_csv(project: Project, path: Path, separator: str = "/") -> LoadReport:
    """Merge a codebook CSV into the project (one transaction)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot read the codebook ({error.strerror})") from None
    tags = parse_codebook_csv(_decode(path, data), path, separator)
    with project.session() as session:
        specs = codebook_specs(session, tags)
        return apply_codebook(session, f"{path.stem} (codebook CSV)", None, specs, str(path), keep_places=True)
