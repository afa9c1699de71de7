"""The project's codebook: loading YAML, listing, finding and creating codes."""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass

from sqlalchemy import Table, func, or_, select
from sqlalchemy.orm import Session

from workbench.domain.codebook import MAX_KEY, CodeSpec, default_colour, new_code_key, slugify
from workbench.domain.vocabulary import CodeOrigin
from workbench.errors import InputError, NotFoundError, WorkbenchError
from workbench.store.audit import record_bulk_creates
from workbench.store.bulk import bind_value, insert_rows, json_strings, reserve_ids
from workbench.store.models import Code, Codebook, Coding, utcnow
from workbench.store.values import ValueRefused, check_values

INDUCTIVE_ROOT = "inductive"


@dataclass(frozen=True)
class CodeInfo:
    id: int
    key: str
    name: str
    parent_key: str | None
    origin: str
    definition: str | None
    when_to_use: str | None
    when_not_to_use: str | None
    example: str | None
    keywords: tuple[str, ...]
    colour: str | None
    depth: int
    path: str  # "Bond / Trust"
    codings: int
    version: int
    codable: bool = True  # False: a folder that only groups codes


@dataclass(frozen=True)
class LoadReport:
    codebook: str
    added: list[str]
    updated: list[str]
    unchanged: list[str]


# the columns a codebook file sets on a code, compared with what the project holds
FILE_COLUMNS = ("name", "origin", "definition", "when_to_use", "when_not_to_use", "example", "keywords", "colour",
                "codable", "position", "codebook_id")
_POSITION = FILE_COLUMNS.index("position")
_CHUNK = 500  # keys per IN (...) list
_BULK = 10_000  # new codes per bulk insert


def apply_codebook(
    session: Session, name: str, description: str | None, specs: list[CodeSpec], origin_path: str | None,
    *, keep_places: bool = False,
) -> LoadReport:
    """Merge codes into the project by id: new ones added, changed ones updated. Nothing is deleted.

    ``keep_places``: codes already in the project keep their codebook and position (for files that do
    not carry the whole codebook's order, such as a codebook CSV); new ones go last.

    The project's codes are compared as plain rows (one query); only the codes that change are loaded as
    objects and changed through the ORM (so their versions and audit entries are as any edit's), and new
    codes go in by :func:`add_codes`."""
    book = session.scalar(select(Codebook).where(Codebook.name == name))
    if book is None:
        book = Codebook(name=name, description=description, loaded_from=origin_path)
        session.add(book)
    else:
        book.description, book.loaded_from = description, origin_path
    session.flush()
    held: dict[str, tuple[int, int | None, tuple[object, ...]]] = {}  # key → id, parent id, FILE_COLUMNS values
    positions: list[int] = []
    for code_id, key, parent_id, *stored in session.execute(
            select(Code.id, Code.key, Code.parent_id, *(getattr(Code, c) for c in FILE_COLUMNS))):
        held[key] = (code_id, parent_id, tuple(stored))
        positions.append(stored[_POSITION])
    key_of: dict[int | None, str] = {code_id: key for key, (code_id, _, _) in held.items()}
    last = max(positions, default=-1) + 1 if keep_places else 0
    added: list[str] = []
    changed_first: list[str] = []  # in the order the report lists them: values changed, then moved
    moved_later: list[str] = []
    new_rows: dict[str, tuple[object, ...]] = {}  # key → (key, *FILE_COLUMNS values, keywords as JSON text)
    changes: dict[str, dict[str, object]] = {}  # key → column → new value
    book_id = book.id
    for position, spec in enumerate(specs, start=last):
        code = held.get(spec.key)
        if code is None:
            new_rows[spec.key] = (
                spec.key, spec.name, spec.origin, spec.definition, spec.when_to_use, spec.when_not_to_use, spec.example,
                json_strings(spec.keywords), spec.colour or default_colour(position), spec.codable, position, book_id,
            )
            added.append(spec.key)
            continue
        values: tuple[object, ...] = (
            spec.name, spec.origin, spec.definition, spec.when_to_use, spec.when_not_to_use, spec.example,
            list(spec.keywords), spec.colour or default_colour(position), spec.codable, position, book_id,
        )
        now = code[2]
        if values == now:
            continue
        changed: dict[str, object] = {column: value for column, value, was in zip(FILE_COLUMNS, values, now)
                                      if value != was and not (column == "colour" and not spec.colour)
                                      and not (keep_places and column in ("position", "codebook_id"))}
        if changed:
            changes[spec.key] = changed
            changed_first.append(spec.key)
    moves: dict[str, str | None] = {}  # key → its new parent, a code the project holds
    under_new: list[str] = []  # moved under a new code: set once the new code has its id
    for spec in specs if held else ():
        code = held.get(spec.key)
        if code is None or key_of.get(code[1]) == spec.parent:
            continue
        if spec.parent in new_rows:
            under_new.append(spec.key)
            continue
        moves[spec.key] = spec.parent
        if spec.key not in changes:
            moved_later.append(spec.key)
    loaded = _codes_by_key(session, {*changes, *moves, *(p for p in moves.values() if p), *under_new})
    for key, new_values in changes.items():
        for column, value in new_values.items():
            setattr(loaded[key], column, value)
    for key, parent in moves.items():  # the column itself, so the move is audited (before/after parent_id)
        loaded[key].parent_id = loaded[parent].id if parent else None
    session.flush()
    parents = {spec.key: spec.parent for spec in specs}
    ids = add_codes(session, list(new_rows.values()), parents, {key: code[0] for key, code in held.items()})
    for key in under_new:
        parent = parents[key]
        assert parent is not None
        loaded[key].parent_id = ids[parent]
        if key not in changes and key not in moves:
            moved_later.append(key)
    session.flush()
    updated = changed_first + moved_later
    promoted = set(updated)
    unchanged = [spec.key for spec in specs if spec.key in held and spec.key not in promoted] if held else []
    return LoadReport(name, added, updated, unchanged)


def _codes_by_key(session: Session, keys: set[str]) -> dict[str, Code]:
    wanted = sorted(keys)
    codes: dict[str, Code] = {}
    for start in range(0, len(wanted), _CHUNK):
        codes.update((c.key, c) for c in session.scalars(select(Code).where(Code.key.in_(wanted[start:start + _CHUNK]))))
    return codes


def add_codes(session: Session, rows: list[tuple[object, ...]], parents: dict[str, str | None],
              known: dict[str, int]) -> dict[str, int]:
    """Many new codes at once (a codebook file): ``rows`` are ``(key, *FILE_COLUMNS values)``, the keywords as
    JSON text (:func:`~workbench.store.bulk.json_strings`); ``parents``
    maps each key to its parent's key. Numbered a tree level at a time (a parent before its children),
    inserted in bulk statements and each audited as :func:`add_code`'s ORM path would be. Returns
    key -> id for all codes."""
    ids = dict(known)
    ordered = _parents_first(rows, parents, ids)
    if not ordered:
        return ids
    table = Code.__table__
    assert isinstance(table, Table)
    connection = session.connection()
    columns = ("id", "key", "parent_id", *FILE_COLUMNS, "version", "created_at", "updated_at")
    now = bind_value(connection, table, "created_at", utcnow())
    ids.update(zip((key for key, _ in ordered), reserve_ids(connection, table, len(ordered))))
    complete = [(ids[key], key, ids[parent] if (parent := parents.get(key)) else None, *row[1:], 1, now, now)
                for key, row in ordered]
    for start in range(0, len(complete), _BULK):  # in slices, so a large codebook's rows and audit are not all in memory
        part = complete[start:start + _BULK]
        try:  # checked column by column before anything is written
            insert_rows(connection, table, columns, part, converted=("keywords", "created_at", "updated_at"))
        except ValueRefused:  # name the value a row-by-row check meets first: the first in the file
            for row in part:
                check_values(table, dict(zip(columns, row)))
            raise
        record_bulk_creates(session, Code, part, columns, json_text=("keywords",))
    return ids


def _parents_first(rows: list[tuple[object, ...]], parents: dict[str, str | None],
                   known: Container[str]) -> list[tuple[str, tuple[object, ...]]]:
    """``(key, row)`` a tree level at a time: first the codes whose parent is ``known`` (or none), then
    their children, …; in file order within a level. Computed as each code's depth below ``known`` when
    every parent comes before its children in ``rows`` (nested codes always do), else level by level."""
    depth: dict[str, int] = {}
    for row in rows:
        key = str(row[0])
        parent = parents.get(key)
        if parent is None or parent in known:
            depth[key] = 0
        elif parent in depth:
            depth[key] = depth[parent] + 1
        else:  # a `parent:` named further down the file (or not at all)
            break
    else:
        return sorted(((str(row[0]), row) for row in rows), key=lambda item: depth[item[0]])  # stable
    placed = set()
    pending = {str(row[0]): row for row in rows}
    ordered: list[tuple[str, tuple[object, ...]]] = []
    while pending:
        level = [(key, row) for key, row in pending.items()
                 if (parent := parents.get(key)) is None or parent in known or parent in placed]
        if not level:
            raise WorkbenchError(f"the parents of {', '.join(sorted(pending)[:3])} are not in the codebook")
        for key, _ in level:
            del pending[key]
            placed.add(key)
        ordered += level
    return ordered


def list_codes(session: Session) -> list[CodeInfo]:
    """All codes in tree order (parents before children, siblings by position)."""
    codes = session.scalars(select(Code)).all()
    counts = dict(session.execute(select(Coding.code_id, func.count()).group_by(Coding.code_id)).all())
    by_parent: dict[int | None, list[Code]] = {}
    for code in codes:
        by_parent.setdefault(code.parent_id, []).append(code)
    keys = {c.id: c.key for c in codes}
    result: list[CodeInfo] = []

    def walk(parent_id: int | None, depth: int, prefix: str) -> None:
        for code in sorted(by_parent.get(parent_id, []), key=lambda c: (c.position, c.name.lower())):
            path = f"{prefix}{code.name}"
            result.append(
                CodeInfo(
                    code.id,
                    code.key,
                    code.name,
                    keys.get(code.parent_id) if code.parent_id else None,
                    code.origin,
                    code.definition,
                    code.when_to_use,
                    code.when_not_to_use,
                    code.example,
                    tuple(code.keywords or ()),
                    code.colour,
                    depth,
                    path,
                    counts.get(code.id, 0),
                    code.version,
                    code.codable,
                )
            )
            walk(code.id, depth + 1, path + " / ")

    walk(None, 0, "")
    return result


def find_code(session: Session, ref: str) -> Code | None:
    """A code by id (key) or, failing that, by name (case-insensitive, unique)."""
    ref = ref.strip()
    code = session.scalar(select(Code).where(Code.key == ref))
    if code is not None:
        return code
    matches = session.scalars(select(Code).where(func.lower(Code.name) == ref.lower())).all()
    return matches[0] if len(matches) == 1 else None


def require_codable(code: Code) -> None:
    """Refuse a folder (a code that only groups codes) as the code of a new coding."""
    if not code.codable:
        raise WorkbenchError(
            f"{code.name!r} is a folder that only groups codes; code with one of its sub-codes "
            "(or make it codable in the Codebook screen)"
        )


def require_code(session: Session, ref: str, *, by_name: bool = True) -> Code:
    """The code with key ``ref`` (or, when ``by_name``, the one code of that name): the one lookup that refuses."""
    code = find_code(session, ref) if by_name else session.scalar(select(Code).where(Code.key == ref))
    if code is None:
        raise NotFoundError(f"no code {ref!r}; see 'workbench codebook show' (a code may have been deleted or merged)")
    return code


def inductive_root(session: Session) -> Code:
    root = session.scalar(select(Code).where(Code.key == INDUCTIVE_ROOT))
    if root is None:
        root = Code(key=INDUCTIVE_ROOT, name="Inductive codes", origin="inductive", keywords=[], position=10_000,
                    definition="Codes created while coding, not derived from the framework.")
        session.add(root)
        session.flush()
    return root


def create_inductive_code(session: Session, name: str, parent: Code | None = None, coder_id: int | None = None) -> Code:
    """A new inductive code, under ``parent`` or else the inductive root.

    ``name`` is either a display name ("Feeling judged", key derived from it)
    or a dotted id ("inductive.feeling_judged", from a spreadsheet), whose
    prefix names the parent when such a code exists.
    """
    name = name.strip()
    if not name:
        raise InputError("code", "a code needs a name")
    key = None
    if _looks_like_key(name):
        prefix, _, last = name.rpartition(".")
        parent = parent or session.scalar(select(Code).where(Code.key == prefix)) or inductive_root(session)
        key, name = name, last.replace("_", " ").replace("-", " ").capitalize()
    return add_code(session, name, parent=parent or inductive_root(session), key=key, origin=CodeOrigin.INDUCTIVE,
                    created_by_id=coder_id)


def add_code(
    session: Session,
    name: str,
    *,
    parent: Code | None = None,
    key: str | None = None,
    origin: str | None = None,
    codebook_id: int | None = None,
    colour: str | None = None,
    position: int | None = None,
    keywords: Iterable[str] = (),
    taken: Container[str] | None = None,
    flush: bool = True,
    **fields: object,
) -> Code:
    """The one way a code is made: the Codebook form, an inductive code from the picker, a YAML codebook
    and a REFI-QDA merge all come here, so a new code gets the same key, origin, codebook, position and
    colour whoever makes it.

    Key: ``key`` when it is a valid, free id, else derived from the name under the parent
    (:func:`~workbench.domain.codebook.new_code_key`). Origin and codebook: the parent's unless given
    (inductive at the top level). Position: last among its siblings unless given. Colour: the palette's
    colour for that position unless given. ``taken`` (known keys) saves the look-up; ``fields`` are the
    code's other columns (definition, when_to_use, …, codable, created_by_id).
    """
    if taken is None:
        stems = {(f"{parent.key}.{slugify(name)}" if parent else slugify(name))[: MAX_KEY - 6], *([key] if key else [])}
        taken = set(session.scalars(select(Code.key).where(or_(*(Code.key.like(f"{stem}%") for stem in stems)))))
    if position is None:
        siblings = Code.parent_id == parent.id if parent is not None else Code.parent_id.is_(None)
        last = session.scalar(select(func.max(Code.position)).where(siblings))
        position = 0 if last is None else last + 1
    code = Code(
        key=new_code_key(name, parent.key if parent else None, taken, key),
        name=name,
        parent=parent,
        origin=origin or (parent.origin if parent else CodeOrigin.INDUCTIVE),
        codebook_id=codebook_id if codebook_id is not None else (parent.codebook_id if parent else None),
        keywords=list(keywords),
        colour=colour or default_colour(position),
        position=position,
        **fields,
    )
    session.add(code)
    if flush:
        session.flush()
    return code


def _looks_like_key(name: str) -> bool:
    from workbench.domain.codebook import CODE_ID

    return "." in name and bool(CODE_ID.match(name))
